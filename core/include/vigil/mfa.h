// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/mfa.h: second factors, challenges and remembered devices.
//
// When Engine::Evaluate answers `challenge`, the decision carries a challenge
// id and the methods the user can answer it with. The auth server (or vigild)
// then uses the engine's MfaService:
//
//   vigil::MfaService* mfa = engine->mfa();
//   mfa->SendCode(challenge_id, vigil::MfaMethod::kEmail);    // for sms/email
//   auto r = mfa->VerifyChallenge(challenge_id, code, {.remember_device = true});
//   // or, typed: VerifyChallenge(challenge_id, ChallengeAnswer{...}, options)
//   if (r.ok() && r->result == vigil::ChallengeResult::kPassed) {
//     // signed in; give r->device_key to the client for its next attempts
//   }
//
// Passing a challenge completes its event (outcome success; the profile
// learns). Every answer is recorded on the event. Codes and secrets are
// never stored in clear: TOTP seeds are encrypted with AES-256-GCM under the
// configured key file, one-time codes and device keys are stored as MACs or
// hashes.

#ifndef VIGIL_MFA_H_
#define VIGIL_MFA_H_

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/passkeys.h"
#include "vigil/secret.h"
#include "vigil/sender.h"

namespace vigil {

// A method is offered only when a factor is registered for it (webauthn: not
// yet; it is named here so that the wire names and the counters are fixed).
enum class MfaMethod { kTotp, kSms, kEmail, kWebauthn };
inline constexpr int kMfaMethodCount = 4;
// "totp", "sms", "email", "webauthn".
absl::string_view MfaMethodName(MfaMethod method);
bool ParseMfaMethod(absl::string_view name, MfaMethod* method);

// Message templates. Placeholders: {code}, {minutes}, {issuer}.
struct MfaTemplates {
  std::string sms = "{code} is your {issuer} verification code. It expires in {minutes} minutes.";
  std::string email_subject = "Your {issuer} verification code";
  std::string email_text =
      "Your {issuer} verification code is {code}.\n"
      "It expires in {minutes} minutes. If you did not try to sign in, "
      "change your password.\n";
};

struct MfaOptions {
  // The key file for TOTP secrets: lines "<key id> <64 hex digits>", the last
  // one is the key new secrets are encrypted with. Empty: TOTP enrolment is
  // refused (FailedPrecondition), one-time codes are MACed under a key that
  // lives only as long as the process.
  std::string key_file;
  // The issuer in otpauth:// URIs and messages.
  std::string issuer = "vigil";
  // Delivery; null: that method cannot be offered.
  std::shared_ptr<Sender> sms_sender;
  std::shared_ptr<Sender> email_sender;
  MfaTemplates templates;
  // Passkeys (WebAuthn); no rp_id: off.
  PasskeyOptions passkeys;
};

// What a user has set up. Phone and e-mail are where codes go.
struct MfaSettings {
  std::vector<MfaMethod> enabled;
  std::optional<MfaMethod> preferred;
  std::string phone;  // E.164, e.g. +4915112345678
  std::string email;
  // Read-only: whether a TOTP secret has been confirmed.
  bool totp_active = false;
};

struct TotpEnrollment {
  SecretBytes secret_base32;  // 32 characters, 160 bits
  SecretBytes uri;            // otpauth://totp/Issuer:account?secret=...
  std::string qr_svg;         // the URI as a QR code (SVG); holds the secret
};

enum class ChallengeResult { kPassed, kFailed, kExpired, kLocked };
// "passed", "failed", "expired", "locked".
absl::string_view ChallengeResultName(ChallengeResult result);

// An answer to a challenge, typed by the kind of factor that checks it.
// A code: a TOTP code or the last one-time code sent (1-16 characters).
struct OneTimeCode {
  SecretBytes code;
};
// A WebAuthn assertion (the fields of AuthenticationResponseJSON, decoded
// from base64url): raw bytes, none of them secret.
struct WebAuthnAssertion {
  std::string credential_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::string user_handle;  // may be empty
};
struct ChallengeAnswer {
  std::variant<OneTimeCode, WebAuthnAssertion> value;
};

// What starting a method for a challenge produced (StartChallenge).
struct ChallengeStart {
  MfaMethod method = MfaMethod::kSms;
  // Until when the code sent (or the options) can answer the challenge.
  absl::Time expires_at;
  // A sent code: the earliest time of the next send; else InfinitePast.
  absl::Time next_send_at = absl::InfinitePast();
  // webauthn: the request options for the browser
  // (PublicKeyCredentialRequestOptions, vigil/passkeys.h). Empty for codes.
  std::optional<PasskeyRequestOptions> webauthn;
};

struct VerifyOptions {
  bool remember_device = false;
  std::string device_name;  // shown in the device list; default: the UA's
};

struct VerifyOutcome {
  ChallengeResult result = ChallengeResult::kFailed;
  int attempts_left = 0;
  // Set on a pass with remember_device: the key for Attempt::device_key.
  SecretBytes device_key;
  std::string device_id;
  // Why a passkey answer was refused: a reason token of docs/passkeys.md
  // ("challenge_mismatch", "bad_signature", ...); empty otherwise.
  std::string reason;
};

struct SendReceipt {
  MfaMethod method = MfaMethod::kSms;
  absl::Time code_expires_at;
  // Earliest time of the next send.
  absl::Time next_send_at;
};

// A device the user signed in from with a remembered-device key.
struct DeviceInfo {
  std::string id;  // stable public id (not the key)
  std::string name;
  absl::Time first_seen;
  absl::Time last_seen;
  std::string last_ip;
  std::string last_city;
  std::string last_country;
  bool remembered = false;
  absl::Time expires_at;  // while remembered
};

struct DeviceUpdate {
  std::optional<std::string> name;
  std::optional<bool> remembered;  // false: forget; true: remember again
};

// Monotonic counters of what the MFA service did, for metrics.
struct MfaStats {
  int64_t codes_sent[kMfaMethodCount] = {};  // by MfaMethod (totp stays 0)
  int64_t send_failures = 0;                 // the sender failed
  int64_t sends_rate_limited = 0;
  // Sends refused because the code could not be answered: the challenge is
  // locked by wrong codes, or its user is (max_user_failures_15min).
  int64_t sends_refused_locked = 0;
  int64_t verifications[4] = {};  // by ChallengeResult
  int64_t totp_enrolments = 0;
  int64_t totp_confirmations[4] = {};  // by ChallengeResult
  int64_t devices_remembered = 0;
};

// Thread-safe. Errors: InvalidArgument "<field>: <reason>" (a user id is
// checked by ValidateUserId, vigil/attempt.h), NotFound (unknown challenge /
// device), FailedPrecondition (e.g. the method is not enabled),
// ResourceExhausted (a resend limit, or a user locked by wrong codes; the
// message says when to retry and MfaRetryAfterSeconds gives the wait),
// Unavailable (store or sender failure).
class MfaService {
 public:
  virtual ~MfaService() = default;

  virtual absl::StatusOr<MfaSettings> GetSettings(absl::string_view user_id) = 0;
  // Replaces the user's settings. Enabling totp requires an active secret;
  // sms requires a phone and a sender, email an address and a sender.
  virtual absl::Status SetSettings(absl::string_view user_id,
                                   const MfaSettings& settings) = 0;

  // Starts (or restarts) TOTP enrolment with a fresh secret; the secret
  // becomes active with the first valid code given to ConfirmTotp.
  virtual absl::StatusOr<TotpEnrollment> StartTotpEnrollment(
      absl::string_view user_id, absl::string_view account_name) = 0;
  // kPassed activates TOTP (and enables it); kFailed; kLocked after too many
  // failed codes of this user.
  virtual absl::StatusOr<ChallengeResult> ConfirmTotp(absl::string_view user_id,
                                                      absl::string_view code) = 0;

  // Starts answering `challenge_id` with `method`: a factor that sends codes
  // sends one (as SendCode, with the same refusals); another produces the
  // options its client needs. InvalidArgument for a method with nothing to
  // start (totp) or no factor; FailedPrecondition when the challenge does
  // not offer it.
  virtual absl::StatusOr<ChallengeStart> StartChallenge(
      absl::string_view challenge_id, MfaMethod method) = 0;

  // Sends a fresh one-time code for `challenge_id` by SMS or e-mail. Nothing
  // is sent for a code that could not be answered: a locked challenge is
  // FailedPrecondition "challenge: locked"; a user locked by wrong codes
  // (max_user_failures_15min in 15 minutes) is ResourceExhausted with the
  // wait until the lock lifts, or FailedPrecondition if it lifts only after
  // the challenge expires. Both count in MfaStats::sends_refused_locked.
  virtual absl::StatusOr<SendReceipt> SendCode(absl::string_view challenge_id,
                                               MfaMethod method) = 0;
  // Answers a challenge. The factors of the challenge's methods that take
  // the answer's type check it: a code is tried as the last sent one-time
  // code, then as a TOTP code. An answer of a type no registered factor takes
  // is InvalidArgument "answer: ...", and nothing is consumed. Any other
  // answer that passes no factor is a wrong answer (counted; locks).
  virtual absl::StatusOr<VerifyOutcome> VerifyChallenge(
      absl::string_view challenge_id, const ChallengeAnswer& answer,
      const VerifyOptions& options) = 0;
  // The same with a code (OneTimeCode).
  absl::StatusOr<VerifyOutcome> VerifyChallenge(absl::string_view challenge_id,
                                                absl::string_view code,
                                                const VerifyOptions& options) {
    return VerifyChallenge(challenge_id,
                           ChallengeAnswer{OneTimeCode{SecretBytes(code)}},
                           options);
  }

  virtual absl::StatusOr<std::vector<DeviceInfo>> ListDevices(
      absl::string_view user_id) = 0;
  virtual absl::Status UpdateDevice(absl::string_view user_id,
                                    absl::string_view device_id,
                                    const DeviceUpdate& update) = 0;
  virtual absl::Status DeleteDevice(absl::string_view user_id,
                                    absl::string_view device_id) = 0;

  virtual MfaStats stats() const { return MfaStats(); }
};

// The seconds a ResourceExhausted refusal of the MFA service asks the caller
// to wait (HTTP Retry-After); 0 if `status` carries none.
int64_t MfaRetryAfterSeconds(const absl::Status& status);

class Store;

// Key rotation (offline: run it while no engine has the store open).
// Adds a fresh key named `new_key_id` to `key_file` (created if missing),
// re-encrypts every stored TOTP secret under it, then leaves only the new key
// in the file. The file is replaced atomically (mode 0600) at each step, so
// a crash never loses a key that a stored secret still needs. Returns how
// many user records were re-encrypted. One-time codes already sent become
// invalid (they are short-lived; the user asks for a new one).
absl::StatusOr<int> RotateTotpKeys(Store* store, const std::string& key_file,
                                   absl::string_view new_key_id);

// The key file for a first start without one configured (vigild makes
// <data_dir>/mfa.key). If `key_file` exists, returns false and touches
// nothing (it is read as MfaOptions::key_file). Otherwise creates it with one
// fresh random key named `key_id` (RAND_bytes), mode 0600, complete or not at
// all (never replacing a file made meanwhile), and returns true.
// FailedPrecondition, creating nothing, if it is missing while `store` holds
// TOTP secrets: they were encrypted under the lost key, and a new key would
// silently break every enrolment.
absl::StatusOr<bool> CreateTotpKeyFileIfMissing(Store* store,
                                                const std::string& key_file,
                                                absl::string_view key_id);

}  // namespace vigil

#endif  // VIGIL_MFA_H_
