// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/passkeys.h: passkeys (WebAuthn credentials) as a second factor.
//
// A user registers a passkey in two steps: StartRegistration gives the
// browser's PublicKeyCredentialCreationOptions (as fields; vigild writes
// them as the browser's JSON form), the browser's authenticator creates a
// credential, and FinishRegistration verifies its attestation and stores the
// credential's public key and signature counter. Nothing secret is stored.
//
// A challenge of Engine::Evaluate offers "webauthn" when the user has a
// passkey and passkeys are configured. MfaService::StartChallenge(id,
// MfaMethod::kWebauthn) gives the browser's PublicKeyCredentialRequestOptions
// for that challenge (a fresh random challenge bound to the user and to the
// vigil challenge, expiring with it); the assertion goes to
// MfaService::VerifyChallenge as a ChallengeAnswer (vigil/mfa.h).
//
//   auto start = engine->passkeys()->StartRegistration(user, {.user_name =
//   "a@b"});
//   ... browser: navigator.credentials.create(start->options) ...
//   auto key = engine->passkeys()->FinishRegistration(user,
//   start->registration_id, response, "laptop");
//
// Thread-safe. Errors: InvalidArgument "<field>: <reason>" (bad input,
// including a credential that is not well-formed), PermissionDenied
// "<reason>: ..." for a credential that does not verify (reason tokens in
// docs/passkeys.md: origin_not_allowed, rp_id_mismatch, challenge_mismatch,
// user_not_verified, bad_signature, ...), NotFound (unknown or expired
// registration or passkey), FailedPrecondition (passkeys not
// configured, or a limit reached), Unavailable (store failure).

#ifndef VIGIL_PASSKEYS_H_
#define VIGIL_PASSKEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil {

// base64url without padding (RFC 4648 section 5), as WebAuthn's JSON forms
// write bytes. Decode accepts only the canonical unpadded spelling;
// InvalidArgument otherwise.
std::string Base64UrlEncode(absl::string_view bytes);
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

enum class UserVerificationRequirement { kRequired, kPreferred, kDiscouraged };
// "required", "preferred", "discouraged".
absl::string_view UserVerificationName(UserVerificationRequirement uv);
bool ParseUserVerification(absl::string_view name,
                           UserVerificationRequirement* uv);

// The relying party: this deployment of the user pool.
struct PasskeyOptions {
  // The relying-party id: the domain the passkeys are bound to ("example.com",
  // or "localhost" to try it). Empty: passkeys are off (never offered, every
  // call FailedPrecondition).
  std::string rp_id;
  std::string rp_name = "vigil";
  // The exact origins the browser may sign for ("https://login.example.com",
  // "http://localhost:8080"); at least one when rp_id is set.
  std::vector<std::string> origins;
  // Whether the authenticator must verify the user (PIN, biometrics). A
  // passkey assertion without user verification never passes a challenge
  // when this is kRequired.
  UserVerificationRequirement user_verification =
      UserVerificationRequirement::kRequired;
  // "required" or "preferred": whether the credential must be discoverable.
  std::string resident_key = "preferred";
  // How long registration options stay valid (request options live as long
  // as their vigil challenge).
  absl::Duration registration_timeout = absl::Minutes(5);
  int max_passkeys_per_user = 20;
};

// A credential id with the transports its authenticator reported.
struct PasskeyDescriptor {
  std::string credential_id;  // raw bytes
  std::vector<std::string> transports;
};

// PublicKeyCredentialCreationOptions. Byte fields are raw.
struct PasskeyCreationOptions {
  std::string rp_id;
  std::string rp_name;
  std::string user_handle;  // random per user, never the user id itself
  std::string user_name;
  std::string user_display_name;
  std::string challenge;            // 32 random bytes
  std::vector<int64_t> algorithms;  // COSE: -7 ES256, -8 EdDSA, -257 RS256
  absl::Duration timeout;
  std::vector<PasskeyDescriptor> exclude_credentials;
  std::string resident_key;       // "required" | "preferred"
  std::string user_verification;  // "required" | "preferred" | "discouraged"
  std::string attestation = "none";
};

// PublicKeyCredentialRequestOptions. Byte fields are raw.
struct PasskeyRequestOptions {
  std::string rp_id;
  std::string challenge;  // 32 random bytes
  absl::Duration timeout;
  std::vector<PasskeyDescriptor> allow_credentials;
  std::string user_verification;
};

struct PasskeyRegistrationStart {
  std::string registration_id;  // names this ceremony in FinishRegistration
  absl::Time expires_at;
  PasskeyCreationOptions options;
};

struct PasskeyRegistrationRequest {
  std::string user_name;          // shown by the authenticator (required)
  std::string user_display_name;  // default: user_name
};

// The browser's RegistrationResponseJSON, its base64url fields decoded.
struct PasskeyRegistrationResponse {
  std::string credential_id;
  std::string client_data_json;
  std::string attestation_object;
  std::vector<std::string> transports;
};

// A stored passkey as the user's passkey list shows it.
struct PasskeyInfo {
  std::string id;  // the credential id, base64url (public)
  std::string name;
  int64_t algorithm = 0;
  std::string aaguid;  // hex, the authenticator model ("000..." for none)
  bool backup_eligible = false;
  bool backed_up = false;  // synced passkey
  uint32_t sign_count = 0;
  std::vector<std::string> transports;
  absl::Time created;
  absl::Time last_used;  // absl::InfinitePast(): never
};

class PasskeyService {
 public:
  virtual ~PasskeyService() = default;

  // Whether passkeys are configured (PasskeyOptions::rp_id set).
  virtual bool enabled() const = 0;

  virtual absl::StatusOr<PasskeyRegistrationStart> StartRegistration(
      absl::string_view user_id, const PasskeyRegistrationRequest& request) = 0;
  // Verifies `response` against the registration's challenge, origins and
  // relying-party id and stores the passkey under `name` (default: "Passkey
  // <n>"). Single use: a registration id is consumed by its first finish,
  // passed or refused. A credential id already registered is refused.
  virtual absl::StatusOr<PasskeyInfo> FinishRegistration(
      absl::string_view user_id, absl::string_view registration_id,
      const PasskeyRegistrationResponse& response, absl::string_view name) = 0;

  virtual absl::StatusOr<std::vector<PasskeyInfo>> List(
      absl::string_view user_id) = 0;
  // `passkey_id` is PasskeyInfo::id.
  virtual absl::StatusOr<PasskeyInfo> Rename(absl::string_view user_id,
                                             absl::string_view passkey_id,
                                             absl::string_view name) = 0;
  virtual absl::Status Delete(absl::string_view user_id,
                              absl::string_view passkey_id) = 0;
};

}  // namespace vigil

#endif  // VIGIL_PASSKEYS_H_
