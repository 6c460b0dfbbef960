// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// POST /v1/policy/dovecot (service/dovecot_policy.h): the body as Dovecot
// 2.3 sends it, the allow/report correlation, and the route on a real vigild
// over loopback: answers, the outcome landing on the evaluated event, the
// credentials Dovecot can send, the [dovecot] settings, and bad input that
// changes nothing. tests/dovecot/ has the test with a real Dovecot.

#include "service/dovecot_policy.h"

#include <boost/json/parse.hpp>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

namespace json = boost::json;
using ::vigil::testing::HttpClient;
using ::vigil::testing::HttpResponse;
using ::vigil::testing::kAdminKey;
using ::vigil::testing::kEvaluateKey;
using ::vigil::testing::kMfaKey;
using ::vigil::testing::TempDir;
using ::vigil::testing::VigildProcess;

// What Dovecot 2.3.19 sent in the end-to-end test (default attributes).
constexpr char kAllowBody[] =
    R"({"device_id":"","login":"alice","protocol":"imap","pwhash":"096d",)"
    R"("remote":"81.2.69.160","session_id":"zTCWccFhQJxRAkWg","tls":false})";
constexpr char kReportBody[] =
    R"({"device_id":"","login":"alice","protocol":"imap","pwhash":"096d",)"
    R"("remote":"81.2.69.160","session_id":"zTCWccFhQJxRAkWg",)"
    R"("success":true,"policy_reject":false,"tls":false})";

absl::StatusOr<DovecotRequest> Parse(const std::string& body,
                                     DovecotCommand command) {
  return DovecotRequestFromJson(json::parse(body), command);
}

TEST(DovecotRequestTest, ReadsWhatDovecotSends) {
  absl::StatusOr<DovecotRequest> allow =
      Parse(kAllowBody, DovecotCommand::kAllow);
  ASSERT_TRUE(allow.ok()) << allow.status();
  EXPECT_EQ(allow->login, "alice");
  EXPECT_EQ(allow->remote, "81.2.69.160");
  EXPECT_EQ(allow->protocol, "imap");
  EXPECT_EQ(allow->pwhash, "096d");
  EXPECT_EQ(allow->session_id, "zTCWccFhQJxRAkWg");
  EXPECT_EQ(allow->device_id, "");

  absl::StatusOr<DovecotRequest> report =
      Parse(kReportBody, DovecotCommand::kReport);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->success);
  EXPECT_FALSE(report->policy_reject);
  // The same login, so the same correlation key.
  EXPECT_EQ(DovecotSessions::Key(*allow), DovecotSessions::Key(*report));
  EXPECT_FALSE(DovecotSessions::Key(*allow).empty());
}

TEST(DovecotRequestTest, RefusesWhatItCannotUseNamingTheField) {
  struct Case {
    std::string body;
    DovecotCommand command;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[]", DovecotCommand::kAllow, "body: expected a JSON object"},
      {R"({"login":"a","remote":"81.2.69.160","cert":"x"})",
       DovecotCommand::kAllow, "cert: unknown field"},
      {R"({"remote":"81.2.69.160"})", DovecotCommand::kAllow,
       "login: required"},
      {R"({"login":"","remote":"81.2.69.160"})", DovecotCommand::kAllow,
       "login: required"},
      {R"({"login":"a","remote":""})", DovecotCommand::kAllow,
       "remote: required"},
      {R"({"login":5,"remote":"81.2.69.160"})", DovecotCommand::kAllow,
       "login: expected a string"},
      {R"({"login":"a","remote":"81.2.69.160","tls":1})",
       DovecotCommand::kAllow, "tls: expected true, false or a string"},
      // success belongs to a report.
      {R"({"login":"a","remote":"81.2.69.160","success":true})",
       DovecotCommand::kAllow, "success: unknown field"},
      {R"({"login":"a","remote":"81.2.69.160"})", DovecotCommand::kReport,
       "success: required in a report"},
      {R"({"login":"a","remote":"81.2.69.160","success":"true"})",
       DovecotCommand::kReport, "success: expected true or false"},
      {R"({"login":"a","remote":"81.2.69.160","success":true,)"
       R"("policy_reject":0})",
       DovecotCommand::kReport, "policy_reject: expected true or false"},
      {R"({"login":"a","remote":"81.2.69.160","attrs":{"x":"y"}})",
       DovecotCommand::kAllow, "attrs: unknown field"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<DovecotRequest> r = Parse(c.body, c.command);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(r.status().message(), c.error))
        << c.body << ": " << r.status();
  }
  // A password hash is never quoted back.
  absl::StatusOr<DovecotRequest> r =
      Parse(R"({"login":"a","remote":"x","pwhash":"abcdef","nope":1})",
            DovecotCommand::kAllow);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(absl::StrContains(r.status().message(), "abcdef"));
}

TEST(DovecotSessionsTest, FindKeepsTakeRemovesAndEntriesExpire) {
  DovecotSessions sessions(/*capacity=*/3, absl::Minutes(5));
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  sessions.Put("a", {"ev-a", "allow", 0, ""}, t0);
  sessions.Put("", {"ev-none", "allow", 0, ""}, t0);  // no key: not kept
  EXPECT_EQ(sessions.size(), 1u);
  ASSERT_TRUE(sessions.Find("a", t0).has_value());
  EXPECT_EQ(sessions.Find("a", t0)->event_id, "ev-a");
  EXPECT_FALSE(sessions.Find("", t0).has_value());
  std::optional<DovecotSessions::Entry> taken = sessions.Take("a", t0);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->event_id, "ev-a");
  EXPECT_FALSE(sessions.Take("a", t0).has_value());

  // Expiry: gone once ttl has passed since it was put.
  sessions.Put("b", {"ev-b", "block", -1, "no"}, t0);
  EXPECT_TRUE(sessions.Find("b", t0 + absl::Minutes(4)).has_value());
  EXPECT_FALSE(sessions.Find("b", t0 + absl::Minutes(5)).has_value());

  // Capacity: the oldest goes; a key put again counts from its new time.
  sessions.Put("c", {"ev-c1", "allow", 0, ""}, t0);
  sessions.Put("d", {"ev-d", "allow", 0, ""}, t0 + absl::Seconds(1));
  sessions.Put("c", {"ev-c2", "allow", 0, ""}, t0 + absl::Seconds(2));
  sessions.Put("e", {"ev-e", "allow", 0, ""}, t0 + absl::Seconds(3));
  sessions.Put("f", {"ev-f", "allow", 0, ""}, t0 + absl::Seconds(4));
  const absl::Time t = t0 + absl::Seconds(5);
  EXPECT_FALSE(sessions.Find("d", t).has_value());
  ASSERT_TRUE(sessions.Find("c", t).has_value());
  EXPECT_EQ(sessions.Find("c", t)->event_id, "ev-c2");
  EXPECT_TRUE(sessions.Find("e", t).has_value());
  EXPECT_TRUE(sessions.Find("f", t).has_value());
  EXPECT_EQ(sessions.size(), 3u);

  // Keys taken or put again leave mentions behind, dropped as they pile up
  // (at most 2 * capacity); the live entry survives that.
  DovecotSessions churn(/*capacity=*/2, absl::Minutes(5));
  for (int i = 0; i < 100; ++i) {
    churn.Put("k", {"ev", "allow", 0, ""}, t0 + absl::Seconds(i));
    churn.Take("k", t0 + absl::Seconds(i));
  }
  churn.Put("k", {"ev-last", "allow", 0, ""}, t0 + absl::Seconds(100));
  ASSERT_TRUE(churn.Find("k", t0 + absl::Seconds(100)).has_value());
  EXPECT_EQ(churn.Find("k", t0 + absl::Seconds(100))->event_id, "ev-last");
}

TEST(DovecotConfigTest, SettingsAreCheckedAndDefaultsShipped) {
  ServiceConfig d;
  EXPECT_EQ(d.dovecot.challenge, "reject");
  EXPECT_EQ(d.dovecot.tarpit_seconds, 5);
  absl::StatusOr<ServiceConfig> ok = ParseServiceConfig(
      "[dovecot]\nchallenge = \"tarpit\"\ntarpit_seconds = 9\n"
      "challenge_message = \"Use webmail once\"\n",
      "v.toml");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->dovecot.challenge, "tarpit");
  EXPECT_EQ(ok->dovecot.tarpit_seconds, 9);
  EXPECT_EQ(ok->dovecot.challenge_message, "Use webmail once");
  EXPECT_EQ(ok->dovecot.block_message, d.dovecot.block_message);
  for (const auto& [toml, error] :
       std::vector<std::pair<std::string, std::string>>{
           {"challenge = \"maybe\"",
            "v.toml: dovecot.challenge: must be \"reject\" or \"tarpit\""},
           {"tarpit_seconds = 0",
            "v.toml: dovecot.tarpit_seconds: must be between 1 and 60"},
           {"block_message = \"a\\nb\"",
            "v.toml: dovecot.block_message: must not contain control "
            "characters"},
           {"challenge_message = \"\"",
            "v.toml: dovecot.challenge_message: must be 1 to 200 bytes"},
           {"tarpit = 3", "v.toml: dovecot.tarpit: unknown key"},
       }) {
    absl::StatusOr<ServiceConfig> c =
        ParseServiceConfig(absl::StrCat("[dovecot]\n", toml, "\n"), "v.toml");
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_EQ(c.status().message(), error);
  }
}

class DovecotPolicyHttpTest : public ::testing::Test {
 protected:
  // vigild with the challenge-everyone model (a user with a factor is
  // challenged at every level) and `extra` appended to its config.
  void Start(const std::string& extra = "") {
    const std::string model = dir_.path() + "/model.toml";
    testing::WriteFileOrDie(model, testing::ChallengeAllModel());
    client_.reset();
    vigild_.reset();
    ASSERT_NO_FATAL_FAILURE(testing::StartVigildAndConnect(
        dir_.path(),
        absl::StrCat(testing::TestConfigToml(dir_.path() + "/data", model),
                     "\n[mfa]\nkey_file = \"",
                     testing::WriteKeyFile(dir_.path()), "\"\n", extra),
        &vigild_, &client_));
  }
  void SetUp() override { Start(); }

  HttpResponse Send(const std::string& target, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> headers,
                    const std::string& method = "POST") {
    headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) {
      auto c = HttpClient::Connect(vigild_->address());
      if (c.ok()) client_ = *std::move(c);
      return HttpResponse();
    }
    return *std::move(r);
  }
  HttpResponse Policy(const std::string& command, const std::string& body,
                      const std::string& key = kEvaluateKey) {
    return Send(absl::StrCat("/v1/policy/dovecot?command=", command), body,
                {{"Authorization", absl::StrCat("Bearer ", key)}});
  }
  static json::value Json(const HttpResponse& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }
  json::array Events(const std::string& user) {
    absl::StatusOr<HttpResponse> r =
        client_->Get(absl::StrCat("/v1/users/", user, "/events"), kEvaluateKey);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->status != 200) return {};
    return json::parse(r->body).at("events").as_array();
  }
  static std::string Body(const std::string& login, const std::string& ip,
                          const std::string& session,
                          const std::string& report = "") {
    return absl::StrCat(R"({"login":")", login, R"(","remote":")", ip,
                        R"(","protocol":"imap","pwhash":"0a1b","device_id":"",)"
                        R"("session_id":")",
                        session, R"(","tls":false)", report, "}");
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

// Before auth, after auth, report: one evaluation, its outcome recorded.
TEST_F(DovecotPolicyHttpTest, AllowAndReportLandOnOneEvent) {
  HttpResponse first = Policy("allow", Body("ann", "81.2.69.160", "s1"));
  ASSERT_EQ(first.status, 200) << first.body;
  json::value a = Json(first);
  EXPECT_EQ(a.at("status"), 0);
  EXPECT_EQ(a.at("msg"), "");
  EXPECT_EQ(a.at("verdict"), "allow");
  const std::string event(a.at("event_id").as_string());

  // Dovecot's after-auth check: the same answer, no second evaluation.
  json::value again = Json(Policy("allow", Body("ann", "81.2.69.160", "s1")));
  EXPECT_EQ(again.at("event_id"), event.c_str());
  EXPECT_EQ(again.at("status"), 0);

  HttpResponse report =
      Policy("report", Body("ann", "81.2.69.160", "s1",
                            R"(,"success":true,"policy_reject":false)"));
  ASSERT_EQ(report.status, 200) << report.body;
  json::value r = Json(report);
  EXPECT_EQ(r.at("status"), 0);
  EXPECT_EQ(r.at("event_id"), event.c_str());
  EXPECT_EQ(r.at("outcome"), "success");

  json::array events = Events("ann");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("event_id"), event.c_str());
  EXPECT_EQ(events[0].at("outcome"), "success");
  EXPECT_EQ(events[0].at("user_agent"), "imap");

  // The next login of the session is a new evaluation.
  json::value next = Json(Policy("allow", Body("ann", "81.2.69.160", "s1")));
  EXPECT_NE(next.at("event_id"), event.c_str());
}

// A report with nothing to match still counts; a policy refusal records no
// outcome.
TEST_F(DovecotPolicyHttpTest, UnmatchedReportsCountAndRefusalsRecordNothing) {
  json::value r = Json(
      Policy("report", Body("bea", "81.2.69.160", "", R"(,"success":false)")));
  EXPECT_EQ(r.at("outcome"), "failure");
  json::array events = Events("bea");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("outcome"), "failure");

  json::value allow = Json(Policy("allow", Body("bea", "81.2.69.160", "s2")));
  json::value refused =
      Json(Policy("report", Body("bea", "81.2.69.160", "s2",
                                 R"(,"success":false,"policy_reject":true)")));
  EXPECT_EQ(refused.at("outcome"), "none");
  EXPECT_EQ(refused.at("event_id"), allow.at("event_id"));
  events = Events("bea");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("outcome"), "unknown");
}

// The credentials Dovecot can send: Bearer or Basic in Authorization (the
// key as the password), or the key alone in X-API-Key.
TEST_F(DovecotPolicyHttpTest, TakesTheCredentialsDovecotCanSend) {
  const std::string target = "/v1/policy/dovecot?command=allow";
  const std::string body = Body("cid", "81.2.69.160", "");
  const std::string basic = absl::StrCat(
      "Basic ", absl::Base64Escape(absl::StrCat("dovecot:", kEvaluateKey)));
  EXPECT_EQ(Send(target, body, {{"Authorization", basic}}).status, 200);
  EXPECT_EQ(Send(target, body, {{"X-API-Key", kEvaluateKey}}).status, 200);
  for (const std::string& bad :
       {absl::StrCat("Basic ", absl::Base64Escape("dovecot:vgl_nope")),
        absl::StrCat("Basic ", absl::Base64Escape(kEvaluateKey)),  // no name
        std::string("Basic !!!")}) {
    HttpResponse r = Send(target, body, {{"Authorization", bad}});
    EXPECT_EQ(r.status, 401) << bad << ": " << r.body;
  }
  EXPECT_EQ(Send(target, body, {{"X-API-Key", "vgl_nope"}}).status, 401);
  EXPECT_EQ(Send(target, body, {}).status, 401);
  // The scope evaluate needs.
  HttpResponse admin = Send(target, body, {{"X-API-Key", kAdminKey}});
  EXPECT_EQ(admin.status, 403) << admin.body;
  EXPECT_TRUE(absl::StrContains(admin.body, "lacks the scope evaluate"));
  // Only this route takes them.
  EXPECT_EQ(Send("/v1/evaluate", R"({"user_id":"cid","ip":"81.2.69.160"})",
                 {{"Authorization", basic}})
                .status,
            401);
  EXPECT_EQ(Events("cid").size(), 2u);
}

TEST_F(DovecotPolicyHttpTest, BadInputIsRefusedAndChangesNothing) {
  const std::string ok = Body("dan", "81.2.69.160", "s3");
  struct Case {
    std::string target, body;
    int status;
    std::string code, message;
  };
  const std::vector<Case> cases = {
      {"/v1/policy/dovecot", ok, 422, "invalid_argument", "command: required"},
      {"/v1/policy/dovecot?command=deny", ok, 422, "invalid_argument",
       "command: must be allow or report"},
      {"/v1/policy/dovecot?command=allow&command=allow", ok, 422,
       "invalid_argument", "command: given twice"},
      {"/v1/policy/dovecot?command=allow&pool=a", ok, 422, "invalid_argument",
       "pool: unknown query parameter"},
      {"/v1/policy/dovecot?command=%zz", ok, 400, "bad_request",
       "query: malformed %-escape"},
      {"/v1/policy/dovecot?command=allow", "{\"login\":", 400, "malformed_json",
       "body: not valid JSON"},
      {"/v1/policy/dovecot?command=allow",
       R"({"login":"dan","remote":"81.2.69.160","cert":"x"})", 422,
       "invalid_argument", "cert: unknown field"},
      {"/v1/policy/dovecot?command=allow", R"({"login":"dan"})", 422,
       "invalid_argument", "remote: required"},
      {"/v1/policy/dovecot?command=report", ok, 422, "invalid_argument",
       "success: required in a report"},
      // The engine's own checks, as POST /v1/evaluate has them.
      {"/v1/policy/dovecot?command=allow", Body("dan", "not-an-ip", "s3"), 422,
       "invalid_argument", "ip: "},
  };
  for (const Case& c : cases) {
    HttpResponse r =
        Send(c.target, c.body,
             {{"Authorization", absl::StrCat("Bearer ", kEvaluateKey)}});
    EXPECT_EQ(r.status, c.status)
        << c.target << " " << c.body << ": " << r.body;
    json::value v = Json(r);
    EXPECT_EQ(v.at("error").at("code"), c.code.c_str()) << r.body;
    EXPECT_TRUE(absl::StartsWith(
        std::string(v.at("error").at("message").as_string()), c.message))
        << r.body;
  }
  // Not JSON content: 415.
  absl::StatusOr<HttpResponse> text =
      client_->Send("POST", "/v1/policy/dovecot?command=allow", ok,
                    {{"Authorization", absl::StrCat("Bearer ", kEvaluateKey)},
                     {"Content-Type", "text/plain"}});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->status, 415);
  // Another method: 405.
  EXPECT_EQ(
      Send("/v1/policy/dovecot?command=allow", "",
           {{"Authorization", absl::StrCat("Bearer ", kEvaluateKey)}}, "GET")
          .status,
      405);
  EXPECT_TRUE(Events("dan").empty());
}

// What the mail client chooses (its login name, its IMAP ID) never makes an
// error, which a fail-open Dovecot would let through unchecked.
TEST_F(DovecotPolicyHttpTest, ClientChosenValuesNeverMakeAnError) {
  const std::string long_id(300, 'x');
  for (const std::string& device_id : {long_id, std::string("a\\u0001b")}) {
    HttpResponse r = Policy(
        "allow", absl::StrCat(R"({"login":"fay","remote":"81.2.69.160",)",
                              R"("device_id":")", device_id, R"("})"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Json(r).at("verdict"), "allow") << r.body;
  }
  EXPECT_EQ(Events("fay").size(), 2u);

  const std::string long_login(300, 'g');
  for (const std::string& login : {long_login, std::string("g\\u0007h")}) {
    HttpResponse allow = Policy(
        "allow", absl::StrCat(R"({"login":")", login,
                              R"(","remote":"81.2.69.160","session_id":"s9"})"));
    ASSERT_EQ(allow.status, 200) << allow.body;
    json::value a = Json(allow);
    EXPECT_EQ(a.at("status"), -1);
    EXPECT_EQ(a.at("msg"), "Sign-in refused by the security policy");
    EXPECT_FALSE(a.as_object().contains("event_id"));
    HttpResponse report = Policy(
        "report",
        absl::StrCat(R"({"login":")", login,
                     R"(","remote":"81.2.69.160","session_id":"s9",)",
                     R"("success":false,"policy_reject":false})"));
    ASSERT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(Json(report).at("outcome"), "none");
  }
}

// IMAP has no step-up: a challenge is a refusal pointing to the web
// sign-in, or with [dovecot] challenge = "tarpit" a wait.
TEST_F(DovecotPolicyHttpTest, AChallengeBecomesARefusalOrATarpit) {
  // A factor for "eve" (TOTP), so that the model challenges her.
  auto enroll_eve = [this] {
    absl::StatusOr<HttpResponse> enroll =
        client_->PostJson("/v1/users/eve/mfa/totp", "", kMfaKey);
    ASSERT_TRUE(enroll.ok());
    ASSERT_EQ(enroll->status, 200) << enroll->body;
    const std::string secret(Json(*enroll).at("secret").as_string());
    absl::StatusOr<HttpResponse> verify = client_->PostJson(
        "/v1/users/eve/mfa/totp/verify",
        absl::StrCat(R"({"code":")",
                     testing::OathtoolCode(secret, std::time(nullptr)),
                     R"("})"),
        kMfaKey);
    ASSERT_TRUE(verify.ok());
    ASSERT_EQ(Json(*verify).at("result"), "passed") << verify->body;
  };
  ASSERT_NO_FATAL_FAILURE(enroll_eve());

  json::value refused = Json(Policy("allow", Body("eve", "81.2.69.160", "")));
  EXPECT_EQ(refused.at("verdict"), "challenge");
  EXPECT_EQ(refused.at("status"), -1);
  EXPECT_EQ(refused.at("msg"),
            "Verification needed: sign in on the web first, then try again");

  ASSERT_NO_FATAL_FAILURE(
      Start("[dovecot]\nchallenge = \"tarpit\"\ntarpit_seconds = 7\n"
            "block_message = \"Blocked\"\n"));
  // The restarted vigild keeps the enrolment, unless its store went with
  // the first one (memory:).
  if (testing::TestStoreIsMemory()) ASSERT_NO_FATAL_FAILURE(enroll_eve());
  json::value tarpit = Json(Policy("allow", Body("eve", "81.2.69.160", "")));
  EXPECT_EQ(tarpit.at("verdict"), "challenge");
  EXPECT_EQ(tarpit.at("status"), 7);
}

}  // namespace
}  // namespace vigil::service
