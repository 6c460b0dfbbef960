// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/export.h"

#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "service/json_codec.h"
#include "tools/store_flags.h"
#include "vigil/history.h"
#include "vigil/store.h"

namespace vigil::tools {
namespace {

// Events read per pass over the store (each pass reads the events table
// once): bounds the memory, not the output.
constexpr int kPageEvents = 20000;

}  // namespace

const flags::CommandSpec& ExportSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil export",
      .summary =
          "write vigild's event history as JSON Lines for vigil replay "
          "(also while vigild runs)",
      .flags = {flags::StoreFlag(
                    "the database, rocksdb:DIR: vigild's [storage] url"),
                flags::DataDirAliasFlag(),
                {.name = "out",
                 .value_name = "FILE",
                 .help = "where to write (default: standard output)"},
                {.name = "since",
                 .value_name = "TIME",
                 .help = "only events at or after TIME (RFC 3339)"},
                {.name = "until",
                 .value_name = "TIME",
                 .help = "only events before TIME (RFC 3339)"},
                {.name = "user",
                 .value_name = "ID",
                 .help = "only this user's events"}},
      .details =
          "Oldest first, one attempt per line as vigil replay --events reads "
          "it: event_type, user_id, ip, user_agent, device_key / "
          "device_fingerprint (a token of the hash vigild keeps, never the "
          "key), timestamp, outcome, and a label where feedback or a locked "
          "challenge says what happened (docs/replay.md). The database is "
          "opened read-only beside a running vigild and read as of the "
          "start.\n"};
  return *spec;
}

int RunExport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  const flags::CommandSpec& spec = ExportSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  HistoryQuery query;
  query.limit = kPageEvents;
  for (const char* name : {"since", "until"}) {
    if (!flags.Has(name)) continue;
    absl::Time t;
    if (!service::ParseTimestamp(flags.Get(name), &t)) {
      err << flags::UsageError(spec,
                               absl::StrCat("--", name,
                                            ": not an RFC 3339 time (e.g. "
                                            "2026-01-02T03:04:05Z)"));
      return 2;
    }
    (absl::string_view(name) == "since" ? query.since : query.until) = t;
  }
  if (query.since > query.until) {
    err << flags::UsageError(spec, "--since: later than --until");
    return 2;
  }
  if (flags.Has("user")) {
    query.user_id = flags.Get("user");
    if (absl::Status s = ValidateUserId(query.user_id); !s.ok()) {
      err << flags::UsageError(spec, absl::StrCat("--user: ", s.message()));
      return 2;
    }
  }
  const std::optional<RocksDbStoreFlag> db =
      ReadRocksDbStoreFlag(spec, flags,
                           "lives inside one vigild: read its history with GET "
                           "/v1/users/{id}/events",
                           err);
  if (!db.has_value()) return 2;
  StoreOptions options;
  options.read_only = true;
  options.rocksdb.block_cache_bytes = 64 << 20;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(db->url, options);
  if (!store.ok()) {
    err << spec.path << ": " << store.status().message() << "\n";
    return 1;
  }

  std::ofstream file;
  const std::string out_path = flags.Get("out");
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << spec.path << ": " << out_path << ": cannot write\n";
      return 1;
    }
  }
  std::ostream& sink = out_path.empty() ? out : file;
  int64_t exported = 0;
  std::string buffer;
  while (true) {
    absl::StatusOr<HistoryPage> page = ReadHistory(store->get(), query);
    if (!page.ok()) {
      err << spec.path << ": " << page.status().message() << "\n";
      return 1;
    }
    buffer.clear();
    for (const HistoryEvent& e : page->events) {
      buffer += service::AttemptToJson(e.attempt);
      buffer.push_back('\n');
    }
    sink.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    exported += static_cast<int64_t>(page->events.size());
    if (page->next_cursor.empty()) break;
    query.cursor = std::move(page->next_cursor);
  }
  sink.flush();
  if (!sink) {
    err << spec.path << ": "
        << (out_path.empty() ? std::string("standard output") : out_path)
        << ": write failed\n";
    return 1;
  }
  err << "exported " << exported << " events\n";
  return 0;
}

}  // namespace vigil::tools
