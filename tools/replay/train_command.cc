// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/train_command.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "tools/replay/geo_files.h"
#include "tools/replay/metrics.h"
#include "tools/replay/train.h"
#include "vigil/model.h"

namespace vigil::tools {

const flags::CommandSpec& TrainSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil train",
      .summary =
          "fit a model to a history: frequency tables, signal weights "
          "and risk-level thresholds",
      .flags =
          {{.name = "events",
            .value_name = "FILE",
            .help =
                "the history: JSON Lines of attempts or the RBA dataset CSV",
            .required = true},
           {.name = "out",
            .value_name = "MODEL",
            .help = "where to write the fitted model TOML",
            .required = true},
           {.name = "base",
            .value_name = "MODEL",
            .help = "the model to start from",
            .default_value = "models/default.toml"},
           {.name = "geoip",
            .value_name = "DB",
            .help = "GeoIP file for JSON Lines rows: city, ASN or anonymous-IP "
                    ".mmdb, or ASN range .csv",
            .repeatable = true},
           {.name = "target-challenge-rate",
            .kind = flags::Kind::kDouble,
            .value_name = "R",
            .help =
                "share of mature legitimate sign-ins to challenge, in (0, 1)",
            .default_value = "0.01"},
           {.name = "train-fraction",
            .kind = flags::Kind::kDouble,
            .value_name = "F",
            .help = "fit on the first F of the rows, in (0, 1]",
            .default_value = "0.5"},
           {.name = "name",
            .value_name = "NAME",
            .help = "the fitted model's name",
            .default_value = "trained"},
           {.name = "min-prior-sign-ins",
            .kind = flags::Kind::kInt,
            .value_name = "N",
            .help = "a user is mature after N trusted sign-ins",
            .default_value = "5",
            .min = 0,
            .max = 1000000},
           {.name = "temp-dir",
            .value_name = "DIR",
            .help =
                "where the temporary store goes (default: $TMPDIR or /tmp)"},
           {.name = "evaluate",
            .kind = flags::Kind::kSwitch,
            .help = "replay the held-out rows under the base and the fitted "
                    "model and compare them"}},
      .details = "On a terminal, a progress line is drawn on stderr.\n"};
  return *spec;
}

int RunTrain(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  const flags::CommandSpec& spec = TrainSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  TrainOptions o;
  o.events_path = flags.Get("events");
  o.base_model_path = flags.Get("base");
  o.geo = GeoOptionsFromFiles(flags.All("geoip"));
  o.temp_parent = flags.Get("temp-dir");
  o.name = flags.Get("name");
  o.target_challenge_rate = flags.GetDouble("target-challenge-rate");
  o.train_fraction = flags.GetDouble("train-fraction");
  o.min_prior_sign_ins = static_cast<int>(flags.GetInt("min-prior-sign-ins"));
  if (!(o.target_challenge_rate > 0 && o.target_challenge_rate < 1)) {
    err << flags::UsageError(spec,
                             "--target-challenge-rate: must be in (0, 1)");
    return 2;
  }
  if (!(o.train_fraction > 0 && o.train_fraction <= 1)) {
    err << flags::UsageError(spec, "--train-fraction: must be in (0, 1]");
    return 2;
  }
  absl::StatusOr<TrainResult> r = Train(o, err);
  if (!r.ok()) {
    err << spec.path << ": " << r.status().message() << "\n";
    return 1;
  }
  std::ofstream file(flags.Get("out"), std::ios::binary | std::ios::trunc);
  file << r->model_toml;
  file.flush();
  if (!file) {
    err << spec.path << ": " << flags.Get("out") << ": cannot write\n";
    return 1;
  }
  out << absl::StrFormat("trained on %d of %d rows; wrote %s\n",
                         r->training_rows, r->total_rows, flags.Get("out"));
  out << absl::StrFormat("  levels: low %.4g, medium %.4g, high %.4g\n", r->low,
                         r->medium, r->high);
  out << "  weights:";
  for (int k = 0; k < kSignalCount; ++k) {
    out << absl::StrFormat(" %s %.2f", kSignalNames[k], r->weights[k]);
  }
  out << absl::StrFormat("\n  %d country shares\n", r->country_share.size());
  out << absl::StrFormat(
      "  latest third of the training part: detection %.2f%% at challenge rate "
      "%.2f%%\n",
      100 * r->train_detection, 100 * r->train_challenge);
  if (!flags.Has("evaluate") || o.train_fraction >= 1) return 0;

  out << absl::StrFormat("\nheld-out rows %d..%d:\n", r->training_rows,
                         r->total_rows);
  const std::string paths[2] = {o.base_model_path, flags.Get("out")};
  for (const std::string& path : paths) {
    absl::StatusOr<std::shared_ptr<const Model>> model = Model::LoadFile(path);
    if (!model.ok()) {
      err << spec.path << ": " << model.status().message() << "\n";
      return 1;
    }
    ReplayOptions ro;
    ro.events_path = o.events_path;
    ro.model = *model;
    ro.geo = o.geo;
    ro.skip_bad_rows = true;
    ro.temp_parent = o.temp_parent;
    ro.score_from = r->training_rows;
    std::ostringstream log;
    absl::StatusOr<ReplayResult> result = Replay(ro, log);
    if (!result.ok()) {
      err << spec.path << ": " << result.status().message() << "\n";
      return 1;
    }
    const Operating op =
        AtChallengeRate(*result, o.target_challenge_rate, o.min_prior_sign_ins);
    const Summary sm = Summarize(*result, o.min_prior_sign_ins);
    out << absl::StrFormat(
        "  %-28s at challenge rate %.2f%%: detection %.2f%% (threshold %.4f); "
        "own thresholds: detection %.2f%%, challenge %.2f%%\n",
        (*model)->id(), 100 * op.challenge_rate, 100 * op.detection_rate,
        op.threshold, 100 * sm.detection.value(),
        100 * sm.challenge_mature.value());
  }
  return 0;
}

}  // namespace vigil::tools
