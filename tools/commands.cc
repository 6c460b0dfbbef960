// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/commands.h"

#include "tools/apikey.h"
#include "tools/backup.h"
#include "tools/export.h"
#include "tools/keys.h"
#include "tools/outbox.h"
#include "tools/pwned_import.h"
#include "tools/replay/replay_command.h"
#include "tools/replay/train_command.h"
#include "tools/simulate/simulate_command.h"
#include "tools/worldgen/worldgen_command.h"

namespace vigil::tools {

const std::vector<flags::Command>& VigilCommands() {
  static const auto* const commands = new std::vector<flags::Command>{
      {{"apikey", "create"}, &ApikeyCreateSpec(), RunApikeyCreate},
      {{"keys", "rotate"}, &KeysRotateSpec(), RunKeysRotate},
      {{"pwned", "import"}, &PwnedImportSpec(), RunPwnedImport},
      {{"backup", "create"}, &BackupCreateSpec(), RunBackupCreate},
      {{"backup", "list"}, &BackupListSpec(), RunBackupList},
      {{"backup", "restore"}, &BackupRestoreSpec(), RunBackupRestore},
      {{"outbox", "list"}, &OutboxListSpec(), RunOutboxList},
      {{"outbox", "retry"}, &OutboxRetrySpec(), RunOutboxRetry},
      {{"export"}, &ExportSpec(), RunExport},
      {{"replay"}, &ReplaySpec(), RunReplay},
      {{"compare"}, &CompareSpec(), RunCompare},
      {{"train"}, &TrainSpec(), RunTrain},
      {{"simulate"}, &SimulateSpec(), RunSimulate},
      {{"worldgen"}, &WorldgenSpec(), RunWorldgen},
  };
  return *commands;
}

}  // namespace vigil::tools
