// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "model/score_quantile.h"

#include <algorithm>
#include <cmath>

namespace vigil::internal {

ScoreQuantile::ScoreQuantile(double rate, int window, int min_samples)
    : rate_(rate),
      min_samples_(std::max(1, min_samples)),
      ring_(static_cast<size_t>(std::max(1, window))) {}

void ScoreQuantile::Add(double score) {
  if (!(score >= 0)) score = 0;  // NaN too
  const int bin = std::min(kBins, static_cast<int>(std::floor(score * kBins)));
  absl::MutexLock lock(&mu_);
  if (count_ == static_cast<int64_t>(ring_.size())) {
    --bins_[ring_[next_]];
  } else {
    ++count_;
  }
  ring_[next_] = static_cast<uint16_t>(bin);
  ++bins_[bin];
  next_ = (next_ + 1) % ring_.size();
  ++adds_;
  // Recomputed at min_samples, then every 64 scores: it moves slowly.
  if (count_ >= min_samples_ && (count_ == min_samples_ || adds_ % 64 == 0)) {
    threshold_.store(Compute(), std::memory_order_relaxed);
  }
}

double ScoreQuantile::Compute() const {
  const double allowed = rate_ * static_cast<double>(count_);
  int64_t above = 0;
  int lowest = -1;  // the lowest non-empty bin taken
  // Take whole bins from the top while they fit in the allowed share.
  for (int b = kBins; b >= 0; --b) {
    if (bins_[b] == 0) continue;
    if (static_cast<double>(above + bins_[b]) > allowed) {
      // Ties are not split: the threshold lies above this bin, at the lowest
      // score taken (not lower: a score between two bins seen so far is
      // not challenged on the strength of an empty range).
      return static_cast<double>(lowest >= 0 ? lowest : b + 1) / kBins;
    }
    above += bins_[b];
    lowest = b;
  }
  return lowest >= 0 ? static_cast<double>(lowest) / kBins : 0;
}

double ScoreQuantile::Threshold() const {
  return threshold_.load(std::memory_order_relaxed);
}

int64_t ScoreQuantile::size() const {
  absl::MutexLock lock(&mu_);
  return count_;
}

}  // namespace vigil::internal
