// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigild with its data folder on a small tmpfs that fills up (the tests skip
// unless run as root): it stays up, refuses writes with 503 and a JSON error
// that names no file, turns /readyz to 503, keeps serving reads, writes again
// within 30 s of the space coming back without a restart, and keeps every
// evaluation it answered 200. Restarted on a full disk (after a crash there),
// it exits with a clear message instead of aborting. Before the fix RocksDB's
// LOG writer aborted vigild on the first full-disk error, and again at every
// restart.

#include <signal.h>

#include <boost/json/parse.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/small_tmpfs.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kUser[] = "full-disk-user";
constexpr int kDiskMb = 48;

// vigild's test config with its data folder on `disk`, and memtables of the
// smallest size: RocksDB resumes once one memtable's worth of space is free.
std::string FullDiskConfig(const std::string& data_dir) {
  return absl::StrReplaceAll(
      TestConfigToml(data_dir, SourcePath("models/default.toml"),
                     "access_log = false\n"),
      {{"[storage]\n",
        "[storage]\nwrite_buffer_mb = 4\nblock_cache_mb = 8\n"}});
}

// One request at a time; reconnects when vigild closed the connection
// (it does after a 503 for a write that could not be logged).
class Client {
 public:
  explicit Client(std::string address) : address_(std::move(address)) {}

  HttpResponse Evaluate(int i) {
    return Call("POST", "/v1/evaluate",
                absl::StrCat(R"({"user_id":")", kUser, R"(","ip":"81.2.69.)",
                             i % 250, R"(","outcome":")",
                             i % 3 ? "success" : "failure", R"("})"),
                kEvaluateKey);
  }
  HttpResponse Get(const std::string& target, const std::string& key = "") {
    return Call("GET", target, "", key);
  }

  // Every event id in kUser's history.
  absl::flat_hash_set<std::string> History() {
    absl::flat_hash_set<std::string> ids;
    std::string cursor;
    do {
      HttpResponse r =
          Get(absl::StrCat("/v1/users/", kUser, "/events?limit=1000",
                           cursor.empty() ? "" : "&cursor=" + cursor),
              kAdminKey);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      json::value page = json::parse(r.body);
      for (const auto& e : page.at("events").as_array()) {
        ids.insert(std::string(e.at("event_id").as_string()));
      }
      cursor = page.at("next_cursor").is_null()
                   ? ""
                   : std::string(page.at("next_cursor").as_string());
    } while (!cursor.empty());
    return ids;
  }

 private:
  HttpResponse Call(absl::string_view method, absl::string_view target,
                    absl::string_view body, absl::string_view key) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (client_ == nullptr) {
        absl::StatusOr<std::unique_ptr<HttpClient>> c =
            HttpClient::Connect(address_);
        if (!c.ok()) return HttpResponse{};
        client_ = *std::move(c);
      }
      std::vector<std::pair<std::string, std::string>> headers;
      if (!key.empty())
        headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
      if (!body.empty())
        headers.emplace_back("Content-Type", "application/json");
      absl::StatusOr<HttpResponse> r =
          client_->Send(method, target, body, headers);
      if (!r.ok()) {
        client_.reset();
        continue;
      }
      if (!r->keep_alive) client_.reset();
      return *std::move(r);
    }
    return HttpResponse{};
  }

  const std::string address_;
  std::unique_ptr<HttpClient> client_;
};

// A JSON error body {"error":{"code":"unavailable","message":...}} whose
// message names no file.
void ExpectUnavailableWithoutPath(const HttpResponse& r,
                                  const std::string& folder) {
  EXPECT_EQ(r.status, 503) << r.body;
  json::value v = json::parse(r.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "unavailable") << r.body;
  const std::string message(v.at("error").at("message").as_string());
  EXPECT_FALSE(message.empty());
  EXPECT_FALSE(absl::StrContains(r.body, "/")) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, folder)) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, ".log")) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, ".sst")) << r.body;
}

TEST(FullDiskTest, VigildRefusesWritesWhileFullAndWritesAgainWhenSpaceReturns) {
  absl::StatusOr<std::unique_ptr<SmallTmpfs>> disk = SmallTmpfs::Mount(kDiskMb);
  if (!disk.ok()) GTEST_SKIP() << disk.status().message();
  TempDir dir;  // config and stderr stay on a disk with room
  const std::string data = (*disk)->path() + "/data";
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::Start(dir.path(), FullDiskConfig(data));
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  Client client((*vigild)->address());

  std::vector<std::string> answered;  // event ids answered 200
  auto evaluate = [&](int i) {
    HttpResponse r = client.Evaluate(i);
    if (r.status == 200) {
      answered.emplace_back(json::parse(r.body).at("event_id").as_string());
    }
    return r;
  };
  int i = 0;
  for (; i < 50; ++i) ASSERT_EQ(evaluate(i).status, 200);

  // Fill the disk; evaluations go on (bounded) until vigild refuses one.
  ASSERT_TRUE((*disk)->Fill().ok());
  HttpResponse refused;
  for (const int end = i + 20000; i < end && refused.status != 503; ++i) {
    refused = evaluate(i);
    ASSERT_TRUE(refused.status == 200 || refused.status == 503)
        << refused.status << " " << refused.body;
  }
  ASSERT_EQ(refused.status, 503) << "the disk never ran full";
  std::cout << "disk full after " << i
            << " evaluations; first refusal: " << refused.body << "\n";
  ExpectUnavailableWithoutPath(refused, data);

  // Up, not ready, refusing writes at once, serving reads.
  ASSERT_EQ(kill((*vigild)->pid(), 0), 0) << "vigild died";
  ExpectUnavailableWithoutPath(client.Get("/readyz"), data);
  HttpResponse again = evaluate(i++);
  ExpectUnavailableWithoutPath(again, data);
  EXPECT_TRUE(absl::StrContains(again.body, "no space left")) << again.body;
  EXPECT_EQ(client.Get("/healthz").status, 200);
  HttpResponse history = client.Get(
      absl::StrCat("/v1/users/", kUser, "/events?limit=5"), kAdminKey);
  EXPECT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(client.Get("/metrics").status, 200);
  EXPECT_TRUE(absl::StrContains(client.Get("/metrics").body, "vigil_ready 0"));

  // Space comes back: writes succeed again within 30 s, same process.
  (*disk)->Unfill();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  HttpResponse resumed;
  while (absl::Now() < deadline) {
    resumed = evaluate(i++);
    if (resumed.status == 200) break;
    ASSERT_EQ(resumed.status, 503) << resumed.body;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(resumed.status, 200) << "no write within 30 s: " << resumed.body;
  EXPECT_EQ(client.Get("/readyz").status, 200);
  for (int k = 0; k < 20; ++k) EXPECT_EQ(evaluate(i++).status, 200);

  // Nothing answered 200 is lost.
  absl::flat_hash_set<std::string> ids = client.History();
  int missing = 0;
  for (const std::string& id : answered) missing += !ids.contains(id);
  EXPECT_EQ(missing, 0) << "of " << answered.size() << " answered evaluations";
  std::cout << answered.size() << " evaluations answered 200, all in history\n";
  EXPECT_EQ((*vigild)->Stop(SIGTERM), 0) << (*vigild)->Stderr();
  // The operator's log says what happened, and that it is over.
  const std::string log = (*vigild)->Stderr();
  EXPECT_TRUE(absl::StrContains(log, "vigil store: writes failing")) << log;
  EXPECT_TRUE(absl::StrContains(log, "vigil store: writes resumed")) << log;
  // As events of the operational log, in that order.
  const std::vector<boost::json::object> lines = ParseLogLines(log);
  const std::vector<boost::json::object> failing =
      LogEvents(lines, "store_writes_failing");
  ASSERT_GE(failing.size(), 1u) << log;
  EXPECT_EQ(LogString(failing[0], "level"), "error");
  EXPECT_EQ(LogString(failing[0], "reason"),
            "no space left on the data volume");
  const std::vector<boost::json::object> recovered =
      LogEvents(lines, "store_writes_resumed");
  ASSERT_GE(recovered.size(), 1u) << log;
  EXPECT_EQ(LogString(recovered[0], "level"), "info");
  EXPECT_LT(log.find("store_writes_failing"), log.find("store_writes_resumed"));
}

TEST(FullDiskTest, VigildRestartedOnAFullDiskExitsWithAClearMessage) {
  absl::StatusOr<std::unique_ptr<SmallTmpfs>> disk = SmallTmpfs::Mount(kDiskMb);
  if (!disk.ok()) GTEST_SKIP() << disk.status().message();
  TempDir dir;
  const std::string data = (*disk)->path() + "/data";
  const std::string config = FullDiskConfig(data);
  std::vector<std::string> answered;
  {
    // The disk fills up under load, and vigild then dies without a clean
    // shutdown (SIGKILL): its log holds writes to replay at the next start.
    absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
        VigildProcess::Start(dir.path(), config);
    ASSERT_TRUE(vigild.ok()) << vigild.status();
    Client client((*vigild)->address());
    for (int i = 0; i < 20; ++i) {
      HttpResponse r = client.Evaluate(i);
      ASSERT_EQ(r.status, 200) << r.body;
      answered.emplace_back(json::parse(r.body).at("event_id").as_string());
    }
    ASSERT_TRUE((*disk)->Fill().ok());
    for (int i = 20; i < 20000; ++i) {
      HttpResponse r = client.Evaluate(i);
      if (r.status != 200) break;
      answered.emplace_back(json::parse(r.body).at("event_id").as_string());
    }
    (*vigild)->Stop(SIGKILL);
  }

  // Started while still full: refuses to start with exit code 1 and the
  // reason, no abort.
  std::string output;
  const int code = RunVigildUntilExit(dir.path(), config, &output);
  EXPECT_EQ(code, 1) << output;
  EXPECT_TRUE(absl::StrContains(output, "no space left on the data volume"))
      << output;

  // Once there is room it starts with everything it had.
  (*disk)->Unfill();
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::Start(dir.path(), config);
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  Client client((*vigild)->address());
  EXPECT_EQ(client.Get("/readyz").status, 200);
  absl::flat_hash_set<std::string> ids = client.History();
  int missing = 0;
  for (const std::string& id : answered) missing += !ids.contains(id);
  EXPECT_EQ(missing, 0) << "of " << answered.size() << " answered evaluations";
}

}  // namespace
}  // namespace vigil::testing
