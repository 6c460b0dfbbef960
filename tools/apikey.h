// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/apikey.h: `vigil apikey create`.

#ifndef VIGIL_TOOLS_APIKEY_H_
#define VIGIL_TOOLS_APIKEY_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& ApikeyCreateSpec();

// `vigil apikey create --scopes evaluate,mfa,admin [--name NAME]`, with
// `args` being what follows "create". Prints the new key on the first line of
// `out` (the only time it is ever shown), then the TOML block to append to
// vigild.toml, which holds only the key's SHA-256. Errors go to `err`.
// Returns the exit code: 0, or 2 for bad arguments, 1 if no key could be made.
int RunApikeyCreate(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_APIKEY_H_
