// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/train_command.h: `vigil train`.

#ifndef VIGIL_TOOLS_REPLAY_TRAIN_COMMAND_H_
#define VIGIL_TOOLS_REPLAY_TRAIN_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& TrainSpec();

// vigil train --events FILE --out MODEL [--base MODEL] [--geoip DB ...]
//     [--target-challenge-rate R] [--train-fraction F] [--name NAME]
//     [--min-prior-sign-ins N] [--evaluate]
// Fits a model on the first F of the rows (default 0.5) and writes it to
// MODEL. With --evaluate, replays the rest under the base and the fitted
// model and prints each one's detection rate at challenge rate R (the
// score threshold that challenges R of the mature legitimate held-out
// sign-ins), and each one's rates with its own thresholds.
int RunTrain(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_TRAIN_COMMAND_H_
