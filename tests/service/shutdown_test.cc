// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// SIGTERM while clients are busy: every request that got a 200 has its event
// in history after a restart.

#include <signal.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

TEST(ShutdownTest, EveryAnsweredEvaluationSurvivesSigterm) {
  TempDir dir;
  std::string config =
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml"),
                     "access_log = false\n");
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::Start(dir.path(), config);
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  const std::string address = (*vigild)->address();

  constexpr int kClients = 8;
  absl::Mutex mu;
  std::vector<std::pair<std::string, std::string>> answered;  // user, event
  std::atomic<int> refused{0};
  std::atomic<bool> go_on{true};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = HttpClient::Connect(address);
      if (!client.ok()) return;
      for (int i = 0; go_on.load() || i < 1; ++i) {
        std::string user = absl::StrCat("load", c, "-", i % 20);
        absl::StatusOr<HttpResponse> r = (*client)->PostJson(
            "/v1/evaluate",
            absl::StrCat(R"({"user_id":")", user, R"(","ip":"81.2.69.)",
                         i % 250, R"(","outcome":"success"})"),
            kEvaluateKey);
        if (!r.ok()) return;  // the server closed the connection
        if (r->status != 200) {
          refused.fetch_add(1);
          return;
        }
        absl::MutexLock lock(&mu);
        answered.emplace_back(
            user, std::string(json::parse(r->body).at("event_id").as_string()));
        if (!r->keep_alive) return;  // draining: last answer on this connection
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ((*vigild)->Stop(SIGTERM), 0) << (*vigild)->Stderr();
  go_on.store(false);
  for (std::thread& t : clients) t.join();
  ASSERT_GT(answered.size(), 100u) << "too little load to mean anything";

  vigild = VigildProcess::Start(dir.path(), config);
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  auto client = HttpClient::Connect((*vigild)->address());
  ASSERT_TRUE(client.ok());
  absl::flat_hash_set<std::string> users;
  for (const auto& [user, event] : answered) users.insert(user);
  absl::flat_hash_set<std::string> recorded;
  for (const std::string& user : users) {
    std::string cursor;
    do {
      absl::StatusOr<HttpResponse> r = (*client)->Get(
          absl::StrCat("/v1/users/", user, "/events?limit=1000",
                       cursor.empty() ? "" : "&cursor=" + cursor),
          kAdminKey);
      ASSERT_TRUE(r.ok() && r->status == 200);
      json::value page = json::parse(r->body);
      for (const auto& e : page.at("events").as_array()) {
        recorded.insert(std::string(e.at("event_id").as_string()));
      }
      cursor = page.at("next_cursor").is_null()
                   ? ""
                   : std::string(page.at("next_cursor").as_string());
    } while (!cursor.empty());
  }
  int missing = 0;
  for (const auto& [user, event] : answered)
    missing += !recorded.contains(event);
  EXPECT_EQ(missing, 0) << "of " << answered.size() << " answered evaluations";
}

}  // namespace
}  // namespace vigil::testing
