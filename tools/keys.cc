// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/keys.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::tools {
namespace {

constexpr char kUsage[] =
    "usage: vigil keys rotate --key-file FILE --data-dir DIR [--key-id ID]\n";

}  // namespace

int RunKeysRotate(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  std::optional<std::string> key_file, data_dir, key_id;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    const size_t eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size() && absl::StartsWith(flag, "--")) {
      value = args[++i];
    } else {
      err << "vigil keys rotate: " << flag << ": needs a value\n" << kUsage;
      return 2;
    }
    if (flag == "--key-file") {
      key_file = value;
    } else if (flag == "--data-dir") {
      data_dir = value;
    } else if (flag == "--key-id") {
      key_id = value;
    } else {
      err << "vigil keys rotate: unknown flag " << flag << "\n" << kUsage;
      return 2;
    }
  }
  if (!key_file || !data_dir) {
    err << "vigil keys rotate: --key-file and --data-dir are required\n" << kUsage;
    return 2;
  }
  const std::string id = key_id.value_or(
      absl::StrCat("k", absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(),
                                          absl::UTCTimeZone())));
  RocksDbOptions db;
  db.path = *data_dir;
  db.sync = true;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(db);
  if (!store.ok()) {
    err << "vigil keys rotate: " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<int> n = RotateTotpKeys(store->get(), *key_file, id);
  if (!n.ok()) {
    err << "vigil keys rotate: " << n.status().message() << "\n";
    return 1;
  }
  out << "re-encrypted " << *n << " TOTP records under key " << id << "; "
      << *key_file << " now holds only that key\n";
  return 0;
}

}  // namespace vigil::tools
