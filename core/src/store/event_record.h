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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/profile_record.h"
#include "vigil/event.h"

namespace vigil::internal {

// Where an event's kDevice hash came from (see ExtractFeatures).
enum class DeviceSource : uint8_t {
  kUnknown = 0,  // a record written before the source was kept
  kNone,         // nothing identified the device
  kKey,          // the device key ("k:"), beside it maybe `fingerprint`
  kFingerprint,  // the device fingerprint alone ("f:")
  kUserAgent,    // neither: the browser and OS of the user agent ("u:")
};

// What a trusted outcome of this event teaches the profile.
struct LearnableFeatures {
  // Hash per Feature; 0: the feature was unknown for this attempt.
  std::array<uint64_t, kFeatureCount> hashes = {};
  // The device's fingerprint as a kDevice hash (what a sign-in with only
  // that fingerprint has as its device), when the attempt had a device key
  // too; 0 otherwise. Learned beside the key, so that the same browser with
  // a new or lost key is still known.
  uint64_t fingerprint = 0;
  // What the kDevice hash is the hash of; kept so that the history can be
  // replayed with the same kind of device identifier (never the key itself).
  DeviceSource device_source = DeviceSource::kUnknown;

  // The browser of an attempt without a device key, identified by its
  // fingerprint, as a kDevice hash of its user agent (browser and OS with
  // versions); 0 for any other attempt. A trusted sign-in learns it beside
  // the fingerprint, so that a browser that keeps no key and varies its
  // fingerprint (a privacy mode) is recognised by what else it shows.
  uint64_t KeylessBrowser() const;

  bool has_location = false;
  double latitude = 0;
  double longitude = 0;
  int32_t accuracy_km = 0;
};

// The fields of a profile that feedback sets (see engine/learning.h).
struct ProfileScalars {
  int64_t successful_sign_ins = 0;
  // Stored as the difference after - before only (0..7).
  int64_t new_device_sign_ins = 0;
  int64_t first_seen = 0;
  int64_t last_success = 0;
  bool has_trusted_location = false;
  double trusted_latitude = 0;
  double trusted_longitude = 0;
  int32_t trusted_accuracy_km = 0;
  int64_t trusted_time = 0;
  std::string trusted_city;
  std::string trusted_country;
  uint32_t failure_streak = 0;
  bool password_reset_required = false;
};

// One feature entry a feedback changed: the entry of `hash` before (count
// 0: absent) and after (count 0: removed), where it was or went, and the
// entry evicted to make room for it (hash 0: none).
struct FeatureChange {
  Feature feature = Feature::kIp;
  uint64_t hash = 0;
  FeatureEntry before;
  FeatureEntry after;
  uint32_t index = 0;
  FeatureEntry evicted;
};

// What the feedback in force on an event changed in the user's profile, so
// that the opposite feedback takes back exactly that (and nothing that
// happened since).
struct FeedbackUndo {
  bool present = false;
  FeedbackValue value = FeedbackValue::kValid;
  int64_t time = 0;  // unix seconds the feedback was applied
  // "valid": the profile learned the event by this feedback.
  bool learned = false;
  std::vector<FeatureChange> features;
  // "invalid": distrust entries added, and those dropped to make room
  // (oldest first).
  std::vector<DistrustEntry> distrust_added;
  std::vector<DistrustEntry> distrust_evicted;
  ProfileScalars before;
  ProfileScalars after;
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
  // What the feedback in force changed (absent in records written before
  // feedback kept it, and when the event has no feedback).
  FeedbackUndo undo;

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
