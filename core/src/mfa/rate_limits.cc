// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/rate_limits.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace vigil::internal {

absl::Status RetryLater(absl::string_view message, int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 1);
  absl::Status s = absl::ResourceExhaustedError(
      absl::StrCat(message, "; retry in ", seconds, " s"));
  s.SetPayload(kRetryAfterPayload, absl::Cord(absl::StrCat(seconds)));
  return s;
}

int64_t WindowLimitLifts(std::vector<int64_t> times, int limit,
                         int64_t window) {
  const size_t k = times.size() - static_cast<size_t>(limit);
  std::nth_element(times.begin(), times.begin() + k, times.end());
  return times[k] + window + 1;
}

bool UserLocked(MfaUserRecord* u, int64_t now, const MfaPolicyConfig& p) {
  TrimTimes(&u->failures, now - kFailureWindow);
  return static_cast<int>(u->failures.size()) >= p.max_user_failures_15min;
}

int64_t UserLockLifts(const MfaUserRecord& u, const MfaPolicyConfig& p) {
  return WindowLimitLifts(u.failures, p.max_user_failures_15min,
                          kFailureWindow);
}

}  // namespace vigil::internal
