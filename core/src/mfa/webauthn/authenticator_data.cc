// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// authenticatorData (WebAuthn L3 6.1) and the attestationObject (6.5).

#include <cbor.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {
namespace {

using detail::CborBytes;
using detail::CborInt;
using detail::CborItem;
using detail::CborItemLength;
using detail::CborText;
using detail::LoadCbor;
using detail::Malformed;

constexpr uint8_t kFlagUp = 0x01;
constexpr uint8_t kFlagUv = 0x04;
constexpr uint8_t kFlagBe = 0x08;
constexpr uint8_t kFlagBs = 0x10;
constexpr uint8_t kFlagAt = 0x40;
constexpr uint8_t kFlagEd = 0x80;
constexpr size_t kFixedBytes = 37;  // rpIdHash 32, flags 1, signCount 4
constexpr size_t kMaxFmtBytes = 32;
constexpr size_t kMaxCertificates = 8;

uint8_t Byte(absl::string_view bytes, size_t i) {
  return static_cast<uint8_t>(bytes[i]);
}

// The CBOR map item at the start of `rest`, of at most `limit` bytes; its
// length in `*length`.
absl::Status ReadMap(absl::string_view rest, size_t limit,
                     absl::string_view what, size_t* length) {
  absl::StatusOr<size_t> n = CborItemLength(rest, what);
  if (!n.ok()) return n.status();
  if (*n > limit) return Malformed(absl::StrCat(what, " is too large"));
  absl::StatusOr<CborItem> item = LoadCbor(rest.substr(0, *n), what);
  if (!item.ok()) return item.status();
  if (!cbor_isa_map(item->get())) {
    return Malformed(absl::StrCat(what, " is not a CBOR map"));
  }
  *length = *n;
  return absl::OkStatus();
}

absl::Status ParseStatement(const cbor_item_t* map, AttestationStatement* out) {
  if (!cbor_isa_map(map)) return Malformed("attStmt is not a CBOR map");
  bool seen_alg = false, seen_sig = false, seen_x5c = false;
  size_t size = cbor_map_size(map);
  out->entries = size;
  cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < size; ++i) {
    std::optional<std::string> key = CborText(pairs[i].key);
    if (!key.has_value()) {
      return Malformed("attStmt has a key that is not text");
    }
    const cbor_item_t* value = pairs[i].value;
    if (*key == "alg") {
      std::optional<int64_t> alg = CborInt(value);
      if (seen_alg || !alg.has_value()) {
        return Malformed("attStmt alg is repeated or not an integer");
      }
      seen_alg = true;
      out->alg = *alg;
    } else if (*key == "sig") {
      std::optional<std::string> sig = CborBytes(value);
      if (seen_sig || !sig.has_value() || sig->empty() ||
          sig->size() > kMaxSignatureBytes) {
        return Malformed("attStmt sig is repeated, not bytes or of a bad size");
      }
      seen_sig = true;
      out->sig = std::move(*sig);
    } else if (*key == "x5c") {
      if (seen_x5c || !cbor_isa_array(value) || cbor_array_size(value) == 0 ||
          cbor_array_size(value) > kMaxCertificates) {
        return Malformed("attStmt x5c is repeated or not 1..8 certificates");
      }
      seen_x5c = true;
      cbor_item_t** certs = cbor_array_handle(value);
      for (size_t j = 0; j < cbor_array_size(value); ++j) {
        std::optional<std::string> der = CborBytes(certs[j]);
        if (!der.has_value() || der->empty()) {
          return Malformed("attStmt x5c has an entry that is not bytes");
        }
        out->x5c.push_back(std::move(*der));
      }
    } else if (*key == "ecdaaKeyId") {
      out->has_ecdaa_key_id = true;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AuthenticatorData> ParseAuthenticatorData(
    absl::string_view bytes) {
  if (bytes.size() > kMaxAuthenticatorDataBytes) {
    return Malformed("authenticatorData is too large");
  }
  if (bytes.size() < kFixedBytes) {
    return Malformed("authenticatorData is shorter than 37 bytes");
  }
  AuthenticatorData out;
  out.rp_id_hash = std::string(bytes.substr(0, 32));
  out.flags = Byte(bytes, 32);
  out.user_present = (out.flags & kFlagUp) != 0;
  out.user_verified = (out.flags & kFlagUv) != 0;
  out.backup_eligible = (out.flags & kFlagBe) != 0;
  out.backed_up = (out.flags & kFlagBs) != 0;
  out.attested = (out.flags & kFlagAt) != 0;
  out.extensions = (out.flags & kFlagEd) != 0;
  out.sign_count = (static_cast<uint32_t>(Byte(bytes, 33)) << 24) |
                   (static_cast<uint32_t>(Byte(bytes, 34)) << 16) |
                   (static_cast<uint32_t>(Byte(bytes, 35)) << 8) |
                   static_cast<uint32_t>(Byte(bytes, 36));
  if (out.backed_up && !out.backup_eligible) {
    return Malformed("authenticatorData says backed up but not eligible");
  }
  size_t pos = kFixedBytes;
  if (out.attested) {
    if (bytes.size() - pos < 18) {
      return Malformed("attested credential data is truncated");
    }
    out.aaguid = std::string(bytes.substr(pos, 16));
    size_t id_length = (static_cast<size_t>(Byte(bytes, pos + 16)) << 8) |
                       Byte(bytes, pos + 17);
    pos += 18;
    if (id_length == 0 || id_length > kMaxCredentialIdBytes) {
      return Malformed("credential id length is not 1..1023");
    }
    if (bytes.size() - pos < id_length) {
      return Malformed("credential id is truncated");
    }
    out.credential_id = std::string(bytes.substr(pos, id_length));
    pos += id_length;
    size_t key_length = 0;
    absl::Status key = ReadMap(bytes.substr(pos), kMaxCoseKeyBytes,
                               "credential public key", &key_length);
    if (!key.ok()) return key;
    out.credential_public_key = std::string(bytes.substr(pos, key_length));
    pos += key_length;
  }
  if (out.extensions) {
    size_t ext_length = 0;
    absl::Status ext = ReadMap(bytes.substr(pos), kMaxAuthenticatorDataBytes,
                               "authenticator extensions", &ext_length);
    if (!ext.ok()) return ext;
    pos += ext_length;
  }
  if (pos != bytes.size()) {
    return Malformed("authenticatorData has trailing bytes");
  }
  return out;
}

absl::StatusOr<AttestationObject> ParseAttestationObject(
    absl::string_view bytes) {
  if (bytes.size() > kMaxAttestationObjectBytes) {
    return Malformed("attestationObject is too large");
  }
  absl::StatusOr<CborItem> root = LoadCbor(bytes, "attestationObject");
  if (!root.ok()) return root.status();
  const cbor_item_t* map = root->get();
  if (!cbor_isa_map(map)) return Malformed("attestationObject is not a map");
  AttestationObject out;
  const cbor_item_t* statement = nullptr;
  bool seen_fmt = false, seen_auth_data = false;
  size_t size = cbor_map_size(map);
  cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < size; ++i) {
    std::optional<std::string> key = CborText(pairs[i].key);
    if (!key.has_value()) {
      return Malformed("attestationObject has a key that is not text");
    }
    const cbor_item_t* value = pairs[i].value;
    if (*key == "fmt") {
      std::optional<std::string> fmt = CborText(value);
      if (seen_fmt || !fmt.has_value() || fmt->empty() ||
          fmt->size() > kMaxFmtBytes) {
        return Malformed("attestationObject fmt is repeated or not short text");
      }
      seen_fmt = true;
      out.fmt = std::move(*fmt);
    } else if (*key == "attStmt") {
      if (statement != nullptr) {
        return Malformed("attestationObject attStmt is repeated");
      }
      statement = value;
    } else if (*key == "authData") {
      std::optional<std::string> auth_data = CborBytes(value);
      if (seen_auth_data || !auth_data.has_value()) {
        return Malformed("attestationObject authData is repeated or not bytes");
      }
      seen_auth_data = true;
      out.auth_data_bytes = std::move(*auth_data);
    } else {
      return Malformed("attestationObject has an unknown key");
    }
  }
  if (!seen_fmt || statement == nullptr || !seen_auth_data) {
    return Malformed("attestationObject lacks fmt, attStmt or authData");
  }
  absl::Status st = ParseStatement(statement, &out.att_stmt);
  if (!st.ok()) return st;
  absl::StatusOr<AuthenticatorData> auth_data =
      ParseAuthenticatorData(out.auth_data_bytes);
  if (!auth_data.ok()) return auth_data.status();
  out.auth_data = std::move(*auth_data);
  return out;
}

}  // namespace vigil::internal::webauthn
