// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Engine behaviour through the public API on a real RocksDB store: learning
// only from trusted outcomes, bad attempts changing nothing, history paging,
// feedback, model swaps, and no lost updates under concurrency.

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"

namespace vigil {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::EngineFixture;

Attempt Home(const EngineFixture& f, const std::string& user, Outcome o) {
  return f.MakeAttempt(user, testing::kLondon, testing::kChromeWindows, "fp-1", o);
}

int64_t SignIns(EngineFixture& f, const std::string& user) {
  Decision d = f.Evaluate(Home(f, user, Outcome::kUnknown));
  return d.baseline.successful_sign_ins;
}

TEST(EngineTest, EvaluatingAloneNeverTeachesTheProfile) {
  EngineFixture f;
  for (int i = 0; i < 3; ++i) f.Evaluate(Home(f, "u", Outcome::kUnknown));
  EXPECT_EQ(SignIns(f, "u"), 0);
  f.Evaluate(Home(f, "u", Outcome::kFailure));
  EXPECT_EQ(SignIns(f, "u"), 0);
}

TEST(EngineTest, RecordOutcomeSuccessTeachesOnceAndRefusesASecondOutcome) {
  EngineFixture f;
  Decision d = f.Evaluate(Home(f, "u", Outcome::kUnknown));
  ASSERT_OK(f.engine().RecordOutcome(d.event_id, Outcome::kSuccess));
  EXPECT_EQ(SignIns(f, "u"), 1);
  absl::Status again = f.engine().RecordOutcome(d.event_id, Outcome::kFailure);
  EXPECT_TRUE(absl::IsFailedPrecondition(again)) << again;
  EXPECT_EQ(SignIns(f, "u"), 1);
  ASSERT_OK_AND_ASSIGN(Event e, f.engine().GetEvent(d.event_id));
  EXPECT_EQ(e.outcome, Outcome::kSuccess);
}

TEST(EngineTest, RecordOutcomeErrors) {
  EngineFixture f;
  EXPECT_TRUE(absl::IsNotFound(
      f.engine().RecordOutcome("000000000000000000000000000000000000000000000000",
                               Outcome::kSuccess)));
  EXPECT_TRUE(absl::IsNotFound(f.engine().RecordOutcome("", Outcome::kSuccess)));
  Decision d = f.Evaluate(Home(f, "u", Outcome::kUnknown));
  EXPECT_TRUE(absl::IsInvalidArgument(
      f.engine().RecordOutcome(d.event_id, Outcome::kUnknown)));
}

TEST(EngineTest, BlockedSuccessIsNotLearned) {
  EngineFixture f(testing::EditedDefaultModel(
      {{"always_block = []", "always_block = [\"81.2.69.0/24\"]"}}));
  Decision d = f.Evaluate(Home(f, "u", Outcome::kSuccess));
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  Decision later = f.Evaluate(Home(f, "u", Outcome::kUnknown));
  EXPECT_EQ(later.baseline.successful_sign_ins, 0);
}

TEST(EngineTest, ConsecutiveFailuresRaiseVelocityForTheUser) {
  EngineFixture f;
  for (int i = 0; i < 9; ++i) {
    f.Evaluate(Home(f, "victim", Outcome::kFailure));
    f.clock().Advance(absl::Minutes(1));
  }
  Decision d = f.Evaluate(Home(f, "victim", Outcome::kUnknown));
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_EQ(d.reasons[0].signal, "velocity");
  EXPECT_THAT(d.reasons[0].detail, HasSubstr("9 consecutive failed"));
  EXPECT_EQ(d.level, RiskLevel::kHigh);
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  // Valid credentials on a blocked attempt are not trusted: the streak stays.
  ASSERT_OK(f.engine().RecordOutcome(d.event_id, Outcome::kSuccess));
  EXPECT_TRUE(testing::HasReason(f.Evaluate(Home(f, "victim", Outcome::kUnknown)),
                                 "velocity"));
  // It ages out after a day, and a trusted success then resets it.
  f.clock().Advance(absl::Hours(25));
  Decision later = f.Evaluate(Home(f, "victim", Outcome::kSuccess));
  EXPECT_FALSE(testing::HasReason(later, "velocity"));
  f.Evaluate(Home(f, "victim", Outcome::kFailure));
  EXPECT_FALSE(testing::HasReason(f.Evaluate(Home(f, "victim", Outcome::kUnknown)),
                                  "velocity"));
}

struct BadAttemptCase {
  std::string name;
  std::function<void(Attempt*)> edit;
  std::string field;
};

TEST(EngineTest, BadAttemptsAreRefusedNamingTheFieldAndRecordNothing) {
  EngineFixture f;
  const std::vector<BadAttemptCase> cases = {
      {"no user", [](Attempt* a) { a->user_id = ""; }, "user_id"},
      {"long user", [](Attempt* a) { a->user_id = std::string(257, 'x'); }, "user_id"},
      {"control in user", [](Attempt* a) { a->user_id = "a\nb"; }, "user_id"},
      {"no ip", [](Attempt* a) { a->ip = ""; }, "ip"},
      {"bad ip", [](Attempt* a) { a->ip = "999.1.1.1"; }, "ip"},
      {"ip with port", [](Attempt* a) { a->ip = "81.2.69.160:443"; }, "ip"},
      {"hostname", [](Attempt* a) { a->ip = "example.com"; }, "ip"},
      {"short sha1", [](Attempt* a) { a->password_sha1 = "5BAA61E4"; }, "password_sha1"},
      {"non-hex sha1",
       [](Attempt* a) { a->password_sha1 = std::string(39, 'A') + "Z"; },
       "password_sha1"},
      {"huge user agent", [](Attempt* a) { a->user_agent = std::string(4096, 'a'); },
       "user_agent"},
      {"huge device key", [](Attempt* a) { a->device_key = std::string(300, 'k'); },
       "device_key"},
      {"control in fingerprint", [](Attempt* a) { a->device_fingerprint = "a\x01"; },
       "device_fingerprint"},
      {"timestamp before 1970",
       [](Attempt* a) { a->timestamp = absl::FromUnixSeconds(-5); }, "timestamp"},
      {"timestamp a year ahead",
       [&f](Attempt* a) { a->timestamp = f.clock().Now() + absl::Hours(24 * 365); },
       "timestamp"},
  };
  for (const BadAttemptCase& c : cases) {
    Attempt a = Home(f, "target", Outcome::kSuccess);
    c.edit(&a);
    absl::StatusOr<Decision> d = f.engine().Evaluate(a);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_TRUE(absl::IsInvalidArgument(d.status())) << c.name;
    EXPECT_THAT(std::string(d.status().message()), StartsWith(c.field + ": "))
        << c.name;
    // The password hash never appears in an error.
    EXPECT_THAT(std::string(d.status().message()), ::testing::Not(HasSubstr("AAAA")));
  }
  ASSERT_OK_AND_ASSIGN(EventPage page, f.engine().ListEvents("target", "", 100));
  EXPECT_TRUE(page.events.empty());
  EXPECT_EQ(f.engine().stats().invalid_attempts,
            static_cast<int64_t>(cases.size()));
  EXPECT_EQ(f.engine().stats().evaluations, 0);
}

TEST(EngineTest, HistoryIsNewestFirstAndCursorPaginated) {
  EngineFixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    ids.push_back(f.Evaluate(Home(f, "pager", Outcome::kSuccess)).event_id);
    f.clock().Advance(absl::Minutes(3));
  }
  f.Evaluate(Home(f, "someone-else", Outcome::kSuccess));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(EventPage page, f.engine().ListEvents("pager", cursor, 10));
    for (const Event& e : page.events) {
      EXPECT_EQ(e.user_id, "pager");
      seen.push_back(e.event_id);
    }
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expected);

  ASSERT_OK_AND_ASSIGN(EventPage first, f.engine().ListEvents("pager", "", 1));
  ASSERT_EQ(first.events.size(), 1u);
  const Event& newest = first.events[0];
  EXPECT_EQ(newest.event_type, EventType::kSignIn);
  EXPECT_EQ(newest.ip, testing::kLondon);
  EXPECT_EQ(newest.device_name, "Chrome 120 on Windows 10");
  EXPECT_EQ(newest.decision.context.city, "London");
  EXPECT_EQ(newest.time_zone, "Europe/London");
  EXPECT_EQ(newest.outcome, Outcome::kSuccess);
  EXPECT_EQ(newest.decision.model, "default@1");

  EXPECT_TRUE(absl::IsInvalidArgument(
      f.engine().ListEvents("pager", "not-a-cursor", 10).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      f.engine().ListEvents("pager", std::string(48, 'z'), 10).status()));
  // Another user's event id is not a cursor for this user.
  const std::string foreign = f.Evaluate(Home(f, "x", Outcome::kUnknown)).event_id;
  EXPECT_TRUE(absl::IsInvalidArgument(
      f.engine().ListEvents("pager", foreign, 10).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(f.engine().ListEvents("pager", "", 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(f.engine().ListEvents("pager", "", 1001).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(f.engine().ListEvents("", "", 10).status()));
  ASSERT_OK_AND_ASSIGN(EventPage none, f.engine().ListEvents("nobody", "", 10));
  EXPECT_TRUE(none.events.empty());
  EXPECT_TRUE(none.next_cursor.empty());
}

TEST(EngineTest, FeedbackValidTeachesAndInvalidForgetsAndRequiresReset) {
  EngineFixture f;
  Decision d = f.Evaluate(Home(f, "fb", Outcome::kUnknown));
  ASSERT_OK(f.engine().RecordFeedback(d.event_id, FeedbackValue::kValid, "admin"));
  EXPECT_EQ(SignIns(f, "fb"), 1);
  ASSERT_OK_AND_ASSIGN(Event e, f.engine().GetEvent(d.event_id));
  ASSERT_TRUE(e.feedback.has_value());
  EXPECT_EQ(e.feedback->value, FeedbackValue::kValid);
  EXPECT_EQ(e.feedback->source, "admin");
  EXPECT_EQ(e.feedback->time, f.clock().Now());

  Decision odd = f.Evaluate(f.MakeAttempt("fb", testing::kChangchun,
                                          testing::kFirefoxLinux, "fp-x",
                                          Outcome::kSuccess));
  ASSERT_OK(f.engine().RecordFeedback(odd.event_id, FeedbackValue::kInvalid, "email"));
  Decision next = f.Evaluate(Home(f, "fb", Outcome::kUnknown));
  EXPECT_TRUE(next.password_reset_required);
  EXPECT_TRUE(absl::IsNotFound(f.engine().RecordFeedback(
      "ffffffffffffffffffffffffffffffffffffffffffffffff", FeedbackValue::kValid, "admin")));
}

TEST(EngineTest, SetModelSwapsForLaterEvaluations) {
  EngineFixture f;
  EXPECT_EQ(f.Evaluate(Home(f, "m", Outcome::kUnknown)).model, "default@1");
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> v2,
      Model::FromString(testing::EditedDefaultModel({{"version = 1", "version = 2"}}),
                        "v2.toml"));
  f.engine().SetModel(v2);
  EXPECT_EQ(f.engine().model()->id(), "default@2");
  EXPECT_EQ(f.Evaluate(Home(f, "m", Outcome::kUnknown)).model, "default@2");
}

TEST(EngineTest, ConcurrentRequestsForOneUserLoseNoUpdate) {
  EngineFixture f;
  constexpr int kThreads = 2;
  constexpr int kPerThread = 400;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Attempt a = Home(f, "hammered", Outcome::kSuccess);
        // Alternate devices so that feature histories change too.
        a.device_fingerprint = "fp-" + std::to_string((t + i) % 3);
        if (!f.engine().Evaluate(a).ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(SignIns(f, "hammered"), kThreads * kPerThread);
  // And every evaluation is in the event log.
  int events = 0;
  std::string cursor;
  do {
    ASSERT_OK_AND_ASSIGN(EventPage page,
                         f.engine().ListEvents("hammered", cursor, 1000));
    events += page.events.size();
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(events, kThreads * kPerThread + 1);
}

TEST(EngineTest, StateSurvivesReopen) {
  testing::TempDir dir;
  SimulatedClock clock(absl::FromUnixSeconds(1767225600));
  auto make = [&] {
    EngineOptions o;
    o.data_dir = dir.path() + "/db";
    o.model_path = testing::SourcePath("models/default.toml");
    o.geo.city_dbs = {testing::TestDataPath("maxmind/GeoIP2-City-Test.mmdb")};
    o.clock = &clock;
    return Engine::Create(std::move(o));
  };
  std::string id;
  {
    ASSERT_OK_AND_ASSIGN(auto engine, make());
    Attempt a;
    a.user_id = "persist";
    a.ip = testing::kLondon;
    a.outcome = Outcome::kSuccess;
    ASSERT_OK_AND_ASSIGN(Decision d, engine->Evaluate(a));
    id = d.event_id;
  }
  ASSERT_OK_AND_ASSIGN(auto engine, make());
  ASSERT_OK_AND_ASSIGN(Event e, engine->GetEvent(id));
  EXPECT_EQ(e.user_id, "persist");
  // A second engine on the same folder is refused while the first is open.
  absl::StatusOr<std::unique_ptr<Engine>> second = make();
  EXPECT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(dir.path()));
}

TEST(EngineTest, CreateRefusesBadOptions) {
  testing::TempDir dir;
  EngineOptions no_dir;
  no_dir.model_path = testing::SourcePath("models/default.toml");
  EXPECT_THAT(std::string(Engine::Create(no_dir).status().message()),
              HasSubstr("data_dir"));
  EngineOptions bad_model;
  bad_model.data_dir = dir.path() + "/db";
  bad_model.model_path = dir.path() + "/missing.toml";
  EXPECT_THAT(std::string(Engine::Create(bad_model).status().message()),
              HasSubstr("missing.toml"));
  EngineOptions bad_geo;
  bad_geo.data_dir = dir.path() + "/db2";
  bad_geo.model_path = testing::SourcePath("models/default.toml");
  bad_geo.geo.city_dbs = {
      testing::TestDataPath("maxmind/GeoIP2-City-Test-Invalid-Node-Count.mmdb")};
  absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(bad_geo);
  EXPECT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("Invalid-Node-Count"));
}

// The password hash is checked but never stored: not in any file of the
// database (SST, WAL, MANIFEST), not in the event.
TEST(EngineTest, PasswordHashIsNeverWrittenToDisk) {
  const std::string sha1 = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
  std::string dir;
  {
    EngineFixture f;
    dir = f.data_dir();
    Attempt a = Home(f, "secretive", Outcome::kSuccess);
    a.password_sha1 = sha1;
    for (int i = 0; i < 5; ++i) f.Evaluate(a);
    f.Close();
    std::string lower = sha1;
    for (char& c : lower) c = static_cast<char>(tolower(c));
    int files = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(dir + "/db")) {
      if (!entry.is_regular_file()) continue;
      ++files;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      const std::string bytes = buf.str();
      EXPECT_EQ(bytes.find(sha1), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find(lower), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find(sha1.substr(5)), std::string::npos) << entry.path();
    }
    EXPECT_GT(files, 3);
  }
}

}  // namespace
}  // namespace vigil
