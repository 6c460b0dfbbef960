// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/worldgen/worldgen.h: a labelled sign-in stream from an independent
// model of people and attackers (`vigil worldgen`), written without regard
// to how vigil scores: the second world generator next to `vigil simulate`,
// so that a model is never judged by the simulator it was tuned on.
//
// What it models (docs/replay.md says it in prose):
//   - users with a home city, ISP and address (behind carrier-grade NAT for
//     a share of them: many users per address), a mobile carrier whose
//     addresses are shared by all its subscribers, households that share an
//     address and sometimes a family computer, offices behind one NAT
//     address, VPN users, trips (domestic and abroad, with roaming on the home
//     carrier), low-activity users who sign in about monthly, new devices,
//     privacy-mode browsers and lost device keys, typos, forgotten passwords
//     and password changes, sign-ups;
//   - five kinds of right-password takeover (ato_naive, ato_vpn,
//     ato_targeted, ato_impossible_travel, successful stuffing / spray),
//     sometimes followed by the attacker's password change (the victim then
//     fails, resets and changes it back) or by the same attacker returning
//     hours later from the same address and browser; credential-stuffing
//     campaigns from botnets and password spraying from a few hosting
//     addresses.
// Attackers never present a device key of the victim (they present none).
//
// The output is JSON Lines in time order, one attempt per line, with the
// fields of the evaluation protocol: event_type, user_id, ip, user_agent,
// device_key (us-east-1_<uuid>, when the device has one), device_fingerprint
// (32 hex, when the client sent one), timestamp (ISO 8601, ms, Z),
// password_sha1 (40 upper-case hex), outcome, label {account_takeover,
// attack, kind}. Deterministic for a world, seed and options.

#ifndef VIGIL_TOOLS_WORLDGEN_WORLDGEN_H_
#define VIGIL_TOOLS_WORLDGEN_WORLDGEN_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cli/progress.h"
#include "tools/simulate/world.h"

namespace vigil::tools::worldgen {

struct Options {
  int users = 20000;
  int days = 60;
  uint64_t seed = 1;
  absl::Time start =
      absl::FromCivil(absl::CivilDay(2025, 3, 1), absl::UTCTimeZone());
  // People.
  double low_activity_share = 1.0 / 3;  // sign in about monthly
  double sign_up_share = 0.1;           // accounts created during the period
  double household_share = 0.3;         // live with other users of the service
  double shared_device_share = 0.4;     // of households: one family computer
  double office_share = 0.35;           // work behind an office NAT address
  double cgnat_share = 0.25;            // home line behind carrier-grade NAT
  double travel_rate = 2.0;             // trips per user per year
  double vpn_share = 0.04;              // use a commercial VPN most of the time
  double privacy_share = 0.04;          // devices whose browser keeps nothing
  double lost_key_rate = 0.05;   // a stored device key is gone, per sign-in
  double new_device_rate = 1.0;  // new phones / computers per user per year
  double typo_rate = 0.03;       // sign-ins that start with a typo
  double forgot_rate = 0.15;     // password resets per user per year
  double leaked_share = 0.01;    // passwords in stuffing combo lists
  double weak_share = 0.01;      // passwords that spraying tries
  // Attacks.
  double ato_naive = 0.004;  // share of users taken over by each kind
  double ato_vpn = 0.004;
  double ato_targeted = 0.004;
  double ato_impossible_travel = 0.004;
  double stuffing_per_week = 2;     // credential-stuffing campaigns
  double spray_per_week = 1;        // password-spraying campaigns
  double return_probability = 0.3;  // the attacker comes back hours later
  double password_change_probability =
      0.3;                       // the attacker changes the password
  Progress* progress = nullptr;  // counts users; may be null
};

struct Stats {
  int64_t events = 0;
  int64_t takeovers = 0;  // account_takeover rows
  int64_t attacks = 0;    // attack rows
  std::map<std::string, int64_t> by_kind;
};

// Writes the stream for `world` to `out`. Unavailable if writing failed.
absl::Status Generate(const World& world, const Options& options,
                      std::ostream& out, Stats* stats);

// The continent ("AF", "AN", "AS", "EU", "NA", "OC", "SA") of an ISO 3166-1
// alpha-2 country code; "" if unknown.
const char* ContinentOf(const std::string& country);

}  // namespace vigil::tools::worldgen

#endif  // VIGIL_TOOLS_WORLDGEN_WORLDGEN_H_
