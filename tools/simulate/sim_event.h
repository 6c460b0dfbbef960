// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/simulate/sim_event.h: one simulated attempt, compactly, and how the
// simulation is written out as JSON Lines. Internal to the simulator.

#ifndef VIGIL_TOOLS_SIMULATE_SIM_EVENT_H_
#define VIGIL_TOOLS_SIMULATE_SIM_EVENT_H_

#include <cstdint>
#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "cli/progress.h"
#include "tools/simulate/simulator.h"

namespace vigil::tools {

inline constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

enum Kind : uint8_t {
  kLegitimate = 0, kStuffing, kSpraying, kRandomCountry, kVpnSameCountry, kSameCity,
  kOtherContinent, kKindCount
};
inline const char* const kKindNames[kKindCount] = {
    "", "credential_stuffing", "password_spraying", "ato_random_country",
    "ato_vpn_same_country", "ato_same_city", "ato_other_continent"};

struct SimEvent {
  int64_t ms;
  int32_t user;  // >= 0: a user; < 0: a name that is no account
  uint32_t ip;
  uint16_t ua;        // user agent template
  int16_t ua_lag;     // browser update lag in days
  uint64_t fp;        // device fingerprint
  bool success;
  Kind kind;
};

// Writes `events` (in time order; `t0_ms` is the start of the simulation)
// as JSON Lines of attempts with labels, and counts them into `stats`.
// `progress` (may be null) counts the events written.
absl::Status WriteSimEvents(const std::vector<SimEvent>& events, int64_t t0_ms,
                            std::ostream& out, SimulateStats* stats,
                            Progress* progress = nullptr);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_SIMULATE_SIM_EVENT_H_
