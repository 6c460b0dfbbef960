// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/mfa_service.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/crypto.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "mfa/keyring.h"
#include "mfa/mfa_records.h"
#include "mfa/qr_svg.h"
#include "mfa/totp.h"
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

namespace {

constexpr char kRetryAfterPayload[] = "vigil.mfa/retry-after-seconds";

}  // namespace

int64_t MfaRetryAfterSeconds(const absl::Status& status) {
  const auto p = status.GetPayload(kRetryAfterPayload);
  int64_t seconds = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &seconds) ||
      seconds < 0) {
    return 0;
  }
  return seconds;
}

namespace internal {
namespace {

// ResourceExhausted "<message>; retry in N s", carrying N for
// MfaRetryAfterSeconds.
absl::Status RetryLater(absl::string_view message, int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 1);
  absl::Status s = absl::ResourceExhaustedError(
      absl::StrCat(message, "; retry in ", seconds, " s"));
  s.SetPayload(kRetryAfterPayload, absl::Cord(absl::StrCat(seconds)));
  return s;
}

constexpr int kTotpSecretBytes = 20;  // 160 bits
constexpr int64_t kFailureWindow = 15 * 60;
constexpr int64_t kSendWindow = 3600;
constexpr char kCodePurpose[] = "vigil one-time code v1";
constexpr char kEphemeralKeyId[] = "~process";

std::string TotpAad(absl::string_view user_id) {
  return absl::StrCat("vigil-totp:", user_id);
}

bool ValidPhone(absl::string_view p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (!absl::ascii_isdigit(p[i])) return false;
  }
  return true;
}

bool ValidEmail(absl::string_view e) {
  const size_t at = e.find('@');
  if (e.size() > 254 || at == 0 || at == absl::string_view::npos ||
      at + 1 >= e.size() || e.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  for (char c : e) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' ||
        c == ',' || c == ';' || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

// What the profile keeps for Evaluate: the enabled methods' bits, and the
// preferred method + 1 in bits 8..11 (so that a challenge offers it first).
uint32_t ProfileFactors(const MfaUserRecord& u) {
  if (u.enabled == 0) return 0;
  return u.enabled | (u.preferred >= 0 ? (static_cast<uint32_t>(u.preferred) + 1) << 8 : 0);
}

class MfaServiceImpl final : public MfaService {
 public:
  MfaServiceImpl(MfaOptions options, std::optional<KeyRing> ring,
                 SecretBytes ephemeral, MfaHost* host, Store* store,
                 const Clock* clock)
      : options_(std::move(options)),
        ring_(std::move(ring)),
        ephemeral_(std::move(ephemeral)),
        host_(host),
        store_(store),
        clock_(clock) {}

  absl::StatusOr<MfaSettings> GetSettings(absl::string_view user_id) override;
  absl::Status SetSettings(absl::string_view user_id,
                           const MfaSettings& settings) override;
  absl::StatusOr<TotpEnrollment> StartTotpEnrollment(
      absl::string_view user_id, absl::string_view account_name) override;
  absl::StatusOr<ChallengeResult> ConfirmTotp(absl::string_view user_id,
                                              absl::string_view code) override;
  absl::StatusOr<SendReceipt> SendCode(absl::string_view challenge_id,
                                       MfaMethod method) override;
  absl::StatusOr<VerifyOutcome> VerifyChallenge(
      absl::string_view challenge_id, absl::string_view code,
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
  MfaPolicyConfig Policy() const { return host_->CurrentModel()->config().mfa; }
  int64_t NowSeconds() const { return absl::ToUnixSeconds(clock_->Now()); }

  absl::StatusOr<MfaUserRecord> LoadUser(absl::string_view user_id);
  absl::StatusOr<ChallengeRecord> LoadChallenge(absl::string_view id);
  // The MAC of a one-time code; empty if the key is gone.
  std::string CodeMac(absl::string_view key_id, absl::string_view challenge_id,
                      absl::string_view code) const;
  std::string CurrentCodeKeyId() const {
    return ring_ ? ring_->current_id() : kEphemeralKeyId;
  }
  bool UserLocked(MfaUserRecord* u, int64_t now, const MfaPolicyConfig& p) {
    TrimTimes(&u->failures, now - kFailureWindow);
    return static_cast<int>(u->failures.size()) >= p.max_user_failures_15min;
  }
  // For a sliding-window limit that refuses while `times` (trimmed by
  // TrimTimes(now - window), which keeps t >= now - window) hold `limit` or
  // more entries: the first second at which fewer remain. `times` must hold
  // at least `limit` entries.
  static int64_t WindowLimitLifts(std::vector<int64_t> times, int limit,
                                  int64_t window) {
    const size_t k = times.size() - static_cast<size_t>(limit);
    std::nth_element(times.begin(), times.begin() + k, times.end());
    return times[k] + window + 1;
  }
  // For a user that UserLocked: the first second at which it no longer is.
  static int64_t UserLockLifts(const MfaUserRecord& u,
                               const MfaPolicyConfig& p) {
    return WindowLimitLifts(u.failures, p.max_user_failures_15min,
                            kFailureWindow);
  }
  // Remembers a device; adds its record (and evictions) to `batch`.
  absl::Status Remember(DeviceRecord* r, int64_t now, const MfaPolicyConfig& p,
                        WriteBatch* batch);

  const MfaOptions options_;
  const std::optional<KeyRing> ring_;
  const SecretBytes ephemeral_;
  MfaHost* host_;
  Store* store_;
  const Clock* clock_;
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
  static void Inc(std::atomic<int64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }

 public:
  MfaStats stats() const override {
    MfaStats s;
    for (int i = 0; i < kMfaMethodCount; ++i) s.codes_sent[i] = stats_.codes_sent[i].load();
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

absl::StatusOr<MfaUserRecord> MfaServiceImpl::LoadUser(absl::string_view user_id) {
  std::string value;
  MfaUserRecord r;
  absl::Status s = store_->Get(Table::kTotp, user_id, &value);
  if (absl::IsNotFound(s)) return r;
  VIGIL_RETURN_IF_ERROR(s);
  if (!r.Decode(value)) {
    return absl::DataLossError("store: MFA record of user is unreadable");
  }
  return r;
}

absl::StatusOr<ChallengeRecord> MfaServiceImpl::LoadChallenge(
    absl::string_view id) {
  if (id.size() != 32 ||
      id.find_first_not_of("0123456789abcdef") != absl::string_view::npos) {
    return absl::NotFoundError("challenge: no such challenge");
  }
  std::string value;
  absl::Status s = store_->Get(Table::kChallenges, id, &value);
  if (absl::IsNotFound(s)) return absl::NotFoundError("challenge: no such challenge");
  VIGIL_RETURN_IF_ERROR(s);
  ChallengeRecord r;
  if (!r.Decode(value)) {
    return absl::DataLossError("store: challenge record is unreadable");
  }
  return r;
}

std::string MfaServiceImpl::CodeMac(absl::string_view key_id,
                                    absl::string_view challenge_id,
                                    absl::string_view code) const {
  SecretBytes key;
  if (key_id == kEphemeralKeyId) {
    key = ephemeral_.Copy();
  } else if (ring_ && ring_->Has(key_id)) {
    key = ring_->DeriveKey(key_id, kCodePurpose);
  } else {
    return "";
  }
  return HmacSha256(key.reveal(), absl::StrCat(challenge_id, ":", code));
}

absl::StatusOr<MfaSettings> MfaServiceImpl::GetSettings(absl::string_view user_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id));
  MfaSettings s;
  for (int m = 0; m < kMfaMethodCount; ++m) {
    if (u.enabled & MethodBit(m)) s.enabled.push_back(static_cast<MfaMethod>(m));
  }
  if (u.preferred >= 0) s.preferred = static_cast<MfaMethod>(u.preferred);
  s.phone = u.phone;
  s.email = u.email;
  s.totp_active = u.totp.has_value();
  return s;
}

absl::Status MfaServiceImpl::SetSettings(absl::string_view user_id,
                                         const MfaSettings& settings) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (!settings.phone.empty() && !ValidPhone(settings.phone)) {
    return absl::InvalidArgumentError(
        "phone: must be E.164, '+' and 7-15 digits");
  }
  if (!settings.email.empty() && !ValidEmail(settings.email)) {
    return absl::InvalidArgumentError("email: not an e-mail address");
  }
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id));
  uint32_t enabled = 0;
  for (MfaMethod m : settings.enabled) {
    switch (m) {
      case MfaMethod::kTotp:
        if (!u.totp) {
          return absl::FailedPreconditionError(
              "enabled: totp is not enrolled; enrol and confirm a code first");
        }
        break;
      case MfaMethod::kSms:
        if (settings.phone.empty()) {
          return absl::InvalidArgumentError("phone: required to enable sms");
        }
        if (options_.sms_sender == nullptr) {
          return absl::FailedPreconditionError("enabled: sms is not configured");
        }
        break;
      case MfaMethod::kEmail:
        if (settings.email.empty()) {
          return absl::InvalidArgumentError("email: required to enable email");
        }
        if (options_.email_sender == nullptr) {
          return absl::FailedPreconditionError("enabled: email is not configured");
        }
        break;
    }
    enabled |= MethodBit(static_cast<int>(m));
  }
  if (settings.preferred &&
      !(enabled & MethodBit(static_cast<int>(*settings.preferred)))) {
    return absl::InvalidArgumentError("preferred: must be one of enabled");
  }
  u.enabled = enabled;
  u.preferred = settings.preferred ? static_cast<int>(*settings.preferred) : -1;
  const uint32_t factors = ProfileFactors(u);
  u.phone = settings.phone;
  u.email = settings.email;
  WriteBatch batch;
  batch.Put(Table::kTotp, user_id, u.Encode());
  return host_->UpdateProfile(
      user_id, [&](UserProfile* p) { p->mfa_factors = factors; },
      std::move(batch));
}

absl::StatusOr<TotpEnrollment> MfaServiceImpl::StartTotpEnrollment(
    absl::string_view user_id, absl::string_view account_name) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (!ring_) {
    return absl::FailedPreconditionError(
        "totp: no key file configured for secrets at rest");
  }
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id));
  VIGIL_ASSIGN_OR_RETURN(std::string raw, RandomBytes(kTotpSecretBytes));
  SecretBytes secret(std::move(raw));
  VIGIL_ASSIGN_OR_RETURN(SealedBox box,
                         ring_->Seal(secret.reveal(), TotpAad(user_id)));
  u.totp_pending = std::move(box);
  VIGIL_RETURN_IF_ERROR(store_->Write([&] {
    WriteBatch b;
    b.Put(Table::kTotp, user_id, u.Encode());
    return b;
  }()));
  Inc(stats_.totp_enrolments);
  TotpEnrollment e;
  e.secret_base32 = SecretBytes(Base32Encode(secret.reveal()));
  e.uri = SecretBytes(OtpauthUri(options_.issuer,
                                 account_name.empty() ? user_id : account_name,
                                 e.secret_base32.reveal(), TotpParams()));
  VIGIL_ASSIGN_OR_RETURN(e.qr_svg, QrSvg(e.uri.reveal()));
  return e;
}

absl::StatusOr<ChallengeResult> MfaServiceImpl::ConfirmTotp(
    absl::string_view user_id, absl::string_view code) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (!ring_) {
    return absl::FailedPreconditionError(
        "totp: no key file configured for secrets at rest");
  }
  const MfaPolicyConfig p = Policy();
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(user_id));
  if (!u.totp_pending) {
    return absl::FailedPreconditionError("totp: no enrolment under way");
  }
  const int64_t now = NowSeconds();
  WriteBatch batch;
  if (UserLocked(&u, now, p)) {
    Inc(stats_.totp_confirmations[static_cast<int>(ChallengeResult::kLocked)]);
    return ChallengeResult::kLocked;
  }
  VIGIL_ASSIGN_OR_RETURN(SecretBytes secret,
                         ring_->Open(*u.totp_pending, TotpAad(user_id)));
  int64_t step = 0;
  if (!TotpVerify(secret.reveal(), code, now, p.totp_window, TotpParams(),
                  &step)) {
    u.failures.push_back(now);
    batch.Put(Table::kTotp, user_id, u.Encode());
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    const ChallengeResult r =
        UserLocked(&u, now, p) ? ChallengeResult::kLocked : ChallengeResult::kFailed;
    Inc(stats_.totp_confirmations[static_cast<int>(r)]);
    return r;
  }
  u.totp = std::move(u.totp_pending);
  u.totp_pending.reset();
  u.totp_last_step = step;
  u.enabled |= MethodBit(static_cast<int>(MfaMethod::kTotp));
  if (u.preferred < 0) u.preferred = static_cast<int>(MfaMethod::kTotp);
  const uint32_t factors = ProfileFactors(u);
  batch.Put(Table::kTotp, user_id, u.Encode());
  VIGIL_RETURN_IF_ERROR(host_->UpdateProfile(
      user_id, [&](UserProfile* pr) { pr->mfa_factors = factors; },
      std::move(batch)));
  Inc(stats_.totp_confirmations[static_cast<int>(ChallengeResult::kPassed)]);
  return ChallengeResult::kPassed;
}

absl::StatusOr<SendReceipt> MfaServiceImpl::SendCode(
    absl::string_view challenge_id, MfaMethod method) {
  if (method == MfaMethod::kTotp) {
    return absl::InvalidArgumentError("method: must be sms or email");
  }
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord probe, LoadChallenge(challenge_id));
  const MfaPolicyConfig p = Policy();
  // Held while the send is reserved and recorded, not during delivery.
  std::unique_lock<std::mutex> lock(LockFor(probe.user_id));
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord c, LoadChallenge(challenge_id));
  const int64_t now = NowSeconds();
  if (c.state == ChallengeState::kPassed) {
    return absl::FailedPreconditionError("challenge: already passed");
  }
  if (c.state == ChallengeState::kLocked) {
    Inc(stats_.sends_refused_locked);
    return absl::FailedPreconditionError("challenge: locked");
  }
  if (now >= c.expires) return absl::FailedPreconditionError("challenge: expired");
  if (!(c.methods & MethodBit(static_cast<int>(method)))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "method: ", MfaMethodName(method), " is not offered by this challenge"));
  }
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(c.user_id));
  // A code the user could not answer (VerifyChallenge would say kLocked) is
  // not sent: no SMS spend, no message to a user under attack.
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
  TrimTimes(&u.sends, now - kSendWindow);
  if (!u.sends.empty() && now - u.sends.back() < p.resend_interval_seconds) {
    Inc(stats_.sends_rate_limited);
    return RetryLater("send: too soon",
                      p.resend_interval_seconds - (now - u.sends.back()));
  }
  if (static_cast<int>(u.sends.size()) >= p.max_sends_per_hour) {
    Inc(stats_.sends_rate_limited);
    return RetryLater(
        absl::StrCat("send: at most ", p.max_sends_per_hour, " codes per hour"),
        WindowLimitLifts(u.sends, p.max_sends_per_hour, kSendWindow) - now);
  }
  const bool sms = method == MfaMethod::kSms;
  Sender* sender = sms ? options_.sms_sender.get() : options_.email_sender.get();
  const std::string& to = sms ? u.phone : u.email;
  if (sender == nullptr || to.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("method: ", MfaMethodName(method), " is not set up"));
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
                                      {"{issuer}", options_.issuer}});
  };
  OutgoingMessage msg;
  msg.to = to;
  msg.idempotency_key = absl::StrCat(challenge_id, "-", u.sends.size(), "-", now);
  if (sms) {
    msg.text = fill(options_.templates.sms);
  } else {
    msg.subject = fill(options_.templates.email_subject);
    msg.text = fill(options_.templates.email_text);
  }
  // Record the code and the send first, so that concurrent sends see the
  // limit; deliver without the lock; give the send back if delivery failed.
  c.has_code = true;
  c.code_method = static_cast<int>(method);
  c.code_key_id = CurrentCodeKeyId();
  c.code_mac = CodeMac(c.code_key_id, challenge_id, code.reveal());
  c.code_expires = now + p.code_ttl_seconds;
  u.sends.push_back(now);
  WriteBatch batch;
  batch.Put(Table::kChallenges, challenge_id, c.Encode());
  batch.Put(Table::kTotp, c.user_id, u.Encode());
  VIGIL_RETURN_IF_ERROR(store_->Write(batch));
  lock.unlock();
  absl::Status sent = sender->Send(msg);
  OPENSSL_cleanse(msg.text.data(), msg.text.size());
  if (!sent.ok()) {
    Inc(stats_.send_failures);
    lock.lock();
    absl::StatusOr<MfaUserRecord> again = LoadUser(c.user_id);
    if (again.ok()) {
      auto it = std::find(again->sends.begin(), again->sends.end(), now);
      if (it != again->sends.end()) {
        again->sends.erase(it);
        WriteBatch undo;
        undo.Put(Table::kTotp, c.user_id, again->Encode());
        (void)store_->Write(undo);  // at worst the failed send counts
      }
    }
    return absl::UnavailableError(absl::StrCat(
        "send: ", MfaMethodName(method), " delivery failed: ", sent.message()));
  }
  Inc(stats_.codes_sent[static_cast<int>(method)]);
  SendReceipt receipt;
  receipt.method = method;
  receipt.code_expires_at = absl::FromUnixSeconds(c.code_expires);
  int64_t next = now + p.resend_interval_seconds;
  if (static_cast<int>(u.sends.size()) >= p.max_sends_per_hour) {
    next = std::max(
        next, WindowLimitLifts(u.sends, p.max_sends_per_hour, kSendWindow));
  }
  receipt.next_send_at = absl::FromUnixSeconds(next);
  return receipt;
}

absl::StatusOr<VerifyOutcome> MfaServiceImpl::VerifyChallenge(
    absl::string_view challenge_id, absl::string_view code,
    const VerifyOptions& options) {
  if (code.empty() || code.size() > 16) {
    return absl::InvalidArgumentError("code: must be 1-16 characters");
  }
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord probe, LoadChallenge(challenge_id));
  const MfaPolicyConfig p = Policy();
  std::lock_guard<std::mutex> lock(LockFor(probe.user_id));
  VIGIL_ASSIGN_OR_RETURN(ChallengeRecord c, LoadChallenge(challenge_id));
  VIGIL_ASSIGN_OR_RETURN(MfaUserRecord u, LoadUser(c.user_id));
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
  WriteBatch batch;
  bool passed = false;
  if (now >= c.expires) {
    out.result = ChallengeResult::kExpired;
  } else if (UserLocked(&u, now, p)) {
    out.result = ChallengeResult::kLocked;
  } else {
    bool expired_code = false;
    if (c.has_code) {
      const std::string mac = CodeMac(c.code_key_id, challenge_id, code);
      if (!mac.empty() && ConstantTimeEquals(mac, c.code_mac)) {
        response.method = std::string(MfaMethodName(static_cast<MfaMethod>(c.code_method)));
        if (now >= c.code_expires) {
          expired_code = true;
        } else {
          passed = true;
          c.has_code = false;  // single use
          c.code_mac.clear();
        }
      }
    }
    const int totp_bit = MethodBit(static_cast<int>(MfaMethod::kTotp));
    if (!passed && !expired_code && (c.methods & totp_bit) && u.totp && ring_) {
      VIGIL_ASSIGN_OR_RETURN(SecretBytes secret,
                             ring_->Open(*u.totp, TotpAad(c.user_id)));
      int64_t step = 0;
      if (TotpVerify(secret.reveal(), code, now, p.totp_window, TotpParams(),
                     &step) &&
          step > u.totp_last_step) {  // a code is accepted once per step
        passed = true;
        u.totp_last_step = step;
        response.method = "totp";
      }
    }
    if (passed) {
      out.result = ChallengeResult::kPassed;
      c.state = ChallengeState::kPassed;
    } else if (expired_code) {
      out.result = ChallengeResult::kExpired;
    } else {
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
    VIGIL_RETURN_IF_ERROR(Remember(&d, now, p, &batch));
    out.device_id = d.id();
  }
  response.result = std::string(ChallengeResultName(out.result));
  batch.Put(Table::kChallenges, challenge_id, c.Encode());
  batch.Put(Table::kTotp, c.user_id, u.Encode());
  absl::Status s = host_->RecordChallengeResponse(c.event_id, response, passed,
                                                  std::move(batch));
  if (!s.ok()) return s;
  Inc(stats_.verifications[static_cast<int>(out.result)]);
  if (!out.device_key.empty()) Inc(stats_.devices_remembered);
  return out;
}

absl::Status MfaServiceImpl::Remember(DeviceRecord* r, int64_t now,
                                      const MfaPolicyConfig& p,
                                      WriteBatch* batch) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, r->user_id));
  r->remembered = true;
  r->remembered_at = now;
  r->expires = now + int64_t{p.remembered_device_ttl_days} * 86400;
  std::vector<const DeviceRecord*> others;
  for (const DeviceRecord& d : devices) {
    if (d.key_hash != r->key_hash && d.ActiveAt(now)) others.push_back(&d);
  }
  std::sort(others.begin(), others.end(),
            [](const DeviceRecord* a, const DeviceRecord* b) {
              return a->remembered_at < b->remembered_at;
            });
  // Oldest remembered first out, until this one fits.
  for (size_t i = 0; i + p.max_remembered_devices <= others.size(); ++i) {
    batch->Delete(Table::kDevices, DeviceStoreKey(r->user_id, others[i]->key_hash));
  }
  batch->Put(Table::kDevices, DeviceStoreKey(r->user_id, r->key_hash), r->Encode());
  return absl::OkStatus();
}

DeviceInfo ToInfo(const DeviceRecord& r, int64_t now) {
  DeviceInfo d;
  d.id = r.id();
  d.name = r.name;
  d.first_seen = absl::FromUnixSeconds(r.first_seen);
  d.last_seen = absl::FromUnixSeconds(r.last_seen);
  d.last_ip = r.last_ip;
  d.last_city = r.last_city;
  d.last_country = r.last_country;
  d.remembered = r.ActiveAt(now);
  if (d.remembered) d.expires_at = absl::FromUnixSeconds(r.expires);
  return d;
}

absl::StatusOr<std::vector<DeviceInfo>> MfaServiceImpl::ListDevices(
    absl::string_view user_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  const int64_t now = NowSeconds();
  std::sort(devices.begin(), devices.end(),
            [](const DeviceRecord& a, const DeviceRecord& b) {
              return a.last_seen > b.last_seen;
            });
  std::vector<DeviceInfo> out;
  for (const DeviceRecord& r : devices) out.push_back(ToInfo(r, now));
  return out;
}

absl::Status MfaServiceImpl::UpdateDevice(absl::string_view user_id,
                                          absl::string_view device_id,
                                          const DeviceUpdate& update) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (update.name && (update.name->empty() || update.name->size() > 128)) {
    return absl::InvalidArgumentError("name: must be 1-128 bytes");
  }
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  for (DeviceRecord& r : devices) {
    if (r.id() != device_id) continue;
    const int64_t now = NowSeconds();
    WriteBatch batch;
    if (update.name) r.name = *update.name;
    if (update.remembered.has_value()) {
      if (*update.remembered) {
        VIGIL_RETURN_IF_ERROR(Remember(&r, now, Policy(), &batch));
      } else {
        r.remembered = false;
        r.expires = 0;
      }
    }
    batch.Put(Table::kDevices, DeviceStoreKey(user_id, r.key_hash), r.Encode());
    return store_->Write(batch);
  }
  return absl::NotFoundError("device: no such device");
}

absl::Status MfaServiceImpl::DeleteDevice(absl::string_view user_id,
                                          absl::string_view device_id) {
  VIGIL_RETURN_IF_ERROR(ValidateUserId(user_id));
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  for (const DeviceRecord& r : devices) {
    if (r.id() != device_id) continue;
    WriteBatch batch;
    batch.Delete(Table::kDevices, DeviceStoreKey(user_id, r.key_hash));
    return store_->Write(batch);
  }
  return absl::NotFoundError("device: no such device");
}

}  // namespace

absl::StatusOr<std::unique_ptr<MfaService>> CreateMfaService(
    const MfaOptions& options, MfaHost* host, Store* store, const Clock* clock) {
  std::optional<KeyRing> ring;
  if (!options.key_file.empty()) {
    VIGIL_ASSIGN_OR_RETURN(KeyRing loaded, KeyRing::LoadFile(options.key_file));
    ring = std::move(loaded);
  }
  VIGIL_ASSIGN_OR_RETURN(std::string eph, RandomBytes(32));
  return std::unique_ptr<MfaService>(new MfaServiceImpl(
      options, std::move(ring), SecretBytes(std::move(eph)), host, store, clock));
}

absl::Status FindDevice(Store* store, absl::string_view user_id,
                        absl::string_view device_key, int64_t now,
                        DeviceMatch* out) {
  *out = DeviceMatch();
  std::string value;
  absl::Status s = store->Get(Table::kDevices,
                              DeviceStoreKey(user_id, HashDeviceKey(device_key)),
                              &value);
  if (absl::IsNotFound(s)) return absl::OkStatus();
  VIGIL_RETURN_IF_ERROR(s);
  if (!out->record.Decode(value) || out->record.user_id != user_id) {
    return absl::OkStatus();  // unreadable: treated as unknown
  }
  out->found = true;
  out->active = out->record.ActiveAt(now);
  return absl::OkStatus();
}

absl::StatusOr<ChallengeInfo> NewChallenge(const MfaPolicyConfig& policy,
                                           const Event& event, uint32_t factors,
                                           absl::Time now, WriteBatch* batch) {
  ChallengeInfo info;
  VIGIL_ASSIGN_OR_RETURN(info.id, RandomHex(16));
  ChallengeRecord c;
  c.user_id = event.user_id;
  c.event_id = event.event_id;
  c.created = absl::ToUnixSeconds(now);
  c.expires = c.created + policy.challenge_ttl_seconds;
  c.methods = factors & 0xff;
  c.device_name = event.device_name;
  c.ip = event.ip;
  c.city = event.decision.context.city;
  c.country = event.decision.context.country;
  const int preferred = static_cast<int>((factors >> 8) & 0xf) - 1;
  if (preferred >= 0 && preferred < kMfaMethodCount &&
      (c.methods & MethodBit(preferred))) {
    info.methods.emplace_back(MfaMethodName(static_cast<MfaMethod>(preferred)));
  }
  for (int m = 0; m < kMfaMethodCount; ++m) {
    if ((c.methods & MethodBit(m)) && m != preferred) {
      info.methods.emplace_back(MfaMethodName(static_cast<MfaMethod>(m)));
    }
  }
  info.expires_at = absl::FromUnixSeconds(c.expires);
  batch->Put(Table::kChallenges, info.id, c.Encode());
  return info;
}

}  // namespace internal
}  // namespace vigil
