// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The registration and authentication ceremonies (WebAuthn L3 7.1, 7.2).

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {
namespace {

using detail::Malformed;
using detail::Refuse;

constexpr size_t kMinChallengeBytes = 16;
constexpr size_t kMaxChallengeBytes = 64;

bool ConstantTimeEqual(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::Status CheckExpectedChallenge(absl::string_view challenge) {
  if (challenge.size() < kMinChallengeBytes ||
      challenge.size() > kMaxChallengeBytes) {
    return Malformed("the expected challenge is not 16..64 bytes");
  }
  return absl::OkStatus();
}

// Steps common to both ceremonies on the client data.
absl::Status CheckClientData(const RelyingParty& rp,
                             absl::string_view expected_challenge,
                             absl::string_view expected_type,
                             const ClientData& client) {
  if (client.type != expected_type) {
    return Refuse("type_mismatch",
                  absl::StrCat("clientData type is not ", expected_type));
  }
  if (!ConstantTimeEqual(client.challenge, expected_challenge)) {
    return Refuse("challenge_mismatch",
                  "clientData challenge is not the one issued");
  }
  if (std::find(rp.origins.begin(), rp.origins.end(), client.origin) ==
      rp.origins.end()) {
    return Refuse("origin_not_allowed",
                  "clientData origin is not an allowed origin");
  }
  if (client.cross_origin) {
    return Refuse("cross_origin", "the ceremony ran in a cross-origin frame");
  }
  return absl::OkStatus();
}

// Steps common to both ceremonies on the authenticator data.
absl::Status CheckAuthenticatorData(const RelyingParty& rp, UserVerification uv,
                                    const AuthenticatorData& data) {
  if (!ConstantTimeEqual(data.rp_id_hash, detail::Sha256(rp.id))) {
    return Refuse("rp_id_mismatch",
                  "the authenticator signed for another relying party id");
  }
  if (!data.user_present) {
    return Refuse("user_not_present", "the user-present flag is clear");
  }
  if (uv == UserVerification::kRequired && !data.user_verified) {
    return Refuse("user_not_verified",
                  "user verification was required and not performed");
  }
  return absl::OkStatus();
}

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct ObjDeleter {
  void operator()(ASN1_OBJECT* obj) const { ASN1_OBJECT_free(obj); }
};
struct OctetDeleter {
  void operator()(ASN1_OCTET_STRING* s) const { ASN1_OCTET_STRING_free(s); }
};

// Packed attestation with a certificate: the leaf's signature and the
// certificate requirements of WebAuthn L3 8.2.1 that need no trust root.
absl::Status CheckPackedCertificate(const AttestationObject& object,
                                    absl::string_view signed_data) {
  const std::string& der = object.att_stmt.x5c.front();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Deleter> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr ||
      p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return Malformed("packed attestation certificate is not DER X.509");
  }
  if (X509_get_version(cert.get()) != X509_VERSION_3) {
    return Refuse("unsupported_attestation",
                  "packed attestation certificate is not X.509 v3");
  }
  // X509_check_ca: 0 when the certificate is not a CA.
  if (X509_check_ca(cert.get()) != 0) {
    ERR_clear_error();
    return Refuse("unsupported_attestation",
                  "packed attestation certificate is a CA certificate");
  }
  std::unique_ptr<ASN1_OBJECT, ObjDeleter> aaguid_oid(
      OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1));
  if (aaguid_oid == nullptr) {
    ERR_clear_error();
    return Malformed("OpenSSL cannot make the AAGUID extension's OID");
  }
  int index = X509_get_ext_by_OBJ(cert.get(), aaguid_oid.get(), -1);
  if (index >= 0) {
    X509_EXTENSION* ext = X509_get_ext(cert.get(), index);
    if (X509_EXTENSION_get_critical(ext)) {
      return Refuse("unsupported_attestation",
                    "packed attestation AAGUID extension is critical");
    }
    ASN1_OCTET_STRING* wrapped = X509_EXTENSION_get_data(ext);
    const unsigned char* q = ASN1_STRING_get0_data(wrapped);
    long length = ASN1_STRING_length(wrapped);
    std::unique_ptr<ASN1_OCTET_STRING, OctetDeleter> inner(
        d2i_ASN1_OCTET_STRING(nullptr, &q, length));
    if (inner == nullptr || q != ASN1_STRING_get0_data(wrapped) + length ||
        absl::string_view(
            reinterpret_cast<const char*>(ASN1_STRING_get0_data(inner.get())),
            ASN1_STRING_length(inner.get())) != object.auth_data.aaguid) {
      ERR_clear_error();
      return Refuse("unsupported_attestation",
                    "packed attestation AAGUID extension does not match");
    }
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!detail::KeyMatchesAlgorithm(key, object.att_stmt.alg)) {
    ERR_clear_error();
    return Refuse("unsupported_algorithm",
                  "packed attestation alg does not match its certificate");
  }
  if (!detail::VerifySignature(key, object.att_stmt.alg, signed_data,
                               object.att_stmt.sig)) {
    return Refuse("bad_signature", "packed attestation signature is invalid");
  }
  return absl::OkStatus();
}

absl::Status CheckAttestation(const AttestationObject& object,
                              const CosePublicKey& credential_key,
                              absl::string_view client_data_hash) {
  const AttestationStatement& st = object.att_stmt;
  if (object.fmt == "none") {
    if (st.entries != 0) {
      return Malformed("attestation \"none\" with a non-empty attStmt");
    }
    return absl::OkStatus();
  }
  if (object.fmt != "packed") {
    return Refuse("unsupported_attestation",
                  "attestation format other than none and packed");
  }
  if (st.has_ecdaa_key_id) {
    return Refuse("unsupported_attestation", "ECDAA packed attestation");
  }
  if (st.alg == 0 || st.sig.empty()) {
    return Malformed("packed attStmt lacks alg or sig");
  }
  std::string signed_data =
      absl::StrCat(object.auth_data_bytes, client_data_hash);
  if (!st.x5c.empty()) return CheckPackedCertificate(object, signed_data);
  // Self attestation: signed with the credential's own key.
  if (st.alg != credential_key.algorithm()) {
    return Refuse("unsupported_algorithm",
                  "packed self attestation alg differs from the key's");
  }
  if (!credential_key.Verify(signed_data, st.sig)) {
    return Refuse("bad_signature",
                  "packed self attestation signature is "
                  "invalid");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StoredCredential> VerifyRegistration(
    const RelyingParty& rp, absl::string_view expected_challenge,
    UserVerification uv, const RegistrationResponse& response) {
  if (absl::Status st = CheckExpectedChallenge(expected_challenge); !st.ok()) {
    return st;
  }
  if (response.credential_id.empty() ||
      response.credential_id.size() > kMaxCredentialIdBytes) {
    return Malformed("credential id is not 1..1023 bytes");
  }
  absl::StatusOr<ClientData> client =
      ParseClientData(response.client_data_json);
  if (!client.ok()) return client.status();
  absl::StatusOr<AttestationObject> object =
      ParseAttestationObject(response.attestation_object);
  if (!object.ok()) return object.status();
  if (absl::Status st =
          CheckClientData(rp, expected_challenge, "webauthn.create", *client);
      !st.ok()) {
    return st;
  }
  const AuthenticatorData& data = object->auth_data;
  if (absl::Status st = CheckAuthenticatorData(rp, uv, data); !st.ok()) {
    return st;
  }
  if (!data.attested) {
    return Malformed("registration authenticatorData has no credential");
  }
  if (!ConstantTimeEqual(data.credential_id, response.credential_id)) {
    return Refuse("credential_mismatch",
                  "the attested credential id is not the response's");
  }
  absl::StatusOr<CosePublicKey> key =
      CosePublicKey::Parse(data.credential_public_key);
  if (!key.ok()) return key.status();
  if (absl::Status st = CheckAttestation(
          *object, *key, detail::Sha256(response.client_data_json));
      !st.ok()) {
    return st;
  }
  StoredCredential out;
  out.credential_id = data.credential_id;
  out.public_key_cose = data.credential_public_key;
  out.algorithm = key->algorithm();
  out.sign_count = data.sign_count;
  out.aaguid = data.aaguid;
  out.backup_eligible = data.backup_eligible;
  out.backed_up = data.backed_up;
  out.user_verified = data.user_verified;
  out.transports = response.transports;
  out.attestation_format = object->fmt;
  return out;
}

absl::StatusOr<AssertionResult> VerifyAssertion(
    const RelyingParty& rp, absl::string_view expected_challenge,
    UserVerification uv, const StoredCredential& stored,
    const AuthenticationResponse& response) {
  if (absl::Status st = CheckExpectedChallenge(expected_challenge); !st.ok()) {
    return st;
  }
  if (response.credential_id.empty() ||
      response.credential_id.size() > kMaxCredentialIdBytes) {
    return Malformed("credential id is not 1..1023 bytes");
  }
  if (response.signature.empty() ||
      response.signature.size() > kMaxSignatureBytes) {
    return Malformed("signature is empty or too large");
  }
  if (response.user_handle.size() > kMaxUserHandleBytes) {
    return Malformed("user handle is over 64 bytes");
  }
  absl::StatusOr<ClientData> client =
      ParseClientData(response.client_data_json);
  if (!client.ok()) return client.status();
  absl::StatusOr<AuthenticatorData> data =
      ParseAuthenticatorData(response.authenticator_data);
  if (!data.ok()) return data.status();
  if (!ConstantTimeEqual(response.credential_id, stored.credential_id)) {
    return Refuse("credential_mismatch",
                  "the assertion is for another credential");
  }
  if (absl::Status st =
          CheckClientData(rp, expected_challenge, "webauthn.get", *client);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckAuthenticatorData(rp, uv, *data); !st.ok()) {
    return st;
  }
  if (data->backup_eligible != stored.backup_eligible) {
    return Refuse("credential_mismatch",
                  "backup eligibility differs from the registered "
                  "credential's");
  }
  absl::StatusOr<CosePublicKey> key =
      CosePublicKey::Parse(stored.public_key_cose);
  if (!key.ok()) return key.status();
  if (key->algorithm() != stored.algorithm) {
    return Malformed("stored credential's algorithm differs from its key");
  }
  std::string signed_data = absl::StrCat(
      response.authenticator_data, detail::Sha256(response.client_data_json));
  if (!key->Verify(signed_data, response.signature)) {
    return Refuse("bad_signature", "the assertion signature is invalid");
  }
  if ((stored.sign_count != 0 || data->sign_count != 0) &&
      data->sign_count <= stored.sign_count) {
    return Refuse("counter_regressed",
                  absl::StrCat("signature counter ", data->sign_count,
                               " is not above the stored ", stored.sign_count,
                               " (a cloned authenticator or a replay)"));
  }
  AssertionResult out;
  out.sign_count = data->sign_count;
  out.user_verified = data->user_verified;
  out.backed_up = data->backed_up;
  return out;
}

}  // namespace vigil::internal::webauthn
