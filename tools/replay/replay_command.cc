// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/replay_command.h"

#include "absl/strings/str_format.h"
#include "tools/replay/event_reader.h"
#include "tools/replay/geo_files.h"
#include "tools/replay/metrics.h"
#include "tools/replay/replayer.h"
#include "tools/replay/report_html.h"
#include "vigil/model.h"

namespace vigil::tools {
namespace {

flags::FlagSpec EventsFlag() {
  return {.name = "events",
          .value_name = "FILE",
          .help = "the history: JSON Lines of attempts or the RBA dataset CSV",
          .required = true};
}
flags::FlagSpec GeoipFlag() {
  return {.name = "geoip",
          .value_name = "DB",
          .help =
              "GeoIP file for JSON Lines rows: city, ASN or anonymous-IP "
              ".mmdb, or ASN range .csv (sorted by name)",
          .repeatable = true};
}
flags::FlagSpec SkipBadRowsFlag() {
  return {
      .name = "skip-bad-rows",
      .kind = flags::Kind::kSwitch,
      .help = "report bad rows and go on, instead of stopping at the first"};
}
flags::FlagSpec MinPriorFlag() {
  return {.name = "min-prior-sign-ins",
          .kind = flags::Kind::kInt,
          .value_name = "N",
          .help = "a user is mature after N trusted sign-ins (for the rates)",
          .default_value = "5",
          .min = 0,
          .max = 1000000};
}
flags::FlagSpec TempDirFlag() {
  return {.name = "temp-dir",
          .value_name = "DIR",
          .help = "where the temporary store goes (default: $TMPDIR or /tmp)"};
}
flags::FlagSpec ScratchStoreFlag() {
  return {.name = "store",
          .value_name = "URL",
          .help = "the throwaway store: memory:, or by default a temporary "
                  "RocksDB folder under --temp-dir"};
}
// --store: "" (a temporary RocksDB folder) or "memory:"; false (a usage
// error on `err`) for anything else.
bool ReadScratchStore(const flags::CommandSpec& spec,
                      const flags::Values& values, std::ostream& err,
                      std::string* url) {
  *url = values.Get("store");
  if (url->empty() || *url == flags::kMemoryStoreUrl) return true;
  err << flags::UsageError(
      spec, "--store: the replay's store is thrown away: memory:, or without "
            "--store a temporary RocksDB folder (--temp-dir)");
  return false;
}

// JSON Lines rows carry only an address: without GeoIP files the location,
// network and anonymizer signals see nothing. Said once, before the work.
void WarnIfNoGeo(const flags::CommandSpec& spec, const flags::Values& values,
                 std::ostream& err) {
  if (!values.All("geoip").empty()) return;
  absl::StatusOr<std::unique_ptr<EventReader>> reader =
      EventReader::Open(values.Get("events"));
  if (!reader.ok() || (*reader)->format() != InputFormat::kJsonLines) return;
  err << spec.path
      << ": warning: no --geoip data: rows get no country, city, network or "
         "anonymizer, so geo_velocity, unfamiliar places and ip_reputation "
         "cannot fire (data/fetch.sh fetches free databases)\n";
}

}  // namespace

const flags::CommandSpec& ReplaySpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil replay",
      .summary =
          "replay a history (JSON Lines or RBA CSV) against a model and "
          "summarize the decisions",
      .flags =
          {EventsFlag(),
           {.name = "model",
            .value_name = "MODEL",
            .help = "the model TOML to decide with",
            .required = true},
           GeoipFlag(),
           {.name = "out",
            .value_name = "FILE",
            .help = "write each decision as a JSON line"},
           {.name = "report",
            .value_name = "FILE.html",
            .help = "write an HTML report"},
           SkipBadRowsFlag(),
           {.name = "label-blind",
            .kind = flags::Kind::kSwitch,
            .help =
                "give the engine no label (challenges of attacks pass too); "
                "labels only feed the summary"},
           MinPriorFlag(),
           {.name = "warmup",
            .kind = flags::Kind::kDouble,
            .value_name = "F",
            .help =
                "leave the first F of the time span out of the detection at "
                "fixed challenge rates (the evaluator uses 0.3)",
            .default_value = "0",
            .min = 0,
            .max = 0.99},
           TempDirFlag(),
           ScratchStoreFlag(),
           {.name = "limit",
            .kind = flags::Kind::kInt,
            .value_name = "N",
            .help = "stop after N rows (0: all)",
            .default_value = "0",
            .min = 0}},
      .details = "On a terminal, a progress line is drawn on stderr.\n"};
  return *spec;
}

const flags::CommandSpec& CompareSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil compare",
      .summary =
          "replay a history under two models: how the rates move and "
          "which events and users change decision",
      .flags = {EventsFlag(),
                {.name = "model",
                 .value_name = "MODEL",
                 .help = "a model TOML; give exactly two, A then B",
                 .required = true,
                 .repeatable = true},
                GeoipFlag(),
                SkipBadRowsFlag(),
                MinPriorFlag(),
                TempDirFlag(),
                ScratchStoreFlag(),
                {.name = "show",
                 .kind = flags::Kind::kInt,
                 .value_name = "N",
                 .help = "list the first N changed events",
                 .default_value = "20",
                 .min = 0,
                 .max = 1000000}}};
  return *spec;
}

int RunReplay(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  const flags::CommandSpec& spec = ReplaySpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const int64_t min_prior = flags.GetInt("min-prior-sign-ins");
  absl::StatusOr<std::shared_ptr<const Model>> model =
      Model::LoadFile(flags.Get("model"));
  if (!model.ok()) {
    err << spec.path << ": " << model.status().message() << "\n";
    return 1;
  }
  WarnIfNoGeo(spec, flags, err);
  ReplayOptions o;
  o.events_path = flags.Get("events");
  o.model = *model;
  o.geo = GeoOptionsFromFiles(flags.All("geoip"));
  o.out_path = flags.Get("out");
  o.skip_bad_rows = flags.Has("skip-bad-rows");
  o.label_blind = flags.Has("label-blind");
  o.temp_parent = flags.Get("temp-dir");
  if (!ReadScratchStore(spec, flags, err, &o.store_url)) return 2;
  o.limit = flags.GetInt("limit");
  o.progress_label = "replay";
  absl::StatusOr<ReplayResult> result = Replay(o, err);
  if (!result.ok()) {
    err << spec.path << ": " << result.status().message() << "\n";
    return 1;
  }
  const Summary summary = Summarize(*result, static_cast<int>(min_prior),
                                    flags.GetDouble("warmup"));
  PrintSummary(summary, out);
  if (flags.Has("report")) {
    absl::Status s = WriteHtmlReport(flags.Get("report"), summary, *result);
    if (!s.ok()) {
      err << spec.path << ": " << s.message() << "\n";
      return 1;
    }
    out << "report: " << flags.Get("report") << "\n";
  }
  return 0;
}

int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  const flags::CommandSpec& spec = CompareSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  if (flags.All("model").size() != 2) {
    err << flags::UsageError(spec, "give exactly two --model");
    return 2;
  }
  const int64_t min_prior = flags.GetInt("min-prior-sign-ins");
  const int64_t show = flags.GetInt("show");
  WarnIfNoGeo(spec, flags, err);
  ReplayResult results[2];
  Summary summaries[2];
  for (int m = 0; m < 2; ++m) {
    absl::StatusOr<std::shared_ptr<const Model>> model =
        Model::LoadFile(flags.All("model")[m]);
    if (!model.ok()) {
      err << spec.path << ": " << model.status().message() << "\n";
      return 1;
    }
    ReplayOptions o;
    o.events_path = flags.Get("events");
    o.model = *model;
    o.geo = GeoOptionsFromFiles(flags.All("geoip"));
    o.skip_bad_rows = flags.Has("skip-bad-rows");
    o.temp_parent = flags.Get("temp-dir");
    if (!ReadScratchStore(spec, flags, err, &o.store_url)) return 2;
    o.keep_users = true;
    o.progress_label = m == 0 ? "compare: model A" : "compare: model B";
    absl::StatusOr<ReplayResult> r = Replay(o, err);
    if (!r.ok()) {
      err << spec.path << ": " << r.status().message() << "\n";
      return 1;
    }
    results[m] = *std::move(r);
    summaries[m] = Summarize(results[m], static_cast<int>(min_prior));
  }
  const ReplayResult& a = results[0];
  const ReplayResult& b = results[1];
  static const char* kVerdicts[3] = {"allow", "challenge", "block"};
  out << absl::StrFormat("A = %s (%s)\nB = %s (%s)\n\n", a.model_id,
                         flags.All("model")[0], b.model_id,
                         flags.All("model")[1]);
  auto line = [&](const char* what, const Rate& ra, const Rate& rb) {
    out << absl::StrFormat("  %-52s %7.2f%% -> %7.2f%%  (%+.2f points)\n", what,
                           100 * ra.value(), 100 * rb.value(),
                           100 * (rb.value() - ra.value()));
  };
  out << "rates:\n";
  if (summaries[0].has_labels) {
    line("detection of account takeovers (right password)",
         summaries[0].detection, summaries[1].detection);
    line(absl::StrFormat("challenge, legitimate, >= %d prior sign-ins",
                         min_prior)
             .c_str(),
         summaries[0].challenge_mature, summaries[1].challenge_mature);
    line("challenge, all legitimate", summaries[0].challenge_all,
         summaries[1].challenge_all);
    out << absl::StrFormat("  %-52s %8.4f -> %8.4f\n", "ROC AUC",
                           summaries[0].auc, summaries[1].auc);
  }
  for (int v = 0; v < 3; ++v) {
    out << absl::StrFormat(
        "  %-52s %8d -> %8d\n", absl::StrCat("decisions ", kVerdicts[v]),
        summaries[0].by_verdict[v], summaries[1].by_verdict[v]);
  }
  // Rows line up by index (both replays read the same file and skip the same
  // bad rows).
  int64_t changed[3][3] = {};
  int64_t changed_rows = 0;
  std::vector<int> users_changed(a.users.size(), 0);
  std::vector<size_t> examples;
  const size_t n = std::min(a.rows.size(), b.rows.size());
  for (size_t i = 0; i < n; ++i) {
    const RowResult& ra = a.rows[i];
    const RowResult& rb = b.rows[i];
    if (ra.verdict == rb.verdict) continue;
    ++changed_rows;
    ++changed[static_cast<int>(ra.verdict)][static_cast<int>(rb.verdict)];
    users_changed[ra.user] = 1;
    if (static_cast<int64_t>(examples.size()) < show) examples.push_back(i);
  }
  int64_t nusers = 0;
  for (int u : users_changed) nusers += u;
  out << absl::StrFormat(
      "\n%d of %d events and %d of %d users change decision\n", changed_rows, n,
      nusers, a.users.size());
  for (int x = 0; x < 3; ++x) {
    for (int y = 0; y < 3; ++y) {
      if (changed[x][y] == 0) continue;
      out << absl::StrFormat("  %-9s -> %-9s %8d\n", kVerdicts[x], kVerdicts[y],
                             changed[x][y]);
    }
  }
  if (!examples.empty()) {
    out << "\nfirst changed events (i, user, label, A score/decision -> B):\n";
    for (size_t i : examples) {
      const RowResult& ra = a.rows[i];
      const RowResult& rb = b.rows[i];
      const char* cls = ra.takeover ? "takeover"
                        : ra.attack ? "attack"
                                    : "legitimate";
      out << absl::StrFormat("  %8d  %-24s %-10s %.3f %-9s -> %.3f %s\n",
                             ra.index, a.users[ra.user],
                             ra.labelled ? cls : "-", ra.score,
                             kVerdicts[static_cast<int>(ra.verdict)], rb.score,
                             kVerdicts[static_cast<int>(rb.verdict)]);
    }
  }
  return 0;
}

}  // namespace vigil::tools
