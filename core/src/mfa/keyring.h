// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The keys that encrypt TOTP secrets at rest (AES-256-GCM), read from a key
// file. Format: one key per line, "<key id> <64 hex digits>"; blank lines and
// lines starting with '#' are ignored; the last key is the current one (new
// secrets are encrypted under it); older ones still decrypt.

#ifndef VIGIL_CORE_SRC_MFA_KEYRING_H_
#define VIGIL_CORE_SRC_MFA_KEYRING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/secret.h"

namespace vigil::internal {

// An encrypted value: which key, the 12-byte nonce, ciphertext || 16-byte tag.
struct SealedBox {
  std::string key_id;
  std::string nonce;
  std::string ciphertext;
};

class KeyRing {
 public:
  static absl::StatusOr<KeyRing> Parse(absl::string_view text,
                                       absl::string_view source);
  static absl::StatusOr<KeyRing> LoadFile(const std::string& path);
  // A ring of one fresh random key named `key_id`.
  static absl::StatusOr<KeyRing> Generate(absl::string_view key_id);

  KeyRing(KeyRing&&) = default;
  KeyRing& operator=(KeyRing&&) = default;

  const std::string& current_id() const { return keys_.back().id; }
  bool Has(absl::string_view key_id) const { return Find(key_id) != nullptr; }

  // Encrypts under the current key; `aad` is authenticated, not stored.
  absl::StatusOr<SealedBox> Seal(absl::string_view plaintext,
                                 absl::string_view aad) const;
  // DataLoss if the box was tampered with or `aad` differs; NotFound if its
  // key is not in the ring.
  absl::StatusOr<SecretBytes> Open(const SealedBox& box,
                                   absl::string_view aad) const;

  // A MAC key derived from the current key for `purpose` (HMAC-SHA256).
  SecretBytes DeriveKey(absl::string_view key_id,
                        absl::string_view purpose) const;

  // Adds `other`'s keys; the last key of `other` becomes current.
  void Append(KeyRing other);
  // Drops all keys but the current one.
  void KeepOnlyCurrent();
  // The key file text.
  SecretBytes Serialize() const;

 private:
  struct Key {
    std::string id;
    SecretBytes bytes;  // 32
  };
  KeyRing() = default;
  const Key* Find(absl::string_view id) const;

  std::vector<Key> keys_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_KEYRING_H_
