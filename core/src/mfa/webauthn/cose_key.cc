// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// COSE_Key (RFC 9052/9053) to an OpenSSL EVP_PKEY, and signature checks.

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {
namespace detail {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Pkey FromData(const char* type, OSSL_PARAM* params) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return Pkey(key);
}

Pkey P256Key(absl::string_view x, absl::string_view y) {
  std::string point = "\x04";
  point.append(x.data(), x.size());
  point.append(y.data(), y.size());
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  Pkey key = FromData("EC", params);
  if (key == nullptr) return nullptr;
  // The point must be on the curve (and not the point at infinity).
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return nullptr;
  }
  return key;
}

Pkey RsaKey(absl::string_view n, absl::string_view e) {
  Bn bn_n(BN_bin2bn(U(n), static_cast<int>(n.size()), nullptr));
  Bn bn_e(BN_bin2bn(U(e), static_cast<int>(e.size()), nullptr));
  if (bn_n == nullptr || bn_e == nullptr) return nullptr;
  int bits = BN_num_bits(bn_n.get());
  if (bits < 2048 || bits > 4096 || !BN_is_odd(bn_n.get()) ||
      !BN_is_odd(bn_e.get()) || BN_num_bits(bn_e.get()) < 2 ||
      BN_num_bits(bn_e.get()) > 33) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) !=
          1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(
      OSSL_PARAM_BLD_to_param(bld.get()));
  if (params == nullptr) return nullptr;
  return FromData("RSA", params.get());
}

Pkey Ed25519Key(absl::string_view x) {
  return Pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, U(x), x.size()));
}

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(U(data), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

bool KeyMatchesAlgorithm(EVP_PKEY* key, int64_t alg) {
  if (key == nullptr) return false;
  switch (alg) {
    case kEs256: {
      if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
      char group[64] = {0};
      size_t length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         sizeof group, &length) != 1) {
        ERR_clear_error();
        return false;
      }
      return absl::string_view(group, length) == "prime256v1";
    }
    case kRs256:
      return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
    case kEdDsa:
      return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
    default:
      return false;
  }
}

bool VerifySignature(EVP_PKEY* key, int64_t alg, absl::string_view data,
                     absl::string_view signature) {
  if (!KeyMatchesAlgorithm(key, alg) || signature.empty() ||
      signature.size() > kMaxSignatureBytes) {
    return false;
  }
  if (alg == kEdDsa && signature.size() != 64) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = alg == kEdDsa ? nullptr : EVP_sha256();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), U(signature), signature.size(), U(data),
                             data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace detail

struct CosePublicKey::Key {
  detail::Pkey pkey;
};

CosePublicKey::CosePublicKey(int64_t algorithm, std::unique_ptr<Key> key)
    : algorithm_(algorithm), key_(std::move(key)) {}
CosePublicKey::CosePublicKey(CosePublicKey&&) noexcept = default;
CosePublicKey& CosePublicKey::operator=(CosePublicKey&&) noexcept = default;
CosePublicKey::~CosePublicKey() = default;

bool CosePublicKey::Verify(absl::string_view data,
                           absl::string_view signature) const {
  if (key_ == nullptr) return false;  // moved from
  return detail::VerifySignature(key_->pkey.get(), algorithm_, data, signature);
}

absl::StatusOr<CosePublicKey> CosePublicKey::Parse(
    absl::string_view cose_bytes) {
  using detail::Malformed;
  using detail::Refuse;
  if (cose_bytes.size() > kMaxCoseKeyBytes) {
    return Malformed("COSE key is too large");
  }
  absl::StatusOr<detail::CborItem> root =
      detail::LoadCbor(cose_bytes, "COSE key");
  if (!root.ok()) return root.status();
  const cbor_item_t* map = root->get();
  if (!cbor_isa_map(map)) return Malformed("COSE key is not a CBOR map");
  // Integer labels only matter here; text labels are allowed and ignored.
  std::map<int64_t, const cbor_item_t*> members;
  size_t size = cbor_map_size(map);
  cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < size; ++i) {
    std::optional<int64_t> label = detail::CborInt(pairs[i].key);
    if (!label.has_value()) {
      if (detail::CborText(pairs[i].key).has_value()) continue;
      return Malformed("COSE key has a label that is not an integer or text");
    }
    if (!members.emplace(*label, pairs[i].value).second) {
      return Malformed("COSE key has a repeated label");
    }
  }
  auto integer = [&](int64_t label) -> std::optional<int64_t> {
    auto it = members.find(label);
    return it == members.end() ? std::nullopt : detail::CborInt(it->second);
  };
  auto bytes = [&](int64_t label) -> std::optional<std::string> {
    auto it = members.find(label);
    return it == members.end() ? std::nullopt : detail::CborBytes(it->second);
  };
  std::optional<int64_t> kty = integer(1);
  std::optional<int64_t> alg = integer(3);
  if (!kty.has_value() || !alg.has_value()) {
    return Malformed("COSE key lacks an integer kty or alg");
  }
  detail::Pkey pkey;
  if (*alg == kEs256) {
    std::optional<int64_t> crv = integer(-1);
    if (*kty != 2 || !crv.has_value() || *crv != 1) {
      return Refuse("unsupported_algorithm",
                    "ES256 key that is not EC2 on P-256");
    }
    std::optional<std::string> x = bytes(-2), y = bytes(-3);
    if (!x.has_value() || !y.has_value() || x->size() != 32 ||
        y->size() != 32) {
      return Malformed("COSE EC2 key lacks 32-byte x and y");
    }
    pkey = detail::P256Key(*x, *y);
    ERR_clear_error();
    if (pkey == nullptr) return Malformed("COSE EC2 key is not on P-256");
  } else if (*alg == kRs256) {
    if (*kty != 3) {
      return Refuse("unsupported_algorithm", "RS256 key that is not RSA");
    }
    std::optional<std::string> n = bytes(-1), e = bytes(-2);
    if (!n.has_value() || !e.has_value() || n->empty() || e->empty() ||
        n->size() > 513 || e->size() > 8) {
      return Malformed("COSE RSA key lacks n and e of sane sizes");
    }
    pkey = detail::RsaKey(*n, *e);
    ERR_clear_error();
    if (pkey == nullptr) {
      return Malformed("COSE RSA key is not a 2048..4096-bit key");
    }
  } else if (*alg == kEdDsa) {
    std::optional<int64_t> crv = integer(-1);
    if (*kty != 1 || !crv.has_value() || *crv != 6) {
      return Refuse("unsupported_algorithm",
                    "EdDSA key that is not OKP Ed25519");
    }
    std::optional<std::string> x = bytes(-2);
    if (!x.has_value() || x->size() != 32) {
      return Malformed("COSE OKP key lacks a 32-byte x");
    }
    pkey = detail::Ed25519Key(*x);
    ERR_clear_error();
    if (pkey == nullptr) return Malformed("COSE OKP key is not Ed25519");
  } else {
    return Refuse("unsupported_algorithm",
                  "COSE algorithm other than ES256, RS256, EdDSA");
  }
  auto key = std::make_unique<Key>();
  key->pkey = std::move(pkey);
  return CosePublicKey(*alg, std::move(key));
}

}  // namespace vigil::internal::webauthn
