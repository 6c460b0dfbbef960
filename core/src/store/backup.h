// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// store/backup.h: backups of the RocksDB store with RocksDB's BackupEngine,
// kept apart from rocksdb_store.cc, which only calls CreateRocksDbBackup.

#ifndef VIGIL_STORE_BACKUP_H_
#define VIGIL_STORE_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "vigil/store.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace vigil::internal {

// A new backup of the open `db` in `backup_dir` (created if missing). The
// caller has flushed the write-ahead log buffer (manual_log_flush), so that
// every accepted write is in the log files the backup copies: the backup
// holds the table files and the live log files, not a memtable flush.
absl::StatusOr<BackupInfo> CreateRocksDbBackup(rocksdb::DB* db,
                                               const std::string& backup_dir);

}  // namespace vigil::internal

#endif  // VIGIL_STORE_BACKUP_H_
