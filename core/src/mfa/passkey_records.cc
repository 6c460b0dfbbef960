// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/passkey_records.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/encoding.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kPasskeyVersion = 1;
constexpr uint8_t kUserVersion = 1;
constexpr uint64_t kMaxTransports = 8;

// First bytes of the key spaces.
constexpr char kCredentialSpace = 'c';
constexpr char kUserSpace = 'u';

std::string Prefixed(char space, absl::string_view id) {
  std::string out(1, space);
  Encoder e(&out);
  e.PutString(id);
  return out;
}

}  // namespace

std::string PasskeyRecord::Encode() const {
  const webauthn::StoredCredential& c = credential;
  std::string out;
  Encoder e(&out);
  e.PutU8(kPasskeyVersion);
  e.PutString(c.credential_id);
  e.PutString(c.public_key_cose);
  e.PutSignedVarint(c.algorithm);
  e.PutVarint(c.sign_count);
  e.PutString(c.aaguid);
  e.PutU8((c.backup_eligible ? 1 : 0) | (c.backed_up ? 2 : 0) |
          (c.user_verified ? 4 : 0));
  e.PutVarint(c.transports.size());
  for (const std::string& t : c.transports) e.PutString(t);
  e.PutString(c.attestation_format);
  e.PutString(name);
  e.PutSignedVarint(created);
  e.PutSignedVarint(last_used);
  return out;
}

bool PasskeyRecord::Decode(absl::string_view data) {
  Decoder d(data);
  uint8_t version, flags;
  uint64_t sign_count, transports;
  webauthn::StoredCredential c;
  if (!d.GetU8(&version) || version != kPasskeyVersion ||
      !d.GetString(&c.credential_id) || !d.GetString(&c.public_key_cose) ||
      !d.GetSignedVarint(&c.algorithm) || !d.GetVarint(&sign_count) ||
      sign_count > UINT32_MAX || !d.GetString(&c.aaguid) || !d.GetU8(&flags) ||
      !d.GetVarint(&transports) || transports > kMaxTransports) {
    return false;
  }
  c.sign_count = static_cast<uint32_t>(sign_count);
  c.backup_eligible = flags & 1;
  c.backed_up = flags & 2;
  c.user_verified = flags & 4;
  c.transports.resize(transports);
  for (std::string& t : c.transports) {
    if (!d.GetString(&t)) return false;
  }
  if (!d.GetString(&c.attestation_format) || !d.GetString(&name) ||
      !d.GetSignedVarint(&created) || !d.GetSignedVarint(&last_used) ||
      !d.done()) {
    return false;
  }
  credential = std::move(c);
  return true;
}

std::string PasskeyUser::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kUserVersion);
  e.PutString(user_handle);
  e.PutString(registration_id);
  e.PutString(registration_challenge);
  e.PutSignedVarint(registration_expires);
  return out;
}

bool PasskeyUser::Decode(absl::string_view data) {
  Decoder d(data);
  uint8_t version;
  return d.GetU8(&version) && version == kUserVersion &&
         d.GetString(&user_handle) && d.GetString(&registration_id) &&
         d.GetString(&registration_challenge) &&
         d.GetSignedVarint(&registration_expires) && d.done();
}

std::string PasskeyPrefix(absl::string_view user_id) {
  return Prefixed(kCredentialSpace, user_id);
}

std::string PasskeyKey(absl::string_view user_id,
                       absl::string_view credential_id) {
  return absl::StrCat(PasskeyPrefix(user_id), credential_id);
}

std::string PasskeyUserKey(absl::string_view user_id) {
  return Prefixed(kUserSpace, user_id);
}

absl::StatusOr<std::vector<PasskeyRecord>> LoadPasskeys(
    Store* store, absl::string_view user_id) {
  const std::string prefix = PasskeyPrefix(user_id);
  std::vector<PasskeyRecord> out;
  std::unique_ptr<StoreIterator> it = store->Scan(Table::kPasskeys, prefix, PrefixLimit(prefix));
  for (; it->Valid(); it->Next()) {
    if (it->key().substr(0, prefix.size()) != prefix) break;
    PasskeyRecord r;
    if (!r.Decode(it->value())) {
      return absl::DataLossError("store: passkey record is unreadable");
    }
    out.push_back(std::move(r));
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace vigil::internal
