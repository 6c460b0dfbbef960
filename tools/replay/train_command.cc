// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/train_command.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "tools/replay/flags.h"
#include "tools/replay/metrics.h"
#include "tools/replay/train.h"
#include "vigil/model.h"

namespace vigil::tools {

int RunTrain(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      args,
      {"events", "out", "base", "geoip", "target-challenge-rate", "train-fraction",
       "name", "min-prior-sign-ins", "temp-dir"},
      {"evaluate"});
  if (!flags.ok()) {
    err << "train: " << flags.status().message() << "\n";
    return 2;
  }
  if (!flags->Has("events") || !flags->Has("out")) {
    err << "train: --events and --out are required\n";
    return 2;
  }
  TrainOptions o;
  o.events_path = flags->Get("events");
  o.base_model_path = flags->Get("base", "models/default.toml");
  o.geo = GeoOptionsFromFiles(flags->All("geoip"));
  o.temp_parent = flags->Get("temp-dir");
  o.name = flags->Get("name", "trained");
  int64_t min_prior = 5;
  absl::Status s = flags->GetDouble("target-challenge-rate", &o.target_challenge_rate);
  if (s.ok()) s = flags->GetDouble("train-fraction", &o.train_fraction);
  if (s.ok()) s = flags->GetInt("min-prior-sign-ins", &min_prior);
  if (!s.ok() || !(o.target_challenge_rate > 0 && o.target_challenge_rate < 1) ||
      !(o.train_fraction > 0 && o.train_fraction <= 1)) {
    err << "train: " << (s.ok() ? "rates must be in (0, 1)" : s.message()) << "\n";
    return 2;
  }
  o.min_prior_sign_ins = static_cast<int>(min_prior);
  absl::StatusOr<TrainResult> r = Train(o, err);
  if (!r.ok()) {
    err << "train: " << r.status().message() << "\n";
    return 1;
  }
  std::ofstream file(flags->Get("out"), std::ios::binary | std::ios::trunc);
  file << r->model_toml;
  file.flush();
  if (!file) {
    err << "train: " << flags->Get("out") << ": cannot write\n";
    return 1;
  }
  out << absl::StrFormat("trained on %d of %d rows; wrote %s\n", r->training_rows,
                         r->total_rows, flags->Get("out"));
  out << absl::StrFormat("  levels: low %.4g, medium %.4g, high %.4g\n", r->low,
                         r->medium, r->high);
  out << "  weights:";
  for (int k = 0; k < kSignalCount; ++k) {
    out << absl::StrFormat(" %s %.2f", kSignalNames[k], r->weights[k]);
  }
  out << absl::StrFormat("\n  %d country shares\n", r->country_share.size());
  out << absl::StrFormat(
      "  latest third of the training part: detection %.2f%% at challenge rate %.2f%%\n",
      100 * r->train_detection, 100 * r->train_challenge);
  if (!flags->Has("evaluate") || o.train_fraction >= 1) return 0;

  out << absl::StrFormat("\nheld-out rows %d..%d:\n", r->training_rows, r->total_rows);
  const std::string paths[2] = {o.base_model_path, flags->Get("out")};
  for (const std::string& path : paths) {
    absl::StatusOr<std::shared_ptr<const Model>> model = Model::LoadFile(path);
    if (!model.ok()) {
      err << "train: " << model.status().message() << "\n";
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
      err << "train: " << result.status().message() << "\n";
      return 1;
    }
    const Operating op = AtChallengeRate(*result, o.target_challenge_rate,
                                         o.min_prior_sign_ins);
    const Summary sm = Summarize(*result, o.min_prior_sign_ins);
    out << absl::StrFormat(
        "  %-28s at challenge rate %.2f%%: detection %.2f%% (threshold %.4f); "
        "own thresholds: detection %.2f%%, challenge %.2f%%\n",
        (*model)->id(), 100 * op.challenge_rate, 100 * op.detection_rate,
        op.threshold, 100 * sm.detection.value(), 100 * sm.challenge_mature.value());
  }
  return 0;
}

}  // namespace vigil::tools
