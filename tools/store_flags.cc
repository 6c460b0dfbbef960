// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/store_flags.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vigil/store.h"

namespace vigil::tools {

std::optional<RocksDbStoreFlag> ReadRocksDbStoreFlag(
    const flags::CommandSpec& spec, const flags::Values& values,
    absl::string_view memory_refusal, std::ostream& err,
    absl::string_view default_folder) {
  absl::StatusOr<std::string> url = flags::StoreUrl(values);
  if (url.ok() && url->empty()) {
    if (!default_folder.empty()) {
      url = RocksDbStoreUrl(default_folder);
    } else {
      url = flags::RequiredStoreUrl(values);
    }
  }
  if (!url.ok()) {
    err << flags::UsageError(spec, url.status().message());
    return std::nullopt;
  }
  absl::StatusOr<std::string> folder = flags::RocksDbFolder(
      *url, absl::StrCat(memory_refusal, "; use --store rocksdb:DIR"));
  if (!folder.ok()) {
    err << flags::UsageError(
        spec, absl::StrCat("--store ", folder.status().message()));
    return std::nullopt;
  }
  return RocksDbStoreFlag{*std::move(url), *std::move(folder)};
}

}  // namespace vigil::tools
