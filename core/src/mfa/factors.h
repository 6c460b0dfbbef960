// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The factors a service is built with: the one list to extend with a new
// factor.

#ifndef VIGIL_CORE_SRC_MFA_FACTORS_H_
#define VIGIL_CORE_SRC_MFA_FACTORS_H_

#include "absl/status/status.h"
#include "mfa/code_factor.h"
#include "mfa/factor.h"
#include "mfa/keyring.h"
#include "mfa/passkey_service.h"
#include "vigil/clock.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::internal {

// What factors may be built with; everything outlives the registry.
struct FactorDeps {
  const MfaOptions& options;
  const KeyRing* ring;  // null without a key file
  const OneTimeCodes* codes;
  Store* store;
  const Clock* clock;
  const PasskeyConfig* passkeys;  // webauthn when enabled
};

// Registers every factor vigil has: totp, sms, email, and webauthn when
// passkeys are configured.
absl::Status RegisterFactors(const FactorDeps& deps, FactorRegistry* registry);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_FACTORS_H_
