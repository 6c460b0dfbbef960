// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MfaService implementation. It depends on the shared user state
// (state/user_state.h), never on the engine. What Engine::Evaluate calls (the remembered-device lookup,
// challenge creation) is in devices/remembered_devices.h and
// mfa/challenges.h.

#ifndef VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
#define VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "devices/remembered_devices.h"
#include "mfa/challenges.h"
#include "mfa/factor.h"
#include "model/model_config.h"
#include "model/model_slot.h"
#include "state/user_state.h"
#include "vigil/clock.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/mfa.h"
#include "vigil/model.h"
#include "vigil/store.h"

namespace vigil::internal {

// The MFA service as the engine sees it.
class MfaServiceInternal : public MfaService {
 public:
  // MethodBit mask of the methods a challenge may offer: those with a
  // registered factor (NewChallenge's `offerable`).
  virtual uint32_t offerable_methods() const = 0;
  // The passkey service (vigil/passkeys.h); never null (disabled without
  // MfaOptions::passkeys.rp_id).
  virtual PasskeyService* passkeys() = 0;
};

// Builds the MFA service with the factors of RegisterFactors
// (mfa/factors.h). It writes profiles and completes challenged events
// through `state` (the user state it shares with the engine, under the same
// per-user locks) and reads its policy from `model`. `state`, `model`,
// `store` and `clock` must outlive it.
// `extra_factors` are registered after those (a factor built elsewhere,
// e.g. by a test); one for a method already registered is AlreadyExists.
absl::StatusOr<std::unique_ptr<MfaServiceInternal>> CreateMfaService(
    const MfaOptions& options, UserState* state, const ModelSlot* model,
    Store* store, const Clock* clock,
    std::vector<std::unique_ptr<Factor>> extra_factors = {});

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
