// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Small wrappers over OpenSSL: SHA-256, HMAC-SHA256, constant-time compare,
// hex.

#ifndef VIGIL_CORE_SRC_COMMON_CRYPTO_H_
#define VIGIL_CORE_SRC_COMMON_CRYPTO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace vigil::internal {

// 32 raw bytes.
std::string Sha256(absl::string_view data);
// 32 raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);
// False when the lengths differ; constant time in the contents.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);
std::string LowerHex(absl::string_view bytes);
// base64url without padding.
std::string Base64Url(absl::string_view bytes);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_COMMON_CRYPTO_H_
