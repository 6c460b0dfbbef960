// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/factors.h"

#include <memory>

#include "common/status_macros.h"
#include "mfa/totp_factor.h"

namespace vigil::internal {

absl::Status RegisterFactors(const FactorDeps& deps, FactorRegistry* registry) {
  const MfaOptions& o = deps.options;
  VIGIL_RETURN_IF_ERROR(
      registry->Register(std::make_unique<TotpFactor>(deps.ring, o.issuer)));
  VIGIL_RETURN_IF_ERROR(registry->Register(std::make_unique<CodeFactor>(
      MfaMethod::kSms, o.sms_sender, o.issuer, o.templates, deps.codes)));
  VIGIL_RETURN_IF_ERROR(registry->Register(std::make_unique<CodeFactor>(
      MfaMethod::kEmail, o.email_sender, o.issuer, o.templates, deps.codes)));
  if (deps.passkeys != nullptr && deps.passkeys->enabled) {
    VIGIL_RETURN_IF_ERROR(registry->Register(
        std::make_unique<WebAuthnFactor>(deps.passkeys, deps.store)));
  }
  return absl::OkStatus();
}

}  // namespace vigil::internal
