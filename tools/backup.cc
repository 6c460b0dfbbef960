// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/backup.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/progress.h"
#include "tools/store_flags.h"
#include "vigil/store.h"

namespace vigil::tools {
namespace {

namespace fs = std::filesystem;

constexpr char kKeepApart[] =
    "A backup holds the database only. Keep apart, and as safely: the [mfa] "
    "key_file (without it the TOTP secrets cannot be decrypted), the "
    "[notify] feedback_key_file, the [sms] and [webhook] key files, and "
    "vigild.toml with its [[api_keys]].\n";

// Bytes in the regular files under `dir` (0 if it does not exist).
int64_t FolderBytes(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const std::uintmax_t n = it->file_size(size_ec);
      if (!size_ec) total += static_cast<int64_t>(n);
    }
  }
  return total;
}

// Runs `work` while, on a terminal, another thread draws how far the size of
// `watched` has grown (from its size now) towards `total` bytes.
void WithCopyProgress(std::ostream& err, const std::string& label,
                      const std::string& watched, int64_t total,
                      const std::function<void()>& work) {
  if (!Progress::OnTerminal(err)) {
    work();
    return;
  }
  const int64_t base = FolderBytes(watched);
  std::atomic<bool> done{false};
  Progress progress(err, label, "KiB");
  progress.SetTotal(std::max<int64_t>(total / 1024, 1));
  std::thread drawer([&] {
    while (!done.load(std::memory_order_acquire)) {
      progress.Update(std::max<int64_t>(FolderBytes(watched) - base, 0) / 1024);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  work();
  done.store(true, std::memory_order_release);
  drawer.join();
  progress.Update(std::max<int64_t>(FolderBytes(watched) - base, 0) / 1024);
  progress.Finish();
}

constexpr char kListFormat[] = "%-4s %-20s %12s %6s\n";

std::string Line(const BackupInfo& b) {
  return absl::StrFormat(
      kListFormat, absl::StrCat(b.id),
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(b.timestamp),
                       absl::UTCTimeZone()),
      absl::StrCat(b.size_bytes), absl::StrCat(b.files));
}

flags::FlagSpec BackupDirFlag(absl::string_view help) {
  return {.name = "backup-dir",
          .value_name = "BDIR",
          .help = std::string(help),
          .required = true};
}

}  // namespace

const flags::CommandSpec& BackupCreateSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil backup create",
      .summary =
          "back up a stopped vigild's database (while it runs: POST "
          "/v1/admin/backups)",
      .flags = {flags::StoreFlag(
                    "the database, rocksdb:DIR: vigild's [storage] url"),
                flags::DataDirAliasFlag(),
                BackupDirFlag("the backup folder (created if missing); "
                              "backups in it share unchanged files")},
      .details = kKeepApart};
  return *spec;
}

const flags::CommandSpec& BackupListSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil backup list",
      .summary =
          "list the backups in a backup folder: id, time (UTC), size, "
          "files",
      .flags = {BackupDirFlag("the backup folder")}};
  return *spec;
}

const flags::CommandSpec& BackupRestoreSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil backup restore",
      .summary =
          "restore a backup into a new data folder, checking every "
          "file's checksum",
      .flags = {BackupDirFlag("the backup folder"),
                flags::StoreFlag("where to restore, rocksdb:NEWDIR; NEWDIR "
                                 "must not exist or be empty"),
                flags::DataDirAliasFlag(),
                {.name = "id",
                 .kind = flags::Kind::kInt,
                 .value_name = "N",
                 .help = "the backup to restore (default: the latest)",
                 .min = 1,
                 .max = 4294967295.0}},
      .details = absl::StrCat("Then start vigild with --store rocksdb:NEWDIR. ",
                              kKeepApart)};
  return *spec;
}

int RunBackupCreate(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  const flags::CommandSpec& spec = BackupCreateSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const std::optional<RocksDbStoreFlag> db =
      ReadRocksDbStoreFlag(spec, flags, "keeps nothing to back up", err);
  if (!db.has_value()) return 2;
  const std::string& data_dir = db->folder;
  const std::string backup_dir = flags.Get("backup-dir");
  if (backup_dir.empty()) {
    err << flags::UsageError(spec, "--backup-dir: empty");
    return 2;
  }
  // Opening would create a database: refuse a folder that holds none.
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(data_dir) / "CURRENT", ec)) {
    err << spec.path << ": " << data_dir << ": no database here\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(db->url, StoreOptions());
  if (!store.ok()) {
    err << spec.path << ": " << store.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<BackupInfo> info = absl::UnknownError("not run");
  WithCopyProgress(err, "backup", backup_dir, FolderBytes(data_dir),
                   [&] { info = (*store)->CreateBackup(backup_dir); });
  if (!info.ok()) {
    err << spec.path << ": " << info.status().message() << "\n";
    return 1;
  }
  out << "backup " << info->id << " of " << data_dir << " in " << backup_dir
      << ": " << info->files << " files, " << info->size_bytes << " bytes\n";
  return 0;
}

int RunBackupList(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  const flags::CommandSpec& spec = BackupListSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  absl::StatusOr<std::vector<BackupInfo>> backups =
      ListRocksDbBackups(flags.Get("backup-dir"));
  if (!backups.ok()) {
    err << spec.path << ": " << backups.status().message() << "\n";
    return 1;
  }
  out << absl::StrFormat(kListFormat, "id", "time (UTC)", "bytes", "files");
  for (const BackupInfo& b : *backups) out << Line(b);
  return 0;
}

int RunBackupRestore(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err) {
  const flags::CommandSpec& spec = BackupRestoreSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const std::string backup_dir = flags.Get("backup-dir");
  const std::optional<RocksDbStoreFlag> db = ReadRocksDbStoreFlag(
      spec, flags, "cannot be restored into: it lives inside one vigild", err);
  if (!db.has_value()) return 2;
  const std::string& data_dir = db->folder;
  const uint32_t id = static_cast<uint32_t>(flags.GetInt("id"));
  int64_t total = 0;
  if (absl::StatusOr<std::vector<BackupInfo>> backups =
          ListRocksDbBackups(backup_dir);
      backups.ok()) {
    for (const BackupInfo& b : *backups) {
      if (id == 0 || b.id == id) total = static_cast<int64_t>(b.size_bytes);
    }
  }
  absl::Status s = absl::UnknownError("not run");
  WithCopyProgress(err, "restore", data_dir, total,
                   [&] { s = RestoreRocksDbBackup(backup_dir, id, data_dir); });
  if (!s.ok()) {
    err << spec.path << ": " << s.message() << "\n";
    return 1;
  }
  out << "restored "
      << (id == 0 ? "the latest backup" : absl::StrCat("backup ", id)) << " of "
      << backup_dir << " into " << data_dir << "; start vigild with --store "
      << db->url << "\n";
  return 0;
}

}  // namespace vigil::tools
