// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/simulate/user_agents.h: the user agent strings of simulated devices,
// with browser versions that move with the date (a release every four weeks).

#ifndef VIGIL_TOOLS_SIMULATE_USER_AGENTS_H_
#define VIGIL_TOOLS_SIMULATE_USER_AGENTS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::tools {

// Template indexes by device family.
extern const std::vector<uint16_t> kIphoneUas;
extern const std::vector<uint16_t> kAndroidUas;
extern const std::vector<uint16_t> kDesktopUas;
extern const std::vector<uint16_t> kTabletUas;
extern const std::vector<uint16_t> kScriptUas;  // tools of attackers
extern const std::vector<uint16_t> kAnyUas;     // any browser

// The user agent of template `ua` as updated on day `day` (days since the
// simulation started, plus the device's update lag).
std::string RenderUserAgent(uint16_t ua, int64_t day);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_SIMULATE_USER_AGENTS_H_
