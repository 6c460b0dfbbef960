// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Stored events. Each event is kept under its id (Table::kEvents, "e" + id)
// with what the profile needs to learn from it later; a per-user index
// ("u" + length-prefixed user id + inverted big-endian time + id) lists a
// user's events newest first.

#ifndef VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_
#define VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_

#include <array>
#include <cstdint>
#include <string>

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

  std::string Encode() const;
  // False if `data` is not an event record of a known version.
  bool Decode(absl::string_view data);
};

std::string EventKey(absl::string_view event_id);
// The index key of a user's event at `time_nanos`.
std::string UserEventKey(absl::string_view user_id, int64_t time_nanos,
                         absl::string_view event_id);
// The prefix of all index keys of `user_id`.
std::string UserEventPrefix(absl::string_view user_id);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_EVENT_RECORD_H_
