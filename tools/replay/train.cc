// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/train.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/progress.h"
#include "context/user_agent.h"
#include "model/model_config.h"
#include "model/scoring.h"
#include "signals/geo_velocity.h"
#include "signals/velocity.h"
#include "tools/replay/event_reader.h"
#include "tools/replay/metrics.h"
#include "vigil/ip_address.h"
#include "vigil/model.h"

namespace vigil::tools {
namespace {

constexpr const char* kPriorKeys[8] = {"ip",      "network",    "asn",
                                       "country", "user_agent", "browser",
                                       "os",      "device_type"};

// Counts values of one level.
struct Table {
  absl::flat_hash_map<std::string, int64_t> counts;
  int64_t total = 0;
  void Add(const std::string& v) {
    if (v.empty()) return;
    ++counts[v];
    ++total;
  }
  // The typical share of the value a sign-in carries, in log space (where
  // the signal compares it): exp(-entropy), the inverse perplexity.
  double TypicalShare() const {
    if (total == 0) return 0;
    double h = 0;
    for (const auto& [v, c] : counts) {
      const double p = static_cast<double>(c) / total;
      h -= p * std::log(p);
    }
    return std::exp(-h);
  }
};

std::string Num(double v) { return absl::StrFormat("%.6g", v); }

// One training row as the weight search sees it.
struct Sample {
  std::array<float, kSignalCount> s;  // sub-score x maturity where scaled
};

double Score(const Sample& x, const std::array<double, kSignalCount>& w) {
  double keep = 1;
  for (int k = 0; k < kSignalCount; ++k)
    keep *= 1 - std::min(1.0, w[k] * x.s[k]);
  return 1 - keep;
}

struct Fit {
  double detection = 0;
  double challenge = 0;
  double threshold = 0.5;
};

// Detection and challenge rate at the threshold that challenges at most
// `rate` of the mature legitimate rows.
Fit FitAt(const std::vector<float>& legit_desc, int64_t n,
          const std::vector<float>& ato, double rate) {
  const size_t k = static_cast<size_t>(rate * static_cast<double>(n));
  Fit f;
  f.threshold = k < legit_desc.size() ? legit_desc[k] + 1e-6 : 1e-6;
  f.threshold = std::max(f.threshold, 0.02);
  if (f.threshold > 1) {  // ties at the top: no threshold meets the rate
    f.threshold = 1;
    f.detection = -1;
    return f;
  }
  const int64_t hit =
      std::upper_bound(legit_desc.begin(), legit_desc.end(),
                       static_cast<float>(f.threshold), std::greater<float>()) -
      legit_desc.begin();
  // upper_bound with greater<>: the first score below the threshold.
  f.challenge = n > 0 ? static_cast<double>(hit) / n : 0;
  int64_t caught = 0;
  for (float s : ato) caught += s >= f.threshold;
  f.detection = ato.empty() ? 0 : static_cast<double>(caught) / ato.size();
  return f;
}

// The fit at `rate`, and the objective: the mean detection at half, once and
// twice the rate (smoother than one point, so less prone to overfitting).
Fit Evaluate(const std::vector<Sample>& legit, int64_t legit_zero,
             const std::vector<Sample>& ato_samples,
             const std::array<double, kSignalCount>& w, double rate,
             double* objective) {
  std::vector<float> scores;
  scores.reserve(legit.size());
  for (const Sample& x : legit)
    scores.push_back(static_cast<float>(Score(x, w)));
  std::sort(scores.begin(), scores.end(), std::greater<float>());
  std::vector<float> ato;
  ato.reserve(ato_samples.size());
  for (const Sample& x : ato_samples)
    ato.push_back(static_cast<float>(Score(x, w)));
  // The zero-score rows only count in the denominator.
  const int64_t n = static_cast<int64_t>(legit.size()) + legit_zero;
  const Fit at = FitAt(scores, n, ato, rate);
  *objective = (FitAt(scores, n, ato, rate / 2).detection + at.detection +
                FitAt(scores, n, ato, rate * 2).detection) /
               3;
  return at;
}

}  // namespace

std::string SetTomlSection(const std::string& toml, const std::string& section,
                           const std::string& body) {
  std::vector<std::string> lines = absl::StrSplit(toml, '\n');
  const std::string header = absl::StrCat("[", section, "]");
  std::vector<std::string> out;
  bool found = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    out.push_back(lines[i]);
    if (lines[i] != header) continue;
    found = true;
    // Keep the comment lines right after the header, drop the rest.
    size_t j = i + 1;
    while (j < lines.size() && absl::StartsWith(lines[j], "#"))
      out.push_back(lines[j++]);
    while (j < lines.size() && !absl::StartsWith(lines[j], "[")) ++j;
    if (!body.empty()) out.push_back(body);
    out.push_back("");
    i = j - 1;
  }
  std::string result = absl::StrJoin(out, "\n");
  if (!found) absl::StrAppend(&result, "\n", header, "\n", body, "\n");
  return result;
}

std::string SetTomlValue(const std::string& toml, const std::string& section,
                         const std::string& key, const std::string& value) {
  std::vector<std::string> lines = absl::StrSplit(toml, '\n');
  const std::string header = absl::StrCat("[", section, "]");
  const std::string line = absl::StrCat(key, " = ", value);
  bool in = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StartsWith(lines[i], "[")) {
      if (in) {  // the key was not in the section: add it at its end
        lines.insert(lines.begin() + static_cast<long>(i), line);
        return absl::StrJoin(lines, "\n");
      }
      in = lines[i] == header;
      continue;
    }
    if (!in) continue;
    absl::string_view l = lines[i];
    if (absl::ConsumePrefix(&l, key) &&
        absl::StartsWith(absl::StripLeadingAsciiWhitespace(l), "=")) {
      lines[i] = line;
      return absl::StrJoin(lines, "\n");
    }
  }
  if (in) {
    lines.push_back(line);
    return absl::StrJoin(lines, "\n");
  }
  return absl::StrCat(toml, "\n", header, "\n", line, "\n");
}

Operating AtChallengeRate(const ReplayResult& r, double rate, int min_prior) {
  std::vector<float> legit, ato;
  for (const RowResult& row : r.rows) {
    const RowClass c = ClassOf(row);
    if (c == kTakeover && row.success) ato.push_back(row.score);
    if (c == kLegit && row.prior_sign_ins >= min_prior)
      legit.push_back(row.score);
  }
  Operating o;
  o.threshold = ThresholdForRate(legit, rate);
  int64_t hit = 0, caught = 0;
  for (float s : legit) hit += s >= o.threshold;
  for (float s : ato) caught += s >= o.threshold;
  o.challenge_rate =
      legit.empty() ? 0 : static_cast<double>(hit) / legit.size();
  o.detection_rate = ato.empty() ? 0 : static_cast<double>(caught) / ato.size();
  return o;
}

absl::StatusOr<TrainResult> Train(const TrainOptions& o, std::ostream& log) {
  std::ifstream base_in(o.base_model_path, std::ios::binary);
  if (!base_in) {
    return absl::NotFoundError(
        absl::StrCat(o.base_model_path, ": cannot open"));
  }
  std::stringstream base_text;
  base_text << base_in.rdbuf();
  absl::StatusOr<std::shared_ptr<const Model>> base =
      Model::FromString(base_text.str(), o.base_model_path);
  if (!base.ok()) return base.status();

  TrainResult tr;
  // Pass 1: count the rows.
  {
    absl::StatusOr<std::unique_ptr<EventReader>> reader =
        EventReader::Open(o.events_path);
    if (!reader.ok()) return reader.status();
    ReplayRow row;
    std::string error;
    while ((*reader)->Next(&row, &error) != EventReader::Result::kEnd)
      ++tr.total_rows;
  }
  tr.training_rows = static_cast<int64_t>(tr.total_rows * o.train_fraction);
  if (tr.training_rows < 1) {
    return absl::InvalidArgumentError("events: too few rows to train on");
  }

  // Pass 2: global frequency tables.
  absl::StatusOr<std::unique_ptr<EventReader>> reader =
      EventReader::Open(o.events_path);
  if (!reader.ok()) return reader.status();
  std::unique_ptr<GeoResolver> geo;
  if ((*reader)->format() == InputFormat::kJsonLines &&
      !(o.geo.city_dbs.empty() && o.geo.asn_dbs.empty() &&
        o.geo.asn_csvs.empty())) {
    absl::StatusOr<std::unique_ptr<GeoResolver>> made =
        CreateGeoResolver(o.geo);
    if (!made.ok()) return made.status();
    geo = *std::move(made);
  }
  std::array<Table, 8> tables;
  ReplayRow row;
  std::string error;
  Progress progress(log, "train: frequency tables", "rows");
  progress.SetTotal(tr.training_rows);
  for (int64_t i = 0; i < tr.training_rows; ++i) {
    if (progress.enabled() && i % 1024 == 0) progress.Update(i);
    const EventReader::Result r = (*reader)->Next(&row, &error);
    if (r == EventReader::Result::kEnd) break;
    if (r == EventReader::Result::kBadRow) continue;
    const Attempt& a = row.attempt;
    if (a.outcome != Outcome::kSuccess) continue;
    if (a.label.has_value() && (a.label->attack || a.label->account_takeover))
      continue;
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(a.ip);
    if (!ip.ok()) continue;
    GeoInfo g;
    if (row.geo.has_value()) {
      g = *row.geo;
    } else if (geo != nullptr && !geo->Lookup(*ip, &g).ok()) {
      g = GeoInfo();
    }
    tables[0].Add(ip->ToString());
    tables[1].Add(ip->Masked(ip->is_v4() ? 24 : 48).ToString());
    if (g.asn != 0) tables[2].Add(absl::StrCat(g.asn));
    tables[3].Add(g.country);
    if (!a.user_agent.empty()) {
      const UserAgentInfo ua = ParseUserAgent(a.user_agent);
      tables[4].Add(absl::StrCat(ua.browser, "/", ua.browser_major, "/", ua.os,
                                 "/", ua.os_version));
      tables[5].Add(ua.browser);
      tables[6].Add(ua.os);
      tables[7].Add(std::string(DeviceTypeName(ua.device_type)));
    }
  }
  progress.Update(tr.training_rows);
  progress.Finish();
  std::string toml = base_text.str();
  std::string shares;
  for (const auto& [country, n] : tables[3].counts) {
    const double share = static_cast<double>(n) / tables[3].total;
    if (share >= 0.001) tr.country_share[country] = share;
  }
  for (const auto& [country, share] : tr.country_share) {
    absl::StrAppend(&shares, shares.empty() ? "" : "\n", country, " = ",
                    Num(share));
  }
  toml = SetTomlSection(toml, "signals.unfamiliar.country_share", shares);
  for (int i = 0; i < 8; ++i) {
    // Never 0 (the loader wants a positive prior), never above 1.
    tr.priors[i] = std::clamp(tables[i].TypicalShare(), 1e-9, 1.0);
    if (tables[i].total == 0) continue;
    toml = SetTomlValue(toml, "signals.unfamiliar.prior", kPriorKeys[i],
                        Num(tr.priors[i]));
  }
  absl::StatusOr<std::shared_ptr<const Model>> with_tables =
      Model::FromString(toml, o.base_model_path);
  if (!with_tables.ok()) return with_tables.status();
  log << "train: frequency tables from " << tables[3].total
      << " legitimate sign-ins of " << tr.training_rows << " training rows\n";

  // Pass 3: replay the training part, keeping each signal's sub-score.
  ReplayOptions ro;
  ro.events_path = o.events_path;
  ro.model = *with_tables;
  ro.geo = o.geo;
  ro.skip_bad_rows = true;
  ro.temp_parent = o.temp_parent;
  ro.limit = tr.training_rows;
  // Profiles start empty: the first third of the training part is a warm-up
  // that is learned from but not fitted on (it over-represents first sign-ins
  // and first devices).
  ro.score_from = tr.training_rows / 3;
  ro.progress_label = "train: replay";
  ro.progress_stream = &log;
  std::ostringstream replay_log;
  absl::StatusOr<ReplayResult> replayed = Replay(ro, replay_log);
  if (!replayed.ok()) return replayed.status();

  const internal::ModelConfig& mc = (*with_tables)->config();
  std::array<double, kSignalCount> w = {
      mc.new_device.weight, mc.unfamiliar.weight,
      internal::SettingsOf<internal::GeoVelocitySettings>(mc).weight,
      mc.ip_reputation.weight,
      internal::SettingsOf<internal::VelocitySettings>(mc).weight};
  std::vector<Sample> legit, ato;
  int64_t legit_zero = 0;
  // The latest third of the training part, for the thresholds: scores drift
  // up as baselines grow (a novelty weighs more against a longer history),
  // so the most recent rows calibrate best for what follows.
  std::vector<Sample> recent_legit, recent_ato;
  int64_t recent_zero = 0;
  const int64_t recent_from = tr.training_rows * 2 / 3;
  bool labelled = false;
  for (const RowResult& r : replayed->rows) {
    labelled = labelled || r.labelled;
    const double maturity =
        internal::BaselineMaturity(mc, r.prior_sign_ins);
    Sample x;
    bool any = false;
    for (int k = 0; k < kSignalCount; ++k) {
      x.s[k] = r.signal_scores[k] * static_cast<float>(k <= 1 ? maturity : 1.0);
      any = any || x.s[k] > 0;
    }
    const RowClass c = ClassOf(r);
    const bool recent = r.index >= recent_from;
    if (c == kTakeover && r.success) {
      ato.push_back(x);
      if (recent) recent_ato.push_back(x);
    } else if (c == kLegit && r.prior_sign_ins >= o.min_prior_sign_ins) {
      if (any) {
        legit.push_back(x);
        if (recent) recent_legit.push_back(x);
      } else {
        ++legit_zero;
        recent_zero += recent;
      }
    }
  }
  const double rate = o.target_challenge_rate;
  double best_objective = 0;
  Fit best = Evaluate(legit, legit_zero, ato, w, rate, &best_objective);
  if (labelled && !ato.empty()) {
    for (int round = 0; round < 3; ++round) {
      bool improved = false;
      for (int k = 0; k < kSignalCount; ++k) {
        for (int step = 1; step <= 19; ++step) {  // 0.05 .. 0.95
          std::array<double, kSignalCount> c = w;
          c[k] = step * 0.05;
          double objective = 0;
          const Fit f = Evaluate(legit, legit_zero, ato, c, rate, &objective);
          if (objective > best_objective + 1e-9) {
            best = f;
            best_objective = objective;
            w = c;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
  }
  tr.weights = w;
  if (!recent_legit.empty()) {
    double unused = 0;
    best = Evaluate(recent_legit, recent_zero, recent_ato, w, rate, &unused);
  }
  tr.train_detection = best.detection;
  tr.train_challenge = best.challenge;
  tr.medium = std::clamp(best.threshold, 0.02, 0.98);
  tr.low = tr.medium * 0.6;
  tr.high = std::min(1.0, tr.medium + (1 - tr.medium) * 0.5);
  for (int k = 0; k < kSignalCount; ++k) {
    toml = SetTomlValue(toml, absl::StrCat("signals.", kSignalNames[k]),
                        "weight", Num(w[k]));
  }
  toml = SetTomlValue(toml, "levels", "low", Num(tr.low));
  toml = SetTomlValue(toml, "levels", "medium", Num(tr.medium));
  toml = SetTomlValue(toml, "levels", "high", Num(tr.high));
  toml = SetTomlValue(toml, "model", "name", absl::StrCat("\"", o.name, "\""));
  toml = absl::StrCat(
      absl::StrFormat(
          "# Fitted by `vigil train` on the first %d of %d rows of %s,\n"
          "# target challenge rate %.4g (from %s).\n",
          tr.training_rows, tr.total_rows, o.events_path,
          o.target_challenge_rate, o.base_model_path),
      toml);
  absl::StatusOr<std::shared_ptr<const Model>> fitted =
      Model::FromString(toml, "trained model");
  if (!fitted.ok()) return fitted.status();
  tr.model_toml = std::move(toml);
  return tr;
}

}  // namespace vigil::tools
