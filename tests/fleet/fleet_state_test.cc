// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Scale-out on Redis Cluster: three real vigild processes on the real local
// cluster, one namespace, answer as one vigild would. A stuffing run spread
// over them is caught as on one node; concurrent sign-ins of one user
// through all three lose no update; one TOTP code and one one-click link
// through several at once take effect once. (The same checks on two engines
// in one process: tests/core/state/shared_store_test.cc.)

#include <boost/json/serialize.hpp>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "fleet/fleet_testing.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "store/profile_record.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr int kFleet = 3;

TEST_F(FleetTest, AStuffingRunSpreadOverTheFleetIsFlaggedAsOnOneNode) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet));
  NodeOptions alone;
  alone.name_space = OtherNamespace();  // a fresh store for one node
  const int single = StartNode(alone);
  ASSERT_GE(single, 0);
  // 30 users failing from one IP: round-robin over the fleet, and the same
  // 30 through the single node.
  for (int u = 0; u < 30; ++u) {
    const std::string user = absl::StrCat("stuffed-", u);
    Evaluate(u % kFleet, user, kChangchun, kFirefoxLinux, "failure");
    Evaluate(single, user, kChangchun, kFirefoxLinux, "failure");
  }
  const json::value on_one =
      Evaluate(single, "next-victim", kChangchun, kFirefoxLinux, "");
  ASSERT_TRUE(on_one.is_object());
  const std::string decision(on_one.at("decision").as_string());
  EXPECT_TRUE(decision == "challenge" || decision == "block")
      << json::serialize(on_one);
  EXPECT_EQ(FirstReason(on_one), "velocity") << json::serialize(on_one);
  // The next attempt from the IP, through each node of the fleet: the same
  // decision for the same reason.
  for (int n = 0; n < kFleet; ++n) {
    const json::value next = Evaluate(n, absl::StrCat("next-victim-", n),
                                      kChangchun, kFirefoxLinux, "");
    ASSERT_TRUE(next.is_object());
    EXPECT_EQ(next.at("decision"), on_one.at("decision"))
        << "node " << n << ": " << json::serialize(next);
    EXPECT_EQ(FirstReason(next), "velocity")
        << "node " << n << ": " << json::serialize(next);
    EXPECT_EQ(next.at("risk").at("level"), on_one.at("risk").at("level"))
        << "node " << n;
    std::cout << "[ stuffing ] through node " << n << ": "
              << json::serialize(next.at("decision")) << " ("
              << FirstReason(next) << ", "
              << json::serialize(next.at("risk").at("level"))
              << "); one node: " << json::serialize(on_one.at("decision"))
              << " (" << FirstReason(on_one) << ")" << std::endl;
  }
}

// The profile with what depends on when its sign-ins happened cleared: the
// times (first_seen, last_success, trusted_time, each feature entry's
// last_seen, last_failure, the e-mail window, user_risk_time, probation
// times) and the event ids of probation entries. Two runs of the same
// sign-ins a few seconds apart legitimately differ in exactly these; all
// else (counts, feature hashes and their order, the trusted place, streaks,
// risk) must be the same.
internal::UserProfile WithoutTimes(internal::UserProfile p) {
  p.first_seen = p.last_success = p.trusted_time = p.last_failure = 0;
  p.notify_window_start = 0;
  p.user_risk_time = 0;
  for (auto& entries : p.features) {
    for (internal::FeatureEntry& e : entries) e.last_seen = 0;
  }
  for (internal::DistrustEntry& d : p.distrusted) d.since = 0;
  for (internal::ProbationEntry& e : p.probation) {
    e.time = 0;
    e.event_id.clear();
  }
  return p;
}

internal::UserProfile StoredProfile(Store& store, const std::string& user) {
  std::string value;
  internal::UserProfile p;
  EXPECT_OK(store.Get(Table::kUsers, user, &value));
  EXPECT_TRUE(p.Decode(value)) << user;
  return p;
}

TEST_F(FleetTest, ConcurrentSignInsOfOneUserThroughThreeNodesLoseNoUpdate) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet));
  // 60 successful sign-ins of one user, 20 through each node (2 threads per
  // node, 10 each), all at once.
  constexpr int kThreadsPerNode = 2, kPerThread = 10;
  constexpr int kTotal = kFleet * kThreadsPerNode * kPerThread;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int t = 0; t < kFleet * kThreadsPerNode; ++t) {
    clients.push_back(Connect(t % kFleet));
    ASSERT_NE(clients.back(), nullptr);
  }
  std::mutex mu;
  std::vector<std::string> answered;  // event ids
  std::vector<std::string> failed;
  std::latch start(kFleet * kThreadsPerNode);
  std::vector<std::thread> threads;
  for (int t = 0; t < kFleet * kThreadsPerNode; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        HttpResponse r = SendRequest(
            *clients[t], "POST", "/v1/evaluate",
            EvaluateBody("alice", kLondon, kChromeWindows, "success"),
            kEvaluateKey);
        const json::value d = ParseJson(r.body);
        std::lock_guard<std::mutex> lock(mu);
        if (r.status == 200 && d.is_object()) {
          answered.emplace_back(d.at("event_id").as_string());
        } else {
          failed.push_back(absl::StrCat(r.status, " ", r.body));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(failed.empty()) << failed.size() << " failed, e.g. " << failed[0];
  ASSERT_EQ(answered.size(), static_cast<size_t>(kTotal));

  // Exactly the 60 answered events in the history, read page by page.
  const std::vector<json::value> events = History(*client(1), "alice", 25);
  EXPECT_EQ(events.size(), static_cast<size_t>(kTotal));
  std::set<std::string> history;
  for (const json::value& e : events) {
    history.insert(std::string(e.at("event_id").as_string()));
  }
  EXPECT_EQ(history, std::set<std::string>(answered.begin(), answered.end()));

  // The same 60 sign-ins one after another through one node.
  for (int i = 0; i < kTotal; ++i) {
    Evaluate(0, "bob", kLondon, kChromeWindows, "success");
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(RedisStoreUrl(name_space()), {});
  ASSERT_OK(store.status());
  const internal::UserProfile alice = StoredProfile(**store, "alice");
  const internal::UserProfile bob = StoredProfile(**store, "bob");
  EXPECT_EQ(alice.successful_sign_ins, bob.successful_sign_ins);
  std::cout << "[ sign-ins ] " << events.size()
            << " events; successful_sign_ins through the fleet "
            << alice.successful_sign_ins << ", through one node "
            << bob.successful_sign_ins << std::endl;
  for (int f = 0; f < internal::kFeatureCount; ++f) {
    ASSERT_EQ(alice.features[f].size(), bob.features[f].size())
        << "feature " << f;
    for (size_t k = 0; k < alice.features[f].size(); ++k) {
      EXPECT_EQ(alice.features[f][k].hash, bob.features[f][k].hash);
      EXPECT_EQ(alice.features[f][k].count, bob.features[f][k].count)
          << "feature " << f << " entry " << k;
    }
  }
  EXPECT_EQ(alice.probation.size(), bob.probation.size());
  // The same baseline: byte for byte, once the times are set aside.
  EXPECT_EQ(WithoutTimes(alice).Encode(), WithoutTimes(bob).Encode());
}

// A fleet whose model challenges every sign-in of a user with a factor, and
// carol enrolled in TOTP through node 0 and confirmed through node 1, with
// the previous step's code.
class FleetTotpTest : public FleetTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(FleetTest::SetUp());
    const std::string model = dir() + "/model.toml";
    WriteFileOrDie(model, ChallengeAllModel());
    NodeOptions options;
    options.model_path = model;
    ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet, options));
    const json::value e =
        Call(0, "POST", "/v1/users/carol/mfa/totp",
             R"({"account_name":"carol@example.com"})", kMfaKey);
    ASSERT_TRUE(e.is_object());
    secret_ = std::string(e.at("secret").as_string());
    // vigild accepts the codes of the previous, current and next step. The
    // confirmation below uses the previous step's code, so it must happen
    // within the step of t_ (stay clear of its end); the tests then use the
    // codes of t_'s step and the next, valid for at least 30 s more.
    t_ = time(nullptr);
    if (t_ % 30 > 25) {
      absl::SleepFor(absl::Seconds(31 - t_ % 30));
      t_ = time(nullptr);
    }
    ASSERT_EQ(Call(1, "POST", "/v1/users/carol/mfa/totp/verify",
                   absl::StrCat(R"({"code":")", OathtoolCode(secret_, t_ - 30),
                                R"("})"),
                   kMfaKey)
                  .at("result"),
              "passed");
  }

  // A challenged sign-in of carol through node i; the challenge id.
  std::string Challenge(int i) {
    const json::value d = Evaluate(i, "carol", kLondon, kChromeWindows, "");
    EXPECT_TRUE(d.is_object() && d.at("decision") == "challenge")
        << json::serialize(d);
    return d.is_object() && d.at("challenge").is_object()
               ? std::string(d.at("challenge").at("id").as_string())
               : "";
  }

  // `code` sent to challenge ids[n] through node n, all at once.
  std::vector<HttpResponse> VerifyAtOnce(const std::vector<std::string>& ids,
                                         const std::string& code) {
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (int n = 0; n < kFleet; ++n) {
      clients.push_back(Connect(n));
      if (clients.back() == nullptr) return {};
    }
    std::vector<HttpResponse> answers(kFleet);
    std::latch start(kFleet);
    std::vector<std::thread> threads;
    for (int n = 0; n < kFleet; ++n) {
      threads.emplace_back([&, n] {
        start.arrive_and_wait();
        answers[n] = SendRequest(
            *clients[n], "POST",
            absl::StrCat("/v1/challenges/", ids[n], "/verify"),
            absl::StrCat(R"({"code":")", code, R"(","remember_device":false})"),
            kMfaKey);
      });
    }
    for (std::thread& th : threads) th.join();
    std::cout << "[ totp ]";
    for (int n = 0; n < kFleet; ++n) {
      std::cout << " node " << n << ": " << answers[n].status << " "
                << answers[n].body.substr(0, 64) << ";";
    }
    std::cout << std::endl;
    return answers;
  }

  static bool Passed(const HttpResponse& r) {
    const json::value v = ParseJson(r.body);
    return r.status == 200 && v.is_object() && v.at("result") == "passed";
  }
  static bool Failed(const HttpResponse& r) {
    const json::value v = ParseJson(r.body);
    return r.status == 200 && v.is_object() && v.at("result") == "failed";
  }

  std::string secret_;
  int64_t t_ = 0;
};

TEST_F(FleetTotpTest, OneCodeToOneChallengeThroughThreeNodesAtOncePassesOnce) {
  for (int round = 0; round < 2; ++round) {
    const std::string id = Challenge((round + 2) % kFleet);
    ASSERT_FALSE(id.empty());
    const std::string code = OathtoolCode(secret_, t_ + 30 * round);
    ASSERT_EQ(code.size(), 6u) << code;
    const std::vector<HttpResponse> answers = VerifyAtOnce({id, id, id}, code);
    ASSERT_EQ(answers.size(), static_cast<size_t>(kFleet));
    int passed = 0;
    for (int n = 0; n < kFleet; ++n) {
      passed += Passed(answers[n]) ? 1 : 0;
      // The others are told no: the challenge was passed (409), or the
      // step was used. Never a server error.
      EXPECT_TRUE(Passed(answers[n]) || Failed(answers[n]) ||
                  answers[n].status == 409)
          << "round " << round << ", node " << n << ": " << answers[n].status
          << " " << answers[n].body;
    }
    EXPECT_EQ(passed, 1) << "round " << round;
  }
}

TEST_F(FleetTotpTest, OneCodeToThreeChallengesThroughThreeNodesPassesOnce) {
  // Three open challenges of carol, one made by each node; one code for all
  // three at once: its step is used once.
  std::vector<std::string> ids;
  for (int n = 0; n < kFleet; ++n) {
    ids.push_back(Challenge(n));
    ASSERT_FALSE(ids.back().empty());
  }
  const std::string code = OathtoolCode(secret_, t_);
  ASSERT_EQ(code.size(), 6u) << code;
  const std::vector<HttpResponse> answers = VerifyAtOnce(ids, code);
  ASSERT_EQ(answers.size(), static_cast<size_t>(kFleet));
  int passed = 0, failed = 0;
  for (int n = 0; n < kFleet; ++n) {
    passed += Passed(answers[n]) ? 1 : 0;
    failed += Failed(answers[n]) ? 1 : 0;
  }
  EXPECT_EQ(passed, 1);
  EXPECT_EQ(failed, kFleet - 1) << "a replayed step fails the challenge";
}

TEST_F(FleetTest, AOneClickLinkUsedThroughTwoNodesAtOnceTakesEffectOnce) {
  const std::string mail_dir = dir() + "/mail";
  std::filesystem::create_directories(mail_dir);
  Peer smtp({"/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"),
             "smtp", mail_dir});
  ASSERT_GT(smtp.port(), 0) << "aiosmtpd did not start";
  NodeOptions options;
  options.smtp_port = smtp.port();
  ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet, options));

  SetEmail(0, "dave");
  const json::value risky = RiskySignIn(1, "dave");
  ASSERT_TRUE(risky.is_object());
  const std::string event_id(risky.at("event_id").as_string());
  const std::vector<std::string> mails = WaitForFiles(mail_dir, 1);
  ASSERT_EQ(mails.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      mails[0], m,
      std::regex(
          R"(This wasn't me:\s+http://vigil\.test(/v1/feedback\?token=[A-Za-z0-9_.-]+))")))
      << mails[0];
  const std::string link = m[1];

  std::unique_ptr<HttpClient> a = Connect(0), b = Connect(2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  HttpResponse ra, rb;
  std::latch start(2);
  std::thread ta([&] {
    start.arrive_and_wait();
    ra = SendRequest(*a, "GET", link, "", "");
  });
  std::thread tb([&] {
    start.arrive_and_wait();
    rb = SendRequest(*b, "GET", link, "", "");
  });
  ta.join();
  tb.join();
  // One takes effect; the other is told the link was used.
  EXPECT_EQ(std::multiset<int>({ra.status, rb.status}),
            std::multiset<int>({200, 409}))
      << ra.status << " " << ra.body << "\n"
      << rb.status << " " << rb.body;
  EXPECT_TRUE(
      absl::StrContains(ra.status == 200 ? rb.body : ra.body, "already used"));
  // And a third time, through the third node: used.
  EXPECT_EQ(SendRequest(*client(1), "GET", link, "", "").status, 409);

  // The feedback, once: the event says "invalid" from the e-mail, and the
  // profile distrusts the IP once (its network too, if the model says so,
  // but no entry twice).
  bool found = false;
  for (const json::value& ev : History(*client(1), "dave")) {
    if (ev.at("event_id") != event_id.c_str()) continue;
    found = true;
    EXPECT_EQ(ev.at("feedback").at("value"), "invalid");
    EXPECT_EQ(ev.at("feedback").at("source"), "email");
  }
  EXPECT_TRUE(found) << "event " << event_id << " not in the history";
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(RedisStoreUrl(name_space()), {});
  ASSERT_OK(store.status());
  const internal::UserProfile dave = StoredProfile(**store, "dave");
  EXPECT_TRUE(dave.password_reset_required);
  std::set<std::pair<int, uint64_t>> distinct;
  for (const internal::DistrustEntry& d : dave.distrusted) {
    distinct.insert({static_cast<int>(d.feature), d.hash});
  }
  EXPECT_FALSE(dave.distrusted.empty());
  EXPECT_EQ(distinct.size(), dave.distrusted.size()) << "an entry twice";
}

// A shared store without [mfa] key_file: vigild refuses to start, saying
// why (each vigild would otherwise make its own TOTP key).
TEST_F(FleetTest, ASharedStoreNeedsTheKeyFile) {
  std::string config = NodeConfig({});
  const size_t at = config.find("key_file = ");
  ASSERT_NE(at, std::string::npos) << config;
  config.erase(at, config.find('\n', at) + 1 - at);
  TempDir node_dir;
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::Start(node_dir.path(), config);
  ASSERT_FALSE(vigild.ok());
  EXPECT_TRUE(absl::StrContains(vigild.status().message(),
                                "[mfa] key_file: required with the shared store"))
      << vigild.status();
}

}  // namespace
}  // namespace vigil::testing
