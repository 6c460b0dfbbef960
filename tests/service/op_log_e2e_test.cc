// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The operational log of the real vigild (service/op_log.h,
// docs/operations.md): every stderr line is one JSON object; the start, what
// it loaded (a GeoIP file missing among them), ready, a model reload and a
// refused one, and SIGTERM's shutdown, each with its level and fields.
// Delivery failures and dead letters are in notify_e2e_test.cc.

#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"
#include "vigil/version.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

// Every line of `log` parsed; a line that is not a JSON object fails.
std::vector<json::object> ParseLines(const std::string& log) {
  std::vector<std::string> bad;
  std::vector<json::object> lines = ParseLogLines(log, &bad);
  for (const std::string& line : bad) ADD_FAILURE() << "not JSON: " << line;
  return lines;
}

class OpLogE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dir_.path() + "/model.toml";
    std::filesystem::copy_file(SourcePath("models/default.toml"), model_);
    missing_city_ = dir_.path() + "/geoip/missing-city.mmdb";
    empty_asn_ = dir_.path() + "/empty-asn.csv";
    WriteFileOrDie(empty_asn_, "");
    // The test config's [geo] with a missing city file before the real one,
    // and an empty ASN CSV.
    std::string config = TestConfigToml(dir_.path() + "/data", model_,
                                        "shutdown_timeout_ms = 3000\n");
    config = absl::StrReplaceAll(
        config,
        {{"city_dbs = [\"",
          absl::StrCat("city_dbs = [\"", missing_city_, "\", \"")},
         {"asn_csvs = []", absl::StrCat("asn_csvs = [\"", empty_asn_,
                                        "\"]\n[log]\nlevel = \"info\"")}});
    config_ = config;
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config_, &vigild_, &client_));
  }

  HttpResponse Post(const std::string& target, const std::string& key) {
    absl::StatusOr<HttpResponse> r = client_->Send(
        "POST", target, "", {{"Authorization", absl::StrCat("Bearer ", key)}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse();
  }

  TempDir dir_;
  std::string model_, missing_city_, empty_asn_, config_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(OpLogE2eTest, StartLoadReadyReloadAndShutdownAreJsonEvents) {
  // A reload, then one of a broken model file: the old model stays.
  HttpResponse r = Post("/v1/admin/reload", kAdminKey);
  EXPECT_EQ(r.status, 200) << r.body;
  WriteFileOrDie(model_, "this is not a model [[[\n");
  r = Post("/v1/admin/reload", kAdminKey);
  EXPECT_EQ(r.status, 422) << r.body;
  vigild_->WaitForStderr("model_reload_refused");
  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0) << vigild_->Stderr();

  const std::string log = vigild_->Stderr();
  const std::vector<json::object> lines = ParseLines(log);
  // Operational lines carry time, level and event.
  int operational = 0;
  for (const json::object& o : lines) {
    if (!o.contains("event")) {
      EXPECT_TRUE(o.contains("route")) << json::serialize(o);  // access line
      continue;
    }
    ++operational;
    EXPECT_FALSE(LogString(o, "time").empty()) << json::serialize(o);
    const std::string level = LogString(o, "level");
    EXPECT_TRUE(level == "debug" || level == "info" || level == "warn" ||
                level == "error")
        << json::serialize(o);
  }
  EXPECT_GE(operational, 8) << log;

  std::vector<json::object> e = LogEvents(lines, "start");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "level"), "info");
  // The project version, and the git commit vigild was built at.
  EXPECT_TRUE(absl::StartsWith(LogString(e[0], "version"), VIGIL_VERSION))
      << json::serialize(e[0]);
  EXPECT_EQ(LogString(e[0], "config"), dir_.path() + "/vigild.toml");
  EXPECT_EQ(LogString(e[0], "listen"), "127.0.0.1:0");
  const bool memory = TestStoreIsMemory();
  EXPECT_EQ(LogString(e[0], "store"), TestStoreUrl(dir_.path() + "/data"));
  EXPECT_EQ(LogString(e[0], "data_dir"), memory ? "" : dir_.path() + "/data");
  EXPECT_EQ(LogString(e[0], "model"), model_);
  EXPECT_GT(e[0].at("pid").as_int64(), 0);

  e = LogEvents(lines, "store_opened");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "url"), TestStoreUrl(dir_.path() + "/data"));
  if (memory) {
    EXPECT_EQ(LogString(e[0], "store"), "memory");
    EXPECT_TRUE(absl::StrContains(LogString(e[0], "msg"), "do not apply"));
  } else {
    EXPECT_EQ(LogString(e[0], "store"), "rocksdb");
    EXPECT_EQ(e[0].at("group_commit"), true);
  }

  // The missing and the empty file: skipped, each said so, and what is off.
  e = LogEvents(lines, "geo_file_unavailable");
  ASSERT_EQ(e.size(), 2u) << log;
  EXPECT_EQ(LogString(e[0], "level"), "warn");
  EXPECT_EQ(LogString(e[0], "kind"), "city");
  EXPECT_EQ(LogString(e[0], "path"), missing_city_);
  EXPECT_EQ(LogString(e[0], "reason"), "missing");
  EXPECT_EQ(LogString(e[1], "kind"), "asn_csv");
  EXPECT_EQ(LogString(e[1], "reason"), "empty");
  e = LogEvents(lines, "geo_degraded");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(e[0].at("files_skipped"), 2);
  EXPECT_EQ(e[0].at("city"), true);  // the other city file still answers
  EXPECT_EQ(e[0].at("asn"), true);

  // The files that did open, with their build dates.
  e = LogEvents(lines, "geo_file_loaded");
  ASSERT_EQ(e.size(), 2u) << log;
  EXPECT_EQ(LogString(e[0], "kind"), "city");
  EXPECT_EQ(LogString(e[0], "path"),
            TestDataPath("maxmind/GeoIP2-City-Test.mmdb"));
  EXPECT_EQ(LogString(e[0], "database_type"), "GeoIP2-City");
  EXPECT_EQ(LogString(e[0], "build_time").size(), 20u) << json::serialize(e[0]);
  EXPECT_GT(e[0].at("nodes").as_int64(), 0);
  EXPECT_EQ(LogString(e[1], "kind"), "asn");

  e = LogEvents(lines, "breach_corpus");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "mode"), "local");
  EXPECT_TRUE(e[0].at("hashes").is_int64());

  // A fresh data folder: the TOTP key file was made, loudly. On memory: a
  // temporary one, gone with the store.
  e = LogEvents(lines, "mfa_key_file_created");
  if (memory) {
    EXPECT_TRUE(e.empty()) << log;
    e = LogEvents(lines, "mfa_key_file");
    ASSERT_EQ(e.size(), 1u) << log;
    EXPECT_EQ(LogString(e[0], "source"), "memory");
    EXPECT_FALSE(std::filesystem::exists(LogString(e[0], "path")))
        << "removed at the stop";
  } else {
    ASSERT_EQ(e.size(), 1u) << log;
    EXPECT_EQ(LogString(e[0], "level"), "warn");
    EXPECT_EQ(LogString(e[0], "path"), dir_.path() + "/data/mfa.key");
    EXPECT_TRUE(
        absl::StrContains(LogString(e[0], "msg"), "LOSING IT LOSES EVERY"));
  }

  e = LogEvents(lines, "ready");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "address"), vigild_->address());
  EXPECT_FALSE(LogString(e[0], "model_id").empty());
  EXPECT_EQ(e[0].at("notify_email"), false);
  EXPECT_GE(e[0].at("startup_ms").as_int64(), 0);

  e = LogEvents(lines, "model_reloaded");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "level"), "info");
  EXPECT_EQ(LogString(e[0], "path"), model_);
  e = LogEvents(lines, "model_reload_refused");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "level"), "warn");
  EXPECT_FALSE(LogString(e[0], "error").empty());
  EXPECT_FALSE(LogString(e[0], "model_id").empty()) << "the model that stays";

  e = LogEvents(lines, "shutdown");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "signal"), "SIGTERM");
  e = LogEvents(lines, "stopped");
  ASSERT_EQ(e.size(), 1u) << log;
  EXPECT_EQ(LogString(e[0], "level"), "info");
  EXPECT_EQ(e[0].at("drained"), true);
  EXPECT_GE(e[0].at("shutdown_ms").as_int64(), 0);
  // The last line of the process.
  EXPECT_EQ(LogString(lines.back(), "event"), "stopped") << log;

  // No event mentions the keys.
  for (const char* key : {kEvaluateKey, kAdminKey, kMfaKey}) {
    EXPECT_FALSE(absl::StrContains(log, key)) << key;
  }
}

TEST_F(OpLogE2eTest, LevelWarnLeavesOnlyWarningsAndErrors) {
  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  vigild_.reset();
  const std::string config =
      absl::StrReplaceAll(config_, {{"level = \"info\"", "level = \"warn\""}});
  ASSERT_NO_FATAL_FAILURE(
      StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  const std::vector<json::object> lines = ParseLines(vigild_->Stderr());
  EXPECT_EQ(LogEvents(lines, "start").size(), 0u);
  EXPECT_EQ(LogEvents(lines, "ready").size(), 0u);
  EXPECT_EQ(LogEvents(lines, "geo_file_unavailable").size(), 2u);
  for (const json::object& o : lines) {
    if (!o.contains("event")) continue;
    EXPECT_TRUE(LogString(o, "level") == "warn" ||
                LogString(o, "level") == "error")
        << json::serialize(o);
  }
}

TEST(OpLogConfigTest, AnUnknownLevelIsRefusedAtStart) {
  TempDir dir;
  std::string output;
  const int code = RunVigildUntilExit(
      dir.path(),
      absl::StrCat(TestConfigToml(dir.path() + "/data",
                                  SourcePath("models/default.toml")),
                   "[log]\nlevel = \"loud\"\n"),
      &output);
  EXPECT_EQ(code, 2) << output;
  EXPECT_TRUE(absl::StrContains(output, "log.level")) << output;
}

// A start that fails ends with a start_failed event saying why.
TEST(OpLogConfigTest, AFailedStartIsAnErrorEvent) {
  TempDir dir;
  const std::string not_a_folder = dir.path() + "/file";
  WriteFileOrDie(not_a_folder, "x");
  std::string output;
  const int code = RunVigildUntilExit(
      dir.path(),
      TestConfigToml(not_a_folder + "/data", SourcePath("models/default.toml")),
      &output);
  EXPECT_EQ(code, 1) << output;
  std::vector<std::string> bad;
  const std::vector<json::object> lines = ParseLogLines(output, &bad);
  const std::vector<json::object> failed = LogEvents(lines, "start_failed");
  ASSERT_EQ(failed.size(), 1u) << output;
  EXPECT_EQ(LogString(failed[0], "level"), "error");
  EXPECT_TRUE(absl::StrContains(LogString(failed[0], "msg"), not_a_folder))
      << output;
  EXPECT_EQ(LogString(lines.back(), "event"), "start_failed") << output;
}

}  // namespace
}  // namespace vigil::testing
