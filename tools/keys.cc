// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/keys.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/store_flags.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::tools {

const flags::CommandSpec& KeysRotateSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil keys rotate",
      .summary =
          "re-encrypt the stored TOTP secrets under a new key (vigild "
          "stopped)",
      .flags = {
          {.name = "key-file",
           .value_name = "FILE",
           .help = "the [mfa] key_file; afterwards it holds only the new "
                   "key",
           .required = true},
          flags::StoreFlag("the database, rocksdb:DIR: vigild's [storage] url"),
          flags::DataDirAliasFlag(),
          {.name = "key-id",
           .value_name = "ID",
           .help = "the new key's id (default: k<UTC date and time>)"}}};
  return *spec;
}

int RunKeysRotate(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  const flags::CommandSpec& spec = KeysRotateSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const std::string key_file = flags.Get("key-file");
  const std::optional<RocksDbStoreFlag> db = ReadRocksDbStoreFlag(
      spec, flags, "holds no TOTP secrets once its vigild has stopped", err);
  if (!db.has_value()) return 2;
  std::optional<std::string> key_id;
  if (flags.Has("key-id")) key_id = flags.Get("key-id");
  const std::string id = key_id.value_or(
      absl::StrCat("k", absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(),
                                          absl::UTCTimeZone())));
  StoreOptions options;
  options.rocksdb.sync = true;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(db->url, options);
  if (!store.ok()) {
    err << spec.path << ": " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<int> n = RotateTotpKeys(store->get(), key_file, id);
  if (!n.ok()) {
    err << spec.path << ": " << n.status().message() << "\n";
    return 1;
  }
  out << "re-encrypted " << *n << " TOTP records under key " << id << "; "
      << key_file << " now holds only that key\n";
  return 0;
}

}  // namespace vigil::tools
