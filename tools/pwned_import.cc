// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/pwned_import.h"

#include <chrono>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::tools {
namespace {

constexpr char kUsage[] =
    "usage: vigil pwned import [--data-dir DIR] [--ntlm] "
    "[--format auto|dump|range|plain] [--skip-bad-lines] [--temp-dir DIR] "
    "FILE...\n";

// "--flag VALUE" or "--flag=VALUE" at args[*i]; advances *i.
bool FlagValue(const std::vector<std::string>& args, size_t* i,
               const std::string& flag, std::string* value) {
  const std::string& a = args[*i];
  if (a == flag) {
    if (*i + 1 >= args.size()) return false;
    *value = args[++*i];
    return true;
  }
  if (absl::StartsWith(a, flag + "=")) {
    *value = a.substr(flag.size() + 1);
    return true;
  }
  return false;
}

}  // namespace

int RunPwnedImport(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  std::string data_dir = "vigil-data";
  ImportOptions options;
  options.source = "cli";
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    if (a == "--ntlm") {
      options.kind = HashKind::kNtlm;
    } else if (a == "--skip-bad-lines") {
      options.skip_bad_lines = true;
    } else if (absl::StartsWith(a, "--data-dir")) {
      if (!FlagValue(args, &i, "--data-dir", &data_dir) || data_dir.empty()) {
        err << "vigil pwned import: --data-dir needs a folder\n" << kUsage;
        return 2;
      }
    } else if (absl::StartsWith(a, "--temp-dir")) {
      if (!FlagValue(args, &i, "--temp-dir", &options.temp_dir)) {
        err << "vigil pwned import: --temp-dir needs a folder\n" << kUsage;
        return 2;
      }
    } else if (absl::StartsWith(a, "--format")) {
      if (!FlagValue(args, &i, "--format", &value)) value = "?";
      if (value == "auto") {
        options.format = ImportFormat::kAuto;
      } else if (value == "dump") {
        options.format = ImportFormat::kDump;
      } else if (value == "range") {
        options.format = ImportFormat::kRange;
      } else if (value == "plain") {
        options.format = ImportFormat::kPlain;
      } else {
        err << "vigil pwned import: --format must be auto, dump, range or "
               "plain\n"
            << kUsage;
        return 2;
      }
    } else if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    } else if (absl::StartsWith(a, "--")) {
      err << "vigil pwned import: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    err << "vigil pwned import: no files given\n" << kUsage;
    return 2;
  }
  if (options.kind == HashKind::kNtlm && options.format == ImportFormat::kPlain) {
    err << "vigil pwned import: plain password lists are imported as SHA-1 "
           "only\n";
    return 2;
  }
  RocksDbOptions db;
  db.path = data_dir;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(db);
  if (!store.ok()) {
    err << "vigil pwned import: " << store.status().message() << "\n";
    return 1;
  }
  std::shared_ptr<Store> shared(std::move(*store));
  absl::StatusOr<std::unique_ptr<BreachCorpus>> corpus = OpenBreachCorpus(shared);
  if (!corpus.ok()) {
    err << "vigil pwned import: " << corpus.status().message() << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ImportStats> stats = (*corpus)->Import(files, options);
  if (!stats.ok()) {
    err << "vigil pwned import: " << stats.status().message()
        << "\nnothing was imported; the previous corpus is unchanged\n";
    return 1;
  }
  // Offline, so tidy up now rather than in vigild's background: one sorted
  // level, the previous generation dropped. Only speed depends on it.
  if (absl::Status s = shared->Compact(Table::kPwned); !s.ok()) {
    err << "vigil pwned import: warning: compaction failed: " << s.message()
        << "\n";
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  out << "imported " << stats->hashes << " " << HashKindName(options.kind)
      << " hashes in " << stats->prefixes << " prefixes from " << stats->lines
      << " lines";
  if (stats->skipped_lines > 0) {
    out << " (" << stats->skipped_lines << " bad lines skipped)";
  }
  out << " in " << absl::StrCat(static_cast<int64_t>(seconds * 1000)) << " ms\n";
  return 0;
}

}  // namespace vigil::tools
