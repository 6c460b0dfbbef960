// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The foundation's scenarios, end to end through the public API: a real
// RocksDB store, the MaxMind test databases, the shipped default model.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"

namespace vigil {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::EngineFixture;
using testing::HasReason;
using testing::ReasonNames;

constexpr char kUser[] = "alice";
constexpr char kLaptop[] = "fp-laptop-1";
constexpr char kPhone[] = "fp-phone-1";

// alice: 12 trusted sign-ins from home (London), one per day, same laptop.
void AliceAtHome(EngineFixture& f) {
  f.BuildBaseline(kUser, testing::kLondon, testing::kChromeWindows, kLaptop, 12,
                  absl::Hours(24));
}

TEST(ScenarioTest, KnownDeviceFromHomeIsAllowedAtLevelNone) {
  EngineFixture f;
  AliceAtHome(f);
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kLondon,
                                        testing::kChromeWindows, kLaptop,
                                        Outcome::kSuccess));
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.level, RiskLevel::kNone);
  // Issue 17: an allow is never unexplained. No signal contributed, and the
  // one reason says what was found ordinary.
  ASSERT_THAT(ReasonNames(d), ElementsAre("baseline"));
  EXPECT_EQ(d.reasons[0].contribution, 0);
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("no signal contributed"));
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("device known"));
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("12 trusted sign-ins"));
  EXPECT_EQ(d.context.device, "known");
  EXPECT_EQ(d.context.country, "GB");
  EXPECT_EQ(d.context.city, "London");
  EXPECT_EQ(d.baseline.successful_sign_ins, 12);
  EXPECT_TRUE(d.baseline.mature);
  EXPECT_EQ(d.model, "default@1");
}

TEST(ScenarioTest, AnotherContinentThirtyMinutesLaterIsHighGeoVelocity) {
  EngineFixture f;
  AliceAtHome(f);
  f.Evaluate(f.MakeAttempt(kUser, testing::kLondon, testing::kChromeWindows,
                           kLaptop, Outcome::kSuccess));
  f.clock().Advance(absl::Minutes(30));
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kMelbourne,
                                        testing::kChromeWindows, kLaptop,
                                        Outcome::kSuccess));
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons[0].signal, "geo_velocity");
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("London GB -> Melbourne AU"));
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("in 30 min"));
  // No MFA factor: mfa_required blocks.
  EXPECT_EQ(d.verdict, Verdict::kBlock);
}

// A new phone on the home IP (the home Wi-Fi) is allowed; from another IP
// of the home /24 it is medium (ato_targeted signs in from there:
// RiskMemoryTest.ANewDeviceFromAnotherIpOfTheHomeSlash24IsChallenged).
TEST(ScenarioTest, NewPhoneOnTheHomeIpIsAtMostLow) {
  EngineFixture f;
  AliceAtHome(f);
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kLondon,
                                        testing::kSafariIphone, kPhone,
                                        Outcome::kSuccess));
  EXPECT_LE(d.level, RiskLevel::kLow);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(HasReason(d, "new_device")) << d.score;
  EXPECT_FALSE(HasReason(d, "geo_velocity"));
  EXPECT_EQ(d.context.device, "new");
}

TEST(ScenarioTest, NewCountryAndNewDeviceIsAtLeastMedium) {
  EngineFixture f;
  AliceAtHome(f);
  f.clock().Advance(absl::Hours(72));  // a plausible trip
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kLinkoping,
                                        testing::kSafariIphone, kPhone,
                                        Outcome::kSuccess));
  EXPECT_GE(d.level, RiskLevel::kMedium) << d.score;
  EXPECT_TRUE(HasReason(d, "unfamiliar"));
  EXPECT_TRUE(HasReason(d, "new_device"));
  EXPECT_FALSE(HasReason(d, "geo_velocity"));
  EXPECT_EQ(d.context.country, "SE");
}

TEST(ScenarioTest, StuffingIpIsHighVelocity) {
  EngineFixture f;
  for (int i = 0; i < 50; ++i) {
    f.Evaluate(f.MakeAttempt("user" + std::to_string(i), testing::kChangchun,
                             testing::kFirefoxLinux, "", Outcome::kFailure));
    f.clock().Advance(absl::Seconds(6));  // 50 users in 5 minutes
  }
  Decision d = f.Evaluate(f.MakeAttempt("victim", testing::kChangchun,
                                        testing::kFirefoxLinux, "",
                                        Outcome::kUnknown));
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons[0].signal, "velocity");
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("175.16.199.10"));
}

TEST(ScenarioTest, OfficeIpWithManySuccessfulUsersIsNotFlagged) {
  EngineFixture f;
  const std::string office = "89.160.20.140";
  // 50 colleagues sign in every working day for a week; a few typos a day.
  for (int day = 0; day < 5; ++day) {
    for (int i = 0; i < 50; ++i) {
      const std::string user = "staff" + std::to_string(i);
      if (i % 10 == day) {
        f.Evaluate(f.MakeAttempt(user, office, testing::kChromeWindows,
                                 "fp-" + user, Outcome::kFailure));
      }
      Decision d = f.Evaluate(f.MakeAttempt(user, office, testing::kChromeWindows,
                                            "fp-" + user, Outcome::kSuccess));
      EXPECT_FALSE(HasReason(d, "velocity")) << "day " << day << " " << user;
      f.clock().Advance(absl::Seconds(20));
    }
    f.clock().Advance(absl::Hours(24) - absl::Seconds(20 * 50));
  }
  Decision d = f.Evaluate(f.MakeAttempt("staff7", office, testing::kChromeWindows,
                                        "fp-staff7", Outcome::kSuccess));
  EXPECT_FALSE(HasReason(d, "velocity"));
  EXPECT_EQ(d.level, RiskLevel::kNone);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
}

TEST(ScenarioTest, AlwaysBlockRangeIsBlocked) {
  EngineFixture f(testing::EditedDefaultModel(
      {{"always_block = []", "always_block = [\"175.16.199.0/24\"]"}}));
  Decision d = f.Evaluate(f.MakeAttempt("bob", testing::kChangchun,
                                        testing::kChromeWindows, "",
                                        Outcome::kUnknown));
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  ASSERT_THAT(ReasonNames(d), ElementsAre("ip_reputation"));
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("175.16.199.0/24"));
}

TEST(ScenarioTest, AlwaysAllowRangeIsAllowedWithNoSignalEvaluated) {
  EngineFixture f(testing::EditedDefaultModel(
      {{"always_allow = []", "always_allow = [\"214.0.1.0/24\"]"}}));
  AliceAtHome(f);
  f.Evaluate(f.MakeAttempt(kUser, testing::kLondon, testing::kChromeWindows,
                           kLaptop, Outcome::kSuccess));
  f.clock().Advance(absl::Minutes(30));
  // Impossible travel to a new device, but from an always-allowed range.
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kMelbourne,
                                        testing::kSafariIphone, kPhone,
                                        Outcome::kUnknown));
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.level, RiskLevel::kNone);
  EXPECT_EQ(d.score, 0);
  // Issue 17: the range that decided is the reason.
  ASSERT_THAT(ReasonNames(d), ElementsAre("ip_reputation"));
  EXPECT_EQ(d.reasons[0].score, 0);
  EXPECT_EQ(d.reasons[0].contribution, 0);
  EXPECT_THAT(d.reasons[0].detail,
              HasSubstr("in always-allow range 214.0.1.0/24"));
  EXPECT_THAT(d.signal_failures, IsEmpty());
}

// Issue 17: a new user's first sign-in is allowed because the baseline is not
// mature; the reason says so.
TEST(ScenarioTest, FirstSignInExplainsTheImmatureBaseline) {
  EngineFixture f;
  Decision d =
      f.Evaluate(f.MakeAttempt(kUser, testing::kLondon, testing::kChromeWindows,
                               kLaptop, Outcome::kSuccess));
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.level, RiskLevel::kNone);
  ASSERT_THAT(ReasonNames(d), ElementsAre("baseline"));
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("device new; 0 trusted sign-ins"));
  EXPECT_THAT(d.reasons[0].detail,
              HasSubstr("baseline not mature: new_device and unfamiliar weigh "
                        "0.00"));
}

// Issue 17: mfa_required for a user without a factor blocks, and the
// decision says that this is why (after the signals that made it high).
TEST(ScenarioTest, MfaRequiredWithoutAFactorSaysWhyItBlocks) {
  EngineFixture f;
  AliceAtHome(f);
  f.Evaluate(f.MakeAttempt(kUser, testing::kLondon, testing::kChromeWindows,
                           kLaptop, Outcome::kSuccess));
  f.clock().Advance(absl::Minutes(30));
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kMelbourne,
                                        testing::kChromeWindows, kLaptop,
                                        Outcome::kSuccess));
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons[0].signal, "geo_velocity");
  const Reason& why = d.reasons.back();
  EXPECT_EQ(why.signal, "mfa_required_no_factor");
  EXPECT_EQ(why.score, 1);
  EXPECT_EQ(why.contribution, 0);
  EXPECT_EQ(why.detail,
            "high risk on sign_in requires MFA (mfa_required) and the user "
            "has no MFA factor: blocked");
}

TEST(ScenarioTest, AuditModeAnswersAllowAndRecordsTheEnforcedDecision) {
  EngineFixture f(testing::EditedDefaultModel(
      {{"mode = \"enforced\"", "mode = \"audit\""}}));
  AliceAtHome(f);
  f.Evaluate(f.MakeAttempt(kUser, testing::kLondon, testing::kChromeWindows,
                           kLaptop, Outcome::kSuccess));
  f.clock().Advance(absl::Minutes(30));
  Decision d = f.Evaluate(f.MakeAttempt(kUser, testing::kMelbourne,
                                        testing::kChromeWindows, kLaptop,
                                        Outcome::kSuccess));
  EXPECT_EQ(d.mode, Mode::kAudit);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.enforced_verdict, Verdict::kBlock);
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  EXPECT_TRUE(HasReason(d, "geo_velocity"));

  absl::StatusOr<Event> recorded = f.engine().GetEvent(d.event_id);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->decision.enforced_verdict, Verdict::kBlock);
  EXPECT_EQ(recorded->decision.verdict, Verdict::kAllow);
  EXPECT_EQ(recorded->decision.level, RiskLevel::kHigh);
  // What enforcement would have blocked is not learned, even in audit mode.
  Decision next = f.Evaluate(f.MakeAttempt(kUser, testing::kLondon,
                                           testing::kChromeWindows, kLaptop,
                                           Outcome::kUnknown));
  EXPECT_EQ(next.baseline.successful_sign_ins, 13);
}

TEST(ScenarioTest, TorExitNodeRaisesIpReputation) {
  EngineFixture f("", /*anonymizer_db=*/true);
  // 65.0.0.0/13 is a Tor exit range in the Anonymous IP test database.
  Decision d = f.Evaluate(f.MakeAttempt("carol", "65.0.0.1",
                                        testing::kFirefoxLinux, "",
                                        Outcome::kUnknown));
  ASSERT_TRUE(HasReason(d, "ip_reputation"));
  EXPECT_EQ(d.reasons[0].signal, "ip_reputation");
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("Tor exit node"));
  EXPECT_NEAR(d.reasons[0].score, 0.9, 1e-9);
  EXPECT_EQ(d.level, RiskLevel::kMedium);  // 0.6 * 0.9 = 0.54
}

TEST(ScenarioTest, NewUserWithValidSignInIsAllowedAndStartsBaseline) {
  EngineFixture f;
  Decision first = f.Evaluate(f.MakeAttempt("newbie", testing::kMilton,
                                            testing::kFirefoxLinux, "fp-n",
                                            Outcome::kSuccess));
  EXPECT_EQ(first.verdict, Verdict::kAllow);
  EXPECT_EQ(first.level, RiskLevel::kNone);
  EXPECT_EQ(first.baseline.successful_sign_ins, 0);
  EXPECT_FALSE(first.baseline.mature);
  Decision second = f.Evaluate(f.MakeAttempt("newbie", testing::kMilton,
                                             testing::kFirefoxLinux, "fp-n",
                                             Outcome::kUnknown));
  EXPECT_EQ(second.baseline.successful_sign_ins, 1);
  EXPECT_EQ(second.context.device, "known");
}

}  // namespace
}  // namespace vigil
