// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// `vigil pwned import` as a function, the [pwned] config section, and the
// routes of the breach corpus.

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "service/route.h"
#include "testing/test_util.h"
#include "tools/pwned_import.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using testing::TempDir;
using testing::WriteFileOrDie;

constexpr char kPassword[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

CliResult RunCli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = tools::RunPwnedImport(args, out, err);
  return {code, out.str(), err.str()};
}

int64_t CountOf(const std::string& data_dir, const std::string& hash) {
  auto store = OpenStore(RocksDbStoreUrl(data_dir), StoreOptions());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return -1;
  auto corpus = OpenBreachCorpus(std::shared_ptr<Store>(std::move(*store)));
  EXPECT_TRUE(corpus.ok());
  auto r = (*corpus)->Check(HashKind::kSha1, hash);
  EXPECT_TRUE(r.ok());
  return r.ok() ? r->count : -1;
}

TEST(PwnedImportCliTest, ImportsReportsAndRefuses) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string dump = dir.path() + "/dump.txt";
  WriteFileOrDie(dump, absl::StrCat(kPassword, ":7\n"));
  CliResult r = RunCli({"--data-dir", data, dump});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "imported 1 sha1 hashes in 1 prefixes from 1 lines"))
      << r.out;
  EXPECT_EQ(CountOf(data, kPassword), 7);

  // A corrupt line: exit 1, the line number, the corpus unchanged.
  const std::string bad = dir.path() + "/bad.txt";
  WriteFileOrDie(bad, absl::StrCat(kPassword, ":9\n", kPassword, ":nine\n"));
  r = RunCli({"--data-dir=" + data, bad});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "bad.txt:2:")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "previous corpus is unchanged")) << r.err;
  EXPECT_FALSE(absl::StrContains(r.err, "5BAA61")) << r.err;
  EXPECT_EQ(CountOf(data, kPassword), 7);

  // --skip-bad-lines.
  r = RunCli({"--data-dir", data, "--skip-bad-lines", bad});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "(1 bad lines skipped)")) << r.out;
  EXPECT_EQ(CountOf(data, kPassword), 9);

  // --format plain hashes each line, even one that looks like a dump line.
  const std::string plain = dir.path() + "/plain.txt";
  WriteFileOrDie(plain, "password\n");
  r = RunCli({"--data-dir", data, "--format", "plain", plain});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(CountOf(data, kPassword), 1);

  // Bad arguments.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {},
           {"--data-dir", data},
           {"--format", "xml", dump},
           {"--bogus", dump},
           {"--data-dir"},
           {"--store", "memory:", dump},
           {"--store", data, dump},
           {"--store", "rocksdb:" + data, "--data-dir", data, dump},
           {"--ntlm", "--format", "plain", dump}}) {
    EXPECT_EQ(RunCli(args).code, 2);
  }
  EXPECT_TRUE(absl::StrContains(RunCli({"--store", "memory:", dump}).err,
                                "--store memory: is gone with its vigild"));
  EXPECT_EQ(RunCli({"--store", "rocksdb:" + data, dump}).code, 0);
  EXPECT_EQ(RunCli({"--data-dir", data, dir.path() + "/missing.txt"}).code, 1);
}

TEST(PwnedConfigTest, DefaultsAndValidation) {
  service::ServiceConfig defaults;
  EXPECT_TRUE(defaults.pwned_local);
  EXPECT_EQ(defaults.pwned_seed_file, "data/pwned/zxcvbn-common.txt");
  EXPECT_TRUE(defaults.pwned_remote_url.empty());
  EXPECT_TRUE(defaults.pwned_fail_open);
  EXPECT_FALSE(defaults.pwned_range_requires_key);

  auto c = service::ParseServiceConfig(
      "[pwned]\nlocal = false\nseed_file = \"\"\nremote_url = "
      "\"http://10.0.0.5:8080\"\ntimeout_ms = 300\ncache_ttl_s = 0\n"
      "fail_open = false\nrange_requires_key = true\nrange_max_age_s = 60\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->pwned_local);
  EXPECT_EQ(c->pwned_remote_url, "http://10.0.0.5:8080");
  EXPECT_EQ(c->pwned_timeout, absl::Milliseconds(300));
  EXPECT_EQ(c->pwned_cache_ttl, absl::ZeroDuration());
  EXPECT_FALSE(c->pwned_fail_open);
  EXPECT_TRUE(c->pwned_range_requires_key);
  EXPECT_EQ(c->pwned_range_max_age_s, 60);

  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"[pwned]\nremote_url = \"ftp://api.pwnedpasswords.com\"\n",
            "pwned.remote_url"},
           {"[pwned]\nremote_url = \"http://x\"\nca_file = \"ca.pem\"\n",
            "pwned.ca_file"},
           {"[pwned]\nremote_url = \"api.example\"\n", "pwned.remote_url"},
           {"[pwned]\ntimeout_ms = 0\n", "pwned.timeout_ms"},
           {"[pwned]\ncache_ttl_s = -1\n", "pwned.cache_ttl_s"},
           {"[pwned]\nfail_open = \"yes\"\n", "pwned.fail_open"},
           {"[pwned]\nfail_closed = true\n", "pwned.fail_closed"},
           {"pwned = 1\n", "pwned"}}) {
    auto bad = service::ParseServiceConfig(text, "t.toml");
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_TRUE(absl::StrContains(bad.status().message(), key)) << bad.status();
  }
  // The shipped file (every key commented out) is the defaults.
  auto shipped = service::ParseServiceConfig(
      testing::ReadFileOrDie(testing::SourcePath("service/vigild.toml")), "vigild.toml");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->pwned_seed_file, defaults.pwned_seed_file);
}

TEST(PwnedRouteTest, Matching) {
  using service::MatchRoute;
  using service::RouteId;
  EXPECT_EQ(MatchRoute("/range/5BAA6").route, RouteId::kRange);
  EXPECT_EQ(MatchRoute("/range/5BAA6").param, "5BAA6");
  EXPECT_EQ(MatchRoute("/range/5baa6?mode=ntlm").param, "5baa6");
  EXPECT_EQ(MatchRoute("/range/xyz").route, RouteId::kRange);  // 400 later
  EXPECT_EQ(MatchRoute("/range/").route, RouteId::kUnknown);
  EXPECT_EQ(MatchRoute("/range/5BAA6/x").route, RouteId::kUnknown);
  EXPECT_EQ(MatchRoute("/v1/passwords/check").route, RouteId::kPasswordCheck);
  EXPECT_EQ(service::RouteTemplate(RouteId::kRange), "/range/{prefix}");
  EXPECT_EQ(service::RouteMethod(RouteId::kPasswordCheck),
            boost::beast::http::verb::post);
}

}  // namespace
}  // namespace vigil
