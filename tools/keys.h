// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil keys rotate: re-encrypts the stored TOTP secrets under a new key.

#ifndef VIGIL_TOOLS_KEYS_H_
#define VIGIL_TOOLS_KEYS_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& KeysRotateSpec();

// args: --key-file FILE --store rocksdb:DIR (or --data-dir DIR) [--key-id
// ID]. Run it while vigild is stopped (the database is opened exclusively).
// 0 on success, 1 on failure, 2 on bad usage (memory: among them: a stopped
// vigild's memory: store holds nothing).
int RunKeysRotate(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_KEYS_H_
