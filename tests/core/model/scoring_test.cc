// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// From contributions to a score, from a score to a level, from a level to a
// verdict.

#include "model/scoring.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "model/model_config.h"
#include "testing/test_util.h"
#include "vigil/model.h"

namespace vigil::internal {
namespace {

std::shared_ptr<const Model> LoadDefault() {
  absl::StatusOr<std::shared_ptr<const Model>> m =
      Model::LoadFile(testing::SourcePath("models/default.toml"));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

TEST(CombineContributionsTest, CombinesLikeIndependentEvidence) {
  struct Case {
    std::vector<double> contributions;
    double want;
  };
  const std::vector<Case> cases = {
      {{}, 0},
      {{0}, 0},
      {{0.5}, 0.5},
      {{0.5, 0.5}, 0.75},
      {{0.3, 0.3, 0.3}, 1 - 0.7 * 0.7 * 0.7},
      {{0.95, 0.3}, 1 - 0.05 * 0.7},
      {{1.0, 0.3}, 1},
      {{0.2, 0.0, 0.0}, 0.2},
      // Out-of-range contributions are clamped to [0, 1].
      {{-0.5, 0.3}, 0.3},
      {{1.5}, 1},
      {{1.5, -2}, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("{", absl::StrJoin(c.contributions, ", "), "}"));
    EXPECT_NEAR(CombineContributions(c.contributions), c.want, 1e-12);
  }
}

TEST(CombineContributionsTest, OrderDoesNotMatterAndOneStrongSignalSuffices) {
  const double a = CombineContributions({0.1, 0.2, 0.9});
  const double b = CombineContributions({0.9, 0.1, 0.2});
  EXPECT_NEAR(a, b, 1e-15);
  EXPECT_GE(CombineContributions({0.95}), 0.80);  // alone reaches "high"
  // Adding evidence never lowers the score.
  EXPECT_GE(CombineContributions({0.4, 0.01}), CombineContributions({0.4}));
}

TEST(BaselineMaturityTest, SmoothedRampFromZeroToOneAtMatureAfter) {
  ModelConfig m;  // mature_after 5, maturity_prior 1
  EXPECT_EQ(BaselineMaturity(m, 0), 0);
  EXPECT_DOUBLE_EQ(BaselineMaturity(m, 1), 0.5 / (5.0 / 6));
  EXPECT_DOUBLE_EQ(BaselineMaturity(m, 2), (2.0 / 3) / (5.0 / 6));
  EXPECT_DOUBLE_EQ(BaselineMaturity(m, 4), 0.8 / (5.0 / 6));
  EXPECT_EQ(BaselineMaturity(m, 5), 1);
  EXPECT_EQ(BaselineMaturity(m, 500), 1);
  EXPECT_EQ(BaselineMaturity(m, -3), 0);
  m.maturity_prior = 0;  // any history counts in full
  EXPECT_EQ(BaselineMaturity(m, 1), 1);
  m.maturity_prior = 1e6;  // approaches the linear ramp
  EXPECT_NEAR(BaselineMaturity(m, 2), 0.4, 1e-5);
}

TEST(LevelForScoreTest, ExactThresholdsReachTheirLevel) {
  std::shared_ptr<const Model> model = LoadDefault();
  ASSERT_NE(model, nullptr);
  const ModelConfig& c = model->config();
  auto below = [](double x) { return std::nextafter(x, 0.0); };
  struct Case {
    double score;
    RiskLevel want;
  };
  const std::vector<Case> cases = {
      {0, RiskLevel::kNone},
      {below(0.30), RiskLevel::kNone},
      {0.30, RiskLevel::kLow},
      {0.4, RiskLevel::kLow},
      {below(0.45), RiskLevel::kLow},
      {0.45, RiskLevel::kMedium},
      {below(0.80), RiskLevel::kMedium},
      {0.80, RiskLevel::kHigh},
      {1, RiskLevel::kHigh},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(absl::StrCat("score ", t.score));
    EXPECT_EQ(LevelForScore(c, t.score), t.want);
  }
  // Thresholds read from a model file.
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> custom,
      Model::FromString("[model]\nname = \"m\"\nversion = 2\n"
                        "[levels]\nlow = 0.1\nmedium = 0.2\nhigh = 0.3\n",
                        "custom.toml"));
  EXPECT_EQ(LevelForScore(custom->config(), 0.1), RiskLevel::kLow);
  EXPECT_EQ(LevelForScore(custom->config(), 0.2), RiskLevel::kMedium);
  EXPECT_EQ(LevelForScore(custom->config(), 0.3), RiskLevel::kHigh);
  EXPECT_EQ(LevelForScore(custom->config(), below(0.1)), RiskLevel::kNone);
}

TEST(PolicyVerdictTest, EachActionWithAndWithoutAnMfaFactor) {
  ModelConfig c;
  auto& sign_in = c.policy[static_cast<int>(EventType::kSignIn)];
  sign_in[0].action = PolicyAction::kAllow;
  sign_in[1].action = PolicyAction::kMfaIfConfigured;
  sign_in[2].action = PolicyAction::kMfaRequired;
  sign_in[3].action = PolicyAction::kBlock;
  struct Case {
    RiskLevel level;
    bool has_factor;
    Verdict want;
  };
  const std::vector<Case> cases = {
      {RiskLevel::kNone, false, Verdict::kAllow},
      {RiskLevel::kNone, true, Verdict::kAllow},
      {RiskLevel::kLow, false, Verdict::kAllow},  // mfa_if_configured
      {RiskLevel::kLow, true, Verdict::kChallenge},
      {RiskLevel::kMedium, false, Verdict::kBlock},  // mfa_required
      {RiskLevel::kMedium, true, Verdict::kChallenge},
      {RiskLevel::kHigh, false, Verdict::kBlock},
      {RiskLevel::kHigh, true, Verdict::kBlock},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(
        absl::StrCat(RiskLevelName(t.level), " factor=", t.has_factor));
    EXPECT_EQ(PolicyVerdict(c, EventType::kSignIn, t.level, t.has_factor),
              t.want);
  }
}

TEST(PolicyVerdictTest, DefaultModelPerEventType) {
  std::shared_ptr<const Model> model = LoadDefault();
  ASSERT_NE(model, nullptr);
  const ModelConfig& c = model->config();
  struct Case {
    EventType type;
    RiskLevel level;
    Verdict without_factor;
    Verdict with_factor;
  };
  const std::vector<Case> cases = {
      {EventType::kSignIn, RiskLevel::kNone, Verdict::kAllow, Verdict::kAllow},
      {EventType::kSignIn, RiskLevel::kLow, Verdict::kAllow, Verdict::kAllow},
      {EventType::kSignIn, RiskLevel::kMedium, Verdict::kAllow,
       Verdict::kChallenge},
      {EventType::kSignIn, RiskLevel::kHigh, Verdict::kBlock,
       Verdict::kChallenge},
      {EventType::kSignUp, RiskLevel::kMedium, Verdict::kAllow,
       Verdict::kChallenge},
      {EventType::kSignUp, RiskLevel::kHigh, Verdict::kBlock, Verdict::kBlock},
      {EventType::kPasswordChange, RiskLevel::kHigh, Verdict::kBlock,
       Verdict::kChallenge},
      {EventType::kForgotPassword, RiskLevel::kMedium, Verdict::kAllow,
       Verdict::kChallenge},
      {EventType::kForgotPassword, RiskLevel::kHigh, Verdict::kBlock,
       Verdict::kChallenge},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(
        absl::StrCat(EventTypeName(t.type), "/", RiskLevelName(t.level)));
    EXPECT_EQ(PolicyVerdict(c, t.type, t.level, false), t.without_factor);
    EXPECT_EQ(PolicyVerdict(c, t.type, t.level, true), t.with_factor);
  }
}

}  // namespace
}  // namespace vigil::internal
