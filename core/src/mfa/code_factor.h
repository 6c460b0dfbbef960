// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Factors answered with a one-time code sent to the user: SMS and e-mail.
// A challenge holds at most one sent code, as an HMAC only.

#ifndef VIGIL_CORE_SRC_MFA_CODE_FACTOR_H_
#define VIGIL_CORE_SRC_MFA_CODE_FACTOR_H_

#include <memory>
#include <optional>
#include <string>

#include "mfa/factor.h"
#include "mfa/keyring.h"
#include "vigil/secret.h"

namespace vigil::internal {

// The MACs of one-time codes: under a key derived from the key file's
// current key, or (no key file) under a key that lives as long as the
// process. Codes MACed under a key since removed no longer match.
class OneTimeCodes {
 public:
  // `ring` may be null; it must outlive this.
  OneTimeCodes(const KeyRing* ring, SecretBytes ephemeral)
      : ring_(ring), ephemeral_(std::move(ephemeral)) {}

  std::string CurrentKeyId() const;
  // The MAC of `code` for the challenge; empty if the key is gone.
  std::string Mac(absl::string_view key_id, absl::string_view challenge_id,
                  absl::string_view code) const;

 private:
  const KeyRing* ring_;
  const SecretBytes ephemeral_;
};

class CodeFactor final : public Factor {
 public:
  // `method` is kSms or kEmail; a null `sender` cannot send (the method
  // cannot be enabled, and a challenge offering it cannot start).
  CodeFactor(MfaMethod method, std::shared_ptr<Sender> sender,
             std::string issuer, const MfaTemplates& templates,
             const OneTimeCodes* codes)
      : method_(method),
        sender_(std::move(sender)),
        issuer_(std::move(issuer)),
        templates_(templates),
        codes_(codes) {}

  MfaMethod method() const override { return method_; }
  bool Takes(const ChallengeAnswer& answer) const override {
    return std::holds_alternative<OneTimeCode>(answer.value);
  }
  absl::Status CheckEnable(absl::string_view user_id, const MfaUserRecord& user,
                           const UserContacts& contacts) const override;
  bool SendsCode() const override { return true; }
  // Sends a fresh code (resend interval and hourly limit of the policy:
  // ResourceExhausted with the wait); the challenge keeps its MAC.
  absl::StatusOr<FactorStart> Start(FactorCall& call) override;
  // Passes the code last sent by this method, once, until it expires.
  absl::StatusOr<FactorVerdict> Verify(FactorCall& call,
                                       const ChallengeAnswer& answer) override;

 private:
  const std::string& To(const UserContacts& c) const {
    return method_ == MfaMethod::kSms ? c.phone : c.email;
  }

  const MfaMethod method_;
  const std::shared_ptr<Sender> sender_;
  const std::string issuer_;
  const MfaTemplates templates_;
  const OneTimeCodes* codes_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_CODE_FACTOR_H_
