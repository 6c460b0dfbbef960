// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ScoreQuantile: the threshold above which at most a target share of the
// last N scores lay.

#include "model/score_quantile.h"

#include <limits>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::internal {
namespace {

TEST(ScoreQuantileTest, NothingUntilMinSamplesThenEvery64Scores) {
  ScoreQuantile q(0.02, 1000, 100);
  for (int i = 0; i < 99; ++i) q.Add(0.5);
  EXPECT_EQ(q.Threshold(), -1);
  q.Add(0.5);  // the 100th
  EXPECT_NEAR(q.Threshold(), 0.501, 1e-12);
  EXPECT_EQ(q.size(), 100);
  for (int i = 0; i < 27; ++i) q.Add(0.1);  // 127 added: not yet
  EXPECT_NEAR(q.Threshold(), 0.501, 1e-12);
  q.Add(0.1);  // 128 = 2 x 64: 100 of 0.5 in 128 is still above 2 %
  EXPECT_NEAR(q.Threshold(), 0.501, 1e-12);
}

TEST(ScoreQuantileTest, LeavesTheTargetShareAbove) {
  ScoreQuantile q(0.02, 1024, 100);
  for (int i = 0; i < 1024; ++i) q.Add(i / 1024.0);  // 16 x 64 scores
  // 20 of 1024 (1004/1024 = 0.9805 .. 0.999) lie at or above 0.98; with
  // 1003/1024 = 0.9795 it would be 21, over 2 %.
  EXPECT_NEAR(q.Threshold(), 0.98, 1e-12);
}

TEST(ScoreQuantileTest, TiesAreNotSplit) {
  // 100 scores of 0.7 (10 %) and 900 of 0: a 2 % target cannot take the
  // tie, so the threshold lies above it: at most the target, never more.
  ScoreQuantile q(0.02, 1000, 100);
  for (int i = 0; i < 900; ++i) q.Add(0);
  for (int i = 0; i < 100; ++i) q.Add(0.7);
  EXPECT_NEAR(q.Threshold(), 0.701, 1e-12);
  // At 10 % the tie fits.
  ScoreQuantile wide(0.1, 1000, 100);
  for (int i = 0; i < 900; ++i) wide.Add(0);
  for (int i = 0; i < 100; ++i) wide.Add(0.7);
  EXPECT_NEAR(wide.Threshold(), 0.7, 1e-12);
}

TEST(ScoreQuantileTest, ForgetsBeyondTheWindow) {
  ScoreQuantile q(0.05, 200, 100);
  for (int i = 0; i < 256; ++i) q.Add(0.9);
  EXPECT_NEAR(q.Threshold(), 0.901, 1e-12);  // all tied at the top
  // 192 more (recomputed at 448 added): the window's last 200 hold 8 of
  // 0.9 (4 %, within 5 %) and 192 of 0.1.
  for (int i = 0; i < 192; ++i) q.Add(0.1);
  EXPECT_EQ(q.size(), 200);
  EXPECT_NEAR(q.Threshold(), 0.9, 1e-12);
}

TEST(ScoreQuantileTest, OutOfRangeScoresAreClamped) {
  ScoreQuantile q(0.5, 100, 4);
  q.Add(-3);
  q.Add(std::numeric_limits<double>::quiet_NaN());
  q.Add(7);
  q.Add(1);
  // Two of four at the top bin (1.0): exactly the 50 % allowed.
  EXPECT_NEAR(q.Threshold(), 1.0, 1e-12);
}

TEST(ScoreQuantileTest, ConcurrentAddsAreAllCounted) {
  ScoreQuantile q(0.01, 100000, 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&q, t] {
      for (int i = 0; i < 5000; ++i) q.Add((t * 5000 + i) / 20000.0);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(q.size(), 20000);  // 20,000 = 312.5 x 64: last computed at 19,968
  EXPECT_NEAR(q.Threshold(), 0.99, 0.0021);
}

}  // namespace
}  // namespace vigil::internal
