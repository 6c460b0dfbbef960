// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A user's profile: what vigil has learned from the user's trusted sign-ins
// (feature histories with counts, the last trusted place and time), their
// failure streak, and their MFA settings. Stored in Table::kUsers under the
// user id; versioned binary encoding.

#ifndef VIGIL_CORE_SRC_STORE_PROFILE_RECORD_H_
#define VIGIL_CORE_SRC_STORE_PROFILE_RECORD_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace vigil::internal {

// The features a profile keeps a history of. Hierarchies for back-off:
// network: kIp -> kNetwork -> kAsn -> kCountry; user agent: kUserAgent ->
// kBrowser -> kOs -> kDeviceType.
enum class Feature : uint8_t {
  kIp = 0,
  kNetwork,
  kAsn,
  kCountry,
  kCity,
  kUserAgent,  // browser family + major, OS family + version
  kBrowser,    // browser family
  kOs,         // OS family
  kDeviceType,
  kDevice,  // device key, else fingerprint, else browser + OS
};
inline constexpr int kFeatureCount = 10;

struct FeatureEntry {
  uint64_t hash = 0;
  uint32_t count = 0;
  int64_t last_seen = 0;  // unix seconds
};

// An IP or network the user said was not them ("this wasn't me").
struct DistrustEntry {
  Feature feature = Feature::kIp;  // kIp or kNetwork
  uint64_t hash = 0;
  int64_t since = 0;  // unix seconds
};

// A success learned on probation (LearningConfig): its features, kept aside
// until it is trusted or dropped.
struct ProbationEntry {
  std::string event_id;
  int64_t time = 0;  // unix seconds
  std::array<uint64_t, kFeatureCount> hashes{};
  uint64_t fingerprint = 0;  // as LearnableFeatures::fingerprint
};

struct UserProfile {
  // Most entries kept per feature; the least used, then oldest, is evicted.
  static constexpr size_t kMaxEntries = 24;

  int64_t successful_sign_ins = 0;
  // Of those, the sign-ins that brought a device new to the user then: how
  // often this user changes devices (fingerprint-randomizing browsers do at
  // almost every sign-in). At most successful_sign_ins. Records written
  // before it was kept read as min(successful_sign_ins, distinct devices).
  int64_t new_device_sign_ins = 0;
  int64_t first_seen = 0;    // unix seconds of the first trusted success
  int64_t last_success = 0;  // unix seconds

  // The last trusted sign-in's place.
  bool has_trusted_location = false;
  double trusted_latitude = 0;
  double trusted_longitude = 0;
  int32_t trusted_accuracy_km = 0;
  int64_t trusted_time = 0;  // unix seconds
  std::string trusted_city;
  std::string trusted_country;

  std::array<std::vector<FeatureEntry>, kFeatureCount> features;

  // Consecutive failed sign-ins since the last success.
  uint32_t failure_streak = 0;
  int64_t last_failure = 0;

  // MFA factors the user has enabled (bit per MfaMethod), and the preferred
  // one + 1 in bits 8..11 (see mfa/mfa_service.cc); 0: no factor.
  uint32_t mfa_factors = 0;
  // Set by "not me" feedback: the user must reset their password.
  bool password_reset_required = false;
  // IPs and networks distrusted by "not me" feedback, oldest first; at most
  // kMaxDistrusted (the oldest is dropped).
  static constexpr size_t kMaxDistrusted = 32;
  std::vector<DistrustEntry> distrusted;

  // The per-user cap on notification e-mails (NotifyOptions): when the
  // current window started (unix seconds; 0: none yet), e-mails sent in it,
  // and e-mails suppressed since the last one sent.
  int64_t notify_window_start = 0;
  uint32_t notify_sent = 0;
  uint32_t notify_suppressed = 0;

  // User risk (UserRiskConfig): the score of the latest risky success with
  // the right password that nothing has remediated yet, and that event's
  // time (unix seconds). 0: none.
  double user_risk = 0;
  int64_t user_risk_time = 0;

  // Successes on probation, oldest first; at most kMaxProbation (the oldest
  // is dropped, never trusted).
  static constexpr size_t kMaxProbation = 4;
  std::vector<ProbationEntry> probation;

  bool IsDistrusted(Feature feature, uint64_t hash) const;
  void Distrust(Feature feature, uint64_t hash, int64_t t);
  void Undistrust(Feature feature, uint64_t hash);

  // Trusted sign-ins of a device: of its kDevice hash, or of its
  // fingerprint beside a device key (LearnableFeatures::fingerprint),
  // whichever is more. 0: a new device; 2 or more: an established one.
  uint32_t DeviceCount(uint64_t device, uint64_t fingerprint) const {
    return std::max(device != 0 ? Count(Feature::kDevice, device) : 0u,
                    fingerprint != 0 ? Count(Feature::kDevice, fingerprint) : 0u);
  }
  bool KnowsDevice(uint64_t device, uint64_t fingerprint) const {
    return DeviceCount(device, fingerprint) > 0;
  }
  // What a record without new_device_sign_ins reads it as:
  // min(successful_sign_ins, distinct devices).
  int64_t NewDeviceSignInsEstimate() const;
  // Count of `hash` in `feature`'s history; 0 if never seen.
  uint32_t Count(Feature feature, uint64_t hash) const;
  // Number of distinct values kept for `feature`.
  size_t Distinct(Feature feature) const {
    return features[static_cast<int>(feature)].size();
  }
  // Records one more trusted observation of `hash` at time `t`.
  void Observe(Feature feature, uint64_t hash, int64_t t);
  // Forgets `hash` from `feature`'s history.
  void Forget(Feature feature, uint64_t hash);

  std::string Encode() const;
  // False if `data` is not a profile record of a known version.
  bool Decode(absl::string_view data);
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_PROFILE_RECORD_H_
