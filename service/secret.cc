// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/secret.h"

#include <openssl/crypto.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

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

absl::StatusOr<SecretBytes> ReadSecretFile(const std::string& path,
                                           absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": cannot read ", path));
  }
  std::string s((std::istreambuf_iterator<char>(in)),
                std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " is empty"));
  }
  return SecretBytes(std::move(s));
}

}  // namespace vigil::service
