// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/simulate/simulator.h: a labelled, realistic sign-in history.
//
// Users live in places of the World (real DB-IP data) with a home ISP
// network, a mobile carrier and, for some, a workplace; they own a phone and
// often a laptop, a tablet or a work PC, each with a stable client
// fingerprint and a browser that updates every four weeks. Each user has a
// rate of sign-ins (daily to monthly), hours of the day, fewer sign-ins at
// weekends, typos (a failed attempt just before the right one), trips (home
// country or abroad, reached no faster than a flight) and, sometimes, a new
// phone or laptop.
//
// Attacks, labelled (label.attack; label.account_takeover when the attacker
// has the right password; label.kind):
//   credential_stuffing  hosting IPs trying leaked username lists, mostly
//                        failing, a few right passwords;
//   password_spraying    residential IPs trying a few passwords across many
//                        users, slowly;
//   ato_random_country   the right password from a random other country;
//   ato_vpn_same_country from a hosting / VPN network in the victim's country;
//   ato_same_city        from another network in the victim's city, with the
//                        victim's browser (same user agent string);
//   ato_other_continent  from more than 5,000 km away, minutes after one of
//                        the victim's own sign-ins.
// Attackers never have the victim's device fingerprint. A challenged
// attacker may come back once, hours later, from the same place.
//
// Deterministic: the same world, options and seed give the same file.

#ifndef VIGIL_TOOLS_SIMULATE_SIMULATOR_H_
#define VIGIL_TOOLS_SIMULATE_SIMULATOR_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/simulate/world.h"

namespace vigil::tools {

struct SimulateOptions {
  int users = 1000;
  int days = 30;
  uint64_t seed = 1;
  absl::Time start = absl::FromUnixSeconds(1767571200);  // 2026-01-05 (Mon)
  // Share of users whose account is taken over once in the period.
  double takeover_share = 0.02;
  // Where a progress line goes on a terminal (cli/progress.h); null: none.
  std::ostream* progress_stream = nullptr;
};

struct SimulateStats {
  int64_t events = 0;
  int64_t legitimate = 0;
  int64_t attacks = 0;
  int64_t takeovers = 0;
  std::map<std::string, int64_t> by_kind;
};

// Writes the history as JSON Lines of attempts (docs/architecture.md), in time order.
absl::Status Simulate(const World& world, const SimulateOptions& options,
                      std::ostream& out, SimulateStats* stats);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_SIMULATE_SIMULATOR_H_
