// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Stored events. One record per event, in Table::kEvents under
// "v" + 8-byte hash of the user id + 8-byte inverted time + 8 random bytes.
// The event id is the hex of those 24 bytes, so one key serves both a lookup
// by id and a user's history, newest first, by a prefix scan (records of
// another user whose id hashes alike are skipped by comparing user ids).

#ifndef VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_
#define VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/profile_record.h"
#include "vigil/event.h"

namespace vigil::internal {

// What a trusted outcome of this event teaches the profile.
struct LearnableFeatures {
  // Hash per Feature; 0: the feature was unknown for this attempt.
  std::array<uint64_t, kFeatureCount> hashes = {};
  bool has_location = false;
  double latitude = 0;
  double longitude = 0;
  int32_t accuracy_km = 0;
};

struct StoredEvent {
  Event event;
  LearnableFeatures features;
  // Whether the profile already learned from this event.
  bool learned = false;
  // One-click feedback links redeemed, bit per FeedbackValue (each link
  // works once).
  uint8_t links_used = 0;
  // Whether "not me" feedback on this event is in force (its IP and network
  // distrusted, a password reset asked for); the opposite feedback undoes it.
  bool distrusted = false;

  std::string Encode() const;
  // False if `data` is not an event record of a known version.
  bool Decode(absl::string_view data);
};

inline constexpr size_t kEventIdHexLength = 48;

// A new event id for `user_id` at `time_nanos`, with 8 random bytes.
absl::StatusOr<std::string> NewEventId(absl::string_view user_id,
                                       int64_t time_nanos);
// The key of an event id; false if `event_id` is not one (48 hex digits).
bool EventKey(absl::string_view event_id, std::string* key);
// The time of the event stored under `key`, from the key alone (for
// retention); false if `key` is not an event key.
bool EventKeyTime(absl::string_view key, absl::Time* time);
// The key prefix of all events of `user_id`.
std::string UserEventPrefix(absl::string_view user_id);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_
