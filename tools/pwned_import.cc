// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/pwned_import.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "cli/progress.h"
#include "store/bulk.h"
#include "tools/store_flags.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::tools {

const flags::CommandSpec& PwnedImportSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil pwned import",
      .summary =
          "replace the breach corpus with HASH:COUNT dumps, SUFFIX:COUNT "
          "range files or plain password lists (vigild stopped)",
      .flags = {flags::StoreFlag(
                    "the database, rocksdb:DIR: vigild's [storage] "
                    "url (default: rocksdb:vigil-data)"),
                flags::DataDirAliasFlag(),
                {.name = "ntlm",
                 .kind = flags::Kind::kSwitch,
                 .help = "the files hold NTLM hashes (default: SHA-1)"},
                {.name = "format",
                 .kind = flags::Kind::kChoice,
                 .help = "the files' format; auto detects it from the first "
                         "line",
                 .default_value = "auto",
                 .choices = {"auto", "dump", "range", "plain"}},
                {.name = "skip-bad-lines",
                 .kind = flags::Kind::kSwitch,
                 .help = "skip and count corrupt lines instead of stopping"},
                {.name = "temp-dir",
                 .value_name = "DIR",
                 .help = "where unsorted input is spilled (default: the "
                         "system's temporary folder)"}},
      .positional = "FILE...",
      .details =
          "The import is atomic: on any error the previous corpus is "
          "unchanged.\nOn a terminal, a progress line is drawn on "
          "stderr.\n"};
  return *spec;
}

int RunPwnedImport(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  const flags::CommandSpec& spec = PwnedImportSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const std::optional<RocksDbStoreFlag> db = ReadRocksDbStoreFlag(
      spec, flags, "is gone with its vigild: seed it with [pwned] seed_file",
      err, "vigil-data");
  if (!db.has_value()) return 2;
  ImportOptions options;
  options.source = "cli";
  options.kind = flags.Has("ntlm") ? HashKind::kNtlm : HashKind::kSha1;
  options.skip_bad_lines = flags.Has("skip-bad-lines");
  options.temp_dir = flags.Get("temp-dir");
  const std::string& format = flags.Get("format");
  options.format = format == "dump"    ? ImportFormat::kDump
                   : format == "range" ? ImportFormat::kRange
                   : format == "plain" ? ImportFormat::kPlain
                                       : ImportFormat::kAuto;
  const std::vector<std::string>& files = flags.positional();
  if (files.empty()) {
    err << flags::UsageError(spec, "no files given");
    return 2;
  }
  if (options.kind == HashKind::kNtlm && options.format == ImportFormat::kPlain) {
    err << flags::UsageError(spec,
                             "plain password lists are imported as SHA-1 only");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(db->url, StoreOptions());
  if (!store.ok()) {
    err << spec.path << ": " << store.status().message() << "\n";
    return 1;
  }
  std::shared_ptr<Store> shared(std::move(*store));
  absl::StatusOr<std::unique_ptr<BreachCorpus>> corpus = OpenBreachCorpus(shared);
  if (!corpus.ok()) {
    err << spec.path << ": " << corpus.status().message() << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  Progress progress(err, "pwned import", "lines");
  if (progress.enabled()) {
    options.on_progress = [&progress](int64_t lines, double fraction) {
      progress.Update(lines, fraction);
    };
  }
  absl::StatusOr<ImportStats> stats = (*corpus)->Import(files, options);
  progress.Finish();
  if (!stats.ok()) {
    err << spec.path << ": " << stats.status().message()
        << "\nnothing was imported; the previous corpus is unchanged\n";
    return 1;
  }
  // Offline, so tidy up now rather than in vigild's background: one sorted
  // level, the previous generation dropped. Only speed depends on it.
  if (absl::Status s = internal::CompactTable(shared.get(), Table::kPwned);
      !s.ok()) {
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
