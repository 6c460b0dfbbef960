// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Velocity counters: per key (an IP, an ASN), time-bucketed counts of
// attempts, failures and successes, and sketches of the distinct users behind
// them. Updated only through merge operands, so concurrent requests never
// lose an update and never take a lock; read as one value.
//
// Two rings: 12 buckets of 5 minutes (the last hour) and 8 buckets of one
// day (the last week). Distinct users are counted with 128-bit linear
// counting sketches (accurate to a few percent up to ~200 users, saturating
// near 600).

#ifndef VIGIL_CORE_SRC_STORE_COUNTER_RECORD_H_
#define VIGIL_CORE_SRC_STORE_COUNTER_RECORD_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil::internal {

enum class CounterKind : uint8_t { kAttempt = 0, kSuccess = 1, kFailure = 2 };

struct UserSketch {
  uint64_t bits[2] = {0, 0};
  void Add(uint64_t user_hash) {
    const unsigned b = user_hash & 127;
    bits[b >> 6] |= uint64_t{1} << (b & 63);
  }
  void Merge(const UserSketch& o) {
    bits[0] |= o.bits[0];
    bits[1] |= o.bits[1];
  }
  // Estimated number of distinct users added.
  double Estimate() const;
};

struct CounterBucket {
  int64_t start = 0;  // unix seconds, aligned to the ring's bucket width
  uint32_t attempts = 0;
  uint32_t failures = 0;
  uint32_t successes = 0;
  UserSketch failure_users;
  UserSketch success_users;
};

struct CounterRecord {
  static constexpr int64_t kShortWidth = 300;     // 5 minutes
  static constexpr int kShortBuckets = 12;        // 1 hour
  static constexpr int64_t kLongWidth = 86400;    // 1 day
  static constexpr int kLongBuckets = 8;          // 1 week and a day

  // Newest first; buckets older than the ring are dropped.
  std::vector<CounterBucket> short_ring;
  std::vector<CounterBucket> long_ring;

  // Adds one observation at time `t` (unix seconds).
  void Add(int64_t t, CounterKind kind, uint64_t user_hash);

  // Totals over buckets whose start is within `window` before `now`.
  struct Totals {
    uint32_t attempts = 0;
    uint32_t failures = 0;
    uint32_t successes = 0;
    UserSketch failure_users;
    UserSketch success_users;
  };
  Totals ShortWindow(absl::Time now, absl::Duration window) const;
  Totals LongWindow(absl::Time now, absl::Duration window) const;

  std::string Encode() const;
  // False if `data` is not a counter record.
  bool Decode(absl::string_view data);
};

// One merge operand: 18 bytes.
std::string EncodeCounterOperand(int64_t t, CounterKind kind,
                                 uint64_t user_hash);

// Counter keys. Kinds of key are separated by a leading byte.
std::string IpCounterKey(absl::string_view ip_bytes16);
std::string AsnCounterKey(uint32_t asn);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_COUNTER_RECORD_H_
