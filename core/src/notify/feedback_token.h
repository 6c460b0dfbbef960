// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// One-click feedback tokens: what a "this was me" / "this wasn't me" link in
// a notification carries. A token names one event and one feedback value and
// expires; it is signed with HMAC-SHA256 under the configured feedback key,
// so whoever holds it may record exactly that feedback and nothing else.
//
// Format (URL-safe, no padding): base64url(payload) "." base64url(mac)
//   payload = version (1) | value (1) | expires, unix seconds (8, big endian)
//           | event id (24 raw bytes)
//   mac     = HMAC-SHA256(key, "vigil-feedback-v1." + base64url(payload))
//
// VerifyFeedbackToken is a pure function of its arguments (no clock, no
// store), so it can be fuzzed on its own.

#ifndef VIGIL_CORE_SRC_NOTIFY_FEEDBACK_TOKEN_H_
#define VIGIL_CORE_SRC_NOTIFY_FEEDBACK_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/event.h"
#include "vigil/secret.h"

namespace vigil::internal {

// Keys shorter than this are refused by the notifier's Create().
inline constexpr size_t kMinFeedbackKeyBytes = 16;
// Tokens longer than this are refused before any decoding.
inline constexpr size_t kMaxFeedbackTokenLength = 256;

struct FeedbackClaim {
  std::string event_id;  // 48 lower-case hex digits
  FeedbackValue value = FeedbackValue::kValid;
  absl::Time expires;  // whole seconds
};

// The token for `claim`. InvalidArgument if the event id is not one or the
// key is empty.
absl::StatusOr<std::string> SignFeedbackToken(const SecretBytes& key,
                                              const FeedbackClaim& claim);

// The claim of `token` if it is well formed, signed under `key` and not
// expired at `now`. Errors (never naming the key or the token):
//   InvalidArgument    "token: malformed" / "token: bad signature"
//   FailedPrecondition "token: expired"
absl::StatusOr<FeedbackClaim> VerifyFeedbackToken(const SecretBytes& key,
                                                  absl::string_view token,
                                                  absl::Time now);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_FEEDBACK_TOKEN_H_
