// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/secret.h"

#include <openssl/crypto.h>

namespace vigil::service {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool SecretString::Equals(absl::string_view other) const {
  return ConstantTimeEquals(bytes_, other);
}

void SecretString::Wipe() {
  // Wipe the whole buffer, not only size(): a moved-from or shrunk string may
  // still hold old bytes in its capacity.
  if (bytes_.capacity() > 0) {
    bytes_.resize(bytes_.capacity());
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
  }
  bytes_.clear();
}

}  // namespace vigil::service
