// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Passkeys: the PasskeyService (registration ceremonies, the user's passkey
// list) and the WebAuthn factor that answers MFA challenges with them. Both
// share one PasskeyConfig (immutable). A user's passkey records change only
// under the user's MFA lock: the factor is called under it, the service
// takes it (so a counter update and a rename of the same passkey never lose
// each other).

#ifndef VIGIL_CORE_SRC_MFA_PASSKEY_SERVICE_H_
#define VIGIL_CORE_SRC_MFA_PASSKEY_SERVICE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mfa/factor.h"
#include "mfa/webauthn/webauthn.h"
#include "vigil/clock.h"
#include "vigil/mfa.h"
#include "vigil/passkeys.h"
#include "vigil/store.h"

namespace vigil::internal {

// PasskeyOptions checked and in the verifier's terms.
struct PasskeyConfig {
  bool enabled = false;
  webauthn::RelyingParty rp;
  webauthn::UserVerification uv = webauthn::UserVerification::kRequired;
  std::string resident_key;
  absl::Duration registration_timeout;
  int max_passkeys_per_user = 0;

  // InvalidArgument "passkeys.<field>: ..." for options that cannot work: an
  // rp_id that is not a host name, no origin, an origin that is not
  // https://<rp_id or a subdomain>[:port] (http:// only for localhost), a
  // resident_key other than required/preferred, non-positive limits.
  static absl::StatusOr<PasskeyConfig> Create(const PasskeyOptions& options);
};

// The verifier's name of a user-verification requirement.
webauthn::UserVerification ToInternal(UserVerificationRequirement uv);

// The MFA service's per-user lock of `user_id`.
using UserLock = std::function<std::mutex&(absl::string_view user_id)>;

// The MFA factor of MfaMethod::kWebauthn. Offerable for a user with at least
// one passkey. Start writes a fresh WebAuthn challenge for the vigil
// challenge (replacing an earlier one) and returns the request options;
// Verify checks an assertion against it and the user's stored credential,
// then advances the credential's counter and consumes the WebAuthn
// challenge (in the service's atomic write). A refused assertion is a wrong
// answer; its reason token (webauthn.h) is the outcome's reason. Its calls
// are made under the user's MFA lock (FactorCall).
class WebAuthnFactor final : public Factor {
 public:
  // `config` and `store` must outlive the factor.
  WebAuthnFactor(const PasskeyConfig* config, Store* store)
      : config_(config), store_(store) {}

  MfaMethod method() const override { return MfaMethod::kWebauthn; }
  bool Takes(const ChallengeAnswer& answer) const override;
  absl::Status CheckEnable(absl::string_view user_id, const MfaUserRecord& user,
                           const UserContacts& contacts) const override;
  absl::StatusOr<FactorStart> Start(FactorCall& call) override;
  absl::StatusOr<FactorVerdict> Verify(FactorCall& call,
                                       const ChallengeAnswer& answer) override;

 private:
  const PasskeyConfig* config_;
  Store* store_;
};

// Builds the passkey service. When a user's first passkey is registered it
// enables webauthn in the user's MFA settings through `mfa`; when the last
// one is deleted it disables it. Its changes to a user's passkeys are made
// under `lock_for(user)`, the MFA service's user lock. `config`, `store`,
// `clock` and `mfa` must outlive the service.
std::unique_ptr<PasskeyService> CreatePasskeyService(
    const PasskeyConfig* config, UserLock lock_for, Store* store,
    const Clock* clock, MfaService* mfa);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_PASSKEY_SERVICE_H_
