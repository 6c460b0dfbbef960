// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/attempt_validation.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace vigil {
namespace {

// Whether `s` is valid UTF-8 (RFC 3629); *control is set if it holds a C0 or
// C1 control character or DEL.
bool ValidUtf8(absl::string_view s, bool* control) {
  *control = false;
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    size_t len;
    uint32_t min;
    if (c < 0x80) {
      cp = c, len = 1, min = 0;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f, len = 2, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f, len = 3, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07, len = 4, min = 0x10000;
    } else {
      return false;  // a continuation byte first, or 0xf8..0xff
    }
    if (len > s.size() - i) return false;  // truncated
    for (size_t k = 1; k < len; ++k) {
      const uint8_t b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;  // overlong, out of range, or a surrogate
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) *control = true;
    i += len;
  }
  return true;
}

}  // namespace

absl::Status ValidateUserId(absl::string_view user_id) {
  if (user_id.empty()) {
    return absl::InvalidArgumentError("user_id: is required");
  }
  if (user_id.size() > kMaxUserIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("user_id: longer than ", kMaxUserIdBytes, " bytes"));
  }
  bool control = false;
  if (!ValidUtf8(user_id, &control)) {
    return absl::InvalidArgumentError("user_id: not valid UTF-8");
  }
  if (control) {
    return absl::InvalidArgumentError("user_id: contains control characters");
  }
  return absl::OkStatus();
}

}  // namespace vigil

namespace vigil::internal {
namespace {

bool HasControl(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

absl::Status Bad(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

}  // namespace

absl::Status ValidateAttempt(const Attempt& a, absl::Time now, IpAddress* ip) {
  absl::Status s = ValidateUserId(a.user_id);
  if (!s.ok()) return s;
  if (a.ip.empty()) return Bad("ip", "is required");
  absl::StatusOr<IpAddress> parsed = IpAddress::Parse(a.ip);
  if (!parsed.ok()) return Bad("ip", "not an IPv4 or IPv6 address");
  *ip = *parsed;
  if (a.user_agent.size() > kMaxUserAgentBytes) {
    return Bad("user_agent",
               absl::StrCat("longer than ", kMaxUserAgentBytes, " bytes"));
  }
  if (a.device_key.size() > kMaxDeviceBytes || HasControl(a.device_key)) {
    return Bad("device_key", "must be at most 256 printable bytes");
  }
  if (a.device_fingerprint.size() > kMaxDeviceBytes ||
      HasControl(a.device_fingerprint)) {
    return Bad("device_fingerprint", "must be at most 256 printable bytes");
  }
  if (!a.password_sha1.empty()) {
    bool hex = a.password_sha1.size() == 40;
    for (char c : a.password_sha1) hex = hex && isxdigit(static_cast<unsigned char>(c));
    if (!hex) return Bad("password_sha1", "must be 40 hexadecimal digits");
  }
  if (a.timestamp.has_value()) {
    const absl::Time t = *a.timestamp;
    if (t < absl::FromUnixSeconds(0) ||
        t > absl::FromUnixSeconds(int64_t{253402300799})) {  // 9999-12-31
      return Bad("timestamp", "out of range");
    }
    if (t > now + kMaxFutureSkew) {
      return Bad("timestamp", "more than 5 minutes in the future");
    }
  }
  return absl::OkStatus();
}

}  // namespace vigil::internal
