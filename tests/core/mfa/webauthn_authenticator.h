// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A software WebAuthn authenticator and client for tests: OpenSSL keys
// (ES256 P-256, RS256 RSA-2048, EdDSA Ed25519) and libcbor, producing the
// same bytes a browser hands over (clientDataJSON, attestationObject with
// fmt "none" or "packed", authenticatorData, signatures over
// authData || SHA-256(clientDataJSON)). Each option changes what a real
// authenticator or browser would change, so a refusal test alters a real
// response the realistic way.

#ifndef VIGIL_TESTS_CORE_MFA_WEBAUTHN_AUTHENTICATOR_H_
#define VIGIL_TESTS_CORE_MFA_WEBAUTHN_AUTHENTICATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::testing {

class SoftAuthenticator {
 public:
  enum class Attestation {
    kNone,        // fmt "none", empty attStmt
    kPackedSelf,  // fmt "packed", signed with the credential key, no x5c
    kPackedCert,  // fmt "packed", signed with a P-256 attestation key whose
                  // self-made v3 leaf certificate (CA false, AAGUID
                  // extension) is the one x5c entry
  };

  // What the browser and the authenticator do for one ceremony.
  struct Options {
    std::string rp_id = "localhost";  // hashed into authenticatorData
    std::string origin = "http://localhost:8080";  // in clientDataJSON
    std::string type;  // empty: "webauthn.create" / "webauthn.get"
    bool cross_origin = false;
    bool user_present = true;
    bool user_verified = true;
    bool backup_eligible = false;
    bool backed_up = false;
    Attestation attestation = Attestation::kNone;
    // The AAGUID put in authenticatorData (not "none"); empty: the
    // authenticator's own, which its attestation certificate names.
    std::string aaguid;
  };

  // A fresh credential of COSE algorithm `alg` (kEs256, kRs256, kEdDsa) with
  // a random 16-byte credential id. Aborts the test binary on an OpenSSL
  // failure.
  explicit SoftAuthenticator(int64_t alg);
  ~SoftAuthenticator();
  SoftAuthenticator(const SoftAuthenticator&) = delete;
  SoftAuthenticator& operator=(const SoftAuthenticator&) = delete;

  int64_t alg() const { return alg_; }
  const std::string& credential_id() const { return credential_id_; }
  const std::string& aaguid() const { return aaguid_; }
  // The credential public key as COSE_Key CBOR (canonical order).
  std::string CosePublicKey() const;

  // navigator.credentials.create(): the counter as it is (0 at first).
  internal::webauthn::RegistrationResponse Register(absl::string_view challenge,
                                                    const Options& options);
  // navigator.credentials.get(): increments the counter first.
  internal::webauthn::AuthenticationResponse Assert(absl::string_view challenge,
                                                    const Options& options);

  uint32_t sign_count() const { return sign_count_; }
  // E.g. a clone that lags behind the original.
  void set_sign_count(uint32_t count) { sign_count_ = count; }

  // Building blocks, public for tests that assemble odd inputs.
  static std::string ClientDataJson(absl::string_view type,
                                    absl::string_view challenge,
                                    absl::string_view origin,
                                    bool cross_origin);
  std::string AuthData(const Options& options, bool attested) const;
  std::string Sign(absl::string_view data) const;

 private:
  struct Keys;
  int64_t alg_;
  std::unique_ptr<Keys> keys_;
  std::string credential_id_;
  std::string aaguid_;
  uint32_t sign_count_ = 0;
};

// A COSE_Key map of integer labels to an integer or byte-string value each,
// serialised canonically; for keys no authenticator above makes.
std::string CoseKeyCbor(
    const std::vector<std::pair<int64_t, std::string>>& byte_members,
    const std::vector<std::pair<int64_t, int64_t>>& int_members);

// An attestationObject from its parts (fmt text, authData bytes, and an
// attStmt of optional alg and sig).
std::string AttestationObjectCbor(absl::string_view fmt,
                                  absl::string_view auth_data,
                                  const int64_t* alg, const std::string* sig);

// The browser's JSON forms of the responses above (toJSON(): base64url
// fields), as a page posts them to vigild.
std::string RegistrationResponseJson(
    const internal::webauthn::RegistrationResponse& r);
std::string AuthenticationResponseJson(
    const internal::webauthn::AuthenticationResponse& a);

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_CORE_MFA_WEBAUTHN_AUTHENTICATOR_H_
