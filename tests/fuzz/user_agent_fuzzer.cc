// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the User-Agent parser (core/src/context/user_agent.h).
//
// Invariants (from the header's contract):
//   - any bytes are accepted; an empty UA gives empty families, any other
//     UA non-empty browser and OS families ("Other" at worst);
//   - only the first 1024 bytes count: the result equals that of the prefix;
//   - the result is deterministic;
//   - browser_major is in [0, 999999]; os_version is at most 16 characters
//     of digits and single dots, neither first nor last (or the Windows
//     names "Vista" / "XP"); the device type is one of the enum's values.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "context/user_agent.h"
#include "fuzz_check.h"

namespace {

bool Same(const vigil::UserAgentInfo& a, const vigil::UserAgentInfo& b) {
  return a.browser == b.browser && a.browser_major == b.browser_major &&
         a.os == b.os && a.os_version == b.os_version &&
         a.device_type == b.device_type;
}

void CheckVersion(const std::string& v) {
  FUZZ_CHECK(v.size() <= 16, "os_version too long: %s", v.c_str());
  if (v.empty()) return;
  // Windows releases by name (from the NT version).
  if (v == "Vista" || v == "XP") return;
  FUZZ_CHECK(v.front() != '.' && v.back() != '.', "os_version '%s'", v.c_str());
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    FUZZ_CHECK((c >= '0' && c <= '9') || (c == '.' && v[i - 1] != '.'),
               "os_version '%s'", v.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view ua(reinterpret_cast<const char*>(data), size);
  const vigil::UserAgentInfo info = vigil::ParseUserAgent(ua);

  if (ua.empty()) {
    FUZZ_CHECK(info.browser.empty() && info.os.empty() &&
               info.device_type == vigil::DeviceType::kUnknown);
  } else {
    FUZZ_CHECK(!info.browser.empty(), "no browser family");
    FUZZ_CHECK(!info.os.empty(), "no OS family");
  }
  FUZZ_CHECK(info.browser.size() <= 64, "browser '%s'", info.browser.c_str());
  FUZZ_CHECK(info.browser_major >= 0 && info.browser_major <= 999999,
             "browser_major %d", info.browser_major);
  CheckVersion(info.os_version);
  const int type = static_cast<int>(info.device_type);
  FUZZ_CHECK(type >= 0 && type <= static_cast<int>(vigil::DeviceType::kBot));
  FUZZ_CHECK(vigil::DeviceTypeName(info.device_type) != "");

  FUZZ_CHECK(Same(info, vigil::ParseUserAgent(ua)), "not deterministic");
  if (ua.size() > 1024) {
    FUZZ_CHECK(Same(info, vigil::ParseUserAgent(ua.substr(0, 1024))),
               "bytes after 1024 changed the result");
  }
  return 0;
}
