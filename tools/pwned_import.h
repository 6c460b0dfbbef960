// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/pwned_import.h: `vigil pwned import`.

#ifndef VIGIL_TOOLS_PWNED_IMPORT_H_
#define VIGIL_TOOLS_PWNED_IMPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Its flags, declared once.
const flags::CommandSpec& PwnedImportSpec();

// `vigil pwned import [--store rocksdb:DIR | --data-dir DIR] [--ntlm]
//  [--format auto|dump|range|plain] [--skip-bad-lines] [--temp-dir DIR]
//  FILE...`, with `args` being what follows "import". Replaces the SHA-1 (or
// NTLM) corpus in the database at DIR (default "vigil-data", vigild's
// default; vigild must not be running on it; memory: is refused) with the contents of the files, atomically. Prints a summary to `out`,
// errors (e.g. "dump.txt:7: expected HASH:COUNT ...") to `err`. Returns 0, 2
// for bad arguments, 1 if the import failed (the previous corpus is intact).
int RunPwnedImport(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_PWNED_IMPORT_H_
