// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// base64url without padding (RFC 4648 section 5), canonical only.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {
namespace {

int Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string Base64UrlEncode(absl::string_view bytes) {
  return Base64Url(bytes);  // common/crypto.h: unpadded, URL alphabet
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  if (text.size() % 4 == 1) {
    return detail::Malformed("base64url text of an impossible length");
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : text) {
    int v = Value(c);
    if (v < 0) {
      return detail::Malformed(
          c == '=' ? "base64url text with padding"
                   : "base64url text with a character outside its alphabet");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // The bits left over (2 or 4) must be zero: one spelling per value.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return detail::Malformed("base64url text not in canonical form");
  }
  return out;
}

}  // namespace vigil::internal::webauthn
