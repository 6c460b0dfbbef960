// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// TOTP (RFC 6238) as a factor: the secret is sealed under the key file
// (AES-256-GCM, bound to the user id) in the user's MFA record; enrolment
// keeps a pending secret until a first valid code confirms it.

#ifndef VIGIL_CORE_SRC_MFA_TOTP_FACTOR_H_
#define VIGIL_CORE_SRC_MFA_TOTP_FACTOR_H_

#include <string>

#include "mfa/factor.h"
#include "mfa/keyring.h"

namespace vigil::internal {

class TotpFactor final : public Factor {
 public:
  // `ring` may be null (no key file: enrolment refused, codes never pass);
  // it must outlive this.
  TotpFactor(const KeyRing* ring, std::string issuer)
      : ring_(ring), issuer_(std::move(issuer)) {}

  MfaMethod method() const override { return MfaMethod::kTotp; }
  bool Takes(const ChallengeAnswer& answer) const override {
    return std::holds_alternative<OneTimeCode>(answer.value);
  }
  absl::Status CheckEnable(absl::string_view user_id, const MfaUserRecord& user,
                           const UserContacts& contacts) const override;
  // Nothing to start: the code is on the user's authenticator.
  absl::StatusOr<FactorStart> Start(FactorCall& call) override;
  // A code of the active secret within the policy's window, once per step.
  absl::StatusOr<FactorVerdict> Verify(FactorCall& call,
                                       const ChallengeAnswer& answer) override;

  // Enrolment. FailedPrecondition without a key file.
  absl::Status CheckConfigured() const;
  // A fresh secret, sealed into user->totp_pending; the enrolment to show.
  absl::StatusOr<TotpEnrollment> StartEnrollment(absl::string_view user_id,
                                                 absl::string_view account_name,
                                                 MfaUserRecord* user) const;
  // Whether `code` is valid for the pending secret at `now`; if so, the
  // secret becomes the active one (and its step the last accepted).
  absl::StatusOr<bool> ConfirmPending(absl::string_view user_id,
                                      absl::string_view code, int64_t now,
                                      int window, MfaUserRecord* user) const;

 private:
  const KeyRing* ring_;
  const std::string issuer_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_TOTP_FACTOR_H_
