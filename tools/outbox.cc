// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/outbox.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/json_codec.h"
#include "tools/store_flags.h"
#include "vigil/notify.h"
#include "vigil/store.h"

namespace vigil::tools {
namespace {

namespace fs = std::filesystem;

constexpr char kOnline[] =
    "While vigild runs, use its admin routes (admin key): GET "
    "/v1/admin/outbox/dead-letters and POST "
    "/v1/admin/outbox/dead-letters/{id}/retry.\n";

constexpr char kMemoryRefusal[] =
    "lives inside one vigild: use its admin routes while it runs";

// Opens the store of a stopped vigild named by --store / --data-dir, or
// says why not on `err` and sets *code (2: bad flags, 1: cannot open).
std::unique_ptr<Store> OpenStopped(const flags::CommandSpec& spec,
                                   const flags::Values& values,
                                   std::ostream& err, int* code,
                                   std::string* folder) {
  *code = 2;
  const std::optional<RocksDbStoreFlag> db =
      ReadRocksDbStoreFlag(spec, values, kMemoryRefusal, err);
  if (!db.has_value()) return nullptr;
  *code = 1;
  *folder = db->folder;
  const std::string& data_dir = db->folder;
  // Opening would create a database: refuse a folder that holds none.
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(data_dir) / "CURRENT", ec)) {
    err << spec.path << ": " << data_dir << ": no database here\n";
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(db->url, StoreOptions());
  if (!store.ok()) {
    const absl::string_view message = store.status().message();
    if (absl::StrContains(message, "lock") ||
        absl::StrContains(message, "LOCK")) {
      err << spec.path << ": " << data_dir
          << ": in use by another process (a running vigild?); RocksDB lets "
             "one process open it. "
          << kOnline;
    } else {
      err << spec.path << ": " << message << "\n";
    }
    return nullptr;
  }
  return *std::move(store);
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

constexpr char kListFormat[] = "%-54s %-20s %8s %-7s %-24s %s\n";

}  // namespace

const flags::CommandSpec& OutboxListSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil outbox list",
      .summary =
          "list the notifications the outbox gave up on (dead letters) in a "
          "stopped vigild's database",
      .flags = {flags::StoreFlag(
                    "the database, rocksdb:DIR: a stopped vigild's "
                    "[storage] url"),
                flags::DataDirAliasFlag(),
                {.name = "json",
                 .kind = flags::Kind::kSwitch,
                 .help = "one JSON object, as GET "
                         "/v1/admin/outbox/dead-letters answers"}},
      .details = absl::StrCat(
          "Shows id, created time, failed attempts, channel, the recipient "
          "masked, the last error; never a message's body or links. ",
          kOnline)};
  return *spec;
}

const flags::CommandSpec& OutboxRetrySpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil outbox retry",
      .summary =
          "put dead letters back in the outbox of a stopped vigild's "
          "database, due now with a fresh attempt count",
      .flags = {flags::StoreFlag(
                    "the database, rocksdb:DIR: a stopped vigild's "
                    "[storage] url"),
                flags::DataDirAliasFlag(),
                {.name = "id",
                 .value_name = "ID",
                 .help = "the dead letter to retry (as `vigil outbox list` "
                         "shows it)"},
                {.name = "all",
                 .kind = flags::Kind::kSwitch,
                 .help = "retry every dead letter"}},
      .details = absl::StrCat(
          "Exactly one of --id and --all. The next vigild started on the "
          "folder delivers them. ",
          kOnline)};
  return *spec;
}

int RunOutboxList(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  const flags::CommandSpec& spec = OutboxListSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  int code = 0;
  std::string folder;
  std::unique_ptr<Store> store = OpenStopped(spec, flags, err, &code, &folder);
  if (store == nullptr) return code;
  absl::StatusOr<std::vector<DeadLetter>> list = ListDeadLetters(*store);
  if (!list.ok()) {
    err << spec.path << ": " << list.status().message() << "\n";
    return 1;
  }
  if (flags.Has("json")) {
    out << service::DeadLettersToJson(*list, /*more=*/false) << "\n";
    return 0;
  }
  out << absl::StrFormat(kListFormat, "id", "created (UTC)", "attempts",
                         "channel", "recipient", "last error");
  for (const DeadLetter& d : *list) {
    out << absl::StrFormat(kListFormat, d.id, Utc(d.created),
                           absl::StrCat(d.attempts), d.channel, d.recipient,
                           d.last_error);
  }
  out << list->size() << " dead letter" << (list->size() == 1 ? "" : "s")
      << "\n";
  return 0;
}

int RunOutboxRetry(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  const flags::CommandSpec& spec = OutboxRetrySpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const bool all = flags.Has("all");
  const std::string id = flags.Get("id");
  if (all == flags.Has("id") || (!all && id.empty())) {
    err << flags::UsageError(spec, "give exactly one of --id ID and --all");
    return 2;
  }
  int code = 0;
  std::string folder;
  std::unique_ptr<Store> store = OpenStopped(spec, flags, err, &code, &folder);
  if (store == nullptr) return code;
  std::vector<std::string> ids;
  if (all) {
    absl::StatusOr<std::vector<DeadLetter>> list = ListDeadLetters(*store);
    if (!list.ok()) {
      err << spec.path << ": " << list.status().message() << "\n";
      return 1;
    }
    for (const DeadLetter& d : *list) ids.push_back(d.id);
  } else {
    ids.push_back(id);
  }
  int requeued = 0;
  for (const std::string& one : ids) {
    absl::Status s = RequeueDeadLetter(*store, one, absl::Now());
    if (!s.ok()) {
      err << spec.path << ": " << s.message() << "\n";
      if (!all) return 1;
      continue;  // --all: an unreadable one stays; the others go on
    }
    out << "requeued " << one << "\n";
    ++requeued;
  }
  out << requeued << " dead letter" << (requeued == 1 ? "" : "s")
      << " put back in the outbox; the next vigild started on " << folder
      << " delivers them\n";
  return requeued == static_cast<int>(ids.size()) ? 0 : 1;
}

}  // namespace vigil::tools
