// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/totp_factor.h"

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "mfa/qr_svg.h"
#include "mfa/totp.h"

namespace vigil::internal {
namespace {

constexpr int kTotpSecretBytes = 20;  // 160 bits

std::string TotpAad(absl::string_view user_id) {
  return absl::StrCat("vigil-totp:", user_id);
}

}  // namespace

absl::Status TotpFactor::CheckEnable(absl::string_view, const MfaUserRecord& user,
                                     const UserContacts&) const {
  if (!user.totp) {
    return absl::FailedPreconditionError(
        "enabled: totp is not enrolled; enrol and confirm a code first");
  }
  return absl::OkStatus();
}

absl::StatusOr<FactorStart> TotpFactor::Start(FactorCall&) {
  return absl::InvalidArgumentError(
      "method: totp has nothing to start; answer with a code");
}

absl::StatusOr<FactorVerdict> TotpFactor::Verify(
    FactorCall& call, const ChallengeAnswer& answer) {
  MfaUserRecord& u = *call.user;
  if (!u.totp || ring_ == nullptr) return FactorVerdict::kNoMatch;
  VIGIL_ASSIGN_OR_RETURN(
      SecretBytes secret,
      ring_->Open(*u.totp, TotpAad(call.challenge->user_id)));
  int64_t step = 0;
  if (TotpVerify(secret.reveal(),
                 std::get<OneTimeCode>(answer.value).code.reveal(), call.now,
                 call.policy.totp_window, TotpParams(), &step) &&
      step > u.totp_last_step) {  // a code is accepted once per step
    u.totp_last_step = step;
    return FactorVerdict::kPassed;
  }
  return FactorVerdict::kNoMatch;
}

absl::Status TotpFactor::CheckConfigured() const {
  if (ring_ == nullptr) {
    return absl::FailedPreconditionError(
        "totp: no key file configured for secrets at rest");
  }
  return absl::OkStatus();
}

absl::StatusOr<TotpEnrollment> TotpFactor::StartEnrollment(
    absl::string_view user_id, absl::string_view account_name,
    MfaUserRecord* user) const {
  VIGIL_RETURN_IF_ERROR(CheckConfigured());
  VIGIL_ASSIGN_OR_RETURN(std::string raw, RandomBytes(kTotpSecretBytes));
  SecretBytes secret(std::move(raw));
  VIGIL_ASSIGN_OR_RETURN(SealedBox box,
                         ring_->Seal(secret.reveal(), TotpAad(user_id)));
  user->totp_pending = std::move(box);
  TotpEnrollment e;
  e.secret_base32 = SecretBytes(Base32Encode(secret.reveal()));
  e.uri = SecretBytes(OtpauthUri(issuer_,
                                 account_name.empty() ? user_id : account_name,
                                 e.secret_base32.reveal(), TotpParams()));
  VIGIL_ASSIGN_OR_RETURN(e.qr_svg, QrSvg(e.uri.reveal()));
  return e;
}

absl::StatusOr<bool> TotpFactor::ConfirmPending(absl::string_view user_id,
                                                absl::string_view code,
                                                int64_t now, int window,
                                                MfaUserRecord* user) const {
  VIGIL_RETURN_IF_ERROR(CheckConfigured());
  VIGIL_ASSIGN_OR_RETURN(SecretBytes secret,
                         ring_->Open(*user->totp_pending, TotpAad(user_id)));
  int64_t step = 0;
  if (!TotpVerify(secret.reveal(), code, now, window, TotpParams(), &step)) {
    return false;
  }
  user->totp = std::move(user->totp_pending);
  user->totp_pending.reset();
  user->totp_last_step = step;
  return true;
}

}  // namespace vigil::internal
