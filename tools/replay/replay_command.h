// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/replay_command.h: `vigil replay` and `vigil compare`.

#ifndef VIGIL_TOOLS_REPLAY_REPLAY_COMMAND_H_
#define VIGIL_TOOLS_REPLAY_REPLAY_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Their flags, declared once (the help and the parser come from them).
const flags::CommandSpec& ReplaySpec();
const flags::CommandSpec& CompareSpec();

// vigil replay --events FILE --model MODEL [--geoip DB ...]
//     [--out decisions.jsonl] [--report report.html] [--skip-bad-rows]
//     [--label-blind]
//     [--min-prior-sign-ins N] [--temp-dir DIR] [--limit N]
// Prints the summary on `out`. Exit code 0; 1 if the replay failed (a bad
// row without --skip-bad-rows, an unreadable file); 2 for bad arguments.
int RunReplay(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

// vigil compare --events FILE --model A --model B [--geoip DB ...]
//     [--skip-bad-rows] [--min-prior-sign-ins N] [--show N]
// Replays both models and prints how the rates move and which events and
// users change decision.
int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_REPLAY_COMMAND_H_
