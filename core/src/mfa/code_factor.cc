// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/code_factor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/crypto.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "mfa/rate_limits.h"

namespace vigil::internal {
namespace {

constexpr char kCodePurpose[] = "vigil one-time code v1";
constexpr char kEphemeralKeyId[] = "~process";

}  // namespace

std::string OneTimeCodes::CurrentKeyId() const {
  return ring_ != nullptr ? ring_->current_id() : kEphemeralKeyId;
}

std::string OneTimeCodes::Mac(absl::string_view key_id,
                              absl::string_view challenge_id,
                              absl::string_view code) const {
  SecretBytes key;
  if (key_id == kEphemeralKeyId) {
    key = ephemeral_.Copy();
  } else if (ring_ != nullptr && ring_->Has(key_id)) {
    key = ring_->DeriveKey(key_id, kCodePurpose);
  } else {
    return "";
  }
  return HmacSha256(key.reveal(), absl::StrCat(challenge_id, ":", code));
}

absl::Status CodeFactor::CheckEnable(absl::string_view, const MfaUserRecord&,
                                     const UserContacts& contacts) const {
  const bool sms = method_ == MfaMethod::kSms;
  if (To(contacts).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(sms ? "phone" : "email", ": required to enable ", name()));
  }
  if (sender_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("enabled: ", name(), " is not configured"));
  }
  return absl::OkStatus();
}

absl::StatusOr<FactorStart> CodeFactor::Start(FactorCall& call) {
  const MfaPolicyConfig& p = call.policy;
  const int64_t now = call.now;
  MfaUserRecord& u = *call.user;
  ChallengeRecord& c = *call.challenge;
  TrimTimes(&u.sends, now - kSendWindow);
  if (!u.sends.empty() && now - u.sends.back() < p.resend_interval_seconds) {
    return RetryLater("send: too soon",
                      p.resend_interval_seconds - (now - u.sends.back()));
  }
  if (static_cast<int>(u.sends.size()) >= p.max_sends_per_hour) {
    return RetryLater(
        absl::StrCat("send: at most ", p.max_sends_per_hour, " codes per hour"),
        WindowLimitLifts(u.sends, p.max_sends_per_hour, kSendWindow) - now);
  }
  const std::string& to = To(call.contacts);
  if (sender_ == nullptr || to.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("method: ", name(), " is not set up"));
  }
  // A uniform 6-digit code: rejection sampling over 32-bit draws.
  uint32_t v = 0;
  do {
    VIGIL_ASSIGN_OR_RETURN(std::string r, RandomBytes(4));
    v = static_cast<uint32_t>(static_cast<uint8_t>(r[0])) |
        static_cast<uint32_t>(static_cast<uint8_t>(r[1])) << 8 |
        static_cast<uint32_t>(static_cast<uint8_t>(r[2])) << 16 |
        static_cast<uint32_t>(static_cast<uint8_t>(r[3])) << 24;
  } while (v >= 4294000000u);
  SecretBytes code(absl::StrFormat("%06u", v % 1000000));
  const int minutes = (p.code_ttl_seconds + 59) / 60;
  auto fill = [&](const std::string& tmpl) {
    return absl::StrReplaceAll(tmpl, {{"{code}", code.reveal()},
                                      {"{minutes}", absl::StrCat(minutes)},
                                      {"{issuer}", issuer_}});
  };
  FactorStart start;
  OutgoingMessage& msg = start.message;
  msg.to = to;
  msg.idempotency_key =
      absl::StrCat(call.challenge_id, "-", u.sends.size(), "-", now);
  if (method_ == MfaMethod::kSms) {
    msg.text = fill(templates_.sms);
  } else {
    msg.subject = fill(templates_.email_subject);
    msg.text = fill(templates_.email_text);
  }
  start.sender = sender_.get();
  c.has_code = true;
  c.code_method = static_cast<int>(method_);
  c.code_key_id = codes_->CurrentKeyId();
  c.code_mac = codes_->Mac(c.code_key_id, call.challenge_id, code.reveal());
  c.code_expires = now + p.code_ttl_seconds;
  u.sends.push_back(now);
  start.expires_at = absl::FromUnixSeconds(c.code_expires);
  int64_t next = now + p.resend_interval_seconds;
  if (static_cast<int>(u.sends.size()) >= p.max_sends_per_hour) {
    next = std::max(
        next, WindowLimitLifts(u.sends, p.max_sends_per_hour, kSendWindow));
  }
  start.next_send_at = absl::FromUnixSeconds(next);
  return start;
}

absl::StatusOr<FactorVerdict> CodeFactor::Verify(
    FactorCall& call, const ChallengeAnswer& answer) {
  ChallengeRecord& c = *call.challenge;
  if (!c.has_code || c.code_method != static_cast<int>(method_)) {
    return FactorVerdict::kNoMatch;
  }
  const std::string mac =
      codes_->Mac(c.code_key_id, call.challenge_id,
                  std::get<OneTimeCode>(answer.value).code.reveal());
  if (mac.empty() || !ConstantTimeEquals(mac, c.code_mac)) {
    return FactorVerdict::kNoMatch;
  }
  if (call.now >= c.code_expires) return FactorVerdict::kExpired;
  c.has_code = false;  // single use
  c.code_mac.clear();
  return FactorVerdict::kPassed;
}

}  // namespace vigil::internal
