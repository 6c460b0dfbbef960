// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/replay_command.h"

#include "absl/strings/str_format.h"
#include "tools/replay/flags.h"
#include "tools/replay/metrics.h"
#include "tools/replay/replayer.h"
#include "tools/replay/report_html.h"
#include "vigil/model.h"

namespace vigil::tools {

int RunReplay(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      args,
      {"events", "model", "geoip", "out", "report", "min-prior-sign-ins",
       "temp-dir", "limit"},
      {"skip-bad-rows"});
  if (!flags.ok()) {
    err << "replay: " << flags.status().message() << "\n";
    return 2;
  }
  if (!flags->Has("events") || !flags->Has("model")) {
    err << "replay: --events and --model are required\n";
    return 2;
  }
  int64_t min_prior = 5, limit = 0;
  if (absl::Status s = flags->GetInt("min-prior-sign-ins", &min_prior); !s.ok()) {
    err << "replay: " << s.message() << "\n";
    return 2;
  }
  if (absl::Status s = flags->GetInt("limit", &limit); !s.ok()) {
    err << "replay: " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<const Model>> model =
      Model::LoadFile(flags->Get("model"));
  if (!model.ok()) {
    err << "replay: " << model.status().message() << "\n";
    return 1;
  }
  ReplayOptions o;
  o.events_path = flags->Get("events");
  o.model = *model;
  o.geo = GeoOptionsFromFiles(flags->All("geoip"));
  o.out_path = flags->Get("out");
  o.skip_bad_rows = flags->Has("skip-bad-rows");
  o.temp_parent = flags->Get("temp-dir");
  o.limit = limit;
  absl::StatusOr<ReplayResult> result = Replay(o, err);
  if (!result.ok()) {
    err << "replay: " << result.status().message() << "\n";
    return 1;
  }
  const Summary summary = Summarize(*result, static_cast<int>(min_prior));
  PrintSummary(summary, out);
  if (flags->Has("report")) {
    absl::Status s = WriteHtmlReport(flags->Get("report"), summary, *result);
    if (!s.ok()) {
      err << "replay: " << s.message() << "\n";
      return 1;
    }
    out << "report: " << flags->Get("report") << "\n";
  }
  return 0;
}

int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      args, {"events", "model", "geoip", "min-prior-sign-ins", "temp-dir", "show"},
      {"skip-bad-rows"});
  if (!flags.ok()) {
    err << "compare: " << flags.status().message() << "\n";
    return 2;
  }
  if (!flags->Has("events") || flags->All("model").size() != 2) {
    err << "compare: --events and exactly two --model are required\n";
    return 2;
  }
  int64_t min_prior = 5, show = 20;
  if (!flags->GetInt("min-prior-sign-ins", &min_prior).ok() ||
      !flags->GetInt("show", &show).ok()) {
    err << "compare: --min-prior-sign-ins and --show take integers\n";
    return 2;
  }
  ReplayResult results[2];
  Summary summaries[2];
  for (int m = 0; m < 2; ++m) {
    absl::StatusOr<std::shared_ptr<const Model>> model =
        Model::LoadFile(flags->All("model")[m]);
    if (!model.ok()) {
      err << "compare: " << model.status().message() << "\n";
      return 1;
    }
    ReplayOptions o;
    o.events_path = flags->Get("events");
    o.model = *model;
    o.geo = GeoOptionsFromFiles(flags->All("geoip"));
    o.skip_bad_rows = flags->Has("skip-bad-rows");
    o.temp_parent = flags->Get("temp-dir");
    o.keep_users = true;
    absl::StatusOr<ReplayResult> r = Replay(o, err);
    if (!r.ok()) {
      err << "compare: " << r.status().message() << "\n";
      return 1;
    }
    results[m] = *std::move(r);
    summaries[m] = Summarize(results[m], static_cast<int>(min_prior));
  }
  const ReplayResult& a = results[0];
  const ReplayResult& b = results[1];
  static const char* kVerdicts[3] = {"allow", "challenge", "block"};
  out << absl::StrFormat("A = %s (%s)\nB = %s (%s)\n\n", a.model_id,
                         flags->All("model")[0], b.model_id, flags->All("model")[1]);
  auto line = [&](const char* what, const Rate& ra, const Rate& rb) {
    out << absl::StrFormat("  %-52s %7.2f%% -> %7.2f%%  (%+.2f points)\n", what,
                           100 * ra.value(), 100 * rb.value(),
                           100 * (rb.value() - ra.value()));
  };
  out << "rates:\n";
  if (summaries[0].has_labels) {
    line("detection of account takeovers (right password)", summaries[0].detection,
         summaries[1].detection);
    line(absl::StrFormat("challenge, legitimate, >= %d prior sign-ins", min_prior)
             .c_str(),
         summaries[0].challenge_mature, summaries[1].challenge_mature);
    line("challenge, all legitimate", summaries[0].challenge_all,
         summaries[1].challenge_all);
    out << absl::StrFormat("  %-52s %8.4f -> %8.4f\n", "ROC AUC", summaries[0].auc,
                           summaries[1].auc);
  }
  for (int v = 0; v < 3; ++v) {
    out << absl::StrFormat("  %-52s %8d -> %8d\n",
                           absl::StrCat("decisions ", kVerdicts[v]),
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
  out << absl::StrFormat("\n%d of %d events and %d of %d users change decision\n",
                         changed_rows, n, nusers, a.users.size());
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
      const char* cls = ra.takeover ? "takeover" : ra.attack ? "attack" : "legitimate";
      out << absl::StrFormat("  %8d  %-24s %-10s %.3f %-9s -> %.3f %s\n", ra.index,
                             a.users[ra.user], ra.labelled ? cls : "-", ra.score,
                             kVerdicts[static_cast<int>(ra.verdict)], rb.score,
                             kVerdicts[static_cast<int>(rb.verdict)]);
    }
  }
  return 0;
}

}  // namespace vigil::tools
