// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ParseTimestamp has a fast path for the usual RFC 3339 shape in front of
// absl::ParseTime. It must agree with absl::ParseTime on every input: the
// same answer for valid times, and a refusal for everything absl refuses.
//
// And against the real vigild: a live /v1/evaluate dates attempts by the
// server's clock, keeping a caller's "timestamp" as its claim only.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/json_codec.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

void ExpectAgreesWithAbsl(const std::string& text) {
  absl::Time ours, theirs;
  std::string err;
  const bool ok_ours = ParseTimestamp(text, &ours);
  const bool ok_theirs = absl::ParseTime(absl::RFC3339_full, text, &theirs, &err);
  EXPECT_EQ(ok_ours, ok_theirs) << "\"" << text << "\"";
  if (ok_ours && ok_theirs) EXPECT_EQ(ours, theirs) << "\"" << text << "\"";
}

TEST(TimestampTest, KnownValuesAndRefusals) {
  absl::Time t;
  ASSERT_TRUE(ParseTimestamp("2026-11-24T22:55:49Z", &t));
  EXPECT_EQ(absl::ToUnixSeconds(t), 1795560949);
  ASSERT_TRUE(ParseTimestamp("2026-11-24T23:55:49.250+01:00", &t));
  EXPECT_EQ(t, absl::FromUnixSeconds(1795560949) + absl::Milliseconds(250));
  for (const char* bad : {"", "2026-11-24", "2026-11-24 22:55:49Z", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-24T24:00:00Z",
                          "2026-11-24T22:55:49", "2026-11-24T22:55:49.Z",
                          "２026-11-24T22:55:49Z"}) {
    EXPECT_FALSE(ParseTimestamp(bad, &t)) << bad;
    ExpectAgreesWithAbsl(bad);
  }
}

TEST(TimestampTest, AgreesWithAbslOnValidTimes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const int year = 1600 + rng() % 900, month = 1 + rng() % 12, day = 1 + rng() % 31;
    const int hour = rng() % 24, minute = rng() % 60, second = rng() % 60;
    std::string text = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", year, month,
                                       day, hour, minute, second);
    if (rng() % 2) text += "." + std::to_string(rng() % 1000000000000ULL);
    switch (rng() % 3) {
      case 0: text += "Z"; break;
      case 1: text += absl::StrFormat("+%02d:%02d", rng() % 24, rng() % 60); break;
      default: text += absl::StrFormat("-%02d:%02d", rng() % 24, rng() % 60); break;
    }
    ExpectAgreesWithAbsl(text);
  }
}

TEST(TimestampTest, AgreesWithAbslOnMutatedTimes) {
  const std::string base = "2024-02-29T23:59:59.123456789+05:30";
  const std::string alphabet = "0123456789-+:.TZtz 9";
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string text = base;
    for (int edits = 1 + rng() % 3; edits > 0; --edits) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1); break;
        default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (text.empty()) text = "0";
    }
    ExpectAgreesWithAbsl(text);
  }
}

}  // namespace
}  // namespace vigil::service

namespace vigil::testing {
namespace {

namespace json = boost::json;

class LiveTimestampTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(),
                              TestConfigToml(dir_.path() + "/data",
                                             SourcePath("models/default.toml")),
                              &vigild_, &client_));
  }

  json::value Evaluate(const std::string& user, const std::string& ip,
                       const std::string& extra) {
    absl::StatusOr<HttpResponse> r = client_->PostJson(
        "/v1/evaluate",
        absl::StrCat(R"({"user_id":")", user, R"(","ip":")", ip,
                     R"(","user_agent":"curl/8.0")", extra, "}"),
        kEvaluateKey);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(LiveTimestampTest, AnOldTimestampIsRecordedAsTheClaimOnly) {
  const absl::Time before = absl::Now();
  const json::value d =
      Evaluate("alice", "81.2.69.160",
               R"(,"outcome":"success","timestamp":"2000-01-01T00:00:00Z")");
  const absl::Time after = absl::Now();
  absl::StatusOr<HttpResponse> r =
      client_->Get("/v1/users/alice/events", kAdminKey);
  ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : "");
  const json::value page = json::parse(r->body);
  const json::value& e = page.at("events").at(0);
  EXPECT_EQ(e.at("event_id"), d.at("event_id"));
  absl::Time time;
  ASSERT_TRUE(
      service::ParseTimestamp(std::string(e.at("time").as_string()), &time))
      << json::serialize(e);
  EXPECT_GE(time, before - absl::Seconds(1)) << json::serialize(e);
  EXPECT_LE(time, after + absl::Seconds(1)) << json::serialize(e);
  EXPECT_EQ(e.at("client_timestamp"), "2000-01-01T00:00:00Z")
      << json::serialize(e);
}

TEST_F(LiveTimestampTest, BackdatedFailuresDoNotHideAStuffingRun) {
  const std::string two_hours_ago = service::FormatTimestamp(
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(2))));
  for (int i = 0; i < 30; ++i) {
    Evaluate(absl::StrCat("victim-", i), "175.16.199.10",
             absl::StrCat(R"(,"outcome":"failure","timestamp":")",
                          two_hours_ago, "\""));
  }
  const json::value d = Evaluate("victim-next", "175.16.199.10", "");
  EXPECT_TRUE(absl::StrContains(json::serialize(d.at("risk").at("reasons")),
                                "\"velocity\""))
      << json::serialize(d);
}

}  // namespace
}  // namespace vigil::testing
