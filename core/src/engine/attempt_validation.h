// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Validation of an Attempt before anything is looked up or recorded.

#ifndef VIGIL_CORE_SRC_ENGINE_ATTEMPT_VALIDATION_H_
#define VIGIL_CORE_SRC_ENGINE_ATTEMPT_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vigil/attempt.h"
#include "vigil/ip_address.h"

namespace vigil::internal {

using ::vigil::kMaxUserIdBytes;
inline constexpr size_t kMaxUserAgentBytes = 2048;
inline constexpr size_t kMaxDeviceBytes = 256;

// How far ahead of the engine's clock an attempt's timestamp may be (clock
// skew between the pool and vigil). Further is refused: a time far in the
// future would make velocity windows look empty.
inline constexpr absl::Duration kMaxFutureSkew = absl::Minutes(5);

// InvalidArgument "<field>: <reason>" for the first bad field; on success
// `ip` holds the parsed address. Never echoes password_sha1.
absl::Status ValidateAttempt(const Attempt& attempt, absl::Time now,
                             IpAddress* ip);

// The public check of vigil/attempt.h, under its old name here.
using ::vigil::ValidateUserId;

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_ATTEMPT_VALIDATION_H_
