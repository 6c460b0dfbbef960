// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The remote range client: what it sends (only 5 hex digits, with padding
// asked for), how it reads answers (count-0 rows ignored), its cache, its
// failure modes and fallback; and the Beast HTTP client against a local
// server that records the raw request.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "pwned/range_fetcher.h"
#include "testing/recording_server.h"
#include "testing/test_util.h"
#include "vigil/clock.h"
#include "vigil/pwned.h"

namespace vigil {
namespace {

using testing::HttpOk;
using testing::RecordingServer;

constexpr char kPassword[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char kPasswordSuffix[] = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";

class FakeFetcher final : public internal::RangeFetcher {
 public:
  struct State {
    absl::Mutex mu;
    std::vector<std::string> asked;
    std::string body;
    bool fail = false;
  };
  explicit FakeFetcher(std::shared_ptr<State> state) : state_(std::move(state)) {}
  absl::StatusOr<std::string> FetchRange(HashKind kind,
                                         absl::string_view prefix) override {
    absl::MutexLock lock(&state_->mu);
    state_->asked.push_back(std::string(prefix));
    if (state_->fail) return absl::UnavailableError("down");
    return state_->body;
  }

 private:
  std::shared_ptr<State> state_;
};

class FixedChecker final : public PasswordChecker {
 public:
  absl::StatusOr<PasswordCheck> Check(HashKind, absl::string_view hex) const override {
    PasswordCheck r;
    if (hex == kPassword) {
      r.compromised = true;
      r.count = 77;
    }
    return r;
  }
};

struct Remote {
  std::shared_ptr<FakeFetcher::State> state = std::make_shared<FakeFetcher::State>();
  SimulatedClock clock{absl::FromUnixSeconds(1767225600)};
  std::unique_ptr<RemoteChecker> checker;

  explicit Remote(RemoteCheckerOptions options = {}) {
    options.clock = &clock;
    checker = internal::NewRemoteChecker(
        options, std::make_unique<FakeFetcher>(state));
  }
};

TEST(RemoteCheckerTest, SendsOnlyThePrefixAndIgnoresPadding) {
  Remote r;
  r.state->body = absl::StrCat("0000000000000000000000000000000000A:0\r\n",
                               kPasswordSuffix, ":9545824\r\n",
                               "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0");
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, r.checker->Check(HashKind::kSha1, kPassword));
  EXPECT_TRUE(c.compromised);
  EXPECT_EQ(c.count, 9545824);
  EXPECT_FALSE(c.degraded);
  ASSERT_EQ(r.state->asked.size(), 1u);
  EXPECT_EQ(r.state->asked[0], "5BAA6");
  // A padding row (count 0) is not a hit.
  ASSERT_OK_AND_ASSIGN(
      c, r.checker->Check(HashKind::kSha1, "5BAA60000000000000000000000000000000000A"));
  EXPECT_FALSE(c.compromised);
}

TEST(RemoteCheckerTest, CachesPrefixesForTheTtl) {
  RemoteCheckerOptions options;
  options.cache_ttl = absl::Minutes(5);
  Remote r(options);
  r.state->body = absl::StrCat(kPasswordSuffix, ":3");
  ASSERT_OK(r.checker->Check(HashKind::kSha1, kPassword).status());
  ASSERT_OK(r.checker->Check(HashKind::kSha1, "5baa6000000000000000000000000000000000aa").status());
  EXPECT_EQ(r.state->asked.size(), 1u);
  r.clock.Advance(absl::Minutes(6));
  ASSERT_OK(r.checker->Check(HashKind::kSha1, kPassword).status());
  EXPECT_EQ(r.state->asked.size(), 2u);
  EXPECT_EQ(r.checker->stats().requests, 2);
  EXPECT_EQ(r.checker->stats().cache_hits, 1);
}

TEST(RemoteCheckerTest, FailsOpenOrClosed) {
  for (bool open : {true, false}) {
    RemoteCheckerOptions options;
    options.fail_open = open;
    Remote r(options);
    r.state->fail = true;
    ASSERT_OK_AND_ASSIGN(PasswordCheck c, r.checker->Check(HashKind::kSha1, kPassword));
    EXPECT_TRUE(c.degraded);
    EXPECT_EQ(c.compromised, !open);
    EXPECT_EQ(c.count, 0);
    EXPECT_EQ(r.checker->stats().failures, 1);
  }
}

TEST(RemoteCheckerTest, MalformedAnswerIsAFailure) {
  RemoteCheckerOptions options;
  options.fail_open = false;
  Remote r(options);
  r.state->body = "not a range answer";
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, r.checker->Check(HashKind::kSha1, kPassword));
  EXPECT_TRUE(c.degraded);
  EXPECT_TRUE(c.compromised);
}

TEST(RemoteCheckerTest, FallsBackToTheLocalCorpus) {
  RemoteCheckerOptions options;
  options.fail_open = true;
  options.fallback = std::make_shared<FixedChecker>();
  Remote r(options);
  r.state->fail = true;
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, r.checker->Check(HashKind::kSha1, kPassword));
  EXPECT_TRUE(c.compromised);
  EXPECT_EQ(c.count, 77);
  EXPECT_TRUE(c.degraded);
  ASSERT_OK_AND_ASSIGN(
      c, r.checker->Check(HashKind::kSha1, "0000000000000000000000000000000000000001"));
  EXPECT_FALSE(c.compromised);
  EXPECT_TRUE(c.degraded);
}

TEST(RemoteCheckerTest, RefusesMalformedHashesWithoutAsking) {
  Remote r;
  EXPECT_TRUE(absl::IsInvalidArgument(r.checker->Check(HashKind::kSha1, "5BAA6").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      r.checker->Check(HashKind::kNtlm, kPassword).status()));
  EXPECT_TRUE(r.state->asked.empty());
}

TEST(RemoteCheckerTest, CreateValidatesTheUrl) {
  for (const char* bad : {"", "ftp://x", "http://", "https://",
                          "http://host:99999", "http://host:x"}) {
    RemoteCheckerOptions options;
    options.base_url = bad;
    EXPECT_FALSE(CreateRemoteChecker(options).ok()) << bad;
  }
  RemoteCheckerOptions options;
  options.base_url = "http://127.0.0.1:8080/pwned/";
  EXPECT_TRUE(CreateRemoteChecker(options).ok());
  options.base_url = "https://api.pwnedpasswords.com";
  EXPECT_TRUE(CreateRemoteChecker(options).ok());
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_TRUE(absl::IsInvalidArgument(CreateRemoteChecker(options).status()));
  options.base_url = "http://127.0.0.1:8080";
  EXPECT_TRUE(absl::IsInvalidArgument(CreateRemoteChecker(options).status()));
  ASSERT_OK_AND_ASSIGN(internal::HttpUrl url,
                       internal::ParseHttpUrl("http://[::1]:81/a/b/"));
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "81");
  EXPECT_EQ(url.path, "/a/b");
}

TEST(HttpRangeClientTest, SendsFiveHexDigitsAndAsksForPadding) {
  RecordingServer server(HttpOk(absl::StrCat(kPasswordSuffix, ":9545824\r\n",
                                             "0000000000000000000000000000000000A:0")));
  RemoteCheckerOptions options;
  options.base_url = server.url() + "/pw";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RemoteChecker> checker,
                       CreateRemoteChecker(options));
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, checker->Check(HashKind::kSha1, kPassword));
  EXPECT_TRUE(c.compromised);
  EXPECT_EQ(c.count, 9545824);
  ASSERT_OK(checker->Check(HashKind::kNtlm, "8846F7EAEE8FB117AD06BDD830B7586C").status());

  std::vector<std::string> reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(reqs[0], "GET /pw/range/5BAA6 HTTP/1.1\r\n")) << reqs[0];
  EXPECT_TRUE(absl::StartsWith(reqs[1], "GET /pw/range/8846F?mode=ntlm HTTP/1.1\r\n"))
      << reqs[1];
  EXPECT_NE(reqs[0].find("Add-Padding: true\r\n"), std::string::npos);
  // Nothing of the hash beyond its first 5 digits, in any case, anywhere.
  for (const std::string& req : reqs) {
    std::string upper = absl::AsciiStrToUpper(req);
    EXPECT_EQ(upper.find("5BAA61"), std::string::npos);
    EXPECT_EQ(upper.find(kPasswordSuffix), std::string::npos);
    EXPECT_EQ(upper.find("1E4C9B"), std::string::npos);
    EXPECT_EQ(upper.find("8846F7"), std::string::npos);
  }
}

TEST(HttpRangeClientTest, TimesOutAndFailsAsConfigured) {
  RecordingServer server("", /*stall=*/true);
  RemoteCheckerOptions options;
  options.base_url = server.url();
  options.timeout = absl::Milliseconds(200);
  options.fail_open = false;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RemoteChecker> checker,
                       CreateRemoteChecker(options));
  absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, checker->Check(HashKind::kSha1, kPassword));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_TRUE(c.degraded);
  EXPECT_TRUE(c.compromised);
}

TEST(HttpRangeClientTest, NonOkStatusIsAFailure) {
  RecordingServer server(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  RemoteCheckerOptions options;
  options.base_url = server.url();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RemoteChecker> checker,
                       CreateRemoteChecker(options));
  ASSERT_OK_AND_ASSIGN(PasswordCheck c, checker->Check(HashKind::kSha1, kPassword));
  EXPECT_TRUE(c.degraded);
  EXPECT_FALSE(c.compromised);  // fail_open by default
}

}  // namespace
}  // namespace vigil
