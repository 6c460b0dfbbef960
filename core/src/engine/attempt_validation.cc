// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/attempt_validation.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

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

absl::Status ValidateUserId(absl::string_view user_id) {
  if (user_id.empty()) return Bad("user_id", "is required");
  if (user_id.size() > kMaxUserIdBytes) {
    return Bad("user_id", absl::StrCat("longer than ", kMaxUserIdBytes, " bytes"));
  }
  if (HasControl(user_id)) return Bad("user_id", "contains control characters");
  return absl::OkStatus();
}

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
