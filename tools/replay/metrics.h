// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/metrics.h: the numbers of a replay.
//
// Definitions (the docs repeat them):
//   - "caught" / "challenged": any decision other than allow;
//   - account takeovers: rows labelled account_takeover whose outcome is
//     success (the attacker had the right password); detection rate = caught
//     / all of them;
//   - legitimate sign-ins: labelled rows that are not attacks (or any row
//     when the file has no labels); the challenge rate is reported for all
//     of them and for those of users with at least `min_prior_sign_ins`
//     trusted sign-ins before (the baseline the engine reports);
//   - ROC AUC and the threshold sweep rank account takeovers against those
//     mature legitimate sign-ins by score; a sweep point t counts a score
//     >= t as challenged (what a medium threshold of t would do).
//   - detection at fixed legitimate challenge rates (OperatingPoints), as
//     the evaluation protocol of issue 14 and Wiefling et al. ("Pump Up
//     Password Security!", ACM TOPS 2022) report it: population = successful
//     sign_in rows of users with >= 1 prior trusted sign-in (after a warm-up
//     share of the time span, if asked); positives = account takeovers,
//     negatives = legitimate; the threshold for a rate r is a score quantile
//     of the negatives (sorted descending, the one at index floor(r * n)),
//     and a row is challenged when its score is above it. Reported overall,
//     per attack kind, per length of the user's history (prior trusted
//     sign-ins 1, 2-4, 5-9, 10-19, 20+), with the risk-score ratio
//     (attacker over legitimate score, means and medians).

#ifndef VIGIL_TOOLS_REPLAY_METRICS_H_
#define VIGIL_TOOLS_REPLAY_METRICS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "tools/replay/replayer.h"

namespace vigil::tools {

struct Rate {
  int64_t hits = 0;
  int64_t total = 0;
  double value() const {
    return total == 0 ? 0 : static_cast<double>(hits) / total;
  }
};

struct SweepPoint {
  double threshold = 0;
  double challenge_rate = 0;
  double detection_rate = 0;
};

// Rows by class for the confusion table.
enum RowClass { kLegit = 0, kAttack = 1, kTakeover = 2, kRowClassCount = 3 };
RowClass ClassOf(const RowResult& r);

// See the definitions above.
struct OperatingPoints {
  static constexpr int kPoints = 3;
  static constexpr double kRates[kPoints] = {0.005, 0.01, 0.02};
  static constexpr int kBuckets = 5;
  static constexpr const char* kBucketNames[kBuckets] = {"1", "2-4", "5-9",
                                                         "10-19", "20+"};
  double warmup = 0;  // share of the time span left out
  int64_t positives = 0;
  int64_t negatives = 0;
  // Per point: the threshold (-infinity: everything is challenged).
  double thresholds[kPoints] = {};
  Rate caught[kPoints];  // takeovers with score > threshold
  Rate legit[kPoints];   // the realized legitimate challenge rate
  struct Group {
    std::string name;
    Rate caught[kPoints];  // takeovers of the group
    Rate legit[kPoints];   // legitimate sign-ins of the group
  };
  std::vector<Group> kinds;  // takeovers by label kind, by name
  std::vector<Group> history =
      std::vector<Group>(kBuckets);          // by prior trusted sign-ins
  double mean_attacker = 0, mean_legit = 0;  // scores
  double median_attacker = 0, median_legit = 0;
  // Risk-score ratios, attacker over legitimate; NaN when the legitimate
  // score is 0 or a side is empty.
  double mean_ratio() const;
  double median_ratio() const;
};

// The history bucket (index into kBucketNames) of `prior` >= 1 sign-ins.
int HistoryBucket(int32_t prior);

struct Summary {
  std::string model_id;
  int64_t rows = 0;
  int64_t bad_rows = 0;
  double seconds = 0;
  int64_t by_verdict[3] = {};
  int64_t by_level[kRiskLevelCount] = {};
  bool has_labels = false;
  int min_prior_sign_ins = 5;
  int64_t confusion[3][kRowClassCount] = {};  // [verdict][class]
  Rate detection;         // account takeovers, right password
  Rate challenge_mature;  // legitimate, baseline >= min prior
  Rate challenge_all;     // all legitimate
  struct Kind {
    std::string name;
    Rate caught;
  };
  std::vector<Kind> kinds;
  double auc = 0;
  std::vector<SweepPoint> sweep;
  // The ROC curve (false positive rate, true positive rate), for plotting.
  std::vector<std::pair<double, double>> roc;
  // Top reasons: how often each signal was the largest contribution of a
  // non-allowed decision.
  int64_t top_reason[kSignalCount] = {};
  OperatingPoints operating;
};

// `warmup`: the share of the time span (first to last row) whose rows the
// operating points leave out (the evaluator's default is 0.3).
Summary Summarize(const ReplayResult& result, int min_prior_sign_ins,
                  double warmup = 0);

// ROC AUC of positives vs negatives (ties count one half).
double RocAuc(std::vector<float> positives, std::vector<float> negatives);

// The lowest score threshold whose challenge rate over `legit_scores` is at
// most `rate`.
double ThresholdForRate(std::vector<float> legit_scores, double rate);

void PrintSummary(const Summary& s, std::ostream& out);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_METRICS_H_
