// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Backups: the restore drill (the real vigild under an evaluate load, a
// backup through POST /v1/admin/backups while the load runs, restored with
// `vigil backup restore` into a new folder, and vigild on that folder has
// every event answered before the backup), and the offline commands
// `vigil backup create|list|restore` with their refusals.

#include "tools/backup.h"

#include <signal.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr int kClients = 4;
constexpr int kUsersPerClient = 8;

// The test config with [storage] backup_dir = `backup_dir`.
std::string ConfigWithBackups(const std::string& data_dir,
                              const std::string& backup_dir) {
  const std::string base = TestConfigToml(
      data_dir, SourcePath("models/default.toml"), "access_log = false\n");
  const std::string storage = TestStorageToml(data_dir);
  EXPECT_TRUE(absl::StrContains(base, storage));
  return absl::StrReplaceAll(
      base, {{storage,
              absl::StrCat(storage, "backup_dir = \"", backup_dir, "\"\n")}});
}

// Every event id in `user`'s history.
absl::flat_hash_set<std::string> History(HttpClient& client,
                                         const std::string& user) {
  absl::flat_hash_set<std::string> ids;
  std::string cursor;
  do {
    absl::StatusOr<HttpResponse> r =
        client.Get(absl::StrCat("/v1/users/", user, "/events?limit=1000",
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

std::string Quote(const std::string& s) { return absl::StrCat("'", s, "'"); }

TEST(BackupDrillTest, BackupUnderLoadRestoresEveryAnsweredEvent) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string backups = dir.path() + "/backups";
  const std::string restored = dir.path() + "/restored";
  std::vector<std::pair<std::string, std::string>> before;  // user, event
  {
    std::unique_ptr<VigildProcess> vigild;
    std::unique_ptr<HttpClient> admin;
    ASSERT_NO_FATAL_FAILURE(StartVigildAndConnect(
        dir.path(), ConfigWithBackups(data, backups), &vigild, &admin));
    // No backup yet: an empty list.
    absl::StatusOr<HttpResponse> list =
        admin->Get("/v1/admin/backups", kAdminKey);
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->status, 200) << list->body;
    EXPECT_EQ(list->body, R"({"backups":[]})");

    // A bounded load: each client stops after 400 evaluations or when told.
    absl::Mutex mu;
    std::vector<std::pair<std::string, std::string>> answered;
    std::atomic<bool> go_on{true};
    std::atomic<int> requests{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = HttpClient::Connect(vigild->address());
        if (!client.ok()) return;
        for (int i = 0; i < 400 && go_on.load(); ++i) {
          const std::string user =
              absl::StrCat("drill", c, "-", i % kUsersPerClient);
          absl::StatusOr<HttpResponse> r = (*client)->PostJson(
              "/v1/evaluate",
              absl::StrCat(R"({"user_id":")", user, R"(","ip":"81.2.69.)",
                           i % 250, R"(","outcome":"success"})"),
              kEvaluateKey);
          ++requests;
          if (!r.ok() || r->status != 200) continue;
          absl::MutexLock lock(&mu);
          answered.emplace_back(
              user,
              std::string(json::parse(r->body).at("event_id").as_string()));
        }
      });
    }
    // Wait until the load is under way, then back up while it runs. Every
    // evaluation answered before the POST is sent must be in the backup.
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (requests.load() < 200 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    {
      absl::MutexLock lock(&mu);
      before = answered;
    }
    absl::StatusOr<HttpResponse> made =
        admin->PostJson("/v1/admin/backups", "", kAdminKey);
    const int during = requests.load();
    go_on.store(false);
    for (std::thread& t : clients) t.join();
    ASSERT_TRUE(made.ok()) << made.status();
    ASSERT_EQ(made->status, 200) << made->body;
    json::value b = json::parse(made->body).at("backup");
    EXPECT_EQ(b.at("id").as_int64(), 1);
    EXPECT_GT(b.at("size_bytes").as_int64(), 0);
    EXPECT_GT(b.at("files").as_int64(), 0);
    EXPECT_TRUE(
        absl::EndsWith(std::string(b.at("timestamp").as_string()), "Z"));
    std::cout << before.size() << " evaluations answered before the backup, "
              << during << " requests sent when it returned\n";
    ASSERT_GE(before.size(), 150u);

    list = admin->Get("/v1/admin/backups", kAdminKey);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->status, 200);
    json::array all = json::parse(list->body).at("backups").as_array();
    ASSERT_EQ(all.size(), 1u) << list->body;
    EXPECT_EQ(all[0], b);
    EXPECT_EQ(vigild->Stop(SIGTERM), 0);
  }

  // Restore with the CLI into a new folder and serve from it.
  int code = -1;
  const std::string out = RunShell(
      absl::StrCat(VIGIL_CLI_PATH, " backup restore --backup-dir ",
                   Quote(backups), " --data-dir ", Quote(restored), " 2>&1"),
      &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(absl::StrContains(out, "restored the latest backup")) << out;
  TempDir second;
  std::unique_ptr<VigildProcess> vigild;
  std::unique_ptr<HttpClient> client;
  ASSERT_NO_FATAL_FAILURE(StartVigildAndConnect(
      second.path(),
      TestConfigToml(restored, SourcePath("models/default.toml"),
                     "access_log = false\n"),
      &vigild, &client));
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> seen;
  int missing = 0;
  for (const auto& [user, event] : before) {
    auto it = seen.find(user);
    if (it == seen.end()) it = seen.emplace(user, History(*client, user)).first;
    missing += !it->second.contains(event);
  }
  EXPECT_EQ(missing, 0) << "of " << before.size()
                        << " answered before the backup";
}

TEST(BackupRouteTest, RefusedWithoutABackupDir) {
  TempDir dir;
  std::unique_ptr<VigildProcess> vigild;
  std::unique_ptr<HttpClient> client;
  ASSERT_NO_FATAL_FAILURE(StartVigildAndConnect(
      dir.path(),
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml"),
                     "access_log = false\n"),
      &vigild, &client));
  for (const char* method : {"POST", "GET"}) {
    absl::StatusOr<HttpResponse> r =
        client->Send(method, "/v1/admin/backups", "",
                     {{"Authorization", absl::StrCat("Bearer ", kAdminKey)}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 409) << r->body;
    EXPECT_TRUE(absl::StrContains(r->body, "\"backups_not_configured\""))
        << r->body;
  }
}

// On memory: the backup routes answer 501 store_has_no_backups, backup_dir
// set or not (it does not apply), and vigild goes on serving.
TEST(BackupRouteTest, TheMemoryStoreHasNoBackups) {
  TempDir dir;
  const std::string memory = "[storage]\nurl = \"memory:\"\n";
  const std::string base =
      TestConfigToml(dir.path() + "/data", SourcePath("models/default.toml"),
                     "access_log = false\n");
  const std::string config = absl::StrReplaceAll(
      base,
      {{TestStorageToml(dir.path() + "/data"),
        absl::StrCat(memory, "backup_dir = \"", dir.path(), "/backups\"\n")}});
  ASSERT_NE(config, base);
  std::unique_ptr<VigildProcess> vigild;
  std::unique_ptr<HttpClient> client;
  ASSERT_NO_FATAL_FAILURE(
      StartVigildAndConnect(dir.path(), config, &vigild, &client));
  for (const char* method : {"POST", "GET"}) {
    absl::StatusOr<HttpResponse> r =
        client->Send(method, "/v1/admin/backups", "",
                     {{"Authorization", absl::StrCat("Bearer ", kAdminKey)}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 501) << r->body;
    EXPECT_TRUE(absl::StrContains(r->body, "\"store_has_no_backups\""))
        << r->body;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/backups"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/data"));
  absl::StatusOr<HttpResponse> ready = client->Get("/readyz", "");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
}

struct Cli {
  int code;
  std::string out;
  std::string err;
};

template <typename F>
Cli RunCli(F command, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = command(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(BackupCliTest, CreateListRestoreAndRefusals) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string backups = dir.path() + "/backups";
  auto put = [&](const std::string& key) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenStore(RocksDbStoreUrl(data), StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    WriteBatch b;
    b.Put(Table::kMeta, key, "v");
    ASSERT_TRUE((*store)->Write(b).ok());
  };
  ASSERT_NO_FATAL_FAILURE(put("first"));
  Cli r = RunCli(tools::RunBackupCreate,
                 {"--data-dir", data, "--backup-dir", backups});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "backup 1 of ")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;  // no progress when not on a terminal
  ASSERT_NO_FATAL_FAILURE(put("second"));
  r = RunCli(tools::RunBackupCreate,
             {"--data-dir", data, "--backup-dir", backups});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "backup 2 of ")) << r.out;

  r = RunCli(tools::RunBackupList, {"--backup-dir", backups});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "\n1    20")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\n2    20")) << r.out;

  // Backup 1 has the first key only; the latest has both.
  auto keys_in = [](const std::string& path) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenStore(RocksDbStoreUrl(path), StoreOptions());
    EXPECT_TRUE(store.ok()) << store.status();
    std::string keys;
    if (!store.ok()) return keys;
    for (const char* k : {"first", "second"}) {
      std::string v;
      if ((*store)->Get(Table::kMeta, k, &v).ok()) keys += k;
    }
    return keys;
  };
  const std::string one = dir.path() + "/one";
  r = RunCli(tools::RunBackupRestore,
             {"--backup-dir", backups, "--data-dir", one, "--id", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(keys_in(one), "first");
  const std::string latest = dir.path() + "/latest";
  r = RunCli(tools::RunBackupRestore,
             {"--backup-dir", backups, "--data-dir", latest});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(keys_in(latest), "firstsecond");

  // Refusals: each exits non-zero, says why, and changes nothing.
  const std::string empty = dir.path() + "/empty";
  std::filesystem::create_directory(empty);
  r = RunCli(tools::RunBackupCreate,
             {"--data-dir", empty, "--backup-dir", backups});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "no database here")) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(empty));  // none created
  r = RunCli(tools::RunBackupCreate, {"--data-dir", data});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--backup-dir is required")) << r.err;
  // --store names the same folders; memory: and a bare path are refused.
  r = RunCli(tools::RunBackupCreate,
             {"--store", "rocksdb:" + data, "--backup-dir", backups});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "backup 3 of ")) << r.out;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--store", "memory:", "--backup-dir", backups},
           {"--store", data, "--backup-dir", backups},
           {"--store", "rocksdb:" + data, "--data-dir", data, "--backup-dir",
            backups},
           {"--backup-dir", backups}}) {
    r = RunCli(tools::RunBackupCreate, args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(absl::StrContains(r.err, "see vigil backup create --help"))
        << r.err;
  }
  r = RunCli(tools::RunBackupCreate,
             {"--store", "memory:", "--backup-dir", backups});
  EXPECT_TRUE(absl::StrContains(r.err, "memory: keeps nothing to back up"))
      << r.err;
  r = RunCli(tools::RunBackupCreate, {"--backup-dir", backups});
  EXPECT_TRUE(absl::StrContains(r.err, "--store URL is required")) << r.err;
  r = RunCli(tools::RunBackupRestore,
             {"--backup-dir", backups, "--store", "memory:"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "memory: cannot be restored into"))
      << r.err;
  const std::string third = dir.path() + "/third";
  r = RunCli(tools::RunBackupRestore,
             {"--backup-dir", backups, "--store", "rocksdb:" + third});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(
      absl::StrContains(r.out, "start vigild with --store rocksdb:" + third))
      << r.out;
  EXPECT_EQ(keys_in(third), "firstsecond");

  r = RunCli(tools::RunBackupList, {"--backup-dir", empty});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "holds no vigil backups")) << r.err;
  r = RunCli(tools::RunBackupList, {"--backup-dir", dir.path() + "/nowhere"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "no such backup folder")) << r.err;
  // Into a folder that is not empty: refused, the folder untouched.
  r = RunCli(tools::RunBackupRestore,
             {"--backup-dir", backups, "--data-dir", data});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "not empty")) << r.err;
  EXPECT_EQ(keys_in(data), "firstsecond");
  r = RunCli(tools::RunBackupRestore, {"--backup-dir", backups, "--data-dir",
                                       dir.path() + "/x", "--id", "9"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "no backup with id 9")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/x"));
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--backup-dir", backups, "--data-dir", dir.path() + "/y", "--id",
            "0"},
           {"--backup-dir", backups, "--data-dir", dir.path() + "/y", "--id",
            "x"},
           {"--backup-dir", backups},
           {"--backup-dir", backups, "--data-dir", dir.path() + "/y",
            "extra"}}) {
    r = RunCli(tools::RunBackupRestore, args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(absl::StrContains(r.err, "see vigil backup restore --help"))
        << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/y"));
}

}  // namespace
}  // namespace vigil::testing
