// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MfaService implementation and its narrow view of the engine
// (MfaHost), plus the pieces Engine::Evaluate calls: remembered-device
// lookup and challenge creation.

#ifndef VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
#define VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "devices/device_record.h"
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

// Builds the MFA service. `host`, `store` and `clock` must outlive it.
absl::StatusOr<std::unique_ptr<MfaService>> CreateMfaService(
    const MfaOptions& options, MfaHost* host, Store* store, const Clock* clock);

// A remembered-device lookup for Evaluate.
struct DeviceMatch {
  bool found = false;
  bool active = false;  // remembered and not expired at the attempt's time
  DeviceRecord record;
};
absl::Status FindDevice(Store* store, absl::string_view user_id,
                        absl::string_view device_key, int64_t now,
                        DeviceMatch* out);

// Creates a challenge for a decision of `challenge`: puts its record in
// `batch` and returns what the decision carries.
absl::StatusOr<ChallengeInfo> NewChallenge(const MfaPolicyConfig& policy,
                                           const Event& event,
                                           uint32_t factors, absl::Time now,
                                           WriteBatch* batch);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_MFA_SERVICE_H_
