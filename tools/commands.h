// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/commands.h: every command of `vigil`, in one list. main() dispatches
// from it, `vigil --help` lists it, and the tests walk it (each command's
// --help names each of its flags), so a command added here is covered.

#ifndef VIGIL_TOOLS_COMMANDS_H_
#define VIGIL_TOOLS_COMMANDS_H_

#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

const std::vector<flags::Command>& VigilCommands();

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_COMMANDS_H_
