// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MfaService implementation and its narrow view of the engine
// (MfaHost). What Engine::Evaluate calls (the remembered-device lookup,
// challenge creation) is in devices/remembered_devices.h and
// mfa/challenges.h.

#ifndef VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
#define VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "devices/remembered_devices.h"
#include "mfa/challenges.h"
#include "model/model_config.h"
#include "store/profile_record.h"
#include "vigil/clock.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/mfa.h"
#include "vigil/model.h"
#include "vigil/store.h"

namespace vigil::internal {

// What the MFA service needs from the engine; implemented by the engine.
class MfaHost {
 public:
  virtual ~MfaHost() = default;
  virtual std::shared_ptr<const Model> CurrentModel() const = 0;
  // Under the user's engine lock: loads the profile, lets `edit` change it,
  // then writes `batch` (with the profile) atomically.
  virtual absl::Status UpdateProfile(
      absl::string_view user_id,
      const std::function<void(UserProfile*)>& edit, WriteBatch batch) = 0;
  // Records `response` on the event; if `passed`, completes the event
  // (outcome success, the profile learns; a password_change forgets devices
  // per policy). Writes `batch` in the same atomic write.
  virtual absl::Status RecordChallengeResponse(absl::string_view event_id,
                                               const ChallengeResponse& response,
                                               bool passed, WriteBatch batch) = 0;
};

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
// (mfa/factors.h). `host`, `store` and `clock` must outlive it.
absl::StatusOr<std::unique_ptr<MfaServiceInternal>> CreateMfaService(
    const MfaOptions& options, MfaHost* host, Store* store, const Clock* clock);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
