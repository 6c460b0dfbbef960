// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/outbox.h: `vigil outbox list|retry`, the outbox's dead letters in a
// stopped vigild's data folder (vigil/notify.h: ListDeadLetters,
// RequeueDeadLetter). While vigild runs it holds the database's lock: these
// commands then say so and point to the admin routes
// (GET /v1/admin/outbox/dead-letters,
//  POST /v1/admin/outbox/dead-letters/{id}/retry).

#ifndef VIGIL_TOOLS_OUTBOX_H_
#define VIGIL_TOOLS_OUTBOX_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.h"

namespace vigil::tools {

const flags::CommandSpec& OutboxListSpec();
const flags::CommandSpec& OutboxRetrySpec();

// --store rocksdb:DIR (or --data-dir DIR) [--json]: the dead letters, one line
// each (id, created, attempts, channel, masked recipient, last error), or with
// --json one object {"dead_letters":[...]} as the admin route answers. Never a
// body or a link. 0; 1 if DIR cannot be opened (no database, vigild running).
int RunOutboxList(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);

// --store rocksdb:DIR (or --data-dir DIR) (--id ID | --all): puts dead letters
// back in the outbox, due now with no failed attempts; the next vigild delivers
// them. 1 (and nothing changes) for an unknown id; 2 for bad arguments.
int RunOutboxRetry(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_OUTBOX_H_
