// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "model/scoring.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace vigil::internal {

double CombineContributions(const std::vector<double>& contributions) {
  double keep = 1;
  for (double c : contributions) keep *= 1 - std::clamp(c, 0.0, 1.0);
  return std::clamp(1 - keep, 0.0, 1.0);
}

double BaselineMaturity(const ModelConfig& m, int64_t n) {
  if (n <= 0) return 0;
  if (n >= m.mature_after) return 1;
  const double k = m.maturity_prior;
  const double own = n / (n + k);
  const double full = m.mature_after / (m.mature_after + k);
  return std::min(1.0, own / full);
}

RiskLevel LevelForScore(const ModelConfig& m, double score) {
  return LevelForScore(m, score, m.medium);
}

RiskLevel LevelForScore(const ModelConfig& m, double score, double medium) {
  if (score >= m.high) return RiskLevel::kHigh;
  if (score >= medium) return RiskLevel::kMedium;
  if (score >= m.low) return RiskLevel::kLow;
  return RiskLevel::kNone;
}

Verdict PolicyVerdict(const ModelConfig& m, EventType type, RiskLevel level,
                      bool has_mfa_factor) {
  const LevelPolicy& p =
      m.policy[static_cast<int>(type)][static_cast<int>(level)];
  switch (p.action) {
    case PolicyAction::kAllow:
      return Verdict::kAllow;
    case PolicyAction::kMfaIfConfigured:
      return has_mfa_factor ? Verdict::kChallenge : Verdict::kAllow;
    case PolicyAction::kMfaRequired:
      return has_mfa_factor ? Verdict::kChallenge : Verdict::kBlock;
    case PolicyAction::kBlock:
      return Verdict::kBlock;
  }
  return Verdict::kBlock;
}

std::optional<Reason> PolicyReason(const ModelConfig& m, EventType type,
                                   RiskLevel level, bool has_mfa_factor) {
  if (has_mfa_factor) return std::nullopt;
  const LevelPolicy& p =
      m.policy[static_cast<int>(type)][static_cast<int>(level)];
  if (p.action == PolicyAction::kMfaRequired) {
    return Reason{
        "mfa_required_no_factor", 1, 0,
        absl::StrCat(RiskLevelName(level), " risk on ", EventTypeName(type),
                     " requires MFA (mfa_required) and the user has "
                     "no MFA factor: blocked")};
  }
  if (p.action == PolicyAction::kMfaIfConfigured) {
    return Reason{
        "mfa_if_configured_no_factor", 1, 0,
        absl::StrCat(RiskLevelName(level), " risk on ", EventTypeName(type),
                     " challenges users with an MFA factor "
                     "(mfa_if_configured); the user has none: "
                     "allowed")};
  }
  return std::nullopt;
}

}  // namespace vigil::internal
