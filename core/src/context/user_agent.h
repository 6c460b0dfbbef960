// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// User-agent parsing, good enough for risk features: browser family and major
// version, OS family and version, device type. Not a full UA database: it
// recognises the families that make up nearly all real traffic and says
// "Other" for the rest.

#ifndef VIGIL_CORE_SRC_CONTEXT_USER_AGENT_H_
#define VIGIL_CORE_SRC_CONTEXT_USER_AGENT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace vigil {

enum class DeviceType { kUnknown, kDesktop, kMobile, kTablet, kBot };

// "unknown", "desktop", "mobile", "tablet", "bot".
absl::string_view DeviceTypeName(DeviceType type);

struct UserAgentInfo {
  // "Chrome", "Firefox", "Safari", "Edge", "Opera", "Samsung Internet",
  // "IE", "Chrome Mobile", "Mobile Safari", "Android Browser", "curl",
  // "python-requests", ... ; "Other" when not recognised; empty for an
  // empty user agent.
  std::string browser;
  int browser_major = 0;  // 0: unknown
  // "Windows", "Mac OS X", "iOS", "iPadOS", "Android", "Linux", "Chrome OS",
  // ...; "Other" when not recognised; empty for an empty user agent.
  std::string os;
  std::string os_version;  // e.g. "10", "14.4", "17"; empty if unknown
  DeviceType device_type = DeviceType::kUnknown;
};

// Parses a User-Agent header value. Never fails: any byte string is accepted
// (it may be truncated, malformed or hostile) and yields the best guess.
// Runs in time linear in the input; inputs longer than 1024 bytes are
// truncated to 1024 first.
UserAgentInfo ParseUserAgent(absl::string_view user_agent);

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_USER_AGENT_H_
