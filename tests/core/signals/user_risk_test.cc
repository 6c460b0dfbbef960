// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// user_risk: the carried risk of a recent risky success, on the event types
// the model lists, halving every half_life_hours, reduced on an
// established device.

#include "core/signals/signal_test_util.h"
#include "gtest/gtest.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::kDay0;
using testing::TestInput;

const Signal& UserRisk() {
  for (const auto& s : BuiltinSignals()) {
    if (s->name() == "user_risk") return *s;
  }
  ADD_FAILURE() << "no user_risk signal";
  return *BuiltinSignals().front();
}

TestInput RiskyUser(double risk, int64_t hours_ago) {
  TestInput t;
  t.profile.user_risk = risk;
  t.profile.user_risk_time = kDay0 - hours_ago * 3600;
  t.now = absl::FromUnixSeconds(kDay0);
  t.attempt.event_type = EventType::kPasswordChange;
  t.features.hashes[static_cast<int>(Feature::kDevice)] = 77;
  return t;
}

TEST(UserRiskTest, CarriesTheRiskToTheListedEventTypesOnly) {
  TestInput t = RiskyUser(0.9, 0);
  SignalResult r = UserRisk().Evaluate(t.Get());
  EXPECT_DOUBLE_EQ(r.score, 0.9);
  EXPECT_EQ(r.detail, "user risk 0.90 from a risky success 0 minutes ago");
  for (EventType type :
       {EventType::kSignIn, EventType::kSignUp, EventType::kForgotPassword}) {
    t.attempt.event_type = type;
    EXPECT_EQ(UserRisk().Evaluate(t.Get()).score, 0);
  }
  t.config.user_risk.event_types[static_cast<int>(EventType::kSignIn)] = true;
  t.attempt.event_type = EventType::kSignIn;
  EXPECT_DOUBLE_EQ(UserRisk().Evaluate(t.Get()).score, 0.9);
}

TEST(UserRiskTest, HalvesEveryHalfLifeAndCountsLessOnAnEstablishedDevice) {
  TestInput t = RiskyUser(0.8, 48);
  SignalResult r = UserRisk().Evaluate(t.Get());
  EXPECT_NEAR(r.score, 0.2, 1e-12);
  EXPECT_EQ(r.detail, "user risk 0.20 from a risky success 48 hours ago");
  t.profile.Observe(Feature::kDevice, 77, kDay0 - 90 * 86400);
  EXPECT_NEAR(UserRisk().Evaluate(t.Get()).score, 0.2, 1e-12);  // once
  t.profile.Observe(Feature::kDevice, 77, kDay0 - 80 * 86400);
  r = UserRisk().Evaluate(t.Get());
  EXPECT_NEAR(r.score, 0.1, 1e-12);
  EXPECT_EQ(r.detail,
            "user risk 0.20 from a risky success 48 hours ago, on an "
            "established device");
}

TEST(UserRiskTest, NoRiskNoScore) {
  TestInput t = RiskyUser(0, 0);
  EXPECT_EQ(UserRisk().Evaluate(t.Get()).score, 0);
  EXPECT_TRUE(UserRisk().Evaluate(t.Get()).detail.empty());
}

}  // namespace
}  // namespace vigil::internal
