// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/stages/stages.h"
#include "model/scoring.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

// The reason of a decision no signal contributed to: what was checked and
// found ordinary, so that an allow is never unexplained.
// `maturity`: what the familiarity signals weighed (BaselineMaturity).
std::string NothingUnusualDetail(const Decision& d, double maturity) {
  std::string detail = absl::StrCat(
      "no signal contributed (each below ", kMinReportedContribution,
      "); device ", d.context.device, "; ", d.baseline.successful_sign_ins,
      " trusted sign-in", d.baseline.successful_sign_ins == 1 ? "" : "s");
  if (!d.baseline.mature) {
    std::vector<absl::string_view> scaled;
    for (const auto& signal : BuiltinSignals()) {
      if (signal->scaled_by_maturity()) scaled.push_back(signal->name());
    }
    absl::StrAppend(&detail,
                    " (baseline not mature: ", absl::StrJoin(scaled, " and "),
                    absl::StrFormat(" weigh %.2f)", maturity));
  }
  if (!d.signal_failures.empty()) {
    absl::StrAppend(&detail,
                    "; without data: ", absl::StrJoin(d.signal_failures, ", "));
  }
  return detail;
}

// The level of the signals' score, the policy's verdict and why.
void DecideOnSignals(const EngineParts& p, Evaluation* e) {
  const Attempt& attempt = e->attempt;
  const ModelConfig& m = e->config();
  const std::shared_ptr<ScoreQuantile>& target = e->enriched.target;
  Decision& d = e->decision();

  double medium = m.medium;
  if (target != nullptr) {
    const double t = target->Threshold();
    if (t >= 0) medium = std::clamp(t, m.low, m.high);
  }
  d.level = LevelForScore(m, d.score, medium);
  if (d.level != LevelForScore(m, d.score)) {
    d.reasons.push_back(
        {"target_challenge_rate", 0, 0,
         absl::StrFormat("medium threshold %.3f (model: %.2f), under which "
                         "%.1f%% of the last %d successful sign-ins fell",
                         medium, m.medium, 100 * (1 - m.target_challenge_rate),
                         static_cast<int>(target->size()))});
  }
  if (target != nullptr && attempt.event_type == EventType::kSignIn &&
      attempt.outcome == Outcome::kSuccess) {
    e->decided.target_sample = d.score;
  }
  const bool has_factor =
      p.replay.assume_mfa_factor || e->loaded.profile.mfa_factors != 0;
  d.enforced_verdict =
      PolicyVerdict(m, attempt.event_type, d.level, has_factor);
  if (std::optional<Reason> why =
          PolicyReason(m, attempt.event_type, d.level, has_factor)) {
    d.reasons.push_back(*std::move(why));
  }
  // A remembered device answers the challenge at the levels the policy says.
  if (e->loaded.device.active && d.enforced_verdict == Verdict::kChallenge &&
      m.mfa.remembered_suppresses[static_cast<int>(d.level)]) {
    d.enforced_verdict = Verdict::kAllow;
    d.reasons.push_back({"remembered_device", 1, 0,
                         absl::StrCat("remembered device: no challenge at ",
                                      RiskLevelName(d.level), " risk")});
  }
  if (d.reasons.empty()) {
    d.reasons.push_back(
        {"baseline", 0, 0, NothingUnusualDetail(d, e->scored.maturity)});
  }
}

}  // namespace

void Decide(const EngineParts& p, Evaluation* e) {
  const Enriched& x = e->enriched;
  const ModelConfig& m = e->config();
  Decision& d = e->decision();
  switch (x.ip_list) {
    case Enriched::IpList::kAlwaysAllow:
      d.level = RiskLevel::kNone;
      d.enforced_verdict = Verdict::kAllow;
      d.reasons.push_back(
          {"ip_reputation", 0, 0,
           absl::StrCat("in always-allow range ", x.ip_list_range.ToString(),
                        ": allowed without evaluating the signals")});
      break;
    case Enriched::IpList::kAlwaysBlock:
      d.level = RiskLevel::kHigh;
      d.score = 1;
      d.enforced_verdict = Verdict::kBlock;
      d.reasons.push_back(
          {"ip_reputation", 1, 1,
           absl::StrCat("in always-block range ", x.ip_list_range.ToString())});
      break;
    case Enriched::IpList::kNone:
      DecideOnSignals(p, e);
      break;
  }
  if (x.password_compromised) {
    d.compromised_credentials = true;
    d.reasons.push_back({"compromised_password", 1, 0, x.password_detail});
    // An always-allow range decides alone, as for the signals.
    if (m.compromised_credentials.block &&
        x.ip_list != Enriched::IpList::kAlwaysAllow) {
      d.enforced_verdict = Verdict::kBlock;
      d.password_reset_required = true;
    }
  }
  d.verdict = m.mode == Mode::kAudit ? Verdict::kAllow : d.enforced_verdict;
  d.notify = m.policy[static_cast<int>(e->attempt.event_type)]
                     [static_cast<int>(d.level)]
                         .notify;
}

}  // namespace vigil::internal
