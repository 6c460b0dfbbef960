// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/passkey_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/crypto.h"
#include "common/hash.h"
#include "common/status_macros.h"
#include "mfa/mfa_records.h"
#include "mfa/passkey_records.h"
#include "state/conflicts.h"
#include "vigil/attempt.h"

namespace vigil::internal {
namespace {

namespace wa = webauthn;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxUserNameBytes = 256;

bool IsHostName(absl::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' ||
      host.back() == '.') {
    return false;
  }
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.') return false;
  }
  return host.find("..") == absl::string_view::npos;
}

// "https://host[:port]" (or "http://localhost[:port]"): OK if host is rp_id
// or one of its subdomains.
absl::Status CheckOrigin(absl::string_view origin, absl::string_view rp_id) {
  absl::string_view rest = origin;
  bool https = absl::ConsumePrefix(&rest, "https://");
  if (!https && !absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "passkeys.origins: ", origin, " is not https://host[:port]"));
  }
  absl::string_view host = rest;
  size_t colon = rest.find(':');
  if (colon != absl::string_view::npos) {
    host = rest.substr(0, colon);
    int port = 0;
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port < 1 ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("passkeys.origins: ", origin, " has a bad port"));
    }
  }
  if (!https && host != "localhost") {
    return absl::InvalidArgumentError(absl::StrCat(
        "passkeys.origins: ", origin,
        " must be https (browsers allow http only for localhost)"));
  }
  if (host != rp_id && !absl::EndsWith(host, absl::StrCat(".", rp_id))) {
    return absl::InvalidArgumentError(
        absl::StrCat("passkeys.origins: ", origin, " is not on rp_id ", rp_id));
  }
  return absl::OkStatus();
}

}  // namespace

wa::UserVerification ToInternal(UserVerificationRequirement uv) {
  switch (uv) {
    case UserVerificationRequirement::kRequired:
      return wa::UserVerification::kRequired;
    case UserVerificationRequirement::kPreferred:
      return wa::UserVerification::kPreferred;
    case UserVerificationRequirement::kDiscouraged:
      return wa::UserVerification::kDiscouraged;
  }
  return wa::UserVerification::kRequired;
}

namespace {

PasskeyInfo Info(const PasskeyRecord& r) {
  PasskeyInfo info;
  info.id = wa::Base64UrlEncode(r.credential.credential_id);
  info.name = r.name;
  info.algorithm = r.credential.algorithm;
  info.aaguid = LowerHex(r.credential.aaguid);
  info.backup_eligible = r.credential.backup_eligible;
  info.backed_up = r.credential.backed_up;
  info.sign_count = r.credential.sign_count;
  info.transports = r.credential.transports;
  info.created = absl::FromUnixSeconds(r.created);
  info.last_used = r.last_used == 0 ? absl::InfinitePast()
                                    : absl::FromUnixSeconds(r.last_used);
  return info;
}

std::vector<PasskeyDescriptor> PublicDescriptors(
    const std::vector<PasskeyRecord>& passkeys) {
  std::vector<PasskeyDescriptor> out;
  for (const PasskeyRecord& p : passkeys) {
    out.push_back({p.credential.credential_id, p.credential.transports});
  }
  return out;
}

absl::Status CheckName(absl::string_view field, absl::string_view name,
                       size_t max) {
  if (name.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", max, " bytes"));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": control characters are not allowed"));
    }
  }
  return absl::OkStatus();
}

class PasskeyServiceImpl final : public PasskeyService {
 public:
  PasskeyServiceImpl(const PasskeyConfig* config, UserLock lock_for,
                     Store* store, const Clock* clock, MfaService* mfa)
      : config_(config),
        lock_for_(std::move(lock_for)),
        store_(store),
        clock_(clock),
        mfa_(mfa) {}

  bool enabled() const override { return config_->enabled; }

  absl::StatusOr<PasskeyRegistrationStart> StartRegistration(
      absl::string_view user_id,
      const PasskeyRegistrationRequest& request) override {
    VIGIL_RETURN_IF_ERROR(Check(user_id));
    if (request.user_name.empty()) {
      return absl::InvalidArgumentError("user_name: required");
    }
    VIGIL_RETURN_IF_ERROR(
        CheckName("user_name", request.user_name, kMaxUserNameBytes));
    VIGIL_RETURN_IF_ERROR(CheckName("display_name", request.user_display_name,
                                    kMaxUserNameBytes));
    std::lock_guard<std::mutex> lock(lock_for_(user_id));
    return RetryOnConflict([&] { return StartOnce(user_id, request); });
  }

  absl::StatusOr<PasskeyRegistrationStart> StartOnce(
      absl::string_view user_id, const PasskeyRegistrationRequest& request) {
    WriteBatch batch;
    VIGIL_ASSIGN_OR_RETURN(PasskeyUser user, LoadUser(user_id, Guard(&batch)));
    VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> passkeys,
                           LoadPasskeys(store_, user_id));
    if (static_cast<int>(passkeys.size()) >= config_->max_passkeys_per_user) {
      return absl::FailedPreconditionError(
          absl::StrCat("passkeys: the user has ", passkeys.size(),
                       " passkeys, the most allowed"));
    }
    if (user.user_handle.empty()) user.user_handle = wa::NewChallenge();
    const absl::Time now = clock_->Now();
    user.registration_id =
        wa::Base64UrlEncode(wa::NewChallenge().substr(0, 16));
    user.registration_challenge = wa::NewChallenge();
    user.registration_expires =
        absl::ToUnixSeconds(now + config_->registration_timeout);
    batch.Put(Table::kPasskeys, PasskeyUserKey(user_id), user.Encode());
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));

    PasskeyRegistrationStart start;
    start.registration_id = user.registration_id;
    start.expires_at = absl::FromUnixSeconds(user.registration_expires);
    PasskeyCreationOptions& o = start.options;
    o.rp_id = config_->rp.id;
    o.rp_name = config_->rp.name;
    o.user_handle = user.user_handle;
    o.user_name = request.user_name;
    o.user_display_name = request.user_display_name.empty()
                              ? request.user_name
                              : request.user_display_name;
    o.challenge = user.registration_challenge;
    o.algorithms = {wa::kEs256, wa::kEdDsa, wa::kRs256};
    o.timeout = config_->registration_timeout;
    o.exclude_credentials = PublicDescriptors(passkeys);
    o.resident_key = config_->resident_key;
    o.user_verification = std::string(wa::UserVerificationName(config_->uv));
    return start;
  }

  absl::StatusOr<PasskeyInfo> FinishRegistration(
      absl::string_view user_id, absl::string_view registration_id,
      const PasskeyRegistrationResponse& response,
      absl::string_view name) override {
    VIGIL_RETURN_IF_ERROR(Check(user_id));
    VIGIL_RETURN_IF_ERROR(CheckName("name", name, kMaxNameBytes));
    if (registration_id.empty()) {
      return absl::InvalidArgumentError("registration_id: required");
    }
    bool first = false;
    PasskeyInfo info;
    {
      std::lock_guard<std::mutex> lock(lock_for_(user_id));
      VIGIL_ASSIGN_OR_RETURN(info, RetryOnConflict([&] {
                               return FinishOnce(user_id, registration_id,
                                                 response, name, &first);
                             }));
    }
    if (first) VIGIL_RETURN_IF_ERROR(SetWebauthnEnabled(user_id, true));
    return info;
  }

  // One attempt of FinishRegistration under the user's lock; Aborted if, on
  // a shared store, another process consumed the registration meanwhile.
  absl::StatusOr<PasskeyInfo> FinishOnce(
      absl::string_view user_id, absl::string_view registration_id,
      const PasskeyRegistrationResponse& response, absl::string_view name,
      bool* first) {
    WriteBatch batch;
    VIGIL_ASSIGN_OR_RETURN(PasskeyUser user, LoadUser(user_id, Guard(&batch)));
    const int64_t now = absl::ToUnixSeconds(clock_->Now());
    if (user.registration_id.empty() ||
        user.registration_id != registration_id) {
      return absl::NotFoundError(
          "registration_id: no such registration under way for this user");
    }
    const bool expired = now >= user.registration_expires;
    const std::string challenge = user.registration_challenge;
    user.registration_id.clear();
    user.registration_challenge.clear();
    user.registration_expires = 0;
    batch.Put(Table::kPasskeys, PasskeyUserKey(user_id), user.Encode());
    int existing = 0;
    absl::StatusOr<PasskeyRecord> record =
        expired ? absl::NotFoundError("registration_id: expired; start again")
                : Admit(user_id, challenge, response, &existing);
    if (record.ok()) {
      record->name = name.empty() ? absl::StrCat("Passkey ", existing + 1)
                                  : std::string(name);
      record->created = now;
      batch.Put(Table::kPasskeys,
                PasskeyKey(user_id, record->credential.credential_id),
                record->Encode());
    }
    // The registration is consumed whatever the result.
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    if (!record.ok()) return record.status();
    *first = existing == 0;
    return Info(*record);
  }

  absl::StatusOr<std::vector<PasskeyInfo>> List(
      absl::string_view user_id) override {
    VIGIL_RETURN_IF_ERROR(Check(user_id));
    VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> passkeys,
                           LoadPasskeys(store_, user_id));
    std::vector<PasskeyInfo> out;
    for (const PasskeyRecord& p : passkeys) out.push_back(Info(p));
    return out;
  }

  absl::StatusOr<PasskeyInfo> Rename(absl::string_view user_id,
                                     absl::string_view passkey_id,
                                     absl::string_view name) override {
    VIGIL_RETURN_IF_ERROR(Check(user_id));
    if (name.empty()) return absl::InvalidArgumentError("name: required");
    VIGIL_RETURN_IF_ERROR(CheckName("name", name, kMaxNameBytes));
    std::lock_guard<std::mutex> lock(lock_for_(user_id));
    VIGIL_ASSIGN_OR_RETURN(PasskeyRecord record, Find(user_id, passkey_id));
    record.name = std::string(name);
    WriteBatch batch;
    batch.Put(Table::kPasskeys,
              PasskeyKey(user_id, record.credential.credential_id),
              record.Encode());
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    return Info(record);
  }

  absl::Status Delete(absl::string_view user_id,
                      absl::string_view passkey_id) override {
    VIGIL_RETURN_IF_ERROR(Check(user_id));
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(lock_for_(user_id));
      VIGIL_ASSIGN_OR_RETURN(PasskeyRecord record, Find(user_id, passkey_id));
      WriteBatch batch;
      batch.Delete(Table::kPasskeys,
                   PasskeyKey(user_id, record.credential.credential_id));
      VIGIL_RETURN_IF_ERROR(store_->Write(batch));
      VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> rest,
                             LoadPasskeys(store_, user_id));
      last = rest.empty();
    }
    if (last) return SetWebauthnEnabled(user_id, false);
    return absl::OkStatus();
  }

 private:
  absl::Status Check(absl::string_view user_id) const {
    if (!config_->enabled) {
      return absl::FailedPreconditionError(
          "passkeys: not configured (set [passkeys] rp_id and origins)");
    }
    return ValidateUserId(user_id);
  }

  // The credential of `response` verified against `challenge`, as a new
  // record of `user_id` (name and date unset); `*existing` gets how many
  // passkeys the user has. Refuses a credential already registered and one
  // over the limit.
  absl::StatusOr<PasskeyRecord> Admit(
      absl::string_view user_id, absl::string_view challenge,
      const PasskeyRegistrationResponse& response, int* existing) {
    wa::RegistrationResponse r{
        response.credential_id, response.client_data_json,
        response.attestation_object, response.transports};
    VIGIL_ASSIGN_OR_RETURN(
        wa::StoredCredential credential,
        wa::VerifyRegistration(config_->rp, challenge, config_->uv, r));
    VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> passkeys,
                           LoadPasskeys(store_, user_id));
    *existing = static_cast<int>(passkeys.size());
    for (const PasskeyRecord& p : passkeys) {
      if (p.credential.credential_id == credential.credential_id) {
        return absl::AlreadyExistsError(
            "credential: this passkey is already registered");
      }
    }
    if (*existing >= config_->max_passkeys_per_user) {
      return absl::FailedPreconditionError(
          "passkeys: the user has the most passkeys allowed");
    }
    PasskeyRecord record;
    record.credential = std::move(credential);
    return record;
  }

  // With `guard` (a shared store), the batch that will be written expects
  // the record unchanged: a registration is consumed once across processes.
  WriteBatch* Guard(WriteBatch* batch) const {
    return store_->exclusive() ? nullptr : batch;
  }

  absl::StatusOr<PasskeyUser> LoadUser(absl::string_view user_id,
                                       WriteBatch* guard = nullptr) {
    std::string value;
    absl::Status s = GuardedGet(store_, Table::kPasskeys,
                                PasskeyUserKey(user_id), &value, guard);
    PasskeyUser user;
    if (absl::IsNotFound(s)) return user;
    VIGIL_RETURN_IF_ERROR(s);
    if (!user.Decode(value)) {
      return absl::DataLossError("store: passkey user record is unreadable");
    }
    return user;
  }

  absl::StatusOr<PasskeyRecord> Find(absl::string_view user_id,
                                     absl::string_view passkey_id) {
    absl::StatusOr<std::string> credential_id = wa::Base64UrlDecode(passkey_id);
    if (!credential_id.ok() || credential_id->empty()) {
      return absl::NotFoundError("passkey: no such passkey");
    }
    std::string value;
    absl::Status s = store_->Get(Table::kPasskeys,
                                 PasskeyKey(user_id, *credential_id), &value);
    if (absl::IsNotFound(s))
      return absl::NotFoundError("passkey: no such passkey");
    VIGIL_RETURN_IF_ERROR(s);
    PasskeyRecord record;
    if (!record.Decode(value)) {
      return absl::DataLossError("store: passkey record is unreadable");
    }
    return record;
  }

  // Adds webauthn to (or removes it from) the user's enabled MFA methods.
  absl::Status SetWebauthnEnabled(absl::string_view user_id, bool on) {
    VIGIL_ASSIGN_OR_RETURN(MfaSettings settings, mfa_->GetSettings(user_id));
    auto& enabled = settings.enabled;
    const bool has = std::find(enabled.begin(), enabled.end(),
                               MfaMethod::kWebauthn) != enabled.end();
    if (has == on) return absl::OkStatus();
    if (on) {
      enabled.push_back(MfaMethod::kWebauthn);
    } else {
      enabled.erase(
          std::remove(enabled.begin(), enabled.end(), MfaMethod::kWebauthn),
          enabled.end());
      if (settings.preferred == MfaMethod::kWebauthn)
        settings.preferred.reset();
    }
    return mfa_->SetSettings(user_id, settings);
  }

  const PasskeyConfig* config_;
  UserLock lock_for_;
  Store* store_;
  const Clock* clock_;
  MfaService* mfa_;
};

}  // namespace

absl::StatusOr<PasskeyConfig> PasskeyConfig::Create(
    const PasskeyOptions& options) {
  PasskeyConfig c;
  if (options.rp_id.empty()) return c;  // off
  if (!IsHostName(options.rp_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("passkeys.rp_id: ", options.rp_id, " is not a host name"));
  }
  if (options.origins.empty()) {
    return absl::InvalidArgumentError(
        "passkeys.origins: at least one origin is needed with rp_id");
  }
  for (const std::string& origin : options.origins) {
    VIGIL_RETURN_IF_ERROR(CheckOrigin(origin, options.rp_id));
  }
  if (options.resident_key != "required" &&
      options.resident_key != "preferred") {
    return absl::InvalidArgumentError(
        "passkeys.resident_key: must be \"required\" or \"preferred\"");
  }
  if (options.registration_timeout <= absl::ZeroDuration() ||
      options.registration_timeout > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "passkeys.registration_timeout: must be in (0, 1 hour]");
  }
  if (options.max_passkeys_per_user < 1 ||
      options.max_passkeys_per_user > 100) {
    return absl::InvalidArgumentError(
        "passkeys.max_per_user: must be in [1, 100]");
  }
  c.enabled = true;
  c.rp = {options.rp_id,
          options.rp_name.empty() ? options.rp_id : options.rp_name,
          options.origins};
  c.uv = ToInternal(options.user_verification);
  c.resident_key = options.resident_key;
  c.registration_timeout = options.registration_timeout;
  c.max_passkeys_per_user = options.max_passkeys_per_user;
  return c;
}

bool WebAuthnFactor::Takes(const ChallengeAnswer& answer) const {
  return std::holds_alternative<WebAuthnAssertion>(answer.value);
}

absl::Status WebAuthnFactor::CheckEnable(absl::string_view user_id,
                                         const MfaUserRecord&,
                                         const UserContacts&) const {
  if (!config_->enabled) {
    return absl::FailedPreconditionError(
        "webauthn: passkeys are not configured");
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> passkeys,
                         LoadPasskeys(store_, user_id));
  if (passkeys.empty()) {
    return absl::FailedPreconditionError(
        "enabled: webauthn needs a passkey (register one first)");
  }
  return absl::OkStatus();
}

absl::StatusOr<FactorStart> WebAuthnFactor::Start(FactorCall& call) {
  const std::string& user_id = call.challenge->user_id;
  VIGIL_ASSIGN_OR_RETURN(std::vector<PasskeyRecord> passkeys,
                         LoadPasskeys(store_, user_id));
  if (passkeys.empty()) {
    return absl::FailedPreconditionError("webauthn: the user has no passkey");
  }
  // The WebAuthn challenge lives on the vigil challenge (written by the
  // service with it) and expires with it; a new start replaces it.
  call.challenge->factor_method = static_cast<int>(MfaMethod::kWebauthn);
  call.challenge->factor_state = wa::NewChallenge();
  FactorStart start;
  start.expires_at = absl::FromUnixSeconds(call.challenge->expires);
  PasskeyRequestOptions& o = start.webauthn.emplace();
  o.rp_id = config_->rp.id;
  o.challenge = call.challenge->factor_state;
  o.timeout =
      absl::Seconds(std::max<int64_t>(0, call.challenge->expires - call.now));
  o.allow_credentials = PublicDescriptors(passkeys);
  o.user_verification = std::string(wa::UserVerificationName(config_->uv));
  return start;
}

absl::StatusOr<FactorVerdict> WebAuthnFactor::Verify(
    FactorCall& call, const ChallengeAnswer& answer) {
  const auto* a = std::get_if<WebAuthnAssertion>(&answer.value);
  if (a == nullptr) return FactorVerdict::kNoMatch;
  const std::string& user_id = call.challenge->user_id;
  if (call.challenge->factor_method != static_cast<int>(MfaMethod::kWebauthn) ||
      call.challenge->factor_state.empty()) {
    call.reason = "challenge_mismatch";  // no request options were issued
    return FactorVerdict::kNoMatch;
  }
  const std::string expected = call.challenge->factor_state;
  std::string value;
  absl::Status s = store_->Get(Table::kPasskeys,
                               PasskeyKey(user_id, a->credential_id), &value);
  if (absl::IsNotFound(s) || a->credential_id.empty()) {
    call.reason = "credential_mismatch";  // not one of this user's passkeys
    return FactorVerdict::kNoMatch;
  }
  VIGIL_RETURN_IF_ERROR(s);
  PasskeyRecord record;
  if (!record.Decode(value)) {
    return absl::DataLossError("store: passkey record is unreadable");
  }
  if (!a->user_handle.empty()) {
    // A discoverable credential names its user: it must be this one.
    s = store_->Get(Table::kPasskeys, PasskeyUserKey(user_id), &value);
    PasskeyUser owner;
    if (!s.ok() || !owner.Decode(value) ||
        owner.user_handle != a->user_handle) {
      if (!s.ok() && !absl::IsNotFound(s)) return s;
      call.reason = "credential_mismatch";
      return FactorVerdict::kNoMatch;
    }
  }
  wa::AuthenticationResponse response{a->credential_id, a->client_data_json,
                                      a->authenticator_data, a->signature,
                                      a->user_handle};
  absl::StatusOr<wa::AssertionResult> result = wa::VerifyAssertion(
      config_->rp, expected, config_->uv, record.credential, response);
  if (!result.ok()) {
    call.reason = std::string(wa::RefusalReason(result.status()));
    if (call.reason.empty()) return result.status();  // not a refusal
    return FactorVerdict::kNoMatch;
  }
  record.credential.sign_count = result->sign_count;
  record.credential.backed_up = result->backed_up;
  record.last_used = call.now;
  call.batch->Put(Table::kPasskeys, PasskeyKey(user_id, a->credential_id),
                  record.Encode());
  // Single use: the WebAuthn challenge answers once.
  call.challenge->factor_state.clear();
  return FactorVerdict::kPassed;
}

std::unique_ptr<PasskeyService> CreatePasskeyService(
    const PasskeyConfig* config, UserLock lock_for, Store* store,
    const Clock* clock, MfaService* mfa) {
  return std::make_unique<PasskeyServiceImpl>(config, std::move(lock_for),
                                              store, clock, mfa);
}

}  // namespace vigil::internal

namespace vigil {

std::string Base64UrlEncode(absl::string_view bytes) {
  return internal::webauthn::Base64UrlEncode(bytes);
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  return internal::webauthn::Base64UrlDecode(text);
}

absl::string_view UserVerificationName(UserVerificationRequirement uv) {
  return internal::webauthn::UserVerificationName(internal::ToInternal(uv));
}

bool ParseUserVerification(absl::string_view name,
                           UserVerificationRequirement* uv) {
  for (auto v : {UserVerificationRequirement::kRequired,
                 UserVerificationRequirement::kPreferred,
                 UserVerificationRequirement::kDiscouraged}) {
    if (UserVerificationName(v) == name) {
      *uv = v;
      return true;
    }
  }
  return false;
}

}  // namespace vigil
