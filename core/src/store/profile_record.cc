// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/profile_record.h"

#include <algorithm>

#include "common/encoding.h"

namespace vigil::internal {
namespace {
constexpr uint8_t kProfileVersion = 1;
// Marks the optional trailer of distrusted IPs and networks (absent in
// records written before feedback could distrust them).
constexpr uint8_t kDistrustTrailerTag = 0xd1;
// Marks the optional trailer of the notification cap's state.
constexpr uint8_t kNotifyTrailerTag = 0xe1;
// Marks the optional trailer of the user risk.
constexpr uint8_t kRiskTrailerTag = 0xe2;
// Marks the optional trailer of the successes on probation.
constexpr uint8_t kProbationTrailerTag = 0xe3;
// Marks the optional trailer of the count of sign-ins on new devices.
constexpr uint8_t kNewDeviceTrailerTag = 0xe4;
}  // namespace

bool UserProfile::IsDistrusted(Feature feature, uint64_t hash) const {
  if (hash == 0) return false;
  for (const DistrustEntry& e : distrusted) {
    if (e.feature == feature && e.hash == hash) return true;
  }
  return false;
}

void UserProfile::Distrust(Feature feature, uint64_t hash, int64_t t) {
  if (hash == 0 || IsDistrusted(feature, hash)) return;
  if (distrusted.size() >= kMaxDistrusted) distrusted.erase(distrusted.begin());
  distrusted.push_back(DistrustEntry{feature, hash, t});
}

void UserProfile::Undistrust(Feature feature, uint64_t hash) {
  distrusted.erase(std::remove_if(distrusted.begin(), distrusted.end(),
                                  [&](const DistrustEntry& e) {
                                    return e.feature == feature &&
                                           e.hash == hash;
                                  }),
                   distrusted.end());
}

int64_t UserProfile::NewDeviceSignInsEstimate() const {
  return std::min<int64_t>(successful_sign_ins,
                           static_cast<int64_t>(Distinct(Feature::kDevice)));
}

uint32_t UserProfile::Count(Feature feature, uint64_t hash) const {
  for (const FeatureEntry& e : features[static_cast<int>(feature)]) {
    if (e.hash == hash) return e.count;
  }
  return 0;
}

void UserProfile::Observe(Feature feature, uint64_t hash, int64_t t) {
  std::vector<FeatureEntry>& list = features[static_cast<int>(feature)];
  for (FeatureEntry& e : list) {
    if (e.hash == hash) {
      ++e.count;
      e.last_seen = std::max(e.last_seen, t);
      return;
    }
  }
  if (list.size() >= kMaxEntries) {
    auto victim =
        std::min_element(list.begin(), list.end(),
                         [](const FeatureEntry& a, const FeatureEntry& b) {
                           if (a.count != b.count) return a.count < b.count;
                           return a.last_seen < b.last_seen;
                         });
    *victim = FeatureEntry{hash, 1, t};
    return;
  }
  list.push_back(FeatureEntry{hash, 1, t});
}

void UserProfile::Forget(Feature feature, uint64_t hash) {
  std::vector<FeatureEntry>& list = features[static_cast<int>(feature)];
  list.erase(
      std::remove_if(list.begin(), list.end(),
                     [hash](const FeatureEntry& e) { return e.hash == hash; }),
      list.end());
}

std::string UserProfile::Encode() const {
  std::string out;
  // Room for a profile with some history at once (128 took two allocations
  // a record on BM_Evaluate's workload).
  out.reserve(512);
  Encoder e(&out);
  e.PutU8(kProfileVersion);
  e.PutVarint(successful_sign_ins);
  e.PutSignedVarint(first_seen);
  e.PutSignedVarint(last_success);
  e.PutU8(has_trusted_location ? 1 : 0);
  if (has_trusted_location) {
    e.PutDouble(trusted_latitude);
    e.PutDouble(trusted_longitude);
    e.PutVarint(trusted_accuracy_km);
    e.PutSignedVarint(trusted_time);
    e.PutString(trusted_city);
    e.PutString(trusted_country);
  }
  e.PutU8(kFeatureCount);
  for (const auto& list : features) {
    e.PutVarint(list.size());
    for (const FeatureEntry& f : list) {
      e.PutFixed64(f.hash);
      e.PutVarint(f.count);
      e.PutSignedVarint(f.last_seen);
    }
  }
  e.PutVarint(failure_streak);
  e.PutSignedVarint(last_failure);
  e.PutVarint(mfa_factors);
  e.PutU8(password_reset_required ? 1 : 0);
  if (!distrusted.empty()) {
    e.PutU8(kDistrustTrailerTag);
    e.PutVarint(distrusted.size());
    for (const DistrustEntry& d : distrusted) {
      e.PutU8(static_cast<uint8_t>(d.feature));
      e.PutFixed64(d.hash);
      e.PutSignedVarint(d.since);
    }
  }
  if (notify_window_start != 0 || notify_sent != 0 || notify_suppressed != 0) {
    e.PutU8(kNotifyTrailerTag);
    e.PutSignedVarint(notify_window_start);
    e.PutVarint(notify_sent);
    e.PutVarint(notify_suppressed);
  }
  if (user_risk > 0) {
    e.PutU8(kRiskTrailerTag);
    e.PutDouble(user_risk);
    e.PutSignedVarint(user_risk_time);
  }
  if (!probation.empty()) {
    e.PutU8(kProbationTrailerTag);
    e.PutVarint(probation.size());
    for (const ProbationEntry& p : probation) {
      e.PutString(p.event_id);
      e.PutSignedVarint(p.time);
      for (uint64_t h : p.hashes) e.PutFixed64(h);
      e.PutFixed64(p.fingerprint);
    }
  }
  // Absent when it equals what a record without it reads as.
  if (new_device_sign_ins != NewDeviceSignInsEstimate()) {
    e.PutU8(kNewDeviceTrailerTag);
    e.PutVarint(new_device_sign_ins);
  }
  return out;
}

bool UserProfile::Decode(absl::string_view data) {
  *this = UserProfile();
  Decoder d(data);
  uint8_t version, has_loc, nfeatures, reset;
  if (!d.GetU8(&version) || version != kProfileVersion) return false;
  uint64_t n;
  if (!d.GetVarint(&n)) return false;
  successful_sign_ins = static_cast<int64_t>(n);
  if (!d.GetSignedVarint(&first_seen) || !d.GetSignedVarint(&last_success) ||
      !d.GetU8(&has_loc)) {
    return false;
  }
  has_trusted_location = has_loc != 0;
  if (has_trusted_location) {
    uint64_t acc;
    if (!d.GetDouble(&trusted_latitude) || !d.GetDouble(&trusted_longitude) ||
        !d.GetVarint(&acc) || !d.GetSignedVarint(&trusted_time) ||
        !d.GetString(&trusted_city) || !d.GetString(&trusted_country)) {
      return false;
    }
    trusted_accuracy_km = static_cast<int32_t>(acc);
  }
  if (!d.GetU8(&nfeatures) || nfeatures != kFeatureCount) return false;
  for (auto& list : features) {
    uint64_t size;
    if (!d.GetVarint(&size) || size > kMaxEntries) return false;
    list.resize(size);
    for (FeatureEntry& f : list) {
      if (!d.GetFixed64(&f.hash) || !d.GetVarintAs(&f.count) ||
          !d.GetSignedVarint(&f.last_seen)) {
        return false;
      }
    }
  }
  if (!d.GetVarintAs(&failure_streak) || !d.GetSignedVarint(&last_failure) ||
      !d.GetVarintAs(&mfa_factors) || !d.GetU8(&reset)) {
    return false;
  }
  password_reset_required = reset != 0;
  // Trailers, each optional, in this order.
  int last = -1;
  new_device_sign_ins = -1;  // absent: estimated below
  while (!d.done()) {
    uint8_t tag;
    if (!d.GetU8(&tag)) return false;
    const int rank = tag == kDistrustTrailerTag    ? 0
                     : tag == kNotifyTrailerTag    ? 1
                     : tag == kRiskTrailerTag      ? 2
                     : tag == kProbationTrailerTag ? 3
                     : tag == kNewDeviceTrailerTag ? 4
                                                   : -1;
    if (rank <= last) return false;
    last = rank;
    if (tag == kNewDeviceTrailerTag) {
      uint64_t count;
      if (!d.GetVarint(&count) ||
          count > static_cast<uint64_t>(successful_sign_ins)) {
        return false;
      }
      new_device_sign_ins = static_cast<int64_t>(count);
      continue;
    }
    if (tag == kRiskTrailerTag) {
      if (!d.GetDouble(&user_risk) || !(user_risk > 0 && user_risk <= 1) ||
          !d.GetSignedVarint(&user_risk_time)) {
        return false;
      }
      continue;
    }
    if (tag == kProbationTrailerTag) {
      uint64_t count;
      if (!d.GetVarint(&count) || count == 0 || count > kMaxProbation) {
        return false;
      }
      probation.resize(count);
      for (ProbationEntry& p : probation) {
        if (!d.GetString(&p.event_id) || !d.GetSignedVarint(&p.time)) {
          return false;
        }
        for (uint64_t& h : p.hashes) {
          if (!d.GetFixed64(&h)) return false;
        }
        if (!d.GetFixed64(&p.fingerprint)) return false;
      }
      continue;
    }
    if (tag == kNotifyTrailerTag) {
      if (!d.GetSignedVarint(&notify_window_start) ||
          !d.GetVarintAs(&notify_sent) || !d.GetVarintAs(&notify_suppressed)) {
        return false;
      }
      continue;
    }
    uint64_t n;
    if (!d.GetVarint(&n) || n == 0 || n > kMaxDistrusted) return false;
    distrusted.resize(n);
    for (DistrustEntry& e : distrusted) {
      uint8_t f;
      if (!d.GetU8(&f) || f >= kFeatureCount || !d.GetFixed64(&e.hash) ||
          !d.GetSignedVarint(&e.since)) {
        return false;
      }
      e.feature = static_cast<Feature>(f);
    }
  }
  if (new_device_sign_ins < 0) new_device_sign_ins = NewDeviceSignInsEstimate();
  return d.done();
}

}  // namespace vigil::internal
