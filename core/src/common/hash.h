// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A stable 64-bit hash for values kept in stored records (feature values,
// user ids in counters). Unlike absl::Hash it is the same in every process
// and every release, so stored hashes stay comparable.

#ifndef VIGIL_CORE_SRC_COMMON_HASH_H_
#define VIGIL_CORE_SRC_COMMON_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace vigil::internal {

// FNV-1a followed by a 64-bit finaliser (from MurmurHash3) so that low bits
// are well mixed. `seed` separates kinds of values.
inline uint64_t StableHash(absl::string_view s, uint64_t seed = 0) {
  uint64_t h = 0xcbf29ce484222325ull ^ (seed * 0x9e3779b97f4a7c15ull);
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_COMMON_HASH_H_
