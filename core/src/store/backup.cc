// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace vigil {
namespace {

BackupInfo FromRocks(const rocksdb::BackupInfo& b) {
  BackupInfo info;
  info.id = b.backup_id;
  info.timestamp = b.timestamp;
  info.size_bytes = b.size;
  info.files = b.number_files;
  return info;
}

absl::Status Error(const rocksdb::Status& s, absl::string_view what) {
  const std::string text = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound() || s.IsPathNotFound()) return absl::NotFoundError(text);
  if (s.IsCorruption()) return absl::DataLossError(text);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(text);
  return absl::UnavailableError(text);
}

rocksdb::BackupEngineOptions BackupOptionsFor(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions o(backup_dir);
  o.share_table_files = true;
  o.sync = true;  // a backup that returned OK survives a power loss
  o.max_background_operations = 2;
  o.info_log = nullptr;
  return o;
}

// An existing folder that holds no backup (no "meta" folder): NotFound.
absl::Status CheckBackupDir(const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat(backup_dir, ": no such backup folder"));
  }
  if (!std::filesystem::is_directory(backup_dir + "/meta", ec)) {
    return absl::NotFoundError(
        absl::StrCat(backup_dir, ": holds no vigil backups"));
  }
  return absl::OkStatus();
}

}  // namespace

namespace internal {

absl::StatusOr<BackupInfo> CreateRocksDbBackup(rocksdb::DB* db,
                                               const std::string& backup_dir) {
  if (backup_dir.empty()) {
    return absl::InvalidArgumentError("backup folder: empty");
  }
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
      BackupOptionsFor(backup_dir), rocksdb::Env::Default(), &raw);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  if (!s.ok()) return Error(s, absl::StrCat(backup_dir, ": cannot open"));
  rocksdb::CreateBackupOptions options;
  // No memtable flush: the live log files are copied instead, so a backup
  // does not stall writers or create small table files.
  options.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackup(options, db, &id);
  if (!s.ok()) return Error(s, absl::StrCat(backup_dir, ": backup failed"));
  rocksdb::BackupInfo info;
  rocksdb::Status st = engine->GetBackupInfo(id, &info);
  if (!st.ok()) return Error(st, absl::StrCat(backup_dir, ": backup ", id));
  return FromRocks(info);
}

}  // namespace internal

absl::StatusOr<std::vector<BackupInfo>> ListRocksDbBackups(
    const std::string& backup_dir) {
  if (absl::Status s = CheckBackupDir(backup_dir); !s.ok()) return s;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      BackupOptionsFor(backup_dir), rocksdb::Env::Default(), &raw);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  if (!s.ok()) return Error(s, absl::StrCat(backup_dir, ": cannot open"));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) {
    return absl::NotFoundError(absl::StrCat(backup_dir, ": holds no backups"));
  }
  std::vector<BackupInfo> out;
  out.reserve(infos.size());
  for (const rocksdb::BackupInfo& b : infos) out.push_back(FromRocks(b));
  return out;
}

absl::Status RestoreRocksDbBackup(const std::string& backup_dir, uint32_t id,
                                  const std::string& data_dir) {
  if (data_dir.empty()) return absl::InvalidArgumentError("data folder: empty");
  std::error_code ec;
  if (std::filesystem::exists(data_dir, ec)) {
    if (!std::filesystem::is_directory(data_dir, ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat(data_dir, ": exists and is not a folder"));
    }
    if (!std::filesystem::is_empty(data_dir, ec) || ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          data_dir, ": not empty; restore into a new or empty folder"));
    }
  }
  absl::StatusOr<std::vector<BackupInfo>> backups =
      ListRocksDbBackups(backup_dir);
  if (!backups.ok()) return backups.status();
  if (id != 0) {
    bool found = false;
    for (const BackupInfo& b : *backups) found |= b.id == id;
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat(backup_dir, ": no backup with id ", id));
    }
  } else {
    id = backups->back().id;
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      BackupOptionsFor(backup_dir), rocksdb::Env::Default(), &raw);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  if (!s.ok()) return Error(s, absl::StrCat(backup_dir, ": cannot open"));
  // Checks every file's size and checksum before anything is copied.
  s = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!s.ok()) {
    return Error(s, absl::StrCat(backup_dir, ": backup ", id, " is damaged"));
  }
  s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, data_dir,
                                  data_dir);
  if (!s.ok()) {
    return Error(s, absl::StrCat(backup_dir, ": restoring backup ", id,
                                 " into ", data_dir));
  }
  return absl::OkStatus();
}

}  // namespace vigil
