// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/secret.h: key material that never leaks by accident.
//
// A SecretString owns bytes that are wiped when it goes away, compares in
// constant time and has no stream operator, no implicit conversion and no
// formatting support, so it cannot end up in a log line, an error message or
// a metric label without an explicit, greppable call to reveal().

#ifndef VIGIL_SERVICE_SECRET_H_
#define VIGIL_SERVICE_SECRET_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/secret.h"

namespace vigil::service {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(absl::string_view bytes)
      : bytes_(bytes.data(), bytes.size()) {}
  explicit SecretString(const char* bytes)
      : SecretString(absl::string_view(bytes)) {}
  // Takes over `bytes` without leaving a copy behind.
  explicit SecretString(std::string&& bytes) : bytes_(std::move(bytes)) {}
  ~SecretString() { Wipe(); }

  SecretString(SecretString&& other) noexcept
      : bytes_(std::move(other.bytes_)) {
    other.Wipe();
  }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      Wipe();
      bytes_ = std::move(other.bytes_);
      other.Wipe();
    }
    return *this;
  }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  bool empty() const { return bytes_.empty(); }
  size_t size() const { return bytes_.size(); }

  // The raw bytes. Every caller is a place where the secret leaves this type
  // on purpose (hashing it, printing a freshly created key once).
  absl::string_view reveal() const { return bytes_; }

  // Constant time in the contents (not in the lengths, which are public).
  bool Equals(absl::string_view other) const;

 private:
  void Wipe();
  std::string bytes_;
};

// Constant-time comparison of two equally long byte strings; false when the
// lengths differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// The whole of a small secret file (a key, a password), without a trailing
// newline. InvalidArgument "<what>: cannot read <path>" / "... is empty";
// the contents never appear in an error.
absl::StatusOr<SecretBytes> ReadSecretFile(const std::string& path,
                                           absl::string_view what);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_SECRET_H_
