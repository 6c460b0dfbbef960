// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Challenges (Table::kChallenges, ChallengeRecord under the challenge id):
// made by Engine::Evaluate for a decision of `challenge`, answered through
// the MFA service.

#ifndef VIGIL_CORE_SRC_MFA_CHALLENGES_H_
#define VIGIL_CORE_SRC_MFA_CHALLENGES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mfa/mfa_records.h"
#include "model/model_config.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/store.h"

namespace vigil::internal {

// The challenge `id`: NotFound "challenge: no such challenge" (also for an
// id that is not 32 lowercase hex digits), DataLoss if unreadable.
// A challenge by id; NotFound for an id that is not one. With `guard`, the
// batch that will be written expects the record unchanged (a shared store).
absl::StatusOr<ChallengeRecord> LoadChallenge(Store* store,
                                              absl::string_view id,
                                              WriteBatch* guard = nullptr);

// Creates a challenge for a decision of `challenge`: puts its record in
// `batch` and returns what the decision carries. `factors` is the profile's
// UserProfile::mfa_factors (enabled methods' bits, preferred method + 1 in
// bits 8..11); the challenge offers those of them in `offerable` (the
// registered factors' MethodBit mask), the preferred one first.
absl::StatusOr<ChallengeInfo> NewChallenge(const MfaPolicyConfig& policy,
                                           const Event& event, uint32_t factors,
                                           uint32_t offerable, absl::Time now,
                                           WriteBatch* batch);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_CHALLENGES_H_
