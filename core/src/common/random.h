// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Cryptographic randomness (OpenSSL RAND_bytes). Never a seeded PRNG.

#ifndef VIGIL_CORE_SRC_COMMON_RANDOM_H_
#define VIGIL_CORE_SRC_COMMON_RANDOM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace vigil::internal {

// `n` random bytes. Internal error if the generator fails.
absl::StatusOr<std::string> RandomBytes(size_t n);
// `n` random bytes as 2n lower-case hex digits.
absl::StatusOr<std::string> RandomHex(size_t n);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_COMMON_RANDOM_H_
