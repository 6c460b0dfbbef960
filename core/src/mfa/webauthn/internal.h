// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Shared by the webauthn .cc files only: refusal statuses, bounded CBOR
// loading on libcbor, and signature verification with an EVP_PKEY.

#ifndef VIGIL_CORE_SRC_MFA_WEBAUTHN_INTERNAL_H_
#define VIGIL_CORE_SRC_MFA_WEBAUTHN_INTERNAL_H_

#include <cbor.h>
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil::internal::webauthn::detail {

// InvalidArgument "malformed: <what>".
absl::Status Malformed(absl::string_view what);
// PermissionDenied "<token>: <what>"; token from the header's list.
absl::Status Refuse(absl::string_view token, absl::string_view what);

struct CborDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborDeleter>;

// The length of the one CBOR item at the start of `bytes`, found with
// libcbor's streaming decoder (which allocates nothing) before anything is
// built: refuses (malformed, naming `what`) truncated or invalid CBOR,
// indefinite lengths, tags, nesting deeper than kMaxCborDepth, and a
// container declaring more members than bytes remain (so that cbor_load's
// allocations stay proportional to the input).
absl::StatusOr<size_t> CborItemLength(absl::string_view bytes,
                                      absl::string_view what);
// Exactly one item spanning all of `bytes`, checked as above, then built by
// cbor_load.
absl::StatusOr<CborItem> LoadCbor(absl::string_view bytes,
                                  absl::string_view what);

// Typed views of an item; nullopt when it is not of that type.
std::optional<int64_t> CborInt(const cbor_item_t* item);  // uint or negint
std::optional<std::string> CborBytes(const cbor_item_t* item);
std::optional<std::string> CborText(const cbor_item_t* item);

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Whether `signature` verifies over `data` with `key` under COSE `alg`
// (kEs256, kRs256, kEdDsa); false for any other alg or a key of another
// type. Leaves OpenSSL's error queue empty.
bool VerifySignature(EVP_PKEY* key, int64_t alg, absl::string_view data,
                     absl::string_view signature);

// Whether `key` is of the type `alg` needs (P-256 for ES256, RSA for RS256,
// Ed25519 for EdDSA).
bool KeyMatchesAlgorithm(EVP_PKEY* key, int64_t alg);

std::string Sha256(absl::string_view data);

}  // namespace vigil::internal::webauthn::detail

#endif  // VIGIL_CORE_SRC_MFA_WEBAUTHN_INTERNAL_H_
