// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/train.h: fits a model to a history (`vigil train`).
//
// On the training part (the first `train_fraction` of the rows):
//   1. Global frequency tables from the legitimate successful sign-ins (all
//      successful sign-ins when the file has no labels): each country's
//      share (the [signals.unfamiliar.country_share] table), and per level
//      of the unfamiliar hierarchies the prior, fitted as the typical share
//      of the value a sign-in carries in log space (exp(-entropy)), since the
//      signal compares log likelihood ratios.
//   2. A replay of the training part under the model with those tables,
//      keeping each signal's sub-score per row; the first third of the part
//      is a warm-up (profiles start empty), learned from but not fitted on.
//   3. Signal weights by coordinate search, maximising the detection rate of
//      labelled account takeovers at the target challenge rate of mature
//      legitimate sign-ins (without labels the weights are kept).
//   4. Thresholds: `medium` so that at most the target rate of the mature
//      legitimate sign-ins of the latest third of the training part reach
//      it (scores drift up as baselines grow, so the most recent rows
//      calibrate best); `low` and `high` around it.
// The result is the base model file with those keys replaced, validated by
// loading it before it is written.

#ifndef VIGIL_TOOLS_REPLAY_TRAIN_H_
#define VIGIL_TOOLS_REPLAY_TRAIN_H_

#include <array>
#include <map>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "tools/replay/replayer.h"
#include "vigil/geo.h"

namespace vigil::tools {

struct TrainOptions {
  std::string events_path;
  std::string base_model_path;  // the model to start from (its TOML text)
  GeoOptions geo;
  double target_challenge_rate = 0.01;
  double train_fraction = 0.5;
  int min_prior_sign_ins = 5;
  std::string temp_parent;
  std::string name = "trained";
};

struct TrainResult {
  std::string model_toml;  // the fitted model file
  int64_t training_rows = 0;
  int64_t total_rows = 0;
  std::map<std::string, double> country_share;
  std::array<double, 8>
      priors{};  // ip, network, asn, country, ua, browser, os, device type
  std::array<double, kSignalCount> weights{};
  double low = 0, medium = 0, high = 0;
  // On the latest third of the training part, at the target rate.
  double train_detection = 0;
  double train_challenge = 0;
};

absl::StatusOr<TrainResult> Train(const TrainOptions& options,
                                  std::ostream& log);

// Replaces `key = ...` in [section] of a TOML text (or adds it right after
// the section header); adds the section at the end if missing.
std::string SetTomlValue(const std::string& toml, const std::string& section,
                         const std::string& key, const std::string& value);
// Replaces the whole body of [section] with `body` (lines).
std::string SetTomlSection(const std::string& toml, const std::string& section,
                           const std::string& body);

// Detection of takeovers at the score threshold where `rate` of the mature
// legitimate rows (>= min prior sign-ins) would be challenged.
struct Operating {
  double threshold = 0;
  double challenge_rate = 0;
  double detection_rate = 0;
};
Operating AtChallengeRate(const ReplayResult& result, double rate,
                          int min_prior);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_TRAIN_H_
