// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/secret.h: a secret handed across the library boundary (a TOTP seed at
// enrolment, a one-time code, a remembered-device key, an SMTP password).
//
// SecretBytes wipes its bytes when it goes away, compares in constant time
// and has no stream operator or implicit conversion: it cannot reach a log
// line or an error message without an explicit call to reveal().

#ifndef VIGIL_SECRET_H_
#define VIGIL_SECRET_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace vigil {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(absl::string_view bytes)
      : bytes_(bytes.data(), bytes.size()) {}
  explicit SecretBytes(std::string&& bytes) : bytes_(std::move(bytes)) {}
  explicit SecretBytes(const char* bytes)
      : SecretBytes(absl::string_view(bytes)) {}
  ~SecretBytes() { Wipe(); }

  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.Wipe();
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      bytes_ = std::move(other.bytes_);
      other.Wipe();
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // An explicit copy, for the few places that must keep one.
  SecretBytes Copy() const { return SecretBytes(absl::string_view(bytes_)); }

  bool empty() const { return bytes_.empty(); }
  size_t size() const { return bytes_.size(); }

  // The raw bytes; every caller is a deliberate exit.
  absl::string_view reveal() const { return bytes_; }

  // Constant time in the contents (lengths are public).
  bool Equals(absl::string_view other) const;

  void Wipe();

 private:
  std::string bytes_;
};

}  // namespace vigil

#endif  // VIGIL_SECRET_H_
