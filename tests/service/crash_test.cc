// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Crash safety: vigild under a concurrent evaluate load is killed with
// SIGKILL at a random moment, twenty times in a row. After every restart the
// database opens as it is (no repair step exists), every evaluation that was
// answered 200 before any of the kills has its event in history, and every
// notification those evaluations queued is still pending (the webhook points
// at a closed port, so none can be delivered).

#include <signal.h>

#include <atomic>
#include <iostream>
#include <boost/json/parse.hpp>
#include <random>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr int kKills = 20;
constexpr int kClients = 6;
constexpr int kUsersPerClient = 10;

// The value of an unlabelled metric line "name value", or -1.
int64_t Metric(const std::string& text, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, name) && absl::ConsumePrefix(&line, " ")) {
      int64_t v = 0;
      if (absl::SimpleAtoi(line, &v)) return v;
    }
  }
  return -1;
}

// Every event id in `user`'s history.
absl::flat_hash_set<std::string> History(HttpClient& client, const std::string& user) {
  absl::flat_hash_set<std::string> ids;
  std::string cursor;
  do {
    absl::StatusOr<HttpResponse> r = client.Get(
        absl::StrCat("/v1/users/", user, "/events?limit=1000",
                     cursor.empty() ? "" : "&cursor=" + cursor),
        kAdminKey);
    EXPECT_TRUE(r.ok() && r->status == 200);
    if (!r.ok() || r->status != 200) break;
    json::value page = json::parse(r->body);
    for (const auto& e : page.at("events").as_array()) {
      ids.insert(std::string(e.at("event_id").as_string()));
    }
    cursor = page.at("next_cursor").is_null()
                 ? ""
                 : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  return ids;
}

TEST(CrashTest, TwentySigkillsUnderLoadLoseNothingAnswered) {
  TempDir dir;
  WriteFileOrDie(dir.path() + "/webhook.key", "crash-test-webhook-key-0123456789");
  // Port 1 on loopback: nothing listens, every delivery fails at once and is
  // retried much later, so queued notifications stay pending.
  const std::string config = absl::StrCat(
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml"),
                     "access_log = false\n"),
      "\n[webhook]\nurl = \"http://127.0.0.1:1/hook\"\nkey_file = \"", dir.path(),
      "/webhook.key\"\nlevels = [\"none\", \"low\", \"medium\", \"high\"]\n"
      "[outbox]\ninitial_backoff_ms = 3600000\nmax_backoff_ms = 3600000\n"
      "max_attempts = 100\n");
  const unsigned seed = std::random_device()();
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937 rng(seed);

  std::vector<std::pair<std::string, std::string>> answered;  // user, event
  for (int round = 0; round <= kKills; ++round) {
    SCOPED_TRACE(absl::StrCat("start ", round));
    absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
        VigildProcess::Start(dir.path(), config);
    ASSERT_TRUE(vigild.ok()) << vigild.status();
    const std::string address = (*vigild)->address();
    {
      auto client = HttpClient::Connect(address);
      ASSERT_TRUE(client.ok());
      ASSERT_EQ((*client)->Get("/readyz", "")->status, 200);
      // Every answered evaluation so far is in history.
      absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> seen;
      int missing = 0;
      for (const auto& [user, event] : answered) {
        auto it = seen.find(user);
        if (it == seen.end()) it = seen.emplace(user, History(**client, user)).first;
        missing += !it->second.contains(event);
      }
      ASSERT_EQ(missing, 0) << "of " << answered.size() << " answered evaluations";
      // And each queued its notification, still pending.
      const std::string metrics = (*client)->Get("/metrics", "")->body;
      EXPECT_GE(Metric(metrics, "vigil_outbox_pending"),
                static_cast<int64_t>(answered.size()))
          << metrics;
      EXPECT_EQ(Metric(metrics, "vigil_outbox_dead_letters"), 0);
    }
    if (round == kKills) {
      std::cout << "after " << kKills << " kills: " << answered.size()
                << " answered evaluations, all in history and pending\n";
      break;
    }

    // Load, then SIGKILL at a random moment.
    absl::Mutex mu;
    std::atomic<bool> go_on{true};
    std::vector<std::thread> clients;
    const size_t before = answered.size();
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = HttpClient::Connect(address);
        if (!client.ok()) return;
        for (int i = 0; go_on.load(); ++i) {
          const std::string user = absl::StrCat("crash", c, "-", i % kUsersPerClient);
          absl::StatusOr<HttpResponse> r = (*client)->PostJson(
              "/v1/evaluate",
              absl::StrCat(R"({"user_id":")", user, R"(","ip":"81.2.69.)", i % 250,
                           R"(","outcome":")", i % 3 ? "success" : "failure",
                           R"("})"),
              kEvaluateKey);
          if (!r.ok()) return;  // killed mid-request
          if (r->status != 200) continue;
          absl::MutexLock lock(&mu);
          answered.emplace_back(
              user, std::string(json::parse(r->body).at("event_id").as_string()));
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(100 + rng() % 500));
    kill((*vigild)->pid(), SIGKILL);
    (*vigild)->Stop(SIGKILL);  // reaps it
    go_on.store(false);
    for (std::thread& t : clients) t.join();
    EXPECT_GT(answered.size(), before + 10) << "too little load to mean anything";
  }
}

}  // namespace
}  // namespace vigil::testing
