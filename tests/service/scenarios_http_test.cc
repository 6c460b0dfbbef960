// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The foundation's scenarios (tests/scenarios) again, through HTTP against
// the real vigild: attempts carry their timestamps, as a pool replaying a
// day would send them, and history shows the decisions and reasons.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/json_codec.h"
#include "service/vigild_process.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kLaptop[] = "fp-laptop-1";

class HttpScenario {
 public:
  explicit HttpScenario(const std::string& model_toml = "") {
    std::string model = dir_.path() + "/model.toml";
    WriteFileOrDie(model, model_toml.empty()
                              ? ReadFileOrDie(SourcePath("models/default.toml"))
                              : model_toml);
    absl::StatusOr<std::unique_ptr<VigildProcess>> p = VigildProcess::Start(
        dir_.path(),
        // The scenarios date their attempts (days apart), as a replay does.
        TestConfigToml(dir_.path() + "/data", model) +
            "\n[evaluate]\nclient_timestamps = \"trust\"\n");
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return;
    vigild_ = *std::move(p);
    client_ = *HttpClient::Connect(vigild_->address());
  }

  void Advance(absl::Duration d) { now_ += d; }

  // POST /v1/evaluate at the scenario's time; the decision's JSON.
  json::value Evaluate(const std::string& user, const std::string& ip,
                       const std::string& ua, const std::string& fingerprint,
                       const std::string& outcome) {
    std::string body = absl::StrCat(
        R"({"user_id":")", user, R"(","ip":")", ip, R"(","user_agent":")", ua,
        R"(","timestamp":")", service::FormatTimestamp(now_), "\"");
    if (!fingerprint.empty()) {
      absl::StrAppend(&body, R"(,"device_fingerprint":")", fingerprint, "\"");
    }
    if (!outcome.empty())
      absl::StrAppend(&body, R"(,"outcome":")", outcome, "\"");
    body += "}";
    absl::StatusOr<HttpResponse> r =
        client_->PostJson("/v1/evaluate", body, kEvaluateKey);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }

  void BuildBaseline(const std::string& user, const std::string& ip,
                     int count) {
    for (int i = 0; i < count; ++i) {
      json::value d = Evaluate(user, ip, kChromeWindows, kLaptop, "success");
      EXPECT_EQ(d.at("decision").as_string(), "allow") << "baseline " << i;
      Advance(absl::Hours(24));
    }
  }

  json::array History(const std::string& user) {
    absl::StatusOr<HttpResponse> r = client_->Get(
        absl::StrCat("/v1/users/", user, "/events?limit=5"), kAdminKey);
    EXPECT_TRUE(r.ok() && r->status == 200);
    return json::parse(r->body).at("events").as_array();
  }

  bool ready() const { return client_ != nullptr; }

 private:
  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
  absl::Time now_ = absl::FromUnixSeconds(1767225600);  // 2026-01-01
};

std::string Str(const json::value& v) { return std::string(v.as_string()); }

std::string FirstReason(const json::value& d) {
  const json::array& reasons = d.at("risk").at("reasons").as_array();
  return reasons.empty() ? "" : Str(reasons[0].at("signal"));
}

TEST(HttpScenarioTest, HomeSignInIsAllowed) {
  HttpScenario s;
  ASSERT_TRUE(s.ready());
  s.BuildBaseline("alice", kLondon, 12);
  json::value d =
      s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "success");
  EXPECT_EQ(Str(d.at("decision")), "allow");
  EXPECT_EQ(Str(d.at("risk").at("level")), "none");
  // Issue 17 (was: an empty reasons list): the allow carries its reason.
  const json::array& reasons = d.at("risk").at("reasons").as_array();
  ASSERT_EQ(reasons.size(), 1u) << json::serialize(d);
  EXPECT_EQ(Str(reasons[0].at("signal")), "baseline");
  EXPECT_EQ(reasons[0].at("contribution").to_number<double>(), 0);
  EXPECT_TRUE(absl::StrContains(Str(reasons[0].at("detail")),
                                "device known; 12 trusted sign-ins"))
      << json::serialize(d);
  EXPECT_EQ(Str(d.at("would_be")), "allow");
  EXPECT_EQ(d.at("risk").at("baseline").at("successful_sign_ins").as_int64(),
            12);
  EXPECT_TRUE(d.at("risk").at("baseline").at("mature").as_bool());
  EXPECT_EQ(Str(d.at("context").at("country")), "GB");
  EXPECT_EQ(Str(d.at("context").at("city")), "London");
  EXPECT_EQ(Str(d.at("context").at("device")), "known");
  EXPECT_EQ(Str(d.at("risk").at("model")), "default@1");
}

TEST(HttpScenarioTest, ImpossibleTravelIsHighWithGeoVelocity) {
  HttpScenario s;
  ASSERT_TRUE(s.ready());
  s.BuildBaseline("alice", kLondon, 12);
  s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "success");
  s.Advance(absl::Minutes(30));
  json::value d =
      s.Evaluate("alice", kMelbourne, kChromeWindows, kLaptop, "success");
  EXPECT_EQ(Str(d.at("risk").at("level")), "high");
  EXPECT_EQ(FirstReason(d), "geo_velocity");
  EXPECT_TRUE(
      absl::StrContains(Str(d.at("risk").at("reasons").at(0).at("detail")),
                        "London GB -> Melbourne AU"));
  EXPECT_EQ(Str(d.at("decision")), "block");

  // History shows it, newest first, with its decision and reasons.
  json::array events = s.History("alice");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].at("event_id"), d.at("event_id"));
  EXPECT_EQ(Str(events[0].at("decision").at("decision")), "block");
  EXPECT_EQ(
      Str(events[0].at("decision").at("risk").at("reasons").at(0).at("signal")),
      "geo_velocity");
  EXPECT_EQ(Str(events[1].at("decision").at("decision")), "allow");
}

TEST(HttpScenarioTest, StuffingIpIsFlagged) {
  HttpScenario s;
  ASSERT_TRUE(s.ready());
  for (int i = 0; i < 50; ++i) {
    s.Evaluate(absl::StrCat("user", i), kChangchun, kFirefoxLinux, "",
               "failure");
    s.Advance(absl::Seconds(6));
  }
  json::value d = s.Evaluate("victim", kChangchun, kFirefoxLinux, "", "");
  EXPECT_EQ(Str(d.at("risk").at("level")), "high");
  EXPECT_EQ(FirstReason(d), "velocity");
  EXPECT_TRUE(absl::StrContains(
      Str(d.at("risk").at("reasons").at(0).at("detail")), kChangchun));
  json::array events = s.History("victim");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(Str(events[0].at("decision").at("risk").at("level")), "high");
}

TEST(HttpScenarioTest, AlwaysBlockRangeIsBlocked) {
  HttpScenario s(EditedDefaultModel(
      {{"always_block = []", "always_block = [\"175.16.199.0/24\"]"}}));
  ASSERT_TRUE(s.ready());
  json::value d = s.Evaluate("bob", kChangchun, kChromeWindows, "", "");
  EXPECT_EQ(Str(d.at("decision")), "block");
  EXPECT_EQ(Str(d.at("risk").at("level")), "high");
  EXPECT_EQ(FirstReason(d), "ip_reputation");
  EXPECT_TRUE(absl::StrContains(
      Str(d.at("risk").at("reasons").at(0).at("detail")), "175.16.199.0/24"));
  EXPECT_EQ(Str(s.History("bob").at(0).at("decision").at("decision")), "block");
}

TEST(HttpScenarioTest,
     AuditModeAnswersAllowAndHistoryKeepsTheEnforcedDecision) {
  HttpScenario s(
      EditedDefaultModel({{"mode = \"enforced\"", "mode = \"audit\""}}));
  ASSERT_TRUE(s.ready());
  s.BuildBaseline("alice", kLondon, 12);
  s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "success");
  s.Advance(absl::Minutes(30));
  json::value d =
      s.Evaluate("alice", kMelbourne, kChromeWindows, kLaptop, "success");
  EXPECT_EQ(Str(d.at("mode")), "audit");
  EXPECT_EQ(Str(d.at("decision")), "allow");
  EXPECT_EQ(Str(d.at("risk").at("level")), "high");
  EXPECT_EQ(FirstReason(d), "geo_velocity");
  json::array events = s.History("alice");
  EXPECT_EQ(Str(events[0].at("decision").at("decision")), "allow");
  EXPECT_EQ(Str(events[0].at("enforced_decision")), "block");
  // Issue 17: the answer says what enforcement would have decided, beside
  // the decision, and so does the history.
  EXPECT_EQ(Str(d.at("would_be")), "block") << json::serialize(d);
  EXPECT_EQ(Str(events[0].at("decision").at("would_be")), "block");
  // The user got in (audit mode), and the history says so.
  EXPECT_EQ(Str(events[0].at("response")), "pass");
}

// Issue 17: a sign-in with the right password that was blocked is a block in
// the history, not a pass; the password's outcome is shown apart.
TEST(HttpScenarioTest, BlockedSignInWithTheRightPasswordIsABlockInHistory) {
  HttpScenario s;
  ASSERT_TRUE(s.ready());
  s.BuildBaseline("alice", kLondon, 12);
  s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "success");
  s.Advance(absl::Minutes(30));
  json::value d =
      s.Evaluate("alice", kMelbourne, kChromeWindows, kLaptop, "success");
  ASSERT_EQ(Str(d.at("decision")), "block");
  json::array events = s.History("alice");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].at("event_id"), d.at("event_id"));
  EXPECT_EQ(Str(events[0].at("response")), "block");
  EXPECT_EQ(Str(events[0].at("password")), "correct");
  EXPECT_EQ(Str(events[0].at("outcome")), "success");
  // The allowed sign-in before it passed.
  EXPECT_EQ(Str(events[1].at("response")), "pass");
  EXPECT_EQ(Str(events[1].at("password")), "correct");
  // A wrong password that was allowed failed.
  s.Advance(absl::Hours(1));
  s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "failure");
  events = s.History("alice");
  EXPECT_EQ(Str(events[0].at("response")), "fail");
  EXPECT_EQ(Str(events[0].at("password")), "wrong");
}

// Issue 17: mfa_required for a user without a factor blocks and says why;
// every reason carries its contribution, and the contributions make the
// score (1 - prod(1 - c), up to the signals too small to be reported).
TEST(HttpScenarioTest, EveryReasonCarriesItsContributionAndTheBlockItsCause) {
  HttpScenario s;
  ASSERT_TRUE(s.ready());
  s.BuildBaseline("alice", kLondon, 12);
  s.Evaluate("alice", kLondon, kChromeWindows, kLaptop, "success");
  s.Advance(absl::Minutes(30));
  json::value d =
      s.Evaluate("alice", kMelbourne, kFirefoxLinux, "fp-unknown", "success");
  ASSERT_EQ(Str(d.at("decision")), "block") << json::serialize(d);
  const json::array& reasons = d.at("risk").at("reasons").as_array();
  ASSERT_GE(reasons.size(), 3u) << json::serialize(d);
  double keep = 1;
  int signals = 0;
  for (const json::value& r : reasons) {
    ASSERT_TRUE(r.as_object().contains("contribution")) << json::serialize(r);
    const double c = r.at("contribution").to_number<double>();
    EXPECT_GE(c, 0);
    EXPECT_LE(c, r.at("score").to_number<double>() + 1e-9);
    signals += c > 0;
    keep *= 1 - c;
  }
  EXPECT_GE(signals, 2) << json::serialize(d);
  EXPECT_NEAR(1 - keep, d.at("risk").at("score").to_number<double>(), 0.02);
  const json::value& why = reasons.back();
  EXPECT_EQ(Str(why.at("signal")), "mfa_required_no_factor");
  EXPECT_EQ(why.at("contribution").to_number<double>(), 0);
  EXPECT_TRUE(absl::StrContains(Str(why.at("detail")), "no MFA factor"));
  // The history shows the same reasons, contributions included.
  json::array events = s.History("alice");
  EXPECT_EQ(json::serialize(events[0].at("decision").at("risk").at("reasons")),
            json::serialize(reasons));
}

}  // namespace
}  // namespace vigil::testing
