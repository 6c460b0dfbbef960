// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "core/mfa/webauthn_authenticator.h"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vigil/passkeys.h"

namespace vigil::testing {
namespace {

namespace wa = ::vigil::internal::webauthn;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "SoftAuthenticator: %s failed\n", what);
  std::abort();
}

std::string Random(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1) {
    Die("RAND_bytes");
  }
  return out;
}

std::string Sha256(absl::string_view data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  return std::string(reinterpret_cast<char*>(d), sizeof d);
}

cbor_item_t* Int(int64_t v) {
  return v >= 0 ? cbor_build_uint64(static_cast<uint64_t>(v))
                : cbor_build_negint64(static_cast<uint64_t>(-1 - v));
}
cbor_item_t* Bytes(absl::string_view b) {
  return cbor_build_bytestring(reinterpret_cast<cbor_data>(b.data()), b.size());
}
cbor_item_t* Text(absl::string_view t) {
  return cbor_build_stringn(t.data(), t.size());
}
void Add(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  if (!cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)})) {
    Die("cbor_map_add");
  }
}
std::string Serialize(cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  size_t size = 0;
  size_t length = cbor_serialize_alloc(item, &buffer, &size);
  if (length == 0) Die("cbor_serialize_alloc");
  std::string out(reinterpret_cast<char*>(buffer), length);
  free(buffer);
  cbor_decref(&item);
  return out;
}

std::string BnBytes(EVP_PKEY* key, const char* name, int pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) Die(name);
  int size = pad > 0 ? pad : BN_num_bytes(bn);
  std::string out(size, '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) !=
      size) {
    Die("BN_bn2binpad");
  }
  BN_free(bn);
  return out;
}

std::string SignWith(EVP_PKEY* key, const EVP_MD* md, absl::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) != 1 ||
      EVP_DigestSign(ctx, nullptr, &size, in, data.size()) != 1) {
    Die("EVP_DigestSign (size)");
  }
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &size,
                     in, data.size()) != 1) {
    Die("EVP_DigestSign");
  }
  out.resize(size);
  EVP_MD_CTX_free(ctx);
  return out;
}

// A self-made X.509 v3 leaf for packed attestation: CA false, the FIDO
// AAGUID extension, signed by its own key.
std::string MakeAttestationCert(EVP_PKEY* key, absl::string_view aaguid) {
  X509* cert = X509_new();
  if (cert == nullptr || X509_set_version(cert, X509_VERSION_3) != 1) {
    Die("X509_new");
  }
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  auto entry = [&](const char* field, const char* value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(value),
                               -1, -1, 0);
  };
  entry("C", "DE");
  entry("O", "vigil test authenticator");
  entry("OU", "Authenticator Attestation");
  entry("CN", "vigil soft authenticator");
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_EXTENSION* bc =
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "CA:FALSE");
  if (bc == nullptr || X509_add_ext(cert, bc, -1) != 1) Die("basicConstraints");
  X509_EXTENSION_free(bc);
  // id-fido-gen-ce-aaguid: an OCTET STRING holding the 16-byte AAGUID.
  ASN1_OCTET_STRING* inner = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(inner,
                        reinterpret_cast<const unsigned char*>(aaguid.data()),
                        static_cast<int>(aaguid.size()));
  unsigned char* der = nullptr;
  int der_length = i2d_ASN1_OCTET_STRING(inner, &der);
  ASN1_OCTET_STRING* wrapped = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(wrapped, der, der_length);
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
  X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, wrapped);
  if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) Die("AAGUID ext");
  X509_EXTENSION_free(ext);
  ASN1_OBJECT_free(oid);
  ASN1_OCTET_STRING_free(wrapped);
  ASN1_OCTET_STRING_free(inner);
  OPENSSL_free(der);
  if (X509_sign(cert, key, EVP_sha256()) == 0) Die("X509_sign");
  unsigned char* out = nullptr;
  int length = i2d_X509(cert, &out);
  if (length <= 0) Die("i2d_X509");
  std::string result(reinterpret_cast<char*>(out), length);
  OPENSSL_free(out);
  X509_free(cert);
  return result;
}

}  // namespace

struct SoftAuthenticator::Keys {
  EVP_PKEY* credential = nullptr;
  EVP_PKEY* attestation = nullptr;  // P-256, for kPackedCert
  std::string attestation_cert;
  ~Keys() {
    EVP_PKEY_free(credential);
    EVP_PKEY_free(attestation);
  }
};

SoftAuthenticator::SoftAuthenticator(int64_t alg)
    : alg_(alg), keys_(std::make_unique<Keys>()) {
  switch (alg) {
    case wa::kEs256:
      keys_->credential = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case wa::kRs256:
      keys_->credential =
          EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case wa::kEdDsa:
      keys_->credential = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    default:
      Die("unknown alg");
  }
  if (keys_->credential == nullptr) Die("EVP_PKEY_Q_keygen");
  credential_id_ = Random(16);
  aaguid_ = Random(16);
}

SoftAuthenticator::~SoftAuthenticator() = default;

std::string SoftAuthenticator::CosePublicKey() const {
  EVP_PKEY* key = keys_->credential;
  switch (alg_) {
    case wa::kEs256:
      return CoseKeyCbor({{-2, BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
                          {-3, BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)}},
                         {{1, 2}, {3, wa::kEs256}, {-1, 1}});
    case wa::kRs256:
      return CoseKeyCbor({{-1, BnBytes(key, OSSL_PKEY_PARAM_RSA_N, 0)},
                          {-2, BnBytes(key, OSSL_PKEY_PARAM_RSA_E, 0)}},
                         {{1, 3}, {3, wa::kRs256}});
    default: {
      unsigned char raw[32];
      size_t length = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(key, raw, &length) != 1) {
        Die("EVP_PKEY_get_raw_public_key");
      }
      return CoseKeyCbor(
          {{-2, std::string(reinterpret_cast<char*>(raw), length)}},
          {{1, 1}, {3, wa::kEdDsa}, {-1, 6}});
    }
  }
}

std::string SoftAuthenticator::ClientDataJson(absl::string_view type,
                                              absl::string_view challenge,
                                              absl::string_view origin,
                                              bool cross_origin) {
  return absl::StrCat(
      "{\"type\":\"", type, "\",\"challenge\":\"",
      wa::Base64UrlEncode(challenge), "\",\"origin\":\"", origin,
      "\",\"crossOrigin\":", cross_origin ? "true" : "false", "}");
}

std::string SoftAuthenticator::AuthData(const Options& options,
                                        bool attested) const {
  std::string out = Sha256(options.rp_id);
  uint8_t flags = (options.user_present ? 0x01 : 0) |
                  (options.user_verified ? 0x04 : 0) |
                  (options.backup_eligible ? 0x08 : 0) |
                  (options.backed_up ? 0x10 : 0) | (attested ? 0x40 : 0);
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((sign_count_ >> shift) & 0xFF);
  }
  if (attested) {
    out += options.attestation == Attestation::kNone
               ? std::string(16, '\0')  // what browsers send for "none"
           : options.aaguid.empty() ? aaguid_
                                    : options.aaguid;
    out += static_cast<char>(credential_id_.size() >> 8);
    out += static_cast<char>(credential_id_.size() & 0xFF);
    out += credential_id_;
    out += CosePublicKey();
  }
  return out;
}

std::string SoftAuthenticator::Sign(absl::string_view data) const {
  return SignWith(keys_->credential,
                  alg_ == wa::kEdDsa ? nullptr : EVP_sha256(), data);
}

wa::RegistrationResponse SoftAuthenticator::Register(
    absl::string_view challenge, const Options& options) {
  wa::RegistrationResponse out;
  out.credential_id = credential_id_;
  out.client_data_json =
      ClientDataJson(options.type.empty() ? "webauthn.create" : options.type,
                     challenge, options.origin, options.cross_origin);
  out.transports = {"internal"};
  std::string auth_data = AuthData(options, /*attested=*/true);
  std::string signed_data =
      absl::StrCat(auth_data, Sha256(out.client_data_json));
  switch (options.attestation) {
    case Attestation::kNone:
      out.attestation_object =
          AttestationObjectCbor("none", auth_data, nullptr, nullptr);
      break;
    case Attestation::kPackedSelf: {
      std::string sig = Sign(signed_data);
      out.attestation_object =
          AttestationObjectCbor("packed", auth_data, &alg_, &sig);
      break;
    }
    case Attestation::kPackedCert: {
      if (keys_->attestation == nullptr) {
        keys_->attestation = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        if (keys_->attestation == nullptr) Die("attestation keygen");
        keys_->attestation_cert =
            MakeAttestationCert(keys_->attestation, aaguid_);
      }
      std::string sig = SignWith(keys_->attestation, EVP_sha256(), signed_data);
      cbor_item_t* st = cbor_new_definite_map(3);
      Add(st, Text("alg"), Int(wa::kEs256));
      Add(st, Text("sig"), Bytes(sig));
      cbor_item_t* x5c = cbor_new_definite_array(1);
      cbor_array_push(x5c, cbor_move(Bytes(keys_->attestation_cert)));
      Add(st, Text("x5c"), x5c);
      cbor_item_t* root = cbor_new_definite_map(3);
      Add(root, Text("fmt"), Text("packed"));
      Add(root, Text("attStmt"), st);
      Add(root, Text("authData"), Bytes(auth_data));
      out.attestation_object = Serialize(root);
      break;
    }
  }
  return out;
}

wa::AuthenticationResponse SoftAuthenticator::Assert(
    absl::string_view challenge, const Options& options) {
  ++sign_count_;
  wa::AuthenticationResponse out;
  out.credential_id = credential_id_;
  out.client_data_json =
      ClientDataJson(options.type.empty() ? "webauthn.get" : options.type,
                     challenge, options.origin, options.cross_origin);
  out.authenticator_data = AuthData(options, /*attested=*/false);
  out.signature =
      Sign(absl::StrCat(out.authenticator_data, Sha256(out.client_data_json)));
  out.user_handle = "user-handle";
  return out;
}

std::string CoseKeyCbor(
    const std::vector<std::pair<int64_t, std::string>>& byte_members,
    const std::vector<std::pair<int64_t, int64_t>>& int_members) {
  cbor_item_t* map =
      cbor_new_definite_map(byte_members.size() + int_members.size());
  for (const auto& [label, value] : int_members)
    Add(map, Int(label), Int(value));
  for (const auto& [label, value] : byte_members) {
    Add(map, Int(label), Bytes(value));
  }
  return Serialize(map);
}

std::string AttestationObjectCbor(absl::string_view fmt,
                                  absl::string_view auth_data,
                                  const int64_t* alg, const std::string* sig) {
  cbor_item_t* st = cbor_new_definite_map(2);
  if (alg != nullptr) Add(st, Text("alg"), Int(*alg));
  if (sig != nullptr) Add(st, Text("sig"), Bytes(*sig));
  cbor_item_t* root = cbor_new_definite_map(3);
  Add(root, Text("fmt"), Text(fmt));
  Add(root, Text("attStmt"), st);
  Add(root, Text("authData"), Bytes(auth_data));
  return Serialize(root);
}

std::string RegistrationResponseJson(
    const internal::webauthn::RegistrationResponse& r) {
  const std::string id = Base64UrlEncode(r.credential_id);
  return absl::StrCat(R"({"id":")", id, R"(","rawId":")", id,
                      R"(","type":"public-key","response":{"clientDataJSON":")",
                      Base64UrlEncode(r.client_data_json),
                      R"(","attestationObject":")",
                      Base64UrlEncode(r.attestation_object),
                      R"(","transports":["internal"]},"clientExtensionResults":{}})");
}

std::string AuthenticationResponseJson(
    const internal::webauthn::AuthenticationResponse& a) {
  const std::string id = Base64UrlEncode(a.credential_id);
  return absl::StrCat(R"({"id":")", id, R"(","rawId":")", id,
                      R"(","type":"public-key","response":{"clientDataJSON":")",
                      Base64UrlEncode(a.client_data_json),
                      R"(","authenticatorData":")",
                      Base64UrlEncode(a.authenticator_data), R"(","signature":")",
                      Base64UrlEncode(a.signature), R"("}})");
}

}  // namespace vigil::testing
