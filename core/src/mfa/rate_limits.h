// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MFA service's sliding-window limits, shared by the service and the
// factors: wrong answers per user (lockout) and code sends per user.

#ifndef VIGIL_CORE_SRC_MFA_RATE_LIMITS_H_
#define VIGIL_CORE_SRC_MFA_RATE_LIMITS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mfa/mfa_records.h"
#include "model/model_config.h"

namespace vigil::internal {

inline constexpr int64_t kFailureWindow = 15 * 60;
inline constexpr int64_t kSendWindow = 3600;
// The status payload MfaRetryAfterSeconds reads.
inline constexpr char kRetryAfterPayload[] = "vigil.mfa/retry-after-seconds";

// ResourceExhausted "<message>; retry in N s" (N at least 1), carrying N for
// MfaRetryAfterSeconds.
absl::Status RetryLater(absl::string_view message, int64_t seconds);

// For a sliding-window limit that refuses while `times` (trimmed by
// TrimTimes(now - window), which keeps t >= now - window) hold `limit` or
// more entries: the first second at which fewer remain. `times` must hold
// at least `limit` entries.
int64_t WindowLimitLifts(std::vector<int64_t> times, int limit, int64_t window);

// Whether the user is locked by wrong answers (max_user_failures_15min in
// kFailureWindow); trims u->failures.
bool UserLocked(MfaUserRecord* u, int64_t now, const MfaPolicyConfig& p);
// For a user that UserLocked: the first second at which it no longer is.
int64_t UserLockLifts(const MfaUserRecord& u, const MfaPolicyConfig& p);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_RATE_LIMITS_H_
