// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Whose clock dates an attempt (EngineOptions::trust_attempt_timestamps): a
// live engine its own, keeping the caller's timestamp as a claim only, so
// backdated attempts still count in the velocity windows and are not
// removed by retention as old; a replay the row's timestamp.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

// Changchun (CN): an address no test user signs in from otherwise.
constexpr char kStuffer[] = "175.16.199.10";

// 30 failed sign-ins of 30 users from one IP, each claiming to have happened
// two hours ago; then one more user from that IP, now.
Decision StuffingRun(EngineFixture& f) {
  for (int i = 0; i < 30; ++i) {
    Attempt a = f.MakeAttempt(absl::StrCat("victim-", i), kStuffer,
                              kFirefoxLinux, "", Outcome::kFailure);
    a.timestamp = f.clock().Now() - absl::Hours(2);
    f.Evaluate(a);
    f.clock().Advance(absl::Seconds(2));
  }
  return f.Evaluate(f.MakeAttempt("victim-next", kStuffer, kFirefoxLinux, "",
                                  Outcome::kUnknown));
}

TEST(ClientTimestampTest, BackdatedFailuresStillCountInTheVelocityWindow) {
  EngineFixture f;
  const Decision d = StuffingRun(f);
  EXPECT_TRUE(HasReason(d, "velocity")) << absl::StrJoin(ReasonNames(d), ",");
}

TEST(ClientTimestampTest, TheServerClockDatesTheEventAndTheClaimIsKept) {
  EngineFixture f;
  Attempt a = f.MakeAttempt("alice", kLondon, kChromeWindows, "fp-1",
                            Outcome::kSuccess);
  const absl::Time claim = absl::FromUnixSeconds(946684800);  // 2000-01-01
  a.timestamp = claim;
  const Decision d = f.Evaluate(a);
  ASSERT_OK_AND_ASSIGN(Event e, f.engine().GetEvent(d.event_id));
  EXPECT_EQ(e.time, f.clock().Now());
  ASSERT_TRUE(e.client_time.has_value());
  EXPECT_EQ(*e.client_time, claim);
  // The history's order (and retention, which reads the key) follow the
  // server's time: a later event without a claim is listed first.
  f.clock().Advance(absl::Minutes(1));
  const Decision later = f.Evaluate(f.MakeAttempt(
      "alice", kLondon, kChromeWindows, "fp-1", Outcome::kSuccess));
  ASSERT_OK_AND_ASSIGN(EventPage page, f.engine().ListEvents("alice", "", 10));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].event_id, later.event_id);
  EXPECT_FALSE(page.events[0].client_time.has_value());
  EXPECT_EQ(page.events[1].event_id, d.event_id);
  EXPECT_EQ(page.events[1].client_time, claim) << "survives the store";
}

TEST(ClientTimestampTest, AClaimTooFarAheadIsStillRefused) {
  EngineFixture f;
  Attempt a = f.MakeAttempt("alice", kLondon, kChromeWindows, "fp-1",
                            Outcome::kSuccess);
  a.timestamp = f.clock().Now() + absl::Minutes(6);
  absl::StatusOr<Decision> d = f.engine().Evaluate(a);
  EXPECT_TRUE(absl::IsInvalidArgument(d.status())) << d.status();
  ASSERT_OK_AND_ASSIGN(EventPage page, f.engine().ListEvents("alice", "", 10));
  EXPECT_TRUE(page.events.empty());
}

TEST(ClientTimestampTest, AReplayEngineUsesTheRowTimestamps) {
  EngineFixture f("", false, {}, {},
                  [](EngineOptions* o) { o->trust_attempt_timestamps = true; });
  const Decision d = StuffingRun(f);
  EXPECT_FALSE(HasReason(d, "velocity"))
      << "the rows say two hours ago: outside the 60-minute window";
  Attempt a = f.MakeAttempt("alice", kLondon, kChromeWindows, "fp-1",
                            Outcome::kSuccess);
  const absl::Time when = f.clock().Now() - absl::Hours(3);
  a.timestamp = when;
  const Decision e = f.Evaluate(a);
  ASSERT_OK_AND_ASSIGN(Event event, f.engine().GetEvent(e.event_id));
  EXPECT_EQ(event.time, when);
  EXPECT_FALSE(event.client_time.has_value());
}

}  // namespace
}  // namespace vigil::testing
