// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil: the command-line tool. Dispatches to the tested Run...() functions
// of tools/commands.h.

#include <iostream>
#include <string>
#include <vector>

#include "tools/commands.h"

int main(int argc, char** argv) {
  return vigil::flags::Dispatch("vigil", vigil::tools::VigilCommands(),
                                std::vector<std::string>(argv + 1, argv + argc),
                                std::cout, std::cerr);
}
