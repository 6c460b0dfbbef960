// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// WebAuthn Level 3 relying-party verification (issue 18): registration
// (attestation) and authentication (assertion) responses, checked against
// what the relying party issued. CBOR is decoded by libcbor, keys and
// signatures are OpenSSL 3; the one JSON input (clientDataJSON) is read with
// Boost.JSON. No I/O, no clock, no storage: the caller issues challenges,
// stores credentials and maps refusals to its own results.
//
// Every input is untrusted and bounded (kMax* below); any byte string gives
// a value or a Status, never a crash. Messages never contain key material,
// signatures or challenges.
//
// Refusals. Every error Status message starts with one reason token from
// this fixed list and a colon ("challenge_mismatch: ..."), so callers can
// map them (RefusalReason):
//   malformed                (InvalidArgument) bytes, base64url, JSON or CBOR
//                            not parseable, a field missing or of the wrong
//                            type, an input over its size limit
//   type_mismatch            clientData.type is not webauthn.create/.get
//   challenge_mismatch       clientData.challenge is not the expected one
//   origin_not_allowed       clientData.origin is not one of rp.origins
//   cross_origin             clientData.crossOrigin is true
//   rp_id_mismatch           authenticatorData.rpIdHash != SHA-256(rp.id)
//   user_not_present         the UP flag is clear
//   user_not_verified        the UV flag is clear and UV is kRequired
//   credential_mismatch      the response's credential id is not the one
//                            in the attested data / the stored credential
//   unsupported_algorithm    a COSE key or alg other than ES256 (-7),
//                            RS256 (-257), EdDSA/Ed25519 (-8)
//   unsupported_attestation  an attestation format other than "none" and
//                            "packed", or a packed statement of a kind not
//                            supported (ECDAA)
//   bad_signature            a signature that does not verify
//   counter_regressed        the signature counter did not increase
// All but "malformed" are PermissionDenied.

#ifndef VIGIL_CORE_SRC_MFA_WEBAUTHN_WEBAUTHN_H_
#define VIGIL_CORE_SRC_MFA_WEBAUTHN_WEBAUTHN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil::internal::webauthn {

// Input limits; larger inputs are refused as "malformed".
inline constexpr size_t kMaxAttestationObjectBytes = 16 * 1024;
inline constexpr size_t kMaxAuthenticatorDataBytes = 16 * 1024;
inline constexpr size_t kMaxClientDataJsonBytes = 4 * 1024;
inline constexpr size_t kMaxCoseKeyBytes = 2 * 1024;
inline constexpr size_t kMaxCredentialIdBytes = 1023;  // WebAuthn L3 5.8.3
inline constexpr size_t kMaxSignatureBytes = 1024;
inline constexpr size_t kMaxUserHandleBytes = 64;
inline constexpr int kMaxCborDepth = 16;
// Challenges vigil issues (NewChallenge); expected challenges must be
// 16..64 bytes.
inline constexpr size_t kChallengeBytes = 32;

// COSE algorithm identifiers.
inline constexpr int64_t kEs256 = -7;
inline constexpr int64_t kEdDsa = -8;
inline constexpr int64_t kRs256 = -257;

// ---- base64url (RFC 4648 section 5), as the browser's JSON forms use it.

// Without padding.
std::string Base64UrlEncode(absl::string_view bytes);
// Accepts only the unpadded URL-safe alphabet, with no whitespace, and only
// the canonical spelling (unused low bits of the last character zero);
// anything else is InvalidArgument "malformed: ...".
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

// ---- Relying party and options.

struct RelyingParty {
  std::string id;    // e.g. "localhost", "example.com" (rpIdHash = SHA-256)
  std::string name;  // shown by the browser
  // Allowed clientData origins, compared exactly ("http://localhost:8080").
  std::vector<std::string> origins;
};

enum class UserVerification { kRequired, kPreferred, kDiscouraged };
// "required" / "preferred" / "discouraged".
absl::string_view UserVerificationName(UserVerification uv);
// The inverse; InvalidArgument "malformed: ..." for another name.
absl::StatusOr<UserVerification> ParseUserVerification(absl::string_view name);

// kChallengeBytes fresh random bytes (OpenSSL RAND_bytes); also fit for a
// user handle. Aborts only if the system RNG fails.
std::string NewChallenge();

struct CredentialDescriptor {  // PublicKeyCredentialDescriptorJSON, type
  std::string id;              // "public-key"; raw bytes (base64url in JSON)
  std::vector<std::string> transports;  // "internal", "usb", "hybrid", ...
};

// PublicKeyCredentialCreationOptionsJSON as a plain struct; the service
// serialises it (byte fields as base64url). Field names follow the JSON.
struct CreationOptions {
  std::string rp_id;
  std::string rp_name;
  std::string user_id;  // the user handle, raw bytes (1..64)
  std::string user_name;
  std::string user_display_name;
  std::string challenge;  // raw bytes
  std::vector<int64_t> pub_key_cred_params = {kEs256, kEdDsa, kRs256};
  uint32_t timeout_ms = 300000;
  std::vector<CredentialDescriptor> exclude_credentials;
  std::string resident_key = "preferred";  // or "required", "discouraged"
  bool require_resident_key = false;       // == (resident_key == "required")
  UserVerification user_verification = UserVerification::kPreferred;
  std::string attestation = "none";
};

// PublicKeyCredentialRequestOptionsJSON.
struct RequestOptions {
  std::string challenge;  // raw bytes
  uint32_t timeout_ms = 300000;
  std::string rp_id;
  std::vector<CredentialDescriptor> allow_credentials;
  UserVerification user_verification = UserVerification::kPreferred;
};

// ---- Parsed structures.

struct AuthenticatorData {
  std::string rp_id_hash;  // 32 bytes
  uint8_t flags = 0;
  bool user_present = false;     // UP, bit 0
  bool user_verified = false;    // UV, bit 2
  bool backup_eligible = false;  // BE, bit 3
  bool backed_up = false;        // BS, bit 4
  bool attested = false;         // AT, bit 6: the next three are set
  bool extensions = false;       // ED, bit 7
  uint32_t sign_count = 0;
  std::string aaguid;                 // 16 bytes if attested
  std::string credential_id;          // 1..1023 bytes if attested
  std::string credential_public_key;  // the COSE key's raw CBOR bytes
};

// authenticatorData (WebAuthn L3 6.1): 37 fixed bytes, then attested
// credential data iff AT, then an extensions CBOR map iff ED, and nothing
// else. Refuses (malformed) BS without BE, a credential id of 0 or over
// 1023 bytes, CBOR that is not one well-formed item of depth <=
// kMaxCborDepth without indefinite lengths or tags, the extensions not a
// map, trailing bytes. The reserved flag bits 1 and 5 are ignored. The COSE
// key is checked to be a CBOR map here, not to be a usable key
// (CosePublicKey::Parse does that).
absl::StatusOr<AuthenticatorData> ParseAuthenticatorData(
    absl::string_view bytes);

struct AttestationStatement {
  int64_t alg = 0;               // 0 when absent ("none")
  std::string sig;               // empty when absent
  std::vector<std::string> x5c;  // DER certificates, leaf first
  bool has_ecdaa_key_id = false;
  size_t entries = 0;  // members of the attStmt map, known or not
};

struct AttestationObject {
  std::string fmt;              // "none", "packed", ... (any text here)
  std::string auth_data_bytes;  // authData as sent (signed over)
  AuthenticatorData auth_data;
  AttestationStatement att_stmt;
};

// The attestationObject CBOR map {fmt: text, attStmt: map, authData: bytes}
// (no other or duplicate keys). The statement's fields alg (int), sig
// (bytes), x5c (array of bytes, 1..8 certificates), ecdaaKeyId are read
// whatever fmt is; other statement keys are ignored. Does not judge fmt.
absl::StatusOr<AttestationObject> ParseAttestationObject(
    absl::string_view bytes);

// What the browser's clientDataJSON says (WebAuthn L3 5.8.1).
struct ClientData {
  std::string type;       // "webauthn.create" / "webauthn.get"
  std::string challenge;  // decoded from base64url (raw bytes)
  std::string origin;
  bool cross_origin = false;  // absent = false
  std::string top_origin;     // empty when absent
};

// A JSON object with string "type", "challenge" (base64url), "origin",
// optional boolean "crossOrigin" and string "topOrigin"; other members are
// ignored. Bounded to kMaxClientDataJsonBytes and JSON depth 8.
absl::StatusOr<ClientData> ParseClientData(absl::string_view json);

// A credential public key (COSE_Key, RFC 9052/9053) that vigil can use:
// EC2 P-256 with ES256, RSA (2048..4096-bit modulus) with RS256, OKP
// Ed25519 with EdDSA. Owns an OpenSSL EVP_PKEY; movable, not copyable.
class CosePublicKey {
 public:
  // "malformed" for bytes that are not one CBOR map with the required
  // members (kty 1, alg 3; crv -1, x -2, y -3; n -1, e -2) of the right
  // types and sizes, or a point not on the curve; "unsupported_algorithm"
  // for another kty/alg/crv. Trailing bytes are malformed.
  static absl::StatusOr<CosePublicKey> Parse(absl::string_view cose_bytes);

  CosePublicKey(CosePublicKey&&) noexcept;
  CosePublicKey& operator=(CosePublicKey&&) noexcept;
  ~CosePublicKey();

  int64_t algorithm() const { return algorithm_; }  // kEs256/kRs256/kEdDsa
  // Whether `signature` is a valid signature of `data` with this key:
  // ES256 an ASN.1 DER ECDSA signature over SHA-256, RS256 PKCS#1 v1.5 with
  // SHA-256, EdDSA a 64-byte Ed25519 signature over the data itself.
  bool Verify(absl::string_view data, absl::string_view signature) const;

 private:
  struct Key;
  CosePublicKey(int64_t algorithm, std::unique_ptr<Key> key);
  int64_t algorithm_;
  std::unique_ptr<Key> key_;
};

// ---- Ceremonies.

// What the relying party keeps per credential (nothing in it is secret).
struct StoredCredential {
  std::string credential_id;    // raw bytes
  std::string public_key_cose;  // raw COSE_Key bytes
  int64_t algorithm = 0;
  uint32_t sign_count = 0;
  std::string aaguid;  // 16 bytes (zero for "none" attestation)
  bool backup_eligible = false;
  bool backed_up = false;
  bool user_verified = false;  // UV at registration
  std::vector<std::string> transports;
  std::string attestation_format;  // "none" or "packed"
};

// The browser's RegistrationResponseJSON, base64url already decoded.
struct RegistrationResponse {
  std::string credential_id;  // rawId
  std::string client_data_json;
  std::string attestation_object;
  std::vector<std::string> transports;  // copied into StoredCredential
};

// The browser's AuthenticationResponseJSON, base64url already decoded.
struct AuthenticationResponse {
  std::string credential_id;  // rawId
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::string user_handle;  // may be empty
};

// Registration (WebAuthn L3 7.1). Checks, in this order: sizes and parsing
// (malformed); clientData type "webauthn.create", challenge ==
// expected_challenge, origin in rp.origins, crossOrigin not true; rpIdHash
// == SHA-256(rp.id); UP; UV when `uv` is kRequired; attested credential data
// present with credential id == response.credential_id; the credential key
// parses and its alg is ES256/RS256/EdDSA; the attestation statement:
//   "none": attStmt must be an empty map (else malformed);
//   "packed" without x5c (self attestation): alg == the credential key's
//     alg and sig verifies with the credential key over
//     authData || SHA-256(clientDataJSON);
//   "packed" with x5c (basic/AttCA): sig verifies with the LEAF
//     certificate's key over the same bytes, alg matches that key, the leaf
//     is X.509 v3 with CA false and, if it has the FIDO AAGUID extension
//     (1.3.6.1.4.1.45724.1.1.4), it equals authData's AAGUID. The chain is
//     NOT checked against any trust root: vigil requests attestation
//     "none" and treats attestation as unverified information;
//   packed with ecdaaKeyId, or any other fmt: unsupported_attestation.
// expected_challenge is the raw challenge issued (16..64 bytes, else
// malformed). Returns the credential to store.
absl::StatusOr<StoredCredential> VerifyRegistration(
    const RelyingParty& rp, absl::string_view expected_challenge,
    UserVerification uv, const RegistrationResponse& response);

struct AssertionResult {
  uint32_t sign_count = 0;  // store it as the credential's new counter
  bool user_verified = false;
  bool backed_up = false;
};

// Authentication (WebAuthn L3 7.2). Checks, in this order: sizes and parsing
// (malformed); response.credential_id == stored.credential_id
// (credential_mismatch); clientData type "webauthn.get", challenge, origin,
// crossOrigin; rpIdHash; UP; UV when kRequired; the BE flag equal to
// stored.backup_eligible (credential_mismatch: backup eligibility is fixed
// at creation, L3 7.2 step 18); the signature with the stored key over
// authenticatorData || SHA-256(clientDataJSON); the counter: if the stored
// or the new count is nonzero and new <= stored, refused
// (counter_regressed: a cloned authenticator or a replay). A stored
// credential whose key does not parse, or whose algorithm is not its key's,
// is malformed. The user handle is not checked here (the caller knows whose
// credential it looked up).
absl::StatusOr<AssertionResult> VerifyAssertion(
    const RelyingParty& rp, absl::string_view expected_challenge,
    UserVerification uv, const StoredCredential& stored,
    const AuthenticationResponse& response);

// The reason token of a refusal from this file ("challenge_mismatch"), ""
// for OK or a Status not from here.
absl::string_view RefusalReason(const absl::Status& status);

}  // namespace vigil::internal::webauthn

#endif  // VIGIL_CORE_SRC_MFA_WEBAUTHN_WEBAUTHN_H_
