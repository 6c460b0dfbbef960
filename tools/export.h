// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/export.h: `vigil export`, a vigild history as the JSON Lines that
// `vigil replay --events` reads (vigil/history.h says what each line holds).

#ifndef VIGIL_TOOLS_EXPORT_H_
#define VIGIL_TOOLS_EXPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

const flags::CommandSpec& ExportSpec();

// --store rocksdb:DIR (or --data-dir DIR) [--out FILE] [--since T] [--until T]
// [--user ID]: every event of the database in DIR (opened read-only: vigild may
// be running) with since <= time < until (RFC 3339), of one user or all, oldest
// first, one line each, to FILE or else `out`. "exported N events" on `err`. 0;
// 1 if it failed (no database in DIR, FILE unwritable, a store error); 2 for
// bad arguments.
int RunExport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_EXPORT_H_
