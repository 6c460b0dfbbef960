// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/counter_record.h"

#include <algorithm>
#include <cmath>

#include "common/encoding.h"
#include "vigil/store.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kOperandTag = 0xC1;

void AddToRing(std::vector<CounterBucket>* ring, int64_t width, int max_buckets,
               int64_t t, CounterKind kind, uint64_t user_hash) {
  const int64_t start = t - ((t % width) + width) % width;
  auto it = ring->begin();
  while (it != ring->end() && it->start > start) ++it;
  if (it == ring->end() || it->start != start) {
    // Too old for the ring: ignore.
    if (static_cast<int>(ring->size()) >= max_buckets && it == ring->end()) {
      return;
    }
    it = ring->insert(it, CounterBucket{});
    it->start = start;
  }
  switch (kind) {
    case CounterKind::kAttempt:
      ++it->attempts;
      break;
    case CounterKind::kSuccess:
      ++it->successes;
      it->success_users.Add(user_hash);
      break;
    case CounterKind::kFailure:
      ++it->failures;
      it->failure_users.Add(user_hash);
      break;
  }
  // Drop buckets that fell off the ring relative to the newest.
  const int64_t oldest = ring->front().start - (max_buckets - 1) * width;
  while (!ring->empty() && ring->back().start < oldest) ring->pop_back();
  if (static_cast<int>(ring->size()) > max_buckets) ring->resize(max_buckets);
}

CounterRecord::Totals Sum(const std::vector<CounterBucket>& ring, int64_t width,
                          absl::Time now, absl::Duration window) {
  CounterRecord::Totals totals;
  const int64_t now_s = absl::ToUnixSeconds(now);
  const int64_t from = now_s - absl::ToInt64Seconds(window);
  for (const CounterBucket& b : ring) {
    if (b.start + width <= from) break;  // newest first
    if (b.start > now_s) continue;       // from the future (clock skew)
    totals.attempts += b.attempts;
    totals.failures += b.failures;
    totals.successes += b.successes;
    totals.failure_users.Merge(b.failure_users);
    totals.success_users.Merge(b.success_users);
  }
  return totals;
}

void EncodeRing(Encoder* e, const std::vector<CounterBucket>& ring) {
  e->PutVarint(ring.size());
  for (const CounterBucket& b : ring) {
    e->PutSignedVarint(b.start);
    e->PutVarint(b.attempts);
    e->PutVarint(b.failures);
    e->PutVarint(b.successes);
    e->PutFixed64(b.failure_users.bits[0]);
    e->PutFixed64(b.failure_users.bits[1]);
    e->PutFixed64(b.success_users.bits[0]);
    e->PutFixed64(b.success_users.bits[1]);
  }
}

bool DecodeRing(Decoder* d, std::vector<CounterBucket>* ring, int max) {
  uint64_t n;
  if (!d->GetVarint(&n) || n > static_cast<uint64_t>(max)) return false;
  ring->resize(n);
  for (CounterBucket& b : *ring) {
    if (!d->GetSignedVarint(&b.start) || !d->GetVarintAs(&b.attempts) ||
        !d->GetVarintAs(&b.failures) || !d->GetVarintAs(&b.successes) ||
        !d->GetFixed64(&b.failure_users.bits[0]) ||
        !d->GetFixed64(&b.failure_users.bits[1]) ||
        !d->GetFixed64(&b.success_users.bits[0]) ||
        !d->GetFixed64(&b.success_users.bits[1])) {
      return false;
    }
  }
  return true;
}

}  // namespace

double UserSketch::Estimate() const {
  const int ones = __builtin_popcountll(bits[0]) + __builtin_popcountll(bits[1]);
  const int zeros = 128 - ones;
  if (ones == 0) return 0;
  if (zeros == 0) return 128.0 * std::log(128.0);
  return -128.0 * std::log(zeros / 128.0);
}

void CounterRecord::Add(int64_t t, CounterKind kind, uint64_t user_hash) {
  AddToRing(&short_ring, kShortWidth, kShortBuckets, t, kind, user_hash);
  AddToRing(&long_ring, kLongWidth, kLongBuckets, t, kind, user_hash);
}

CounterRecord::Totals CounterRecord::ShortWindow(absl::Time now,
                                                 absl::Duration window) const {
  return Sum(short_ring, kShortWidth, now, window);
}

CounterRecord::Totals CounterRecord::LongWindow(absl::Time now,
                                                absl::Duration window) const {
  return Sum(long_ring, kLongWidth, now, window);
}

std::string CounterRecord::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kRecordVersion);
  EncodeRing(&e, short_ring);
  EncodeRing(&e, long_ring);
  return out;
}

bool CounterRecord::Decode(absl::string_view data) {
  Decoder d(data);
  uint8_t version;
  if (!d.GetU8(&version) || version != kRecordVersion) return false;
  return DecodeRing(&d, &short_ring, kShortBuckets) &&
         DecodeRing(&d, &long_ring, kLongBuckets) && d.done();
}

std::string EncodeCounterOperand(int64_t t, CounterKind kind,
                                 uint64_t user_hash) {
  std::string out;
  out.reserve(18);
  Encoder e(&out);
  e.PutU8(kOperandTag);
  e.PutU8(static_cast<uint8_t>(kind));
  e.PutFixed64(static_cast<uint64_t>(t));
  e.PutFixed64(user_hash);
  return out;
}

std::string IpCounterKey(absl::string_view ip_bytes16) {
  std::string key = "i";
  key.append(ip_bytes16.data(), ip_bytes16.size());
  return key;
}

std::string AsnCounterKey(uint32_t asn) {
  std::string key = "a";
  Encoder(&key).PutFixed32(asn);
  return key;
}

}  // namespace vigil::internal

namespace vigil {

std::string ApplyCounterMerge(const std::string* existing,
                              const std::vector<absl::string_view>& operands) {
  internal::CounterRecord record;
  if (existing != nullptr && !record.Decode(*existing)) {
    record = internal::CounterRecord();  // unreadable: start over
  }
  for (absl::string_view op : operands) {
    internal::Decoder d(op);
    uint8_t tag, kind;
    uint64_t t, user;
    if (!d.GetU8(&tag) || tag != internal::kOperandTag || !d.GetU8(&kind) ||
        kind > 2 || !d.GetFixed64(&t) || !d.GetFixed64(&user)) {
      continue;  // not an operand of ours: skip it, keep the rest
    }
    record.Add(static_cast<int64_t>(t), static_cast<internal::CounterKind>(kind),
               user);
  }
  return record.Encode();
}

}  // namespace vigil
