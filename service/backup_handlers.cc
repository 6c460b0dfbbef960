// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// POST /v1/admin/backups and GET /v1/admin/backups: online backups of the
// store into [storage] backup_dir (vigil/store.h, Store::CreateBackup). A
// store without backups (memory:) answers 501 store_has_no_backups.

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/handlers.h"
#include "service/json_writer.h"
#include "vigil/store.h"

namespace vigil::service {
namespace {

void WriteBackup(const BackupInfo& b, JsonWriter& w) {
  w.BeginObject();
  w.Key("id");
  w.Int(b.id);
  w.Key("timestamp");
  w.String(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                            absl::FromUnixSeconds(b.timestamp),
                            absl::UTCTimeZone()));
  w.Key("size_bytes");
  w.Int(static_cast<int64_t>(b.size_bytes));
  w.Key("files");
  w.Int(b.files);
  w.EndObject();
}

Reply NoBackups(ServiceContext& ctx) {
  return ErrorReply(501, "store_has_no_backups",
                    absl::StrCat("storage.url: ", ctx.config().StoreUrl(),
                                 " makes no backups; backups need a "
                                 "rocksdb:DIR store"));
}

std::optional<Reply> CheckConfigured(ServiceContext& ctx) {
  // The store's capability first: on memory: and redis:// backup_dir does
  // not apply.
  if (!ctx.config().rocksdb_store()) return NoBackups(ctx);
  if (ctx.config().backup_dir.empty()) {
    return ErrorReply(409, "backups_not_configured",
                      "storage.backup_dir: not set in the config, so vigild "
                      "makes no backups");
  }
  if (ctx.store() == nullptr) {
    return ErrorReply(503, "unavailable", "engine: not open yet");
  }
  return std::nullopt;
}

}  // namespace

Reply HandleBackupCreate(ServiceContext& ctx) {
  if (std::optional<Reply> refused = CheckConfigured(ctx)) return *refused;
  absl::MutexLock lock(&ctx.backup_mutex());
  absl::StatusOr<BackupInfo> info =
      ctx.store()->CreateBackup(ctx.config().backup_dir);
  if (absl::IsUnimplemented(info.status())) return NoBackups(ctx);
  if (!info.ok()) {
    return ErrorReply(503, "backup_failed",
                      absl::StrCat("backup: ", info.status().message()));
  }
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("backup");
  WriteBackup(*info, w);
  w.EndObject();
  return r;
}

Reply HandleBackupList(ServiceContext& ctx) {
  if (std::optional<Reply> refused = CheckConfigured(ctx)) return *refused;
  absl::MutexLock lock(&ctx.backup_mutex());
  absl::StatusOr<std::vector<BackupInfo>> backups =
      ListRocksDbBackups(ctx.config().backup_dir);
  if (!backups.ok() && !absl::IsNotFound(backups.status())) {
    return ErrorReply(503, "unavailable",
                      absl::StrCat("backups: ", backups.status().message()));
  }
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("backups");
  w.BeginArray();
  if (backups.ok()) {
    for (const BackupInfo& b : *backups) WriteBackup(b, w);
  }
  w.EndArray();
  w.EndObject();
  return r;
}

}  // namespace vigil::service
