// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Opposite feedback on one event (a mail scanner that follows both one-click
// links): the second click leaves the profile exactly as if the first had
// never been given, and later decisions are those of the second click alone.
// A real engine: RocksDB in a temporary folder, the MaxMind test databases.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "store/profile_record.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

// Both in Russia (GeoIP2 City test data), in different /48 networks.
constexpr char kMoscowNet1[] = "2a02:d0c0::5";
constexpr char kMoscowNet2[] = "2a02:d840::7";

struct Result {
  RiskLevel attacker_level = RiskLevel::kNone;
  RiskLevel later_level = RiskLevel::kNone;
  Verdict later_verdict = Verdict::kAllow;
  std::string later_reasons;
  std::string profile;  // the stored profile record, byte for byte
};

// A user at home in London; an attacker signs in from one Russian network;
// `clicks` are given on that event; two hours later a sign-in from another
// Russian network with the attacker's browser.
Result RunScenario(const std::vector<FeedbackValue>& clicks) {
  Result r;
  EngineFixture f;
  f.BuildBaseline("alice", kLondon, kChromeWindows, "fp-home", 12,
                  absl::Hours(20));
  const Decision attacker = f.Evaluate(f.MakeAttempt(
      "alice", kMoscowNet1, kFirefoxLinux, "fp-attacker", Outcome::kUnknown));
  r.attacker_level = attacker.level;
  f.clock().Advance(absl::Minutes(10));
  for (FeedbackValue v : clicks) {
    EXPECT_TRUE(f.engine().RecordFeedback(attacker.event_id, v, "email").ok());
  }
  f.clock().Advance(absl::Hours(2));
  const Decision later = f.Evaluate(f.MakeAttempt(
      "alice", kMoscowNet2, kFirefoxLinux, "fp-attacker-2", Outcome::kUnknown));
  r.later_level = later.level;
  r.later_verdict = later.verdict;
  r.later_reasons = absl::StrJoin(ReasonNames(later), ",");
  const std::string db = f.data_dir() + "/db";
  f.Close();
  RocksDbOptions ro;
  ro.path = db;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(ro);
  EXPECT_TRUE(store.ok()) << store.status();
  if (store.ok()) {
    EXPECT_TRUE((*store)->Get(Table::kUsers, "alice", &r.profile).ok());
  }
  return r;
}

std::string Describe(const std::string& record) {
  internal::UserProfile p;
  if (!p.Decode(record)) return "<unreadable>";
  std::string out = absl::StrCat(
      "sign_ins=", p.successful_sign_ins, " last_success=", p.last_success,
      " trusted=", p.trusted_city, "/", p.trusted_country,
      " reset=", p.password_reset_required,
      " distrusted=", p.distrusted.size());
  for (int i = 0; i < internal::kFeatureCount; ++i) {
    absl::StrAppend(&out, " f", i, "=", p.features[i].size());
  }
  return out;
}

TEST(FeedbackUndoTest, NotMeAfterItWasMeIsAsIfOnlyNotMeWasGiven) {
  const Result only_not_me = RunScenario({FeedbackValue::kInvalid});
  const Result both =
      RunScenario({FeedbackValue::kValid, FeedbackValue::kInvalid});
  ASSERT_GE(only_not_me.attacker_level, RiskLevel::kMedium);
  EXPECT_EQ(both.later_level, only_not_me.later_level)
      << "both: " << both.later_reasons
      << "\nonly not-me: " << only_not_me.later_reasons;
  EXPECT_EQ(both.later_verdict, only_not_me.later_verdict);
  EXPECT_EQ(both.profile, only_not_me.profile)
      << "both:        " << Describe(both.profile)
      << "\nonly not-me: " << Describe(only_not_me.profile);
}

TEST(FeedbackUndoTest, ItWasMeAfterNotMeIsAsIfOnlyItWasMeWasGiven) {
  const Result only_me = RunScenario({FeedbackValue::kValid});
  const Result both =
      RunScenario({FeedbackValue::kInvalid, FeedbackValue::kValid});
  EXPECT_EQ(both.later_level, only_me.later_level)
      << "both: " << both.later_reasons
      << "\nonly me: " << only_me.later_reasons;
  EXPECT_EQ(both.later_verdict, only_me.later_verdict);
  EXPECT_EQ(both.profile, only_me.profile)
      << "both:    " << Describe(both.profile)
      << "\nonly me: " << Describe(only_me.profile);
}

TEST(FeedbackUndoTest, ClicksBackAndForthEndAsTheLastOneAlone) {
  const Result only_not_me = RunScenario({FeedbackValue::kInvalid});
  const Result many = RunScenario(
      {FeedbackValue::kValid, FeedbackValue::kInvalid, FeedbackValue::kValid,
       FeedbackValue::kValid, FeedbackValue::kInvalid});
  EXPECT_EQ(many.profile, only_not_me.profile)
      << "many:        " << Describe(many.profile)
      << "\nonly not-me: " << Describe(only_not_me.profile);
  EXPECT_EQ(many.later_level, only_not_me.later_level);
}

// Learning that happens between the two clicks stays: the revert takes back
// what the feedback did, not what came after it.
TEST(FeedbackUndoTest, LaterTrustedSignInsSurviveTheRevert) {
  // Without probation, so that the trip below (a low-level success) is
  // learned at once; probation has its own tests (risk_memory_test.cc).
  EngineFixture f(
      EditedDefaultModel({{"probation = true", "probation = false"}}));
  f.BuildBaseline("bob", kLondon, kChromeWindows, "fp-home", 12,
                  absl::Hours(20));
  const Decision attacker = f.Evaluate(f.MakeAttempt(
      "bob", kMoscowNet1, kFirefoxLinux, "fp-attacker", Outcome::kUnknown));
  ASSERT_OK(f.engine().RecordFeedback(attacker.event_id, FeedbackValue::kValid,
                                      "email"));
  f.clock().Advance(absl::Hours(30));
  // Bob himself, from home and from Linköping, after the first click.
  const Decision home = f.Evaluate(f.MakeAttempt("bob", kLondon, kChromeWindows,
                                                 "fp-home", Outcome::kSuccess));
  ASSERT_EQ(home.verdict, Verdict::kAllow);
  f.clock().Advance(absl::Hours(30));
  const Decision trip = f.Evaluate(f.MakeAttempt(
      "bob", kLinkoping, kChromeWindows, "fp-home", Outcome::kSuccess));
  ASSERT_EQ(trip.verdict, Verdict::kAllow);
  ASSERT_OK(f.engine().RecordFeedback(attacker.event_id,
                                      FeedbackValue::kInvalid, "email"));
  const std::string db = f.data_dir() + "/db";
  f.Close();
  RocksDbOptions ro;
  ro.path = db;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, OpenRocksDbStore(ro));
  std::string record;
  ASSERT_OK(store->Get(Table::kUsers, "bob", &record));
  internal::UserProfile p;
  ASSERT_TRUE(p.Decode(record));
  EXPECT_EQ(p.successful_sign_ins, 12 + 2);
  EXPECT_EQ(p.trusted_country, "SE") << "Linköping came after the click";
  EXPECT_TRUE(p.password_reset_required);
  // The attacker's browser is forgotten; Bob's own stays.
  const auto& browsers =
      p.features[static_cast<int>(internal::Feature::kBrowser)];
  EXPECT_EQ(browsers.size(), 1u);
  EXPECT_EQ(browsers.at(0).count, 14u);
}

}  // namespace
}  // namespace vigil::testing
