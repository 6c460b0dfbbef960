// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/store_flags.h: how a `vigil` command names the store it opens:
// --store URL (vigil/store.h, OpenStore: "rocksdb:DIR" or "memory:") or
// --data-dir DIR, its alias for --store rocksdb:DIR (cli/flags.h). Every
// command that opens a store works on a vigild database on disk, so each
// refuses memory: (a store that lives only inside one vigild) with a usage
// error that says why.

#ifndef VIGIL_TOOLS_STORE_FLAGS_H_
#define VIGIL_TOOLS_STORE_FLAGS_H_

#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "cli/flags.h"

namespace vigil::tools {

// A RocksDB store named on the command line.
struct RocksDbStoreFlag {
  std::string url;     // "rocksdb:DIR", for OpenStore
  std::string folder;  // DIR
};

// Reads --store / --data-dir of `spec`'s command line. If neither is given,
// uses `default_folder` when it is not empty. On a missing, doubled or empty
// flag, a URL OpenStore does not know, or memory: (`memory_refusal` says
// why the command cannot use it, e.g. "keeps nothing to back up"), writes
// the usage error to `err` and returns nullopt: the command exits with 2.
std::optional<RocksDbStoreFlag> ReadRocksDbStoreFlag(
    const flags::CommandSpec& spec, const flags::Values& values,
    absl::string_view memory_refusal, std::ostream& err,
    absl::string_view default_folder = "");

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_STORE_FLAGS_H_
