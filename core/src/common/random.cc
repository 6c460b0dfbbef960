// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "common/random.h"

#include <openssl/rand.h>

#include <cstring>

#include "absl/status/status.h"

namespace vigil::internal {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  return out;
}

absl::StatusOr<std::string> RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char buf[64];
  if (n > sizeof buf) return absl::InvalidArgumentError("RandomHex: too long");
  if (RAND_bytes(buf, static_cast<int>(n)) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  std::string out(2 * n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[buf[i] >> 4];
    out[2 * i + 1] = kHex[buf[i] & 15];
  }
  return out;
}

absl::Status AppendPooledRandomBytes(size_t n, std::string* out) {
  struct Pool {
    unsigned char bytes[4096];
    size_t used = sizeof(bytes);
  };
  thread_local Pool pool;
  if (n > 64) return absl::InvalidArgumentError("pooled random: too long");
  if (pool.used + n > sizeof(pool.bytes)) {
    if (RAND_bytes(pool.bytes, sizeof(pool.bytes)) != 1) {
      return absl::InternalError("RAND_bytes failed");
    }
    pool.used = 0;
  }
  out->append(reinterpret_cast<const char*>(pool.bytes + pool.used), n);
  // Used bytes are not kept.
  std::memset(pool.bytes + pool.used, 0, n);
  pool.used += n;
  return absl::OkStatus();
}

}  // namespace vigil::internal
