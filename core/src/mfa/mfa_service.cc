// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MFA service: settings, the shared life of a challenge (state, expiry,
// wrong answers, per-user lockout, recording the answer, remembering the
// device) and dispatch to the registered factors (mfa/factor.h), which own
// what differs between methods.

#include "mfa/mfa_service.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "mfa/code_factor.h"
#include "mfa/contacts.h"
#include "mfa/factor.h"
#include "mfa/factors.h"
#include "mfa/keyring.h"
#include "mfa/mfa_records.h"
#include "mfa/rate_limits.h"
#include "mfa/totp_factor.h"
#include "state/conflicts.h"
#include "vigil/attempt.h"
#include "vigil/model.h"

namespace vigil {

absl::string_view MfaMethodName(MfaMethod method) {
  switch (method) {
    case MfaMethod::kTotp:
      return "totp";
    case MfaMethod::kSms:
      return "sms";
    case MfaMethod::kEmail:
      return "email";
    case MfaMethod::kWebauthn:
      return "webauthn";
  }
  return "totp";
}

bool ParseMfaMethod(absl::string_view name, MfaMethod* method) {
  for (int i = 0; i < kMfaMethodCount; ++i) {
    if (name == MfaMethodName(static_cast<MfaMethod>(i))) {
      *method = static_cast<MfaMethod>(i);
      return true;
    }
  }
  return false;
}

absl::string_view ChallengeResultName(ChallengeResult result) {
  switch (result) {
    case ChallengeResult::kPassed:
      return "passed";
    case ChallengeResult::kFailed:
      return "failed";
    case ChallengeResult::kExpired:
      return "expired";
    case ChallengeResult::kLocked:
      return "locked";
  }
  return "failed";
}

int64_t MfaRetryAfterSeconds(const absl::Status& status) {
  const auto p = status.GetPayload(internal::kRetryAfterPayload);
  int64_t seconds = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &seconds) ||
      seconds < 0) {
    return 0;
  }
  return seconds;
}

namespace internal {
namespace {

// What the profile keeps for Evaluate: the enabled methods' bits, and the
// preferred method + 1 in bits 8..11 (so that a challenge offers it first).
uint32_t ProfileFactors(const MfaUserRecord& u) {
  if (u.enabled == 0) return 0;
  return u.enabled |
         (u.preferred >= 0 ? (static_cast<uint32_t>(u.preferred) + 1) << 8 : 0);
}

class MfaServiceImpl final : public MfaServiceInternal {
 public:
  MfaServiceImpl(MfaOptions options, std::optional<KeyRing> ring,
                 SecretBytes ephemeral, UserState* state,
                 const ModelSlot* model, Store* store, const Clock* clock)
      : options_(std::move(options)),
        ring_(std::move(ring)),
        codes_(ring_ ? &*ring_ : nullptr, std::move(ephemeral)),
        state_(state),
        model_(model),
        store_(store),
        clock_(clock),
        devices_(store) {}

  // Registers the factors; once, before use.
  absl::Status Init(std::vector<std::unique_ptr<Factor>> extra) {
    VIGIL_ASSIGN_OR_RETURN(passkey_config_,
                           PasskeyConfig::Create(options_.passkeys));
    VIGIL_RETURN_IF_ERROR(
        RegisterFactors(FactorDeps{options_, ring_ ? &*ring_ : nullptr, &codes_,
                                   store_, clock_, &passkey_config_},
                        &factors_));
    for (auto& f : extra)
      VIGIL_RETURN_IF_ERROR(factors_.Register(std::move(f)));
    passkeys_ = CreatePasskeyService(
        &passkey_config_,
        [this](absl::string_view user) -> std::mutex& { return LockFor(user); },
        store_, clock_, this);
    return absl::OkStatus();
  }

  PasskeyService* passkeys() override { return passkeys_.get(); }

  uint32_t offerable_methods() const override { return factors_.methods(); }

  absl::StatusOr<MfaSettings> GetSettings(absl::string_view user_id) override;
  absl::Status SetSettings(absl::string_view user_id,
                           const MfaSettings& settings) override;
  absl::StatusOr<TotpEnrollment> StartTotpEnrollment(
      absl::string_view user_id, absl::string_view account_name) override;
  absl::StatusOr<ChallengeResult> ConfirmTotp(absl::string_view user_id,
                                              absl::string_view code) override;
  absl::StatusOr<ChallengeStart> StartChallenge(absl::string_view challenge_id,
                                                MfaMethod method) override;
  absl::StatusOr<SendReceipt> SendCode(absl::string_view challenge_id,
                                       MfaMethod method) override;
  absl::StatusOr<VerifyOutcome> VerifyChallenge(
      absl::string_view challenge_id, const ChallengeAnswer& answer,
      const VerifyOptions& options) override;
  absl::StatusOr<std::vector<DeviceInfo>> ListDevices(
      absl::string_view user_id) override;
  absl::Status UpdateDevice(absl::string_view user_id,
                            absl::string_view device_id,
                            const DeviceUpdate& update) override;
  absl::Status DeleteDevice(absl::string_view user_id,
                            absl::string_view device_id) override;

 private:
  std::mutex& LockFor(absl::string_view user_id) {
    return locks_[StableHash(user_id, 0x6d6661) % locks_.size()];
  }
  MfaPolicyConfig Policy() const { return model_->model()->config().mfa; }
  int64_t NowSeconds() const { return absl::ToUnixSeconds(clock_->Now()); }

  // With `guard`, the batch that will be written expects the record
  // unchanged (a shared store; see state/conflicts.h).
  absl::StatusOr<MfaUserRecord> LoadUser(absl::string_view user_id,
                                         WriteBatch* guard = nullptr);
  // `batch` on a shared store, else null (the user locks suffice).
  WriteBatch* GuardOf(WriteBatch* batch) const {
    return state_->GuardOf(batch);
  }
  absl::Status SetSettingsOnce(absl::string_view user_id,
                               const MfaSettings& settings,
                               const UserContacts& contacts);
  absl::StatusOr<ChallengeResult> ConfirmTotpOnce(absl::string_view user_id,
                                                  absl::string_view code);
  // A start recorded (before its code is delivered).
  struct StartRecord {
    ChallengeRecord c;
    int64_t now = 0;
    FactorStart started;
  };
  absl::StatusOr<StartRecord> StartOnce(absl::string_view challenge_id,
                                        Factor* factor, MfaMethod method,
                                        const MfaPolicyConfig& p);
  absl::StatusOr<VerifyOutcome> VerifyOnce(absl::string_view challenge_id,
                                           const ChallengeAnswer& answer,
                                           const VerifyOptions& options);
  TotpFactor* Totp() const {
    return factors_.Get<TotpFactor>(MfaMethod::kTotp);
  }
  // The names of the registered methods whose start sends a code: "sms or
  // email".
  std::string CodeMethodNames() const;
  // StartChallenge; `code_only`: refuses (InvalidArgument) a method whose
  // start sends no code.
  absl::StatusOr<ChallengeStart> Start(absl::string_view challenge_id,
                                       MfaMethod method, bool code_only);

  const MfaOptions options_;
  const std::optional<KeyRing> ring_;
  const OneTimeCodes codes_;
  UserState* state_;
  const ModelSlot* model_;
  Store* store_;
  const Clock* clock_;
  FactorRegistry factors_;
  PasskeyConfig passkey_config_;
  std::unique_ptr<PasskeyService> passkeys_;
  const RememberedDevices devices_;
  std::array<std::mutex, 256> locks_;

  struct AtomicStats {
    std::atomic<int64_t> codes_sent[kMfaMethodCount] = {};
    std::atomic<int64_t> send_failures{0};
    std::atomic<int64_t> sends_rate_limited{0};
    std::atomic<int64_t> sends_refused_locked{0};
    std::atomic<int64_t> verifications[4] = {};
    std::atomic<int64_t> totp_enrolments{0};
    std::atomic<int64_t> totp_confirmations[4] = {};
    std::atomic<int64_t> devices_remembered{0};
  };
  mutable AtomicStats stats_;
  static void Inc(std::atomic<int64_t>& c) {
    c.fetch_add(1, std::memory_order_relaxed);
  }

 public:
  MfaStats stats() const override {
    MfaStats s;
    for (int i = 0; i < kMfaMethodCount; ++i)
      s.codes_sent[i] = stats_.codes_sent[i].load();
    s.send_failures = stats_.send_failures.load();
    s.sends_rate_limited = stats_.sends_rate_limited.load();
    s.sends_refused_locked = stats_.sends_refused_locked.load();
    for (int i = 0; i < 4; ++i) {
      s.verifications[i] = stats_.verifications[i].load();
      s.totp_confirmations[i] = stats_.totp_confirmations[i].load();
    }
    s.totp_enrolments = stats_.totp_enrolments.load();
    s.devices_remembered = stats_.devices_remembered.load();
    return s;
  }
};

absl::StatusOr<MfaUserRecord> MfaServiceImpl::LoadUser(
    absl::string_view user_id, WriteBatch* guard) {
  std::string value;
  MfaUserRecord r;
  absl::Status s = GuardedGet(store_, Table::kTotp, user_id, &value, guard);
  if (absl::IsNotFound(s)) return r;
  VIGIL_RETURN_IF_ERROR(s);
  if (!r.Decode(value)) {
    return absl::DataLossError("store: MFA record of user is unreadable");
  }
  return r;
}

std::string MfaServiceImpl::CodeMethodNames() const {
  std::vector<absl::string_view> names;
  for (Factor* f : factors_.all()) {
    if (f->SendsCode()) names.push_back(f->name());
  }
  return absl::StrJoin(names, " or ");
}

absl::StatusOr<MfaSettings> MfaServiceImpl::GetSettings(
    absl::string_view user_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id));
  MfaSettings s;
  for (int m = 0; m < kMfaMethodCount; ++m) {
    if (u.enabled & MethodBit(m))
      s.enabled.push_back(static_cast<MfaMethod>(m));
  }
  if (u.preferred >= 0) s.preferred = static_cast<MfaMethod>(u.preferred);
  const UserContacts contacts = ContactsOf(u);
  s.phone = contacts.phone;
  s.email = contacts.email;
  s.totp_active = u.totp.has_value();
  return s;
}

absl::Status MfaServiceImpl::SetSettings(absl::string_view user_id,
                                         const MfaSettings& settings) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  const UserContacts contacts{settings.phone, settings.email};
  VIGIL_RETURN_IF_ERROR(ValidateContacts(contacts));
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  return RetryOnConflict(
      [&] { return SetSettingsOnce(user_id, settings, contacts); });
}

absl::Status MfaServiceImpl::SetSettingsOnce(absl::string_view user_id,
                                             const MfaSettings& settings,
                                             const UserContacts& contacts) {
  WriteBatch batch;
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id, GuardOf(&batch)));
  uint32_t enabled = 0;
  for (MfaMethod m : settings.enabled) {
    const Factor* f = factors_.Find(m);
    if (f == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("enabled: ", MfaMethodName(m), " is not configured"));
    }
    VIGIL_RETURN_IF_ERROR(f->CheckEnable(user_id, u, contacts));
    enabled |= MethodBit(static_cast<int>(m));
  }
  if (settings.preferred &&
      !(enabled & MethodBit(static_cast<int>(*settings.preferred)))) {
    return absl::InvalidArgumentError("preferred: must be one of enabled");
  }
  u.enabled = enabled;
  u.preferred = settings.preferred ? static_cast<int>(*settings.preferred) : -1;
  const uint32_t factors = ProfileFactors(u);
  SetContacts(contacts, &u);
  batch.Put(Table::kTotp, user_id, u.Encode());
  return state_->UpdateProfile(
      user_id, [&](UserProfile* p) { p->mfa_factors = factors; },
      std::move(batch));
}

absl::StatusOr<TotpEnrollment> MfaServiceImpl::StartTotpEnrollment(
    absl::string_view user_id, absl::string_view account_name) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  TotpFactor* totp = Totp();
  if (totp == nullptr)
    return absl::FailedPreconditionError("totp: not available");
  VIGIL_RETURN_IF_ERROR(totp->CheckConfigured());
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(
      TotpEnrollment e,
      RetryOnConflict([&]() -> absl::StatusOr<TotpEnrollment> {
        WriteBatch b;
        VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id, GuardOf(&b)));
        VIGIL_ASSIGN_OR_RETURN(
            TotpEnrollment started,
            totp->StartEnrollment(user_id, account_name, &u));
        b.Put(Table::kTotp, user_id, u.Encode());
        VIGIL_RETURN_IF_ERROR(store_->Write(b));
        return started;
      }));
  Inc(stats_.totp_enrolments);
  return e;
}

absl::StatusOr<ChallengeResult> MfaServiceImpl::ConfirmTotp(
    absl::string_view user_id, absl::string_view code) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  TotpFactor* totp = Totp();
  if (totp == nullptr)
    return absl::FailedPreconditionError("totp: not available");
  VIGIL_RETURN_IF_ERROR(totp->CheckConfigured());
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  return RetryOnConflict([&] { return ConfirmTotpOnce(user_id, code); });
}

absl::StatusOr<ChallengeResult> MfaServiceImpl::ConfirmTotpOnce(
    absl::string_view user_id, absl::string_view code) {
  TotpFactor* totp = Totp();
  const MfaPolicyConfig p = Policy();
  WriteBatch batch;
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id, GuardOf(&batch)));
  if (!u.totp_pending) {
    return absl::FailedPreconditionError("totp: no enrolment under way");
  }
  const int64_t now = NowSeconds();
  if (UserLocked(&u, now, p)) {
    Inc(stats_.totp_confirmations[static_cast<int>(ChallengeResult::kLocked)]);
    return ChallengeResult::kLocked;
  }
  VIGIL_ASSIGN_OR_RETURN(
      bool confirmed,
      totp->ConfirmPending(user_id, code, now, p.totp_window, &u));
  if (!confirmed) {
    u.failures.push_back(now);
    batch.Put(Table::kTotp, user_id, u.Encode());
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    const ChallengeResult r = UserLocked(&u, now, p) ? ChallengeResult::kLocked
                                                     : ChallengeResult::kFailed;
    Inc(stats_.totp_confirmations[static_cast<int>(r)]);
    return r;
  }
  u.enabled |= MethodBit(static_cast<int>(MfaMethod::kTotp));
  if (u.preferred < 0) u.preferred = static_cast<int>(MfaMethod::kTotp);
  const uint32_t factors = ProfileFactors(u);
  batch.Put(Table::kTotp, user_id, u.Encode());
  VIGIL_RETURN_IF_ERROR(state_->UpdateProfile(
      user_id, [&](UserProfile* pr) { pr->mfa_factors = factors; },
      std::move(batch)));
  Inc(stats_.totp_confirmations[static_cast<int>(ChallengeResult::kPassed)]);
  return ChallengeResult::kPassed;
}

absl::StatusOr<ChallengeStart> MfaServiceImpl::StartChallenge(
    absl::string_view challenge_id, MfaMethod method) {
  return Start(challenge_id, method, /*code_only=*/false);
}

absl::StatusOr<SendReceipt> MfaServiceImpl::SendCode(
    absl::string_view challenge_id, MfaMethod method) {
  VIGIL_ASSIGN_OR_RETURN(ChallengeStart s,
                         Start(challenge_id, method, /*code_only=*/true));
  SendReceipt receipt;
  receipt.method = s.method;
  receipt.code_expires_at = s.expires_at;
  receipt.next_send_at = s.next_send_at;
  return receipt;
}

absl::StatusOr<ChallengeStart> MfaServiceImpl::Start(
    absl::string_view challenge_id, MfaMethod method, bool code_only) {
  Factor* factor = factors_.Find(method);
  if (factor == nullptr || (code_only && !factor->SendsCode())) {
    return absl::InvalidArgumentError(
        absl::StrCat("method: must be ", CodeMethodNames()));
  }
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord probe,
                         LoadChallenge(store_, challenge_id));
  const MfaPolicyConfig p = Policy();
  // Held while the start is recorded, not during delivery.
  std::unique_lock<std::mutex> lock(LockFor(probe.user_id));
  // Recorded with the challenge and the user's record as read as the
  // conditions (a shared store): concurrent starts see each other's sends.
  absl::StatusOr<StartRecord> recorded = RetryOnConflict(
      [&] { return StartOnce(challenge_id, factor, method, p); });
  if (!recorded.ok()) return recorded.status();
  lock.unlock();
  const ChallengeRecord& c = recorded->c;
  const int64_t now = recorded->now;
  FactorStart* started = &recorded->started;
  ChallengeStart out;
  out.method = method;
  out.expires_at = started->expires_at;
  out.next_send_at = started->next_send_at;
  out.webauthn = std::move(started->webauthn);
  if (started->sender == nullptr) return out;
  OutgoingMessage& msg = started->message;
  absl::Status sent = started->sender->Send(msg);
  OPENSSL_cleanse(msg.text.data(), msg.text.size());
  if (!sent.ok()) {
    Inc(stats_.send_failures);
    lock.lock();
    WriteBatch undo;
    absl::StatusOr<MfaUserRecord> again = LoadUser(c.user_id, GuardOf(&undo));
    if (again.ok()) {
      auto it = std::find(again->sends.begin(), again->sends.end(), now);
      if (it != again->sends.end()) {
        again->sends.erase(it);
        undo.Put(Table::kTotp, c.user_id, again->Encode());
        // At worst (a failure, or a concurrent change) the failed send counts.
        (void)store_->Write(undo);
      }
    }
    return absl::UnavailableError(absl::StrCat(
        "send: ", MfaMethodName(method), " delivery failed: ", sent.message()));
  }
  Inc(stats_.codes_sent[static_cast<int>(method)]);
  return out;
}

// Records a start, under the user's lock. On a shared store the challenge
// and the user's MFA record as read are the conditions of the write:
// concurrent starts through several processes see each other's sends.
absl::StatusOr<MfaServiceImpl::StartRecord> MfaServiceImpl::StartOnce(
    absl::string_view challenge_id, Factor* factor, MfaMethod method,
    const MfaPolicyConfig& p) {
  WriteBatch batch;
  WriteBatch* const guard = GuardOf(&batch);
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord c,
                         LoadChallenge(store_, challenge_id, guard));
  const int64_t now = NowSeconds();
  if (c.state == ChallengeState::kPassed) {
    return absl::FailedPreconditionError("challenge: already passed");
  }
  if (c.state == ChallengeState::kLocked) {
    Inc(stats_.sends_refused_locked);
    return absl::FailedPreconditionError("challenge: locked");
  }
  if (now >= c.expires)
    return absl::FailedPreconditionError("challenge: expired");
  if (!(c.methods & MethodBit(static_cast<int>(method)))) {
    return absl::FailedPreconditionError(
        absl::StrCat("method: ", MfaMethodName(method),
                     " is not offered by this challenge"));
  }
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(c.user_id, guard));
  // A start the user could not answer (VerifyChallenge would say kLocked)
  // is refused: no SMS spend, no message to a user under attack.
  if (UserLocked(&u, now, p)) {
    Inc(stats_.sends_refused_locked);
    const int64_t lifts = UserLockLifts(u, p);
    if (lifts >= c.expires) {
      return absl::FailedPreconditionError(
          "challenge: locked: too many wrong codes for this user until after "
          "the challenge expires");
    }
    return RetryLater("send: too many wrong codes for this user", lifts - now);
  }
  FactorCall call{challenge_id, &c, &u, ContactsOf(u), p, now, &batch};
  absl::StatusOr<FactorStart> started = factor->Start(call);
  if (!started.ok()) {
    if (absl::IsResourceExhausted(started.status())) {
      Inc(stats_.sends_rate_limited);
    }
    return started.status();
  }
  // Record the start (a code and its send) first, so that concurrent starts
  // see the limits; deliver without the lock; give the send back if the
  // delivery failed.
  batch.Put(Table::kChallenges, challenge_id, c.Encode());
  batch.Put(Table::kTotp, c.user_id, u.Encode());
  VIGIL_RETURN_IF_ERROR(store_->Write(batch));
  return StartRecord{std::move(c), now, std::move(*started)};
}

absl::StatusOr<VerifyOutcome> MfaServiceImpl::VerifyChallenge(
    absl::string_view challenge_id, const ChallengeAnswer& answer,
    const VerifyOptions& options) {
  if (const OneTimeCode* code = std::get_if<OneTimeCode>(&answer.value)) {
    if (code->code.empty() || code->code.size() > 16) {
      return absl::InvalidArgumentError("code: must be 1-16 characters");
    }
  }
  if (!factors_.AnyTakes(answer)) {
    return absl::InvalidArgumentError(
        absl::StrCat("answer: no factor takes a ", AnswerTypeName(answer)));
  }
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord probe,
                         LoadChallenge(store_, challenge_id));
  std::lock_guard<std::mutex> lock(LockFor(probe.user_id));
  VIGIL_ASSIGN_OR_RETURN(VerifyOutcome out, RetryOnConflict([&] {
                           return VerifyOnce(challenge_id, answer, options);
                         }));
  Inc(stats_.verifications[static_cast<int>(out.result)]);
  if (!out.device_key.empty()) Inc(stats_.devices_remembered);
  return out;
}

// One attempt, under the user's lock. On a shared store the challenge, the
// user's MFA record, the event and the profile as read are the conditions of
// the one write: of two processes verifying one code (or one TOTP step) at
// once, one writes and the other, Aborted, reads the challenge again and
// finds it passed.
absl::StatusOr<VerifyOutcome> MfaServiceImpl::VerifyOnce(
    absl::string_view challenge_id, const ChallengeAnswer& answer,
    const VerifyOptions& options) {
  const MfaPolicyConfig p = Policy();
  WriteBatch batch;
  WriteBatch* const guard = GuardOf(&batch);
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord c,
                         LoadChallenge(store_, challenge_id, guard));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(c.user_id, guard));
  const int64_t now = NowSeconds();
  VerifyOutcome out;
  if (c.state == ChallengeState::kPassed) {
    return absl::FailedPreconditionError("challenge: already passed");
  }
  auto attempts_left = [&] {
    return std::max(0, p.max_code_attempts - static_cast<int>(c.wrong));
  };
  if (c.state == ChallengeState::kLocked) {
    out.result = ChallengeResult::kLocked;
    return out;
  }
  ChallengeResponse response;
  response.time = clock_->Now();
  bool passed = false;
  if (now >= c.expires) {
    out.result = ChallengeResult::kExpired;
  } else if (UserLocked(&u, now, p)) {
    out.result = ChallengeResult::kLocked;
  } else {
    // The challenge's factors that take this answer: those that sent a code
    // first (a code is checked as the one sent before as a TOTP code).
    std::vector<Factor*> candidates;
    for (bool sends : {true, false}) {
      for (Factor* f : factors_.all()) {
        if (f->SendsCode() == sends &&
            (c.methods & MethodBit(static_cast<int>(f->method()))) &&
            f->Takes(answer)) {
          candidates.push_back(f);
        }
      }
    }
    FactorCall call{challenge_id, &c, &u, ContactsOf(u), p, now, &batch};
    FactorVerdict verdict = FactorVerdict::kNoMatch;
    for (Factor* f : candidates) {
      VIGIL_ASSIGN_OR_RETURN(verdict, f->Verify(call, answer));
      if (verdict != FactorVerdict::kNoMatch) {
        response.method = std::string(f->name());
        break;
      }
    }
    if (verdict == FactorVerdict::kPassed) {
      passed = true;
      out.result = ChallengeResult::kPassed;
      c.state = ChallengeState::kPassed;
    } else if (verdict == FactorVerdict::kExpired) {
      out.result = ChallengeResult::kExpired;
    } else {
      out.reason = std::move(call.reason);
      ++c.wrong;
      u.failures.push_back(now);
      if (static_cast<int>(c.wrong) >= p.max_code_attempts) {
        c.state = ChallengeState::kLocked;
        out.result = ChallengeResult::kLocked;
      } else {
        out.result = ChallengeResult::kFailed;
      }
    }
  }
  out.attempts_left = c.state == ChallengeState::kOpen ? attempts_left() : 0;
  if (passed && options.remember_device) {
    VIGIL_ASSIGN_OR_RETURN(out.device_key, NewDeviceKey());
    DeviceRecord d;
    d.user_id = c.user_id;
    d.key_hash = HashDeviceKey(out.device_key.reveal());
    d.name = options.device_name.empty() ? c.device_name : options.device_name;
    d.first_seen = d.last_seen = now;
    d.last_ip = c.ip;
    d.last_city = c.city;
    d.last_country = c.country;
    VIGIL_RETURN_IF_ERROR(devices_.Remember(&d, now, p, &batch));
    out.device_id = d.id();
  }
  response.result = std::string(ChallengeResultName(out.result));
  batch.Put(Table::kChallenges, challenge_id, c.Encode());
  batch.Put(Table::kTotp, c.user_id, u.Encode());
  VIGIL_RETURN_IF_ERROR(state_->RecordChallengeResponse(
      c.event_id, response, passed, std::move(batch)));
  return out;
}

absl::StatusOr<std::vector<DeviceInfo>> MfaServiceImpl::ListDevices(
    absl::string_view user_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  return devices_.List(user_id, NowSeconds());
}

absl::Status MfaServiceImpl::UpdateDevice(absl::string_view user_id,
                                          absl::string_view device_id,
                                          const DeviceUpdate& update) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (update.name && (update.name->empty() || update.name->size() > 128)) {
    return absl::InvalidArgumentError("name: must be 1-128 bytes");
  }
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  return devices_.Update(user_id, device_id, update, NowSeconds(), Policy());
}

absl::Status MfaServiceImpl::DeleteDevice(absl::string_view user_id,
                                          absl::string_view device_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  return devices_.Delete(user_id, device_id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MfaServiceInternal>> CreateMfaService(
    const MfaOptions& options, UserState* state, const ModelSlot* model,
    Store* store, const Clock* clock,
    std::vector<std::unique_ptr<Factor>> extra_factors) {
  std::optional<KeyRing> ring;
  if (!options.key_file.empty()) {
    VIGIL_ASSIGN_OR_RETURN(KeyRing loaded, KeyRing::LoadFile(options.key_file));
    ring = std::move(loaded);
  }
  VIGIL_ASSIGN_OR_RETURN(std::string eph, RandomBytes(32));
  auto service = std::make_unique<MfaServiceImpl>(options, std::move(ring),
                                                  SecretBytes(std::move(eph)),
                                                  state, model, store, clock);
  VIGIL_RETURN_IF_ERROR(service->Init(std::move(extra_factors)));
  return std::unique_ptr<MfaServiceInternal>(std::move(service));
}

}  // namespace internal
}  // namespace vigil
