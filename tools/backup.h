// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/backup.h: `vigil backup create|list|restore`, the offline side of
// the store's backups (vigild makes them online: POST /v1/admin/backups).
// A backup holds the database only: the MFA key file, the feedback and
// webhook/SMS key files and the API key lines of vigild.toml are kept apart
// (README, "Backups").

#ifndef VIGIL_TOOLS_BACKUP_H_
#define VIGIL_TOOLS_BACKUP_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

// Their flags, declared once.
const flags::CommandSpec& BackupCreateSpec();
const flags::CommandSpec& BackupListSpec();
const flags::CommandSpec& BackupRestoreSpec();

// --store rocksdb:DIR (or --data-dir DIR) --backup-dir BDIR: a new backup of
// the database in DIR (vigild stopped: the database is opened exclusively)
// into BDIR. Prints "backup N: F files, S bytes". 0; 1 if it failed (DIR is
// no vigil database, BDIR unwritable); 2 for bad arguments (memory: among
// them: it keeps nothing to back up).
int RunBackupCreate(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err);

// --backup-dir BDIR: one line per backup, oldest first: id, UTC time, size
// in bytes, files. 1 if BDIR holds no backups.
int RunBackupList(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);

// --backup-dir BDIR --store rocksdb:NEWDIR (or --data-dir NEWDIR) [--id N]:
// restores backup N (default: the latest) into NEWDIR, which must not exist or
// be empty. 1 if it failed (no such backup, NEWDIR not empty, a damaged
// backup).
int RunBackupRestore(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_BACKUP_H_
