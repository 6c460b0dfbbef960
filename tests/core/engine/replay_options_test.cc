// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The engine options a replay uses (engine/replay_options.h): ephemeral
// state decides exactly as the write-through engine does, also when its cache
// evicts; record_events off keeps no history; learn_passed_challenges learns
// a challenged success unless the row is labelled as an attack, and counts it
// as a success of its address.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"

namespace vigil {
namespace {

using testing::EngineFixture;

// A few rounds of sign-ins of `users` users from home, then each from abroad
// with a new browser: the second half is where learned state matters.
std::vector<Attempt> History(const EngineFixture& f, int users) {
  std::vector<Attempt> out;
  const char* homes[] = {testing::kLondon, testing::kLinkoping, testing::kMilton};
  for (int round = 0; round < 6; ++round) {
    for (int u = 0; u < users; ++u) {
      const std::string user = "user-" + std::to_string(u);
      out.push_back(f.MakeAttempt(user, homes[u % 3], testing::kChromeWindows,
                                  "fp-" + std::to_string(u),
                                  round == 2 ? Outcome::kFailure : Outcome::kSuccess));
    }
  }
  for (int u = 0; u < users; ++u) {
    out.push_back(f.MakeAttempt("user-" + std::to_string(u), testing::kMelbourne,
                                testing::kFirefoxLinux, "fp-away", Outcome::kSuccess));
  }
  return out;
}

struct Seen {
  double score;
  RiskLevel level;
  Verdict verdict;
  std::vector<std::string> reasons;
  int64_t baseline;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> EvaluateAll(EngineFixture& f, const std::vector<Attempt>& attempts) {
  std::vector<Seen> seen;
  for (const Attempt& a : attempts) {
    Decision d = f.Evaluate(a);
    seen.push_back({d.score, d.level, d.verdict, testing::ReasonNames(d),
                    d.baseline.successful_sign_ins});
    f.clock().Advance(absl::Minutes(7));
  }
  return seen;
}

TEST(ReplayOptionsTest, EphemeralStateDecidesAsWriteThroughAlsoWhenEvicting) {
  EngineFixture live;
  // 64 entries in all (one per shard): 40 users and their counters do not
  // fit, so records are evicted, written back and read again.
  EngineFixture ephemeral(
      "", false, {}, {},
      [](EngineOptions* o) { o->state_cache_entries = 64; },
      {.ephemeral_state = true});
  const std::vector<Attempt> attempts = History(live, 40);
  const std::vector<Seen> a = EvaluateAll(live, attempts);
  const std::vector<Seen> b = EvaluateAll(ephemeral, attempts);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i], b[i]) << "attempt " << i;
  }
  // The abroad sign-ins were judged on learned profiles.
  EXPECT_GE(a.back().baseline, 5);
  EXPECT_FALSE(a.back().reasons.empty());
}

TEST(ReplayOptionsTest, RecordEventsOffKeepsNoHistoryButStillLearns) {
  EngineFixture f("", false, {}, {}, nullptr, {.record_events = false});
  Decision first = f.Evaluate(f.MakeAttempt("u", testing::kLondon, testing::kChromeWindows,
                                            "fp", Outcome::kSuccess));
  Decision second = f.Evaluate(f.MakeAttempt("u", testing::kLondon, testing::kChromeWindows,
                                             "fp", Outcome::kUnknown));
  EXPECT_EQ(second.baseline.successful_sign_ins, 1);
  EXPECT_TRUE(absl::IsNotFound(f.engine().GetEvent(first.event_id).status()));
  ASSERT_OK_AND_ASSIGN(EventPage page, f.engine().ListEvents("u", "", 10));
  EXPECT_TRUE(page.events.empty());
  EXPECT_TRUE(absl::IsNotFound(
      f.engine().RecordOutcome(second.event_id, Outcome::kSuccess)));
}

// Builds a baseline in London, then signs in from Melbourne with a new
// browser (challenged), labelled as `label`; returns the later baseline.
// Probation off: the passed challenge is learned at once (with it on, a
// challenge passed at medium or above is learned on probation).
int64_t BaselineAfterChallengedSuccess(bool learn, std::optional<AttemptLabel> label) {
  EngineFixture f(testing::EditedDefaultModel({{"probation = true\n", "probation = false\n"}}),
                  false, {}, {}, nullptr,
                  {.assume_mfa_factor = true, .learn_passed_challenges = learn});
  f.BuildBaseline("u", testing::kLondon, testing::kChromeWindows, "fp", 8,
                  absl::Hours(20));
  Attempt away = f.MakeAttempt("u", testing::kMelbourne, testing::kFirefoxLinux,
                               "fp-new", Outcome::kSuccess);
  away.label = label;
  Decision d = f.Evaluate(away);
  EXPECT_EQ(d.verdict, Verdict::kChallenge) << "score " << d.score;
  f.clock().Advance(absl::Hours(1));
  return f.Evaluate(f.MakeAttempt("u", testing::kLondon, testing::kChromeWindows, "fp",
                                  Outcome::kUnknown))
      .baseline.successful_sign_ins;
}

TEST(ReplayOptionsTest, LearnPassedChallengesLearnsUnlessLabelledAnAttack) {
  EXPECT_EQ(BaselineAfterChallengedSuccess(false, std::nullopt), 8);
  EXPECT_EQ(BaselineAfterChallengedSuccess(true, std::nullopt), 9);
  AttemptLabel legit;
  EXPECT_EQ(BaselineAfterChallengedSuccess(true, legit), 9);
  AttemptLabel attack;
  attack.attack = true;
  EXPECT_EQ(BaselineAfterChallengedSuccess(true, attack), 8);
  AttemptLabel takeover;
  takeover.account_takeover = true;
  EXPECT_EQ(BaselineAfterChallengedSuccess(true, takeover), 8);
}

// The velocity detail of a failure from Melbourne, after a challenged
// success there and failures of 25 other users from there.
std::string VelocityAfterChallengedSuccess(bool learn) {
  EngineFixture f("", false, {}, {}, nullptr,
                  {.assume_mfa_factor = true, .learn_passed_challenges = learn});
  f.BuildBaseline("u", testing::kLondon, testing::kChromeWindows, "fp", 8,
                  absl::Hours(20));
  Decision d =
      f.Evaluate(f.MakeAttempt("u", testing::kMelbourne, testing::kFirefoxLinux,
                               "fp-new", Outcome::kSuccess));
  EXPECT_EQ(d.verdict, Verdict::kChallenge) << "score " << d.score;
  for (int i = 0; i < 26; ++i) {
    f.clock().Advance(absl::Seconds(10));
    d = f.Evaluate(f.MakeAttempt("other-" + std::to_string(i),
                                 testing::kMelbourne, testing::kFirefoxLinux,
                                 "", Outcome::kFailure));
  }
  for (const Reason& r : d.reasons) {
    if (r.signal == "velocity") return r.detail;
  }
  return "";
}

TEST(ReplayOptionsTest, APassedChallengeCountsASuccessOfItsAddressAsLive) {
  // Live, the passed challenge counts the success (RecordChallengeResponse);
  // a replay's stand-in for it does too.
  EXPECT_THAT(VelocityAfterChallengedSuccess(true),
              ::testing::HasSubstr("(1 successes;"));
  EXPECT_THAT(VelocityAfterChallengedSuccess(false),
              ::testing::HasSubstr("(0 successes;"));
}

}  // namespace
}  // namespace vigil
