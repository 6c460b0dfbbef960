// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MFA out of the box (issue 17): the real vigild with service/vigild.toml
// unchanged (the test's API keys appended, as scripts/run.sh appends its
// development key), started like scripts/run.sh from the source folder, only
// the data folder and the port set by flags, against a fresh data folder.
// TOTP enrolment works without a key file being configured, a risky sign-in
// is challenged and a TOTP code from oathtool passes it, and after a restart
// the same key file is reused, so the enrolment still verifies.

#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kUserAgent[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

class ShippedConfigMfaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.path() + "/vigild.toml";
    WriteFileOrDie(
        config_, absl::StrCat(ReadFileOrDie(SourcePath("service/vigild.toml")),
                              "\n", TestApiKeysToml()));
    data_ = dir_.path() + "/data";
  }

  void Start() {
    client_.reset();
    vigild_.reset();
    absl::StatusOr<std::unique_ptr<VigildProcess>> p =
        VigildProcess::StartWithArgs(dir_.path(),
                                     {"--config", config_, "--data-dir", data_,
                                      "--listen", "127.0.0.1:0"},
                                     SourcePath(""));
    ASSERT_TRUE(p.ok()) << p.status();
    vigild_ = *std::move(p);
    absl::StatusOr<std::unique_ptr<HttpClient>> c =
        HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }

  json::value Call(absl::string_view method, const std::string& target,
                   const std::string& body, int want_status,
                   const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", absl::StrCat("Bearer ", key)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, want_status)
        << method << " " << target << ": " << r->body;
    if (r->body.empty()) return nullptr;
    return json::parse(r->body);
  }

  json::value SignIn(const std::string& user, absl::string_view outcome) {
    return Call("POST", "/v1/evaluate",
                absl::StrCat(R"({"user_id":")", user,
                             R"(","ip":"81.2.69.160","user_agent":")",
                             kUserAgent, R"(","outcome":")", outcome, R"("})"),
                200, kEvaluateKey);
  }

  // A code for a time step after every one used so far and within vigild's
  // window of one step either side of now (clear of a step boundary).
  std::string NextCode(const std::string& secret) {
    int64_t t = time(nullptr);
    if (t % 30 > 25) {
      absl::SleepFor(absl::Seconds(31 - t % 30));
      t = time(nullptr);
    }
    const int64_t step = std::max(t / 30 - 1, last_step_ + 1);
    EXPECT_LE(step, t / 30 + 1);
    last_step_ = step;
    return OathtoolCode(secret, step * 30);
  }

  TempDir dir_;
  std::string config_, data_;
  int64_t last_step_ = 0;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ShippedConfigMfaTest, TotpEnrolsChallengesAndSurvivesARestart) {
  ASSERT_FALSE(absl::StrContains(
      ReadFileOrDie(SourcePath("service/vigild.toml")), "\nkey_file = "))
      << "the shipped config must not configure a key file";
  ASSERT_NO_FATAL_FAILURE(Start());

  // The first start made the key file, 0600, and said so on stderr.
  const std::string key_file = data_ + "/mfa.key";
  struct stat st {};
  ASSERT_EQ(stat(key_file.c_str(), &st), 0) << vigild_->Stderr();
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string key_text = ReadFileOrDie(key_file);
  const std::string first_log = vigild_->Stderr();
  EXPECT_TRUE(absl::StrContains(first_log, "created the TOTP key file"))
      << first_log;
  EXPECT_TRUE(absl::StrContains(first_log, key_file)) << first_log;

  // Enrolment (409 before the fix) and its activation with an oathtool code.
  json::value e = Call("POST", "/v1/users/alice/mfa/totp",
                       R"({"account_name":"alice@example.com"})", 200, kMfaKey);
  ASSERT_TRUE(e.is_object());
  const std::string secret(e.at("secret").as_string());
  EXPECT_EQ(Call("POST", "/v1/users/alice/mfa/totp/verify",
                 absl::StrCat(R"({"code":")", NextCode(secret), R"("})"), 200,
                 kMfaKey)
                .at("result"),
            "passed");

  // A risky sign-in: after a run of wrong passwords (velocity, brute force),
  // the right one is challenged with TOTP, and a code passes.
  for (int i = 0; i < 10; ++i) SignIn("alice", "failure");
  json::value d = SignIn("alice", "success");
  ASSERT_EQ(d.at("decision"), "challenge") << json::serialize(d);
  EXPECT_TRUE(absl::StrContains(json::serialize(d.at("challenge")), "totp"))
      << json::serialize(d);
  const std::string id(d.at("challenge").at("id").as_string());
  EXPECT_EQ(Call("POST", absl::StrCat("/v1/challenges/", id, "/verify"),
                 absl::StrCat(R"({"code":")", NextCode(secret), R"("})"), 200,
                 kMfaKey)
                .at("result"),
            "passed");

  // A restart reuses the key file: unchanged, and the enrolment still
  // verifies (a new key could not decrypt the stored secret).
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(ReadFileOrDie(key_file), key_text);
  EXPECT_FALSE(absl::StrContains(vigild_->Stderr(), "created the TOTP key"))
      << vigild_->Stderr();
  EXPECT_EQ(
      Call("GET", "/v1/users/alice/mfa", "", 200, kMfaKey).at("totp_active"),
      true);
  for (int i = 0; i < 10; ++i) SignIn("alice", "failure");
  d = SignIn("alice", "success");
  ASSERT_EQ(d.at("decision"), "challenge") << json::serialize(d);
  const std::string id2(d.at("challenge").at("id").as_string());
  EXPECT_EQ(Call("POST", absl::StrCat("/v1/challenges/", id2, "/verify"),
                 absl::StrCat(R"({"code":")", NextCode(secret), R"("})"), 200,
                 kMfaKey)
                .at("result"),
            "passed");
}

// The key file is the only way to the stored TOTP secrets: when it is gone
// but enrolments exist, vigild refuses to start rather than make a new key.
TEST_F(ShippedConfigMfaTest, MissingKeyFileWithEnrolmentsStopsTheStart) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Call("POST", "/v1/users/bob/mfa/totp", R"({"account_name":"bob"})", 200,
       kMfaKey);
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  const std::string key_file = data_ + "/mfa.key";
  std::filesystem::rename(key_file, key_file + ".moved");
  absl::StatusOr<std::unique_ptr<VigildProcess>> p =
      VigildProcess::StartWithArgs(
          dir_.path(),
          {"--config", config_, "--data-dir", data_, "--listen", "127.0.0.1:0"},
          SourcePath(""));
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(
      absl::StrContains(p.status().message(), "the TOTP key file is missing"))
      << p.status();
  EXPECT_FALSE(std::filesystem::exists(key_file));
}

}  // namespace
}  // namespace vigil::testing
