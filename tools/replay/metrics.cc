// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
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
    sum += static_cast<double>(lo - neg.begin()) +
           0.5 * static_cast<double>(hi - lo);
  }
  return sum /
         (static_cast<double>(pos.size()) * static_cast<double>(neg.size()));
}

double ThresholdForRate(std::vector<float> legit, double rate) {
  if (legit.empty()) return 0.5;
  std::sort(legit.begin(), legit.end(), std::greater<float>());
  // Allow at most k = floor(rate * n) scores at or above the threshold.
  const size_t k =
      static_cast<size_t>(rate * static_cast<double>(legit.size()));
  if (k >= legit.size()) return 1e-6;
  // Just above the (k+1)-th highest score.
  const double t = static_cast<double>(legit[k]) + 1e-6;
  return std::min(1.0, t);
}

int HistoryBucket(int32_t prior) {
  if (prior <= 1) return 0;
  if (prior <= 4) return 1;
  if (prior <= 9) return 2;
  if (prior <= 19) return 3;
  return 4;
}

namespace {

double Ratio(double attacker, double legit, bool empty) {
  if (empty || legit <= 0) return std::numeric_limits<double>::quiet_NaN();
  return attacker / legit;
}

double Median(std::vector<float> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2]
                    : (static_cast<double>(v[n / 2 - 1]) + v[n / 2]) / 2;
}

double Mean(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

OperatingPoints ComputeOperatingPoints(const ReplayResult& result,
                                       double warmup) {
  using P = OperatingPoints;
  P op;
  op.warmup = warmup;
  for (int b = 0; b < P::kBuckets; ++b) op.history[b].name = P::kBucketNames[b];
  if (result.rows.empty()) return op;
  int64_t first = result.rows.front().time, last = first;
  for (const RowResult& r : result.rows) {
    first = std::min(first, r.time);
    last = std::max(last, r.time);
  }
  const double cut =
      static_cast<double>(first) + warmup * static_cast<double>(last - first);
  std::vector<const RowResult*> pos, neg;
  for (const RowResult& r : result.rows) {
    if (!r.labelled || !r.sign_in || !r.success || r.prior_sign_ins < 1 ||
        static_cast<double>(r.time) < cut) {
      continue;
    }
    if (r.takeover) {
      pos.push_back(&r);
    } else if (!r.attack) {
      neg.push_back(&r);
    }
  }
  op.positives = static_cast<int64_t>(pos.size());
  op.negatives = static_cast<int64_t>(neg.size());
  std::vector<float> neg_scores, pos_scores;
  for (const RowResult* r : neg) neg_scores.push_back(r->score);
  for (const RowResult* r : pos) pos_scores.push_back(r->score);
  std::vector<float> desc = neg_scores;
  std::sort(desc.begin(), desc.end(), std::greater<float>());
  for (int i = 0; i < P::kPoints; ++i) {
    const size_t k =
        static_cast<size_t>(std::floor(P::kRates[i] * desc.size() + 1e-9));
    op.thresholds[i] =
        k >= desc.size() ? -std::numeric_limits<double>::infinity() : desc[k];
  }
  absl::flat_hash_map<int16_t, size_t> kind_group;
  auto count = [&](const RowResult& r, bool attacker) {
    P::Group& h = op.history[HistoryBucket(r.prior_sign_ins)];
    P::Group* k = nullptr;
    if (attacker) {
      auto [it, added] = kind_group.try_emplace(r.kind, op.kinds.size());
      if (added) {
        op.kinds.push_back({});
        op.kinds.back().name =
            r.kind >= 0 && static_cast<size_t>(r.kind) < result.kinds.size()
                ? result.kinds[r.kind]
                : "(no kind)";
      }
      k = &op.kinds[it->second];
    }
    for (int i = 0; i < P::kPoints; ++i) {
      const bool challenged = r.score > op.thresholds[i];
      Rate& overall = attacker ? op.caught[i] : op.legit[i];
      Rate& bucket = attacker ? h.caught[i] : h.legit[i];
      ++overall.total;
      overall.hits += challenged;
      ++bucket.total;
      bucket.hits += challenged;
      if (k != nullptr) {
        ++k->caught[i].total;
        k->caught[i].hits += challenged;
      }
    }
  };
  for (const RowResult* r : pos) count(*r, true);
  for (const RowResult* r : neg) count(*r, false);
  std::sort(
      op.kinds.begin(), op.kinds.end(),
      [](const P::Group& a, const P::Group& b) { return a.name < b.name; });
  op.mean_attacker = Mean(pos_scores);
  op.mean_legit = Mean(neg_scores);
  op.median_attacker = Median(pos_scores);
  op.median_legit = Median(neg_scores);
  return op;
}

}  // namespace

double OperatingPoints::mean_ratio() const {
  return Ratio(mean_attacker, mean_legit, positives == 0 || negatives == 0);
}
double OperatingPoints::median_ratio() const {
  return Ratio(median_attacker, median_legit, positives == 0 || negatives == 0);
}

Summary Summarize(const ReplayResult& result, int min_prior, double warmup) {
  Summary s;
  s.model_id = result.model_id;
  s.rows = static_cast<int64_t>(result.rows.size());
  s.bad_rows = result.bad_rows;
  s.seconds = result.seconds;
  s.min_prior_sign_ins = min_prior;
  s.kinds.resize(result.kinds.size());
  for (size_t i = 0; i < result.kinds.size(); ++i)
    s.kinds[i].name = result.kinds[i];
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
  s.operating = ComputeOperatingPoints(result, warmup);
  return s;
}

namespace {

std::string RatioText(double attacker, double legit, double ratio) {
  return std::isnan(ratio)
             ? absl::StrFormat("%.4f / %.4f = n/a", attacker, legit)
             : absl::StrFormat("%.4f / %.4f = %.2f", attacker, legit, ratio);
}

void PrintOperatingPoints(const OperatingPoints& op, std::ostream& out) {
  using P = OperatingPoints;
  out << absl::StrFormat(
      "\ndetection at a legitimate challenge rate (successful sign-ins of "
      "users with >= 1 "
      "prior trusted sign-in%s: %d takeovers, %d legitimate; threshold = score "
      "quantile of "
      "the legitimate ones, challenged when score > threshold):\n",
      op.warmup > 0
          ? absl::StrFormat(", after the first %.0f%% of the time span",
                            100 * op.warmup)
          : "",
      op.positives, op.negatives);
  auto row = [&](const std::string& name, const Rate* rates,
                 const char* suffix) {
    out << absl::StrFormat("  %-34s", name);
    for (int i = 0; i < P::kPoints; ++i) {
      out << (rates[i].total == 0
                  ? absl::StrFormat("%10s", "n/a")
                  : absl::StrFormat("%9.2f%%", 100 * rates[i].value()));
    }
    out << suffix << "\n";
  };
  out << absl::StrFormat("  %-34s", "legitimate challenge rate");
  for (double r : P::kRates) out << absl::StrFormat("%9.1f%%", 100 * r);
  out << "\n";
  row("takeovers caught", op.caught, "");
  row("legitimate challenged (realized)", op.legit, "");
  for (const P::Group& k : op.kinds) {
    row(absl::StrFormat("  %s (%d)", k.name, k.caught[0].total), k.caught, "");
  }
  out << "  by the user's prior trusted sign-ins: takeovers caught, then "
         "legitimate challenged\n";
  for (const P::Group& h : op.history) {
    row(absl::StrFormat("  %s (%d takeovers)", h.name, h.caught[0].total),
        h.caught, "");
    row(absl::StrFormat("  %s (%d legitimate)", h.name, h.legit[0].total),
        h.legit, "");
  }
  out << "  risk-score ratio (attacker / legitimate score): mean "
      << RatioText(op.mean_attacker, op.mean_legit, op.mean_ratio())
      << ", median "
      << RatioText(op.median_attacker, op.median_legit, op.median_ratio())
      << "\n";
}

}  // namespace

void PrintSummary(const Summary& s, std::ostream& out) {
  static const char* kVerdicts[3] = {"allow", "challenge", "block"};
  static const char* kLevels[4] = {"none", "low", "medium", "high"};
  out << absl::StrFormat("model %s: %d rows replayed", s.model_id, s.rows);
  if (s.bad_rows > 0)
    out << absl::StrFormat(", %d bad rows skipped", s.bad_rows);
  if (s.seconds > 0) {
    out << absl::StrFormat(" in %.2f s (%.0f rows/s)", s.seconds,
                           s.rows / s.seconds);
  }
  out << "\n\ndecisions:";
  for (int v = 0; v < 3; ++v)
    out << absl::StrFormat("  %s %d", kVerdicts[v], s.by_verdict[v]);
  out << "\nlevels:   ";
  for (int l = 0; l < 4; ++l)
    out << absl::StrFormat("  %s %d", kLevels[l], s.by_level[l]);
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
      "\ndetection rate of account takeovers (right password): %.2f%% (%d / "
      "%d)\n",
      100 * s.detection.value(), s.detection.hits, s.detection.total);
  out << absl::StrFormat(
      "challenge rate of legitimate sign-ins, users with >= %d prior: %.2f%% "
      "(%d / %d)\n",
      s.min_prior_sign_ins, 100 * s.challenge_mature.value(),
      s.challenge_mature.hits, s.challenge_mature.total);
  out << absl::StrFormat(
      "challenge rate of all legitimate sign-ins: %.2f%% (%d / %d)\n",
      100 * s.challenge_all.value(), s.challenge_all.hits,
      s.challenge_all.total);
  out << absl::StrFormat("ROC AUC (takeovers vs mature legitimate): %.4f\n",
                         s.auc);
  if (!s.kinds.empty()) {
    out << "\nper attack kind (caught = not allowed):\n";
    for (const auto& k : s.kinds) {
      out << absl::StrFormat("  %-28s %8d  caught %6.2f%%\n", k.name,
                             k.caught.total, 100 * k.caught.value());
    }
  }
  PrintOperatingPoints(s.operating, out);
  out << "\nthreshold sweep (score >= t challenged):\n";
  out << absl::StrFormat("  %9s %15s %15s\n", "threshold", "challenge rate",
                         "detection rate");
  for (const SweepPoint& p : s.sweep) {
    out << absl::StrFormat("  %9.2f %14.2f%% %14.2f%%\n", p.threshold,
                           100 * p.challenge_rate, 100 * p.detection_rate);
  }
}

}  // namespace vigil::tools
