// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/metrics.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace vigil::tools {

RowClass ClassOf(const RowResult& r) {
  if (r.takeover) return kTakeover;
  if (r.attack) return kAttack;
  return kLegit;
}

double RocAuc(std::vector<float> pos, std::vector<float> neg) {
  if (pos.empty() || neg.empty()) return 0;
  std::sort(neg.begin(), neg.end());
  double sum = 0;
  for (float p : pos) {
    const auto lo = std::lower_bound(neg.begin(), neg.end(), p);
    const auto hi = std::upper_bound(neg.begin(), neg.end(), p);
    sum += static_cast<double>(lo - neg.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  return sum / (static_cast<double>(pos.size()) * static_cast<double>(neg.size()));
}

double ThresholdForRate(std::vector<float> legit, double rate) {
  if (legit.empty()) return 0.5;
  std::sort(legit.begin(), legit.end(), std::greater<float>());
  // Allow at most k = floor(rate * n) scores at or above the threshold.
  const size_t k = static_cast<size_t>(rate * static_cast<double>(legit.size()));
  if (k >= legit.size()) return 1e-6;
  // Just above the (k+1)-th highest score.
  const double t = static_cast<double>(legit[k]) + 1e-6;
  return std::min(1.0, t);
}

Summary Summarize(const ReplayResult& result, int min_prior) {
  Summary s;
  s.model_id = result.model_id;
  s.rows = static_cast<int64_t>(result.rows.size());
  s.bad_rows = result.bad_rows;
  s.seconds = result.seconds;
  s.min_prior_sign_ins = min_prior;
  s.kinds.resize(result.kinds.size());
  for (size_t i = 0; i < result.kinds.size(); ++i) s.kinds[i].name = result.kinds[i];
  std::vector<float> pos, neg;
  for (const RowResult& r : result.rows) {
    const int v = static_cast<int>(r.verdict);
    const bool caught = r.verdict != Verdict::kAllow;
    ++s.by_verdict[v];
    ++s.by_level[static_cast<int>(r.level)];
    if (r.labelled) s.has_labels = true;
    const RowClass c = ClassOf(r);
    ++s.confusion[v][c];
    if (caught && r.top_signal >= 0) ++s.top_reason[r.top_signal];
    if (r.kind >= 0) {
      ++s.kinds[r.kind].caught.total;
      s.kinds[r.kind].caught.hits += caught;
    }
    if (c == kTakeover && r.success) {
      ++s.detection.total;
      s.detection.hits += caught;
      pos.push_back(r.score);
    } else if (c == kLegit) {
      ++s.challenge_all.total;
      s.challenge_all.hits += caught;
      if (r.prior_sign_ins >= min_prior) {
        ++s.challenge_mature.total;
        s.challenge_mature.hits += caught;
        neg.push_back(r.score);
      }
    }
  }
  s.auc = RocAuc(pos, neg);
  std::sort(pos.begin(), pos.end());
  std::sort(neg.begin(), neg.end());
  auto above = [](const std::vector<float>& v, double t) {
    if (v.empty()) return 0.0;
    const auto it = std::lower_bound(v.begin(), v.end(), static_cast<float>(t));
    return static_cast<double>(v.end() - it) / static_cast<double>(v.size());
  };
  for (int i = 1; i <= 19; ++i) {
    const double t = i * 0.05;
    s.sweep.push_back({t, above(neg, t), above(pos, t)});
  }
  for (int i = 0; i <= 200; ++i) {
    const double t = 1.0 - i / 200.0;
    s.roc.emplace_back(above(neg, t + 1e-9), above(pos, t + 1e-9));
  }
  s.roc.emplace_back(1.0, 1.0);
  return s;
}

void PrintSummary(const Summary& s, std::ostream& out) {
  static const char* kVerdicts[3] = {"allow", "challenge", "block"};
  static const char* kLevels[4] = {"none", "low", "medium", "high"};
  out << absl::StrFormat("model %s: %d rows replayed", s.model_id, s.rows);
  if (s.bad_rows > 0) out << absl::StrFormat(", %d bad rows skipped", s.bad_rows);
  if (s.seconds > 0) {
    out << absl::StrFormat(" in %.2f s (%.0f rows/s)", s.seconds, s.rows / s.seconds);
  }
  out << "\n\ndecisions:";
  for (int v = 0; v < 3; ++v) out << absl::StrFormat("  %s %d", kVerdicts[v], s.by_verdict[v]);
  out << "\nlevels:   ";
  for (int l = 0; l < 4; ++l) out << absl::StrFormat("  %s %d", kLevels[l], s.by_level[l]);
  out << "\n";
  if (!s.has_labels) return;
  out << "\nconfusion (decision x label):\n";
  out << absl::StrFormat("  %-10s %12s %12s %12s\n", "", "legitimate", "attack",
                         "takeover");
  for (int v = 0; v < 3; ++v) {
    out << absl::StrFormat("  %-10s %12d %12d %12d\n", kVerdicts[v],
                           s.confusion[v][kLegit], s.confusion[v][kAttack],
                           s.confusion[v][kTakeover]);
  }
  out << absl::StrFormat(
      "\ndetection rate of account takeovers (right password): %.2f%% (%d / %d)\n",
      100 * s.detection.value(), s.detection.hits, s.detection.total);
  out << absl::StrFormat(
      "challenge rate of legitimate sign-ins, users with >= %d prior: %.2f%% "
      "(%d / %d)\n",
      s.min_prior_sign_ins, 100 * s.challenge_mature.value(),
      s.challenge_mature.hits, s.challenge_mature.total);
  out << absl::StrFormat(
      "challenge rate of all legitimate sign-ins: %.2f%% (%d / %d)\n",
      100 * s.challenge_all.value(), s.challenge_all.hits, s.challenge_all.total);
  out << absl::StrFormat("ROC AUC (takeovers vs mature legitimate): %.4f\n", s.auc);
  if (!s.kinds.empty()) {
    out << "\nper attack kind (caught = not allowed):\n";
    for (const auto& k : s.kinds) {
      out << absl::StrFormat("  %-28s %8d  caught %6.2f%%\n", k.name,
                             k.caught.total, 100 * k.caught.value());
    }
  }
  out << "\nthreshold sweep (score >= t challenged):\n";
  out << absl::StrFormat("  %9s %15s %15s\n", "threshold", "challenge rate",
                         "detection rate");
  for (const SweepPoint& p : s.sweep) {
    out << absl::StrFormat("  %9.2f %14.2f%% %14.2f%%\n", p.threshold,
                           100 * p.challenge_rate, 100 * p.detection_rate);
  }
}

}  // namespace vigil::tools
