// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// From signal sub-scores to a score, a level and a verdict.

#ifndef VIGIL_CORE_SRC_MODEL_SCORING_H_
#define VIGIL_CORE_SRC_MODEL_SCORING_H_

#include <optional>
#include <vector>

#include "model/model_config.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"

namespace vigil::internal {

// 1 - prod(1 - c): contributions combine like independent pieces of
// evidence; one strong signal alone can reach a high score.
double CombineContributions(const std::vector<double>& contributions);

// How much the familiarity signals count for a user with `sign_ins`
// trusted sign-ins, in [0, 1]: the share of evidence that is the user's own,
// n / (n + k) with k = maturity_prior, rescaled to reach 1 at mature_after.
// A user never seen counts 0 (being new is not suspicious); one or two
// sign-ins already count most of the way, as their few devices and
// networks say more about them than about the population.
double BaselineMaturity(const ModelConfig& model, int64_t sign_ins);

// The level whose threshold `score` reaches; `medium` replaces the model's
// medium threshold (a derived one, see ScoreQuantile), in [low, high].
RiskLevel LevelForScore(const ModelConfig& model, double score);
RiskLevel LevelForScore(const ModelConfig& model, double score, double medium);

// The policy's verdict for an event type and level. `has_mfa_factor` decides
// mfa_if_configured (challenge or allow) and mfa_required (challenge or
// block).
Verdict PolicyVerdict(const ModelConfig& model, EventType type, RiskLevel level,
                      bool has_mfa_factor);

// Why PolicyVerdict answered what the level's action does not say alone: a
// user without an MFA factor under mfa_required (signal
// "mfa_required_no_factor": blocked) or mfa_if_configured
// ("mfa_if_configured_no_factor": allowed). Score 1 (the condition holds),
// contribution 0 (it is not part of the score). nullopt otherwise.
std::optional<Reason> PolicyReason(const ModelConfig& model, EventType type,
                                   RiskLevel level, bool has_mfa_factor);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MODEL_SCORING_H_
