// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <openssl/crypto.h>

#include "vigil/secret.h"

namespace vigil {

bool SecretBytes::Equals(absl::string_view other) const {
  if (other.size() != bytes_.size()) return false;
  return CRYPTO_memcmp(bytes_.data(), other.data(), bytes_.size()) == 0;
}

void SecretBytes::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
  bytes_.shrink_to_fit();
}

}  // namespace vigil
