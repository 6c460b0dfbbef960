// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// TOTP (RFC 6238) on liboath, with the time always passed in. Also base32
// (RFC 4648) and otpauth:// URIs for authenticator apps.

#ifndef VIGIL_CORE_SRC_MFA_TOTP_H_
#define VIGIL_CORE_SRC_MFA_TOTP_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace vigil::internal {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  int digits = 6;        // 6..8
  int step_seconds = 30;
};

// The code of `secret` (raw bytes) at unix time `now`. Empty on failure.
std::string TotpCode(absl::string_view secret, int64_t now,
                     const TotpParams& params);

// Whether `code` is the code of a step within `window` steps of `now`'s.
// On success, `*step` is the matching step number (now / step_seconds + k).
// Compares codes in constant time.
bool TotpVerify(absl::string_view secret, absl::string_view code, int64_t now,
                int window, const TotpParams& params, int64_t* step);

// RFC 4648 base32, upper case, without padding.
std::string Base32Encode(absl::string_view bytes);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&
// digits=6&period=30, with issuer and account percent-encoded.
std::string OtpauthUri(absl::string_view issuer, absl::string_view account,
                       absl::string_view secret_base32,
                       const TotpParams& params);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_TOTP_H_
