// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the WebAuthn parsers and ceremonies
// (core/src/mfa/webauthn/webauthn.h), which read what a browser, and so
// anyone, posts to the passkey routes.
//
// Input: byte 0 picks what the rest is fed to (mod 7):
//   0 ParseAuthenticatorData     1 ParseAttestationObject
//   2 CosePublicKey::Parse (and Verify of a fixed message with the input's
//     last 64..72 bytes as signature)
//   3 ParseClientData            4 Base64UrlDecode
//   5 VerifyRegistration: [u16 n][clientDataJSON n][attestationObject],
//     credential id taken from the attested data when it parses
//   6 VerifyAssertion: [u16 n][clientDataJSON][u16 m][authenticatorData]
//     [u16 k][signature][stored COSE key]
// (u16 big endian, clamped to what is left.) Both ceremonies expect the
// challenge kChallenge, rp id "localhost", origin http://localhost:8080.
// Seeds (corpus/webauthn/) are real responses of the tests' software
// authenticator (tests/core/mfa/webauthn_authenticator.h).
//
// Invariants:
//   - every error is a refusal with a known reason token: InvalidArgument
//     for "malformed", PermissionDenied for every other token;
//   - authenticatorData: a parse needs >= 37 bytes; the flags booleans are
//     the flag bits; attested data has a 16-byte AAGUID, a 1..1023-byte
//     credential id and a COSE key that are slices of the input;
//   - attestationObject: its authData re-parses to the same fields;
//   - a COSE key has ES256/RS256/EdDSA; parsing is deterministic;
//   - base64url: a decoded text re-encodes to itself (one spelling);
//   - clientData: its challenge re-encodes and decodes to itself;
//   - a registration accepted returns the response's credential id and a
//     key that parses with the stored algorithm.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "mfa/webauthn/webauthn.h"

namespace {

namespace wa = vigil::internal::webauthn;

constexpr char kChallenge[] = "fuzz-webauthn-challenge-32-bytes";

wa::RelyingParty Rp() {
  return {"localhost", "vigil", {"http://localhost:8080"}};
}

void CheckRefusal(const absl::Status& status) {
  if (status.ok()) return;
  absl::string_view reason = wa::RefusalReason(status);
  FUZZ_CHECK(!reason.empty(), "unknown refusal: %s",
             std::string(status.message()).c_str());
  FUZZ_CHECK((reason == "malformed") ==
                 (status.code() == absl::StatusCode::kInvalidArgument),
             "code/token mismatch: %s", std::string(status.message()).c_str());
  FUZZ_CHECK(reason == "malformed" ||
                 status.code() == absl::StatusCode::kPermissionDenied,
             "refusal not PermissionDenied: %s",
             std::string(status.message()).c_str());
}

// Takes a u16-length-prefixed piece off the front of `rest`.
absl::string_view Take(absl::string_view& rest) {
  if (rest.size() < 2) {
    absl::string_view all = rest;
    rest = {};
    return all;
  }
  size_t n =
      (static_cast<uint8_t>(rest[0]) << 8) | static_cast<uint8_t>(rest[1]);
  rest.remove_prefix(2);
  if (n > rest.size()) n = rest.size();
  absl::string_view piece = rest.substr(0, n);
  rest.remove_prefix(n);
  return piece;
}

bool Contains(absl::string_view whole, absl::string_view part) {
  return whole.find(part) != absl::string_view::npos;
}

void CheckAuthData(absl::string_view bytes, const wa::AuthenticatorData& d) {
  FUZZ_CHECK(bytes.size() >= 37 && d.rp_id_hash.size() == 32);
  FUZZ_CHECK(d.flags == static_cast<uint8_t>(bytes[32]));
  FUZZ_CHECK(d.user_present == ((d.flags & 0x01) != 0));
  FUZZ_CHECK(d.user_verified == ((d.flags & 0x04) != 0));
  FUZZ_CHECK(d.backup_eligible == ((d.flags & 0x08) != 0));
  FUZZ_CHECK(d.backed_up == ((d.flags & 0x10) != 0));
  FUZZ_CHECK(!d.backed_up || d.backup_eligible);
  FUZZ_CHECK(d.attested == ((d.flags & 0x40) != 0));
  FUZZ_CHECK(d.extensions == ((d.flags & 0x80) != 0));
  if (d.attested) {
    FUZZ_CHECK(d.aaguid.size() == 16);
    FUZZ_CHECK(!d.credential_id.empty() &&
               d.credential_id.size() <= wa::kMaxCredentialIdBytes);
    FUZZ_CHECK(!d.credential_public_key.empty() &&
               Contains(bytes, d.credential_public_key));
  } else {
    FUZZ_CHECK(d.aaguid.empty() && d.credential_id.empty() &&
               d.credential_public_key.empty());
  }
}

void CoseKey(absl::string_view bytes) {
  absl::StatusOr<wa::CosePublicKey> key = wa::CosePublicKey::Parse(bytes);
  absl::StatusOr<wa::CosePublicKey> again = wa::CosePublicKey::Parse(bytes);
  FUZZ_CHECK(key.ok() == again.ok(), "COSE parse not deterministic");
  CheckRefusal(key.status());
  if (!key.ok()) return;
  int64_t alg = key->algorithm();
  FUZZ_CHECK(alg == wa::kEs256 || alg == wa::kRs256 || alg == wa::kEdDsa);
  FUZZ_CHECK(again->algorithm() == alg);
  absl::string_view sig =
      bytes.substr(bytes.size() > 72 ? bytes.size() - 72 : 0);
  // A signature made of the key's own bytes verifies nothing.
  FUZZ_CHECK(!key->Verify("vigil fuzz message", sig));
  wa::CosePublicKey moved = std::move(*key);
  FUZZ_CHECK(moved.algorithm() == alg);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 7;
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0: {
      auto parsed = wa::ParseAuthenticatorData(rest);
      CheckRefusal(parsed.status());
      if (parsed.ok()) CheckAuthData(rest, *parsed);
      break;
    }
    case 1: {
      auto parsed = wa::ParseAttestationObject(rest);
      CheckRefusal(parsed.status());
      if (!parsed.ok()) break;
      FUZZ_CHECK(!parsed->fmt.empty());
      CheckAuthData(parsed->auth_data_bytes, parsed->auth_data);
      auto again = wa::ParseAuthenticatorData(parsed->auth_data_bytes);
      FUZZ_CHECK(again.ok() &&
                 again->credential_id == parsed->auth_data.credential_id &&
                 again->sign_count == parsed->auth_data.sign_count);
      if (parsed->auth_data.attested) {
        CoseKey(parsed->auth_data.credential_public_key);
      }
      break;
    }
    case 2:
      CoseKey(rest);
      break;
    case 3: {
      auto parsed = wa::ParseClientData(rest);
      CheckRefusal(parsed.status());
      if (!parsed.ok()) break;
      auto back = wa::Base64UrlDecode(wa::Base64UrlEncode(parsed->challenge));
      FUZZ_CHECK(back.ok() && *back == parsed->challenge);
      break;
    }
    case 4: {
      auto decoded = wa::Base64UrlDecode(rest);
      CheckRefusal(decoded.status());
      if (decoded.ok()) {
        FUZZ_CHECK(wa::Base64UrlEncode(*decoded) == rest,
                   "base64url has a second spelling");
      }
      break;
    }
    case 5: {
      wa::RegistrationResponse response;
      response.client_data_json = std::string(Take(rest));
      response.attestation_object = std::string(rest);
      auto object = wa::ParseAttestationObject(rest);
      response.credential_id = object.ok() && object->auth_data.attested
                                   ? object->auth_data.credential_id
                                   : "x";
      auto stored = wa::VerifyRegistration(
          Rp(), kChallenge, wa::UserVerification::kRequired, response);
      CheckRefusal(stored.status());
      if (!stored.ok()) break;
      FUZZ_CHECK(stored->credential_id == response.credential_id);
      auto key = wa::CosePublicKey::Parse(stored->public_key_cose);
      FUZZ_CHECK(key.ok() && key->algorithm() == stored->algorithm);
      FUZZ_CHECK(stored->attestation_format == "none" ||
                 stored->attestation_format == "packed");
      break;
    }
    case 6: {
      wa::AuthenticationResponse response;
      response.credential_id = "fuzz-credential";
      response.client_data_json = std::string(Take(rest));
      response.authenticator_data = std::string(Take(rest));
      response.signature = std::string(Take(rest));
      wa::StoredCredential stored;
      stored.credential_id = "fuzz-credential";
      stored.public_key_cose = std::string(rest);
      auto key = wa::CosePublicKey::Parse(rest);
      stored.algorithm = key.ok() ? key->algorithm() : wa::kEs256;
      stored.sign_count = 5;
      auto result = wa::VerifyAssertion(
          Rp(), kChallenge, wa::UserVerification::kPreferred, stored, response);
      CheckRefusal(result.status());
      if (result.ok()) FUZZ_CHECK(result->sign_count > 5);
      break;
    }
  }
  return 0;
}
