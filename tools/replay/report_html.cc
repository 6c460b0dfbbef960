// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/report_html.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"

namespace vigil::tools {
namespace {

constexpr int kW = 520, kH = 300;                  // chart size
constexpr int kL = 56, kR = 16, kT = 16, kB = 40;  // margins

std::string Esc(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

double Px(double x) { return kL + x * (kW - kL - kR); }
double Py(double y) { return kH - kB - y * (kH - kT - kB); }

std::string Axes(const std::string& xlabel, const std::string& ylabel,
                 double ymax, bool percent_y) {
  std::string s = absl::StrFormat(
      "<line x1='%d' y1='%d' x2='%d' y2='%d' class='ax'/>"
      "<line x1='%d' y1='%d' x2='%d' y2='%d' class='ax'/>",
      kL, kH - kB, kW - kR, kH - kB, kL, kT, kL, kH - kB);
  for (int i = 0; i <= 4; ++i) {
    const double f = i / 4.0;
    absl::StrAppendFormat(
        &s,
        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' class='grid'/>"
        "<text x='%d' y='%.1f' class='tick' text-anchor='end'>%s</text>",
        Px(0), Py(f), Px(1), Py(f), kL - 4, Py(f) + 4,
        percent_y ? absl::StrFormat("%.0f%%", 100 * f * ymax)
                  : absl::StrFormat("%.3g", f * ymax));
  }
  absl::StrAppendFormat(
      &s,
      "<text x='%.1f' y='%d' class='lbl' text-anchor='middle'>%s</text>"
      "<text x='14' y='%.1f' class='lbl' text-anchor='middle' "
      "transform='rotate(-90 14 %.1f)'>%s</text>",
      Px(0.5), kH - 6, Esc(xlabel), Py(0.5), Py(0.5), Esc(ylabel));
  return s;
}

std::string XTicks01() {
  std::string s;
  for (int i = 0; i <= 4; ++i) {
    absl::StrAppendFormat(
        &s,
        "<text x='%.1f' y='%d' class='tick' text-anchor='middle'>%.2f</text>",
        Px(i / 4.0), kH - kB + 14, i / 4.0);
  }
  return s;
}

std::string Svg(const std::string& title, const std::string& body) {
  return absl::StrFormat(
      "<figure><figcaption>%s</figcaption><svg "
      "xmlns='http://www.w3.org/2000/svg' "
      "width='%d' height='%d' viewBox='0 0 %d %d'>%s</svg></figure>\n",
      Esc(title), kW, kH, kW, kH, body);
}

std::string Polyline(const std::vector<std::pair<double, double>>& pts,
                     const std::string& cls) {
  std::string s = absl::StrCat("<polyline class='", cls, "' points='");
  for (const auto& [x, y] : pts)
    absl::StrAppendFormat(&s, "%.1f,%.1f ", Px(x), Py(y));
  s += "'/>";
  return s;
}

std::string Legend(
    const std::vector<std::pair<std::string, std::string>>& items) {
  std::string s;
  int x = kL + 10;
  for (const auto& [cls, name] : items) {
    absl::StrAppendFormat(
        &s,
        "<rect x='%d' y='%d' width='10' height='10' class='%s'/>"
        "<text x='%d' y='%d' class='tick'>%s</text>",
        x, kT, cls, x + 14, kT + 9, Esc(name));
    x += 24 + 7 * static_cast<int>(name.size());
  }
  return s;
}

// Score histograms, as shares of each class, 20 bins.
std::string ScoreDistribution(const ReplayResult& r, int min_prior) {
  constexpr int kBins = 20;
  double legit[kBins] = {}, attack[kBins] = {};
  double nl = 0, na = 0;
  for (const RowResult& row : r.rows) {
    const int b = std::min(kBins - 1, static_cast<int>(row.score * kBins));
    if (row.attack) {
      attack[b] += 1;
      na += 1;
    } else if (row.prior_sign_ins >= min_prior) {
      legit[b] += 1;
      nl += 1;
    }
  }
  double ymax = 0.01;
  for (int b = 0; b < kBins; ++b) {
    if (nl > 0) legit[b] /= nl;
    if (na > 0) attack[b] /= na;
    ymax = std::max({ymax, legit[b], attack[b]});
  }
  ymax = std::ceil(ymax * 10) / 10;
  std::string body = Axes("score", "share of class", ymax, true) + XTicks01();
  const double bw = 1.0 / kBins;
  for (int b = 0; b < kBins; ++b) {
    const double x = b * bw;
    absl::StrAppendFormat(
        &body,
        "<rect class='legit' x='%.1f' y='%.1f' width='%.1f' height='%.1f'/>",
        Px(x), Py(legit[b] / ymax), Px(x + bw / 2) - Px(x),
        Py(0) - Py(legit[b] / ymax));
    absl::StrAppendFormat(
        &body,
        "<rect class='attack' x='%.1f' y='%.1f' width='%.1f' height='%.1f'/>",
        Px(x + bw / 2), Py(attack[b] / ymax), Px(x + bw / 2) - Px(x),
        Py(0) - Py(attack[b] / ymax));
  }
  body +=
      Legend({{"legit", absl::StrCat("legitimate (>= ", min_prior, " prior)")},
              {"attack", "attack"}});
  return Svg("Score distribution", body);
}

std::string RocCurve(const Summary& s) {
  std::string body = Axes("false positive rate (legitimate challenged)",
                          "true positive rate (takeovers caught)", 1, false) +
                     XTicks01();
  body += Polyline({{0, 0}, {1, 1}}, "diag");
  body += Polyline(s.roc, "roc");
  absl::StrAppendFormat(&body,
                        "<text x='%.1f' y='%.1f' class='lbl'>AUC %.4f</text>",
                        Px(0.55), Py(0.1), s.auc);
  return Svg("ROC curve: account takeovers vs mature legitimate sign-ins",
             body);
}

std::string SweepChart(const Summary& s) {
  std::vector<std::pair<double, double>> ch, det;
  for (const SweepPoint& p : s.sweep) {
    ch.emplace_back(p.threshold, p.challenge_rate);
    det.emplace_back(p.threshold, p.detection_rate);
  }
  std::string body = Axes("threshold", "rate", 1, true) + XTicks01();
  body += Polyline(ch, "ch") + Polyline(det, "det");
  body += Legend(
      {{"legit", "challenge rate (legitimate)"}, {"attack", "detection rate"}});
  return Svg("Threshold sweep", body);
}

std::string OverTime(const ReplayResult& r) {
  if (r.rows.empty()) return "";
  const int64_t t0 = r.rows.front().time, t1 = r.rows.back().time;
  constexpr int kBuckets = 60;
  const double span = std::max<int64_t>(1, t1 - t0 + 1);
  std::vector<std::array<double, 3>> b(kBuckets, {0, 0, 0});
  for (const RowResult& row : r.rows) {
    const int i = std::min(kBuckets - 1,
                           static_cast<int>((row.time - t0) / span * kBuckets));
    b[i][static_cast<int>(row.verdict)] += 1;
  }
  // Share challenged / blocked per bucket.
  std::vector<std::pair<double, double>> ch, bl;
  double ymax = 0.01;
  for (int i = 0; i < kBuckets; ++i) {
    const double n = b[i][0] + b[i][1] + b[i][2];
    const double c = n > 0 ? b[i][1] / n : 0, k = n > 0 ? b[i][2] / n : 0;
    ymax = std::max({ymax, c, k});
    ch.emplace_back((i + 0.5) / kBuckets, c);
    bl.emplace_back((i + 0.5) / kBuckets, k);
  }
  ymax = std::ceil(ymax * 20) / 20;
  for (auto& p : ch) p.second /= ymax;
  for (auto& p : bl) p.second /= ymax;
  std::string body = Axes("time", "share of decisions", ymax, true);
  for (int i = 0; i <= 4; ++i) {
    const absl::Time t =
        absl::FromUnixSeconds(t0 + static_cast<int64_t>(span * i / 4));
    absl::StrAppendFormat(
        &body,
        "<text x='%.1f' y='%d' class='tick' text-anchor='middle'>%s</text>",
        Px(i / 4.0), kH - kB + 14,
        absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()));
  }
  body += Polyline(ch, "ch") + Polyline(bl, "bl");
  body += Legend({{"legit", "challenge"}, {"block", "block"}});
  return Svg("Decisions over time", body);
}

std::string TopReasons(const Summary& s) {
  int64_t max = 1;
  for (int i = 0; i < kSignalCount; ++i) max = std::max(max, s.top_reason[i]);
  std::string body;
  for (int i = 0; i < kSignalCount; ++i) {
    const double y = kT + 10 + i * 48;
    const double w = (kW - 170.0) * s.top_reason[i] / max;
    absl::StrAppendFormat(
        &body,
        "<text x='120' y='%.1f' class='lbl' text-anchor='end'>%s</text>"
        "<rect class='attack' x='128' y='%.1f' width='%.1f' height='26'/>"
        "<text x='%.1f' y='%.1f' class='tick'>%d</text>",
        y + 18, kSignalNames[i], y, w, 132 + w, y + 18, s.top_reason[i]);
  }
  return Svg("Top reasons (largest contribution of each challenge or block)",
             body);
}

std::string SummaryTable(const Summary& s) {
  static const char* kVerdicts[3] = {"allow", "challenge", "block"};
  std::string h =
      "<table><tr><th>decision</th><th>legitimate</th><th>attack</th>"
      "<th>takeover</th></tr>";
  for (int v = 0; v < 3; ++v) {
    absl::StrAppendFormat(
        &h, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td></tr>",
        kVerdicts[v], s.confusion[v][kLegit], s.confusion[v][kAttack],
        s.confusion[v][kTakeover]);
  }
  h += "</table>";
  return h;
}

std::string RateCell(const Rate& r) {
  return r.total == 0
             ? "<td>n/a</td>"
             : absl::StrFormat("<td>%.2f%% <small>(%d/%d)</small></td>",
                               100 * r.value(), r.hits, r.total);
}

std::string RatioCell(double attacker, double legit, double ratio) {
  return std::isnan(ratio)
             ? absl::StrFormat("%.4f / %.4f = n/a", attacker, legit)
             : absl::StrFormat("%.4f / %.4f = <b>%.2f</b>", attacker, legit,
                               ratio);
}

// Detection at 0.5 / 1 / 2 % legitimate challenge: overall, per kind, per
// history length, and the risk-score ratio (metrics.h).
std::string OperatingPointsTable(const OperatingPoints& op) {
  using P = OperatingPoints;
  std::string h = absl::StrFormat(
      "<h2>Detection at a legitimate challenge rate</h2><p>Successful sign-ins "
      "of users with "
      "at least one prior trusted sign-in%s: %d takeovers, %d legitimate. The "
      "threshold of a "
      "rate is a score quantile of the legitimate sign-ins; a sign-in is "
      "challenged when its "
      "score is above it.</p><table><tr><th></th>",
      op.warmup > 0
          ? absl::StrFormat(", after the first %.0f%% of the time span",
                            100 * op.warmup)
          : "",
      op.positives, op.negatives);
  for (double r : P::kRates)
    absl::StrAppendFormat(&h, "<th>%.1f%%</th>", 100 * r);
  h += "</tr>";
  auto row = [&](const std::string& name, const Rate* rates) {
    h += "<tr><td>" + Esc(name) + "</td>";
    for (int i = 0; i < P::kPoints; ++i) h += RateCell(rates[i]);
    h += "</tr>";
  };
  row("takeovers caught", op.caught);
  row("legitimate challenged (realized)", op.legit);
  for (const P::Group& k : op.kinds) row("takeovers: " + k.name, k.caught);
  for (const P::Group& b : op.history) {
    row(absl::StrCat("history ", b.name, " prior sign-ins: takeovers caught"),
        b.caught);
    row(absl::StrCat("history ", b.name,
                     " prior sign-ins: legitimate challenged"),
        b.legit);
  }
  h += "</table>";
  absl::StrAppend(
      &h,
      "<p>Risk-score ratio (attacker / legitimate score, Wiefling et al.): "
      "mean ",
      RatioCell(op.mean_attacker, op.mean_legit, op.mean_ratio()), ", median ",
      RatioCell(op.median_attacker, op.median_legit, op.median_ratio()),
      "</p>");
  return h;
}

}  // namespace

std::string HtmlReport(const Summary& s, const ReplayResult& r) {
  std::string h =
      "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
      "<title>vigil replay report</title><style>"
      "body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
      "h1{font-size:20px}.kpi{display:flex;gap:16px;flex-wrap:wrap}"
      ".kpi div{border:1px solid #ccc;border-radius:6px;padding:8px 14px}"
      ".kpi b{display:block;font-size:22px}"
      ".charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}"
      "figcaption{font-weight:600;margin:8px 0}"
      "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;"
      "padding:3px 10px;text-align:right}"
      ".ax{stroke:#333}.grid{stroke:#eee}.tick{font-size:11px;fill:#444}"
      ".lbl{font-size:12px;fill:#222}.legit{fill:#3b7dd8;stroke:#3b7dd8}"
      ".attack{fill:#d8533b;stroke:#d8533b}.block{fill:#222;stroke:#222}"
      "polyline{fill:none;stroke-width:2}.roc{stroke:#d8533b}.diag{stroke:#bbb;"
      "stroke-dasharray:4}.ch{stroke:#3b7dd8}.det{stroke:#d8533b}.bl{stroke:#"
      "222}"
      "</style></head><body>";
  absl::StrAppendFormat(&h, "<h1>vigil replay: model %s</h1>", Esc(s.model_id));
  absl::StrAppendFormat(&h, "<p>%d rows (%s), %d bad rows skipped.</p>", s.rows,
                        InputFormatName(r.format), s.bad_rows);
  h += "<div class='kpi'>";
  absl::StrAppendFormat(
      &h, "<div>takeovers caught (right password)<b>%.2f%%</b>%d / %d</div>",
      100 * s.detection.value(), s.detection.hits, s.detection.total);
  absl::StrAppendFormat(
      &h,
      "<div>legitimate challenged, &ge; %d prior sign-ins<b>%.2f%%</b>"
      "%d / %d</div>",
      s.min_prior_sign_ins, 100 * s.challenge_mature.value(),
      s.challenge_mature.hits, s.challenge_mature.total);
  absl::StrAppendFormat(
      &h, "<div>all legitimate challenged<b>%.2f%%</b>%d / %d</div>",
      100 * s.challenge_all.value(), s.challenge_all.hits,
      s.challenge_all.total);
  absl::StrAppendFormat(
      &h, "<div>ROC AUC<b>%.4f</b>takeovers vs legitimate</div>", s.auc);
  h += "</div><h2>Confusion (decision &times; label)</h2>" + SummaryTable(s);
  if (!s.kinds.empty()) {
    h += "<h2>Per attack "
         "kind</h2><table><tr><th>kind</th><th>rows</th><th>caught</th></tr>";
    for (const auto& k : s.kinds) {
      absl::StrAppendFormat(
          &h, "<tr><td>%s</td><td>%d</td><td>%.2f%%</td></tr>", Esc(k.name),
          k.caught.total, 100 * k.caught.value());
    }
    h += "</table>";
  }
  if (s.has_labels) h += OperatingPointsTable(s.operating);
  h += "<div class='charts'>";
  h += ScoreDistribution(r, s.min_prior_sign_ins);
  h += RocCurve(s);
  h += SweepChart(s);
  h += OverTime(r);
  h += TopReasons(s);
  h += "</div><h2>Threshold sweep</h2><table><tr><th>threshold</th>"
       "<th>challenge rate</th><th>detection rate</th></tr>";
  for (const SweepPoint& p : s.sweep) {
    absl::StrAppendFormat(
        &h, "<tr><td>%.2f</td><td>%.2f%%</td><td>%.2f%%</td></tr>", p.threshold,
        100 * p.challenge_rate, 100 * p.detection_rate);
  }
  h += "</table><p>Caught and challenged mean any decision other than allow. "
       "The sweep counts a score at or above the threshold as challenged.</p>"
       "</body></html>\n";
  return h;
}

absl::Status WriteHtmlReport(const std::string& path, const Summary& summary,
                             const ReplayResult& result) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << HtmlReport(summary, result);
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

}  // namespace vigil::tools
