// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Velocity counters: the two bucket rings (5 min x 12, 1 day x 8), their
// window sums, out-of-order adds, the distinct-user sketch, and the merge
// function every Store applies for counter operands.

#include "store/counter_record.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vigil/store.h"

namespace vigil::internal {
namespace {

// 2023-11-14 00:00:00 UTC: aligned to a day and to 5 minutes.
constexpr int64_t kDay0 = 1699920000;
constexpr int64_t kMin = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
// The engine's seed for user hashes in counters (engine_impl.cc).
constexpr uint64_t kUserSeed = 0x7573;

uint64_t User(int i) { return StableHash(absl::StrCat("user-", i), kUserSeed); }

absl::Time At(int64_t unix_seconds) {
  return absl::FromUnixSeconds(unix_seconds);
}

std::vector<int64_t> Starts(const std::vector<CounterBucket>& ring) {
  std::vector<int64_t> starts;
  for (const CounterBucket& b : ring) starts.push_back(b.start - kDay0);
  return starts;
}

TEST(CounterRecordTest, AddCountsEachKindInBothRings) {
  CounterRecord r;
  r.Add(kDay0 + 10, CounterKind::kAttempt, User(1));
  r.Add(kDay0 + 20, CounterKind::kFailure, User(1));
  r.Add(kDay0 + 30, CounterKind::kFailure, User(2));
  r.Add(kDay0 + 40, CounterKind::kSuccess, User(3));
  for (const CounterRecord::Totals& t :
       {r.ShortWindow(At(kDay0 + 60), absl::Hours(1)),
        r.LongWindow(At(kDay0 + 60), absl::Hours(24))}) {
    EXPECT_EQ(t.attempts, 1u);
    EXPECT_EQ(t.failures, 2u);
    EXPECT_EQ(t.successes, 1u);
    // Attempts add no user; failures and successes keep separate sketches.
    EXPECT_NEAR(t.failure_users.Estimate(), 2, 0.05);
    EXPECT_NEAR(t.success_users.Estimate(), 1, 0.05);
  }
  EXPECT_EQ(r.short_ring.size(), 1u);
  EXPECT_EQ(r.long_ring.size(), 1u);
}

TEST(CounterRecordTest, ShortWindowDropsEventsOlderThanTheWindow) {
  // One failure at kDay0 + 100, in the 5-minute bucket starting at kDay0.
  CounterRecord r;
  r.Add(kDay0 + 100, CounterKind::kFailure, User(1));
  struct Case {
    int64_t now;  // relative to kDay0
    int64_t window_minutes;
    uint32_t failures;
  };
  const std::vector<Case> cases = {
      {100, 60, 1},
      {60 * kMin, 60, 1},      // 58 min 20 s old
      {65 * kMin - 1, 60, 1},  // the bucket still overlaps the window
      {65 * kMin, 60, 0},      // the whole bucket is more than 1 h old
      {2 * kHour, 60, 0},
      {-1, 60, 0},               // a bucket from the future is not counted
      {100 + 10 * kMin, 10, 1},  // bucket [0, 300) overlaps (100, 700]
      {15 * kMin, 10, 0},        // bucket [0, 300) ends at from = 300
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("now=+", c.now, "s window=", c.window_minutes));
    const CounterRecord::Totals t =
        r.ShortWindow(At(kDay0 + c.now), absl::Minutes(c.window_minutes));
    EXPECT_EQ(t.failures, c.failures);
    EXPECT_NEAR(t.failure_users.Estimate(), c.failures, 0.05);
  }
}

TEST(CounterRecordTest, LongWindowDropsEventsOlderThanEightDays) {
  CounterRecord r;
  r.Add(kDay0 + kHour, CounterKind::kSuccess, User(1));
  struct Case {
    int64_t now;
    int64_t window_days;
    uint32_t successes;
  };
  const std::vector<Case> cases = {
      {kHour, 8, 1},    {7 * kDay, 7, 1}, {8 * kDay - 1, 8, 1},
      {8 * kDay, 7, 0}, {9 * kDay, 8, 0}, {30 * kDay, 8, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("now=+", c.now, "s window=", c.window_days, "d"));
    EXPECT_EQ(r.LongWindow(At(kDay0 + c.now), absl::Hours(24 * c.window_days))
                  .successes,
              c.successes);
  }
}

TEST(CounterRecordTest, ShortRingRollsOverAfterTwelveBuckets) {
  CounterRecord r;
  r.Add(kDay0, CounterKind::kFailure, User(0));
  r.Add(kDay0 + 11 * 300, CounterKind::kFailure, User(11));
  EXPECT_THAT(Starts(r.short_ring), ::testing::ElementsAre(3300, 0));
  // A bucket 12 widths newer pushes the first one off the ring.
  r.Add(kDay0 + 12 * 300, CounterKind::kFailure, User(12));
  EXPECT_THAT(Starts(r.short_ring), ::testing::ElementsAre(3600, 3300));
  // Even asked about its own time, the dropped bucket is gone from the short
  // ring, while the day ring still has all three.
  EXPECT_EQ(r.ShortWindow(At(kDay0 + 299), absl::Hours(1)).failures, 0u);
  EXPECT_EQ(r.LongWindow(At(kDay0 + 12 * 300), absl::Hours(24)).failures, 3u);

  // Two hours of one failure per bucket: the hour holds exactly the last 12.
  CounterRecord full;
  for (int i = 0; i < 24; ++i) {
    full.Add(kDay0 + i * 300 + 7, CounterKind::kFailure, User(i));
  }
  ASSERT_EQ(full.short_ring.size(), 12u);
  EXPECT_EQ(full.short_ring.front().start, kDay0 + 23 * 300);
  EXPECT_EQ(full.short_ring.back().start, kDay0 + 12 * 300);
  const absl::Time now = At(kDay0 + 23 * 300 + 10);
  EXPECT_EQ(full.ShortWindow(now, absl::Hours(1)).failures, 12u);
  // 30 min back from 10 s into the newest bucket reaches 10 s into the 7th
  // newest: whole buckets are counted, so 7.
  EXPECT_EQ(full.ShortWindow(now, absl::Minutes(30)).failures, 7u);
  EXPECT_EQ(full.LongWindow(now, absl::Hours(24)).failures, 24u);
}

TEST(CounterRecordTest, LongRingRollsOverAfterEightDays) {
  CounterRecord r;
  r.Add(kDay0, CounterKind::kSuccess, User(0));
  r.Add(kDay0 + 7 * kDay, CounterKind::kSuccess, User(7));
  EXPECT_EQ(r.long_ring.size(), 2u);
  EXPECT_EQ(r.LongWindow(At(kDay0 + 7 * kDay), absl::Hours(24 * 8)).successes,
            2u);
  r.Add(kDay0 + 8 * kDay, CounterKind::kSuccess, User(8));
  EXPECT_THAT(Starts(r.long_ring), ::testing::ElementsAre(8 * kDay, 7 * kDay));
  EXPECT_EQ(r.LongWindow(At(kDay0 + 8 * kDay), absl::Hours(24 * 30)).successes,
            2u);
}

TEST(CounterRecordTest, OutOfOrderAddsLandInTheirBuckets) {
  CounterRecord r;
  r.Add(kDay0 + 600, CounterKind::kFailure, User(1));
  r.Add(kDay0 + 5, CounterKind::kSuccess, User(2));    // older bucket
  r.Add(kDay0 + 301, CounterKind::kAttempt, User(3));  // in between
  r.Add(kDay0 + 899, CounterKind::kFailure, User(4));  // same as first
  EXPECT_THAT(Starts(r.short_ring), ::testing::ElementsAre(600, 300, 0));
  EXPECT_EQ(r.short_ring[0].failures, 2u);
  EXPECT_EQ(r.short_ring[1].attempts, 1u);
  EXPECT_EQ(r.short_ring[2].successes, 1u);
  const CounterRecord::Totals t =
      r.ShortWindow(At(kDay0 + 900), absl::Hours(1));
  EXPECT_EQ(t.failures, 2u);
  EXPECT_EQ(t.successes, 1u);
  EXPECT_EQ(t.attempts, 1u);

  // Older than the short ring's span: kept only by the day ring.
  r.Add(kDay0 + 600 - 2 * kHour, CounterKind::kFailure, User(5));
  EXPECT_THAT(Starts(r.short_ring), ::testing::ElementsAre(600, 300, 0));
  EXPECT_EQ(r.LongWindow(At(kDay0 + 900), absl::Hours(48)).failures, 3u);

  // Into the middle of a full ring: counted, nothing dropped.
  CounterRecord full;
  for (int i = 0; i < 12; ++i)
    full.Add(kDay0 + i * 300, CounterKind::kAttempt, 0);
  full.Add(kDay0 + 5 * 300 + 1, CounterKind::kAttempt, 0);
  ASSERT_EQ(full.short_ring.size(), 12u);
  EXPECT_EQ(full.short_ring[6].start, kDay0 + 5 * 300);
  EXPECT_EQ(full.short_ring[6].attempts, 2u);
  // Older than a full ring: ignored.
  full.Add(kDay0 - 1, CounterKind::kAttempt, 0);
  ASSERT_EQ(full.short_ring.size(), 12u);
  EXPECT_EQ(full.short_ring.back().start, kDay0);
  EXPECT_EQ(full.ShortWindow(At(kDay0 + 12 * 300 - 1), absl::Hours(2)).attempts,
            13u);
}

TEST(CounterRecordTest, NegativeTimesAlignDownward) {
  CounterRecord r;
  r.Add(-1, CounterKind::kAttempt, 0);
  ASSERT_EQ(r.short_ring.size(), 1u);
  EXPECT_EQ(r.short_ring[0].start, -300);
  EXPECT_EQ(r.long_ring[0].start, -86400);
}

// A ring keeps the span before its newest bucket: a record cannot tell a
// time far in the future from an IP that was idle for a year. The engine
// therefore refuses attempts more than 5 minutes ahead of its clock
// (EngineTest.BadAttemptsAreRefusedNamingTheFieldAndRecordNothing), so no
// such operand is written.
TEST(CounterRecordTest, ANewerBucketBeyondTheSpanReplacesTheOldOnes) {
  CounterRecord r;
  for (int i = 0; i < 10; ++i) r.Add(kDay0 + i, CounterKind::kFailure, User(i));
  r.Add(kDay0 + 365 * kDay, CounterKind::kFailure, User(100));
  EXPECT_EQ(r.ShortWindow(At(kDay0 + 365 * kDay + 1), absl::Hours(1)).failures, 1u);
  EXPECT_EQ(r.short_ring.size(), 1u);
}

TEST(UserSketchTest, EstimatesDistinctUsersWithinTenPercent) {
  for (int n : {1, 10, 50, 100}) {
    SCOPED_TRACE(n);
    UserSketch s;
    for (int i = 0; i < n; ++i) {
      s.Add(User(i));
      s.Add(User(i));  // repeats do not count
    }
    EXPECT_NEAR(s.Estimate(), n, 0.10 * n);
  }
}

TEST(UserSketchTest, IsUnbiasedOverManyUserSets) {
  // Mean over 200 disjoint sets of users: within 3% of the truth.
  for (int n : {10, 50, 100}) {
    SCOPED_TRACE(n);
    double sum = 0;
    constexpr int kSets = 200;
    for (int set = 0; set < kSets; ++set) {
      UserSketch s;
      for (int i = 0; i < n; ++i) s.Add(User(set * 1000 + i));
      sum += s.Estimate();
    }
    EXPECT_NEAR(sum / kSets, n, 0.03 * n);
  }
}

TEST(UserSketchTest, EmptyMergeAndSaturation) {
  UserSketch empty;
  EXPECT_EQ(empty.Estimate(), 0);
  UserSketch a, b, all;
  for (int i = 0; i < 60; ++i) a.Add(User(i));
  for (int i = 40; i < 100; ++i) b.Add(User(i));
  for (int i = 0; i < 100; ++i) all.Add(User(i));
  a.Merge(b);  // a union, not a sum
  EXPECT_EQ(a.bits[0], all.bits[0]);
  EXPECT_EQ(a.bits[1], all.bits[1]);
  UserSketch full;
  for (unsigned b = 0; b < 128; ++b) full.Add(b);
  EXPECT_DOUBLE_EQ(full.Estimate(), 128 * std::log(128.0));
}

// ---- ApplyCounterMerge -----------------------------------------------------

CounterRecord::Totals MergedTotals(const std::string* existing,
                                   const std::vector<std::string>& operands) {
  std::vector<absl::string_view> views(operands.begin(), operands.end());
  CounterRecord r;
  EXPECT_TRUE(r.Decode(ApplyCounterMerge(existing, views)));
  return r.LongWindow(At(kDay0 + kHour), absl::Hours(24));
}

TEST(ApplyCounterMergeTest, OperandIsEighteenBytes) {
  EXPECT_EQ(EncodeCounterOperand(kDay0, CounterKind::kFailure, User(1)).size(),
            18u);
}

TEST(ApplyCounterMergeTest, SkipsGarbageOperandsAndKeepsTheRest) {
  const std::string failure =
      EncodeCounterOperand(kDay0, CounterKind::kFailure, User(1));
  const std::string success =
      EncodeCounterOperand(kDay0 + 1, CounterKind::kSuccess, User(2));
  const std::string attempt =
      EncodeCounterOperand(kDay0 + 2, CounterKind::kAttempt, User(3));
  std::string wrong_tag = failure;
  wrong_tag[0] = static_cast<char>(0xC2);
  std::string wrong_kind = failure;
  wrong_kind[1] = 3;
  const std::vector<std::string> operands = {
      failure,
      "garbage",
      "",
      success,
      failure.substr(0, 17),  // truncated
      wrong_tag,
      wrong_kind,
      CounterRecord().Encode(),  // a record is not an operand
      attempt,
  };
  const CounterRecord::Totals t = MergedTotals(nullptr, operands);
  EXPECT_EQ(t.failures, 1u);
  EXPECT_EQ(t.successes, 1u);
  EXPECT_EQ(t.attempts, 1u);
}

TEST(ApplyCounterMergeTest, CombinesWithAnExistingValue) {
  CounterRecord existing;
  for (int i = 0; i < 3; ++i)
    existing.Add(kDay0 + i, CounterKind::kFailure, User(i));
  const std::string value = existing.Encode();
  const CounterRecord::Totals t = MergedTotals(
      &value,
      {EncodeCounterOperand(kDay0 + 9, CounterKind::kFailure, User(9))});
  EXPECT_EQ(t.failures, 4u);
  EXPECT_NEAR(t.failure_users.Estimate(), 4, 0.2);
  // No operands: the value is re-encoded unchanged.
  EXPECT_EQ(ApplyCounterMerge(&value, {}), value);
  EXPECT_EQ(ApplyCounterMerge(nullptr, {}), CounterRecord().Encode());
}

TEST(ApplyCounterMergeTest, RestartsOnAnUnreadableExistingValue) {
  const std::string op =
      EncodeCounterOperand(kDay0, CounterKind::kSuccess, User(1));
  std::string wrong_version;
  {
    CounterRecord r;
    for (int i = 0; i < 5; ++i)
      r.Add(kDay0, CounterKind::kSuccess, User(i + 10));
    wrong_version = r.Encode();
    wrong_version[0] = 2;
  }
  const std::string truncated = [] {
    CounterRecord r;
    r.Add(kDay0, CounterKind::kSuccess, 1);
    std::string s = r.Encode();
    return s.substr(0, s.size() - 1);
  }();
  for (const std::string& existing :
       {std::string("junk"), std::string(), wrong_version, truncated,
        op /* an operand is not a record */}) {
    SCOPED_TRACE(absl::CEscape(existing));
    const CounterRecord::Totals t = MergedTotals(&existing, {op});
    EXPECT_EQ(t.successes, 1u);
    EXPECT_EQ(t.failures + t.attempts, 0u);
  }
}

TEST(ApplyCounterMergeTest, GroupingAndOrderOfOperandsDoNotMatter) {
  // RocksDB may fold operands in any grouping (max_successive_merges, reads,
  // compactions); within the ring span the result must be the same.
  std::vector<std::string> ops;
  for (int i = 0; i < 40; ++i) {
    ops.push_back(EncodeCounterOperand(
        kDay0 + (i * 37) % 3600, static_cast<CounterKind>(i % 3), User(i)));
  }
  std::vector<absl::string_view> all(ops.begin(), ops.end());
  const std::string at_once = ApplyCounterMerge(nullptr, all);

  std::string folded;
  bool have = false;
  for (size_t i = 0; i < all.size(); i += 7) {
    std::vector<absl::string_view> chunk(
        all.begin() + i, all.begin() + std::min(all.size(), i + 7));
    folded = ApplyCounterMerge(have ? &folded : nullptr, chunk);
    have = true;
  }
  EXPECT_EQ(folded, at_once);

  std::vector<absl::string_view> reversed(all.rbegin(), all.rend());
  EXPECT_EQ(ApplyCounterMerge(nullptr, reversed), at_once);
}

}  // namespace
}  // namespace vigil::internal
