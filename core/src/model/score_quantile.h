// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The scores of the last N successful sign-ins, and the threshold above which
// a given share of them lies: how a target legitimate challenge rate
// ([levels] target_challenge_rate) becomes a `medium` threshold, from recent
// traffic and without labels.

#ifndef VIGIL_CORE_SRC_MODEL_SCORE_QUANTILE_H_
#define VIGIL_CORE_SRC_MODEL_SCORE_QUANTILE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace vigil::internal {

// Thread-safe. Scores are kept to 1/1000 (bins of a histogram over [0, 1])
// in a ring of the last `window` scores: memory is fixed at construction
// (2 bytes per remembered score).
class ScoreQuantile {
 public:
  static constexpr int kBins = 1000;

  // `rate` in (0, 1): the share of scores to leave at or above the
  // threshold. `window` >= 1 scores remembered; `min_samples` in
  // [1, window] before Threshold() answers.
  ScoreQuantile(double rate, int window, int min_samples);

  // Remembers `score` (clamped to [0, 1]), forgetting the oldest beyond
  // the window. The threshold is recomputed when min_samples are reached,
  // then every 64 scores.
  void Add(double score);

  // A score t (a multiple of 1/1000) such that at most `rate` of the
  // remembered scores are >= t: the lowest score of the top bins that fit in
  // `rate`; just above the highest bin when even it holds more (ties are
  // never split). -1 while fewer than min_samples scores are known.
  double Threshold() const;

  int64_t size() const;

 private:
  double Compute() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const double rate_;
  const int min_samples_;
  mutable absl::Mutex mu_;
  std::vector<uint16_t> ring_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;  // scores held (<= window)
  int64_t adds_ ABSL_GUARDED_BY(mu_) = 0;   // scores ever added
  std::array<int64_t, kBins + 1> bins_ ABSL_GUARDED_BY(mu_) = {};
  std::atomic<double> threshold_{-1};
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MODEL_SCORE_QUANTILE_H_
