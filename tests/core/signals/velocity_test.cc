// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// velocity: credential stuffing / password spraying from one IP or ASN
// (distinct failing users, failed attempts, with tolerance earned by users
// who signed in successfully from the IP) and brute force on one user
// (consecutive failures). Counters are built with CounterRecord::Add, as the
// merge operator builds them.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/hash.h"
#include "core/signals/signal_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signals/signal.h"
#include "signals/velocity.h"
#include "vigil/model.h"

namespace vigil::internal {
namespace {

using testing::MutableSettings;
using testing::TestInput;

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;

uint64_t User(int i) {
  return StableHash(absl::StrCat("user-", i), /*engine's seed*/ 0x7573);
}

int64_t Now(const TestInput& in) { return absl::ToUnixSeconds(in.now); }

// `users` distinct users failing once each, spread over the `span` seconds
// before now.
void FailingUsers(TestInput* in, CounterRecord* r, int first, int users,
                  int64_t span) {
  for (int i = 0; i < users; ++i) {
    r->Add(Now(*in) - span + (span * i) / users, CounterKind::kFailure,
           User(first + i));
  }
}

// `users` distinct users signing in successfully, spread over the last week.
void TrustedUsers(TestInput* in, CounterRecord* r, int first, int users) {
  for (int i = 0; i < users; ++i) {
    r->Add(Now(*in) - (6 * 24 * kHour * i) / users - kHour,
           CounterKind::kSuccess, User(first + i));
  }
}

SignalResult Evaluate(const TestInput& in) {
  return VelocitySignal()->Evaluate(in.Get());
}

TEST(VelocityTest, FiftyFailingUsersFromOneIpInTenMinutes) {
  TestInput in;
  FailingUsers(&in, &in.ip_counters, 0, 50, 10 * kMinute);
  const SignalResult r = Evaluate(in);
  EXPECT_EQ(r.score, 1);
  EXPECT_FALSE(r.failed);
  const double estimate = in.ip_counters.ShortWindow(in.now, absl::Hours(1))
                              .failure_users.Estimate();
  EXPECT_NEAR(estimate, 50, 5);
  EXPECT_THAT(r.detail,
              ::testing::StartsWith(absl::StrFormat(
                  "IP 203.0.113.7: 50 failed sign-ins for ~%.0f users in 60 "
                  "min (0 successes; ~",
                  estimate)));
}

// The most common credential-stuffing case: nobody ever signed in
// successfully from the attacking IP. Regression test: UserSketch::Estimate()
// once returned -0.0 for an empty sketch, and the detail read "~-0 users".
TEST(VelocityTest, DetailOfAnIpWithNoTrustedUsersSaysZero) {
  TestInput in;
  FailingUsers(&in, &in.ip_counters, 0, 50, 10 * kMinute);
  const SignalResult r = Evaluate(in);
  ASSERT_EQ(r.score, 1);
  EXPECT_THAT(
      r.detail,
      ::testing::EndsWith("(0 successes; ~0 users trusted from it this week)"));
}

TEST(VelocityTest, IpCases) {
  struct Case {
    const char* name;
    int failing_users;         // distinct, in the last 10 minutes
    int failures_of_one_user;  // extra failures of one more user, last 30 min
    int trusted_users;         // distinct successes over the last week
    int recent_successes;      // successes in the last 10 minutes
    double min_score, max_score;
  };
  const std::vector<Case> cases = {
      // A busy shared IP: 50 users trusted this week, 3 failures.
      {"office with a few failures", 3, 0, 50, 0, 0, 0},
      // 20 failing users is over the bare tolerance of 5 (+10 ramp) ...
      {"20 failing users, no trust", 20, 0, 0, 0, 1, 1},
      // ... but not over 5 + 0.5 * ~50 trusted users.
      {"20 failing users, 50 trusted", 20, 0, 50, 0, 0, 0},
      {"5 failing users is tolerated", 5, 0, 0, 0, 0, 0.06},
      // Failed attempts: tolerance 20, ramp 30.
      {"35 failures of one user", 0, 35, 0, 0, 0.5, 0.5},
      {"35 failures, 5 recent successes", 0, 35, 0, 5, 1.0 / 3, 1.0 / 3},
      {"20 failures of one user", 0, 20, 0, 0, 0, 0},
      {"60 failures of one user", 0, 60, 0, 0, 1, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestInput in;
    FailingUsers(&in, &in.ip_counters, 0, c.failing_users, 10 * kMinute);
    for (int i = 0; i < c.failures_of_one_user; ++i) {
      in.ip_counters.Add(Now(in) - 30 * kMinute + i, CounterKind::kFailure,
                         User(9999));
    }
    TrustedUsers(&in, &in.ip_counters, 1000, c.trusted_users);
    for (int i = 0; i < c.recent_successes; ++i) {
      in.ip_counters.Add(Now(in) - 60, CounterKind::kSuccess, User(2000 + i));
    }
    const SignalResult r = Evaluate(in);
    EXPECT_GE(r.score, c.min_score - 1e-12);
    EXPECT_LE(r.score, c.max_score + 1e-12);
    if (r.score > 0) {
      EXPECT_THAT(r.detail, ::testing::StartsWith("IP 203.0.113.7: "));
    } else {
      EXPECT_EQ(r.detail, "");
    }
  }
}

TEST(VelocityTest, FailuresOutsideTheWindowDoNotCount) {
  TestInput in;
  // 50 failing users 70 to 80 minutes ago: outside the 60-minute window.
  for (int i = 0; i < 50; ++i) {
    in.ip_counters.Add(Now(in) - 80 * kMinute + i * 12, CounterKind::kFailure,
                       User(i));
  }
  EXPECT_EQ(Evaluate(in).score, 0);
  // 50 users 20 to 30 minutes ago: in the default 60-minute window, out of a
  // 15-minute one.
  TestInput recent;
  for (int i = 0; i < 50; ++i) {
    recent.ip_counters.Add(Now(recent) - 30 * kMinute + i * 12,
                           CounterKind::kFailure, User(i));
  }
  EXPECT_EQ(Evaluate(recent).score, 1);
  MutableSettings<VelocitySettings>(&recent.config).ip_window_minutes = 15;
  EXPECT_EQ(Evaluate(recent).score, 0);
}

TEST(VelocityTest, ManyFailingUsersFromOneAsn) {
  TestInput in;
  in.geo.asn = 3320;
  FailingUsers(&in, &in.asn_counters, 0, 150, 30 * kMinute);
  SignalResult r = Evaluate(in);
  EXPECT_EQ(r.score, 1);
  const double estimate = in.asn_counters.ShortWindow(in.now, absl::Hours(1))
                              .failure_users.Estimate();
  EXPECT_EQ(r.detail,
            absl::StrFormat("AS3320: failed sign-ins for ~%.0f users in 60 min",
                            estimate));
  // 30 failing users in the ASN are under its tolerance of 40.
  TestInput few;
  few.geo.asn = 3320;
  FailingUsers(&few, &few.asn_counters, 0, 30, 30 * kMinute);
  EXPECT_EQ(Evaluate(few).score, 0);
  // ASN unknown: the ASN counters are not consulted.
  in.geo.asn = 0;
  EXPECT_EQ(Evaluate(in).score, 0);
}

TEST(VelocityTest, UserFailureStreak) {
  struct Case {
    uint32_t streak;
    int64_t last_failure_ago;
    double score;
  };
  const std::vector<Case> cases = {
      {0, 60, 0},
      {1, 60, 0},
      {4, 60, 0},
      {5, 60, 0.2},
      {6, 60, 0.4},
      {8, 60, 0.8},
      {9, 60, 1},
      {30, 60, 1},
      // Streaks whose last failure is a day old or more do not count.
      {9, 86399, 1},
      {9, 86400, 0},
      {9, 25 * kHour, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("streak ", c.streak, ", last ",
                              c.last_failure_ago, " s ago"));
    TestInput in;
    in.profile.failure_streak = c.streak;
    in.profile.last_failure = Now(in) - c.last_failure_ago;
    const SignalResult r = Evaluate(in);
    EXPECT_NEAR(r.score, c.score, 1e-12);
    if (c.score > 0) {
      EXPECT_EQ(
          r.detail,
          absl::StrCat(c.streak, " consecutive failed sign-ins for this user"));
    }
  }
}

TEST(VelocityTest, CounterFailureFollowsOnError) {
  struct Case {
    OnError on_error;
    double score;
  };
  for (const Case& c : {Case{OnError::kOpen, 0}, Case{OnError::kClosed, 1}}) {
    SCOPED_TRACE(c.on_error == OnError::kOpen ? "open" : "closed");
    TestInput in;
    in.counters_failed = true;
    MutableSettings<VelocitySettings>(&in.config).on_error = c.on_error;
    const SignalResult r = Evaluate(in);
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, "velocity counters unavailable");
  }
}

TEST(VelocityTest, TheHighestPartNamesTheReason) {
  // IP part 1, user part 0.2: the IP is named.
  TestInput in;
  FailingUsers(&in, &in.ip_counters, 0, 50, 10 * kMinute);
  in.profile.failure_streak = 5;
  in.profile.last_failure = Now(in) - 60;
  EXPECT_EQ(Evaluate(in).score, 1);
  EXPECT_THAT(Evaluate(in).detail, ::testing::StartsWith("IP "));
  // User part 1 alone.
  TestInput user;
  user.profile.failure_streak = 12;
  user.profile.last_failure = Now(user) - 60;
  EXPECT_EQ(Evaluate(user).detail,
            "12 consecutive failed sign-ins for this user");
}

// velocity owns its settings: its [signals.velocity] table of a model file,
// its defaults (those of models/default.toml) when the file has none.
TEST(VelocityTest, ReadsItsSettingsFromItsSection) {
  const std::string head = "[model]\nname = \"m\"\nversion = 1\n";
  absl::StatusOr<std::shared_ptr<const Model>> plain =
      Model::FromString(head, "plain.toml");
  ASSERT_TRUE(plain.ok()) << plain.status();
  const VelocitySettings& d = SettingsOf<VelocitySettings>((*plain)->config());
  EXPECT_EQ(d.weight, 0.95);
  EXPECT_EQ(d.ip_window_minutes, 60);
  EXPECT_EQ(d.on_error, OnError::kOpen);
  EXPECT_EQ(d.weight,
            SettingsOf<VelocitySettings>(testing::DefaultConfig()).weight);

  absl::StatusOr<std::shared_ptr<const Model>> tuned = Model::FromString(
      head +
          "[signals.velocity]\nweight = 0.5\nip_window_minutes = 15\n"
          "on_error = \"closed\"\n",
      "tuned.toml");
  ASSERT_TRUE(tuned.ok()) << tuned.status();
  const VelocitySettings& t = SettingsOf<VelocitySettings>((*tuned)->config());
  EXPECT_EQ(t.ip_window_minutes, 15);
  EXPECT_EQ(t.on_error, OnError::kClosed);
  EXPECT_EQ(VelocitySignal()->weight((*tuned)->config()), 0.5);

  absl::StatusOr<std::shared_ptr<const Model>> bad = Model::FromString(
      head + "[signals.velocity]\nip_trust_days = 8\n", "bad.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(
      bad.status().message(),
      "bad.toml: signals.velocity.ip_trust_days: must be in [1, 7], is 8");
}

}  // namespace
}  // namespace vigil::internal
