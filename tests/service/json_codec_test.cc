// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/json_codec.h"

#include <boost/json/parse.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/json_writer.h"

namespace vigil::service {
namespace {

absl::StatusOr<Attempt> Decode(const std::string& body) {
  absl::StatusOr<boost::json::value> json = ParseJsonBody(body, 16);
  if (!json.ok()) return json.status();
  return AttemptFromJson(*json);
}

TEST(JsonCodecTest, FullAttempt) {
  absl::StatusOr<Attempt> a = Decode(R"({
    "event_type": "password_change", "user_id": "alice", "ip": "2001:db8::1",
    "user_agent": "Mozilla/5.0", "device_key": "dk", "device_fingerprint": "fp",
    "timestamp": "2026-03-01T10:00:00.5+01:00",
    "password_sha1": "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8",
    "outcome": "failure", "headers": {"Accept-Language": "de-DE"},
    "label": {"account_takeover": true, "attack": false, "kind": "ato"}})");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->event_type, EventType::kPasswordChange);
  EXPECT_EQ(a->user_id, "alice");
  EXPECT_EQ(a->ip, "2001:db8::1");
  EXPECT_EQ(a->user_agent, "Mozilla/5.0");
  EXPECT_EQ(a->device_key, "dk");
  EXPECT_EQ(a->device_fingerprint, "fp");
  ASSERT_TRUE(a->timestamp.has_value());
  EXPECT_EQ(*a->timestamp, absl::FromUnixMillis(1772355600500));
  EXPECT_EQ(a->password_sha1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
  EXPECT_EQ(a->outcome, Outcome::kFailure);
  ASSERT_EQ(a->headers.size(), 1u);
  EXPECT_EQ(a->headers[0].first, "accept-language");
  EXPECT_EQ(a->headers[0].second, "de-DE");
  ASSERT_TRUE(a->label.has_value());
  EXPECT_TRUE(a->label->account_takeover);
  EXPECT_EQ(a->label->kind, "ato");
}

TEST(JsonCodecTest, MinimalAttemptAndNullMeansAbsent) {
  absl::StatusOr<Attempt> a = Decode(
      R"({"user_id":"u","ip":"192.0.2.1","user_agent":null,"timestamp":null})");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->event_type, EventType::kSignIn);
  EXPECT_EQ(a->outcome, Outcome::kUnknown);
  EXPECT_FALSE(a->timestamp.has_value());
  EXPECT_TRUE(a->user_agent.empty());
}

struct BadCase {
  const char* name;
  const char* body;
  bool malformed;      // ParseJsonBody fails (400) rather than the values
  const char* prefix;  // the error message starts with this
};

class BadAttemptTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadAttemptTest, RefusedNamingTheField) {
  const BadCase& c = GetParam();
  absl::StatusOr<boost::json::value> json = ParseJsonBody(c.body, 16);
  absl::Status status;
  if (!json.ok()) {
    status = json.status();
    EXPECT_TRUE(c.malformed) << "unexpected parse error: " << status;
  } else {
    EXPECT_FALSE(c.malformed) << "parsed although malformed";
    status = AttemptFromJson(*json).status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), c.prefix))
      << status.message() << " does not start with " << c.prefix;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadAttemptTest,
    ::testing::Values(
        BadCase{"empty", "", true, "body: empty"},
        BadCase{"blank", "  \n", true, "body: empty"},
        BadCase{"truncated", R"({"user_id":"u","ip":"1.2.3.4")", true,
                "body: not valid JSON"},
        BadCase{"trailing_garbage", R"({"user_id":"u"} x)", true,
                "body: not valid JSON"},
        BadCase{"single_quotes", "{'user_id':'u'}", true,
                "body: not valid JSON"},
        BadCase{"bad_utf8", "{\"user_id\":\"\xff\",\"ip\":\"1.2.3.4\"}", true,
                "body: not valid JSON"},
        BadCase{
            "too_deep",
            R"({"label":{"kind":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}})",
            true, "body: not valid JSON"},
        BadCase{"array", "[1,2]", false, "body: expected a JSON object"},
        BadCase{"string", "\"x\"", false, "body: expected a JSON object"},
        BadCase{"missing_user", R"({"ip":"1.2.3.4"})", false,
                "user_id: required"},
        BadCase{"null_user", R"({"user_id":null,"ip":"1.2.3.4"})", false,
                "user_id: required"},
        BadCase{"missing_ip", R"({"user_id":"u"})", false, "ip: required"},
        BadCase{"user_number", R"({"user_id":5,"ip":"1.2.3.4"})", false,
                "user_id: expected a string, got a number"},
        BadCase{"ip_array", R"({"user_id":"u","ip":["1.2.3.4"]})", false,
                "ip: expected a string, got an array"},
        BadCase{"event_type",
                R"({"user_id":"u","ip":"1.2.3.4","event_type":"login"})", false,
                "event_type: unknown event type \"login\""},
        BadCase{"outcome", R"({"user_id":"u","ip":"1.2.3.4","outcome":"ok"})",
                false, "outcome: unknown outcome"},
        BadCase{"timestamp",
                R"({"user_id":"u","ip":"1.2.3.4","timestamp":"yesterday"})",
                false, "timestamp: \"yesterday\" is not an RFC 3339 time"},
        BadCase{
            "timestamp_no_zone",
            R"({"user_id":"u","ip":"1.2.3.4","timestamp":"2026-01-01T00:00:00"})",
            false, "timestamp:"},
        BadCase{"timestamp_number",
                R"({"user_id":"u","ip":"1.2.3.4","timestamp":17})", false,
                "timestamp: expected a string"},
        BadCase{"unknown_field",
                R"({"user_id":"u","ip":"1.2.3.4","userid":"x"})", false,
                "userid: unknown field"},
        BadCase{"headers_type",
                R"({"user_id":"u","ip":"1.2.3.4","headers":[]})", false,
                "headers: expected an object"},
        BadCase{"header_value",
                R"({"user_id":"u","ip":"1.2.3.4","headers":{"a":1}})", false,
                "headers.a: expected a string"},
        BadCase{"label_field",
                R"({"user_id":"u","ip":"1.2.3.4","label":{"x":1}})", false,
                "label.x: unknown field"},
        BadCase{"label_bool",
                R"({"user_id":"u","ip":"1.2.3.4","label":{"attack":"yes"}})",
                false, "label.attack: expected true or false"},
        BadCase{"password_type",
                R"({"user_id":"u","ip":"1.2.3.4","password_sha1":12})", false,
                "password_sha1: expected a string"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonCodecTest, LongBadValueIsCutShort) {
  std::string body = R"({"user_id":"u","ip":"1.2.3.4","event_type":")" +
                     std::string(1000, 'x') + "\"}";
  absl::Status s = Decode(body).status();
  EXPECT_LT(s.message().size(), 200u) << s.message();
}

TEST(JsonCodecTest, OutcomeAndFeedbackBodies) {
  auto outcome = [](const char* body) {
    return OutcomeFromJson(*ParseJsonBody(body, 16));
  };
  EXPECT_EQ(*outcome(R"({"outcome":"success"})"), Outcome::kSuccess);
  EXPECT_TRUE(absl::StartsWith(outcome(R"({})").status().message(),
                               "outcome: required"));
  EXPECT_TRUE(
      absl::StartsWith(outcome(R"({"outcome":"unknown"})").status().message(),
                       "outcome: unknown outcome"));
  EXPECT_TRUE(absl::StartsWith(
      outcome(R"({"outcome":"success","x":1})").status().message(),
      "x: unknown field"));
  auto feedback = [](const char* body) {
    return FeedbackFromJson(*ParseJsonBody(body, 16));
  };
  EXPECT_EQ(*feedback(R"({"value":"invalid"})"), FeedbackValue::kInvalid);
  EXPECT_TRUE(absl::StartsWith(feedback(R"({"value":true})").status().message(),
                               "value: expected a string"));
}

// An unknown field is refused naming the fields allowed there, so a caller
// who guessed learns the right name.
TEST(JsonCodecTest, UnknownFieldNamesTheExpectedFields) {
  EXPECT_EQ(FeedbackFromJson(*ParseJsonBody(R"({"feedback":"valid"})", 16))
                .status()
                .message(),
            "feedback: unknown field (want value)");
  EXPECT_EQ(OutcomeFromJson(*ParseJsonBody(R"({"result":"success"})", 16))
                .status()
                .message(),
            "result: unknown field (want outcome)");
  EXPECT_EQ(
      AttemptFromJson(*ParseJsonBody(R"({"user_id":"u","label":{"x":1}})", 16))
          .status()
          .message(),
      "label.x: unknown field (want account_takeover, attack or kind)");
  const std::string message(
      AttemptFromJson(
          *ParseJsonBody(R"({"user_id":"u","ip":"1.2.3.4","sha1":"x"})", 16))
          .status()
          .message());
  EXPECT_TRUE(
      absl::StartsWith(message, "sha1: unknown field (want event_type, "))
      << message;
  EXPECT_TRUE(absl::StrContains(message, "password_sha1")) << message;
  // A long unknown name is cut short.
  EXPECT_EQ(
      UnknownFieldError(std::string(1000, 'k'), {"a", "b"}).message(),
      absl::StrCat(std::string(64, 'k'), ": unknown field (want a or b)"));
  EXPECT_EQ(UnknownFieldError("x", {"a", "b", "c"}).message(),
            "x: unknown field (want a, b or c)");
}

Decision SampleDecision() {
  Decision d;
  d.event_id = "ev1";
  d.verdict = Verdict::kChallenge;
  d.enforced_verdict = Verdict::kChallenge;
  d.mode = Mode::kEnforced;
  d.level = RiskLevel::kHigh;
  d.score = 0.930000001;
  d.reasons.push_back({"geo_velocity", 0.93, 0.5,
                       "Berlin DE -> Sydney AU, 16,090 km in 40 min"});
  d.baseline = {14, true};
  d.model = "default@3";
  d.challenge = ChallengeInfo{"ch1", {"totp", "sms"}, absl::FromUnixSeconds(0)};
  d.context = {"DE", "Berlin", 3320, "new"};
  return d;
}

TEST(JsonCodecTest, DecisionShape) {
  std::string json = DecisionToJson(SampleDecision());
  EXPECT_EQ(json, R"({"event_id":"ev1","decision":"challenge",)"
                  R"("would_be":"challenge","mode":"enforced",)"
                  R"("risk":{"level":"high","score":0.93,"reasons":[{"signal":)"
                  R"("geo_velocity","score":0.93,"contribution":0.5,)"
                  R"("detail":"Berlin DE -> Sydney AU, )"
                  R"(16,090 km in 40 min"}],"compromised_credentials":false,)"
                  R"("password_reset_required":false,)"
                  R"("baseline":{"successful_sign_ins":14,"mature":true},)"
                  R"("model":"default@3"},"challenge":{"id":"ch1","methods":)"
                  R"(["totp","sms"],"expires_at":"1970-01-01T00:00:00Z"},)"
                  R"("context":{"country":"DE","city":"Berlin","asn":3320,)"
                  R"("device":"new"}})");
  // And it is valid JSON.
  EXPECT_NO_THROW(boost::json::parse(json));
}

// Issue 17: in audit mode the answer is allow, and "would_be" says what
// enforcement would have answered; every reason has its contribution.
TEST(JsonCodecTest, AuditDecisionSaysWhatItWouldBe) {
  Decision d = SampleDecision();
  d.mode = Mode::kAudit;
  d.verdict = Verdict::kAllow;
  d.enforced_verdict = Verdict::kBlock;
  d.reasons.push_back({"mfa_required_no_factor", 1, 0, "no factor"});
  boost::json::value v = boost::json::parse(DecisionToJson(d));
  EXPECT_EQ(v.at("decision").as_string(), "allow");
  EXPECT_EQ(v.at("would_be").as_string(), "block");
  EXPECT_EQ(v.at("mode").as_string(), "audit");
  const auto& reasons = v.at("risk").at("reasons").as_array();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].at("contribution").to_number<double>(), 0.5);
  EXPECT_EQ(reasons[1].at("contribution").to_number<double>(), 0);
}

// Issue 17: the history's "response" is what became of the attempt, the
// "password" its credentials' outcome: a blocked sign-in with the right
// password is "block", not "pass".
TEST(JsonCodecTest, EventResponseSaysWhatBecameOfTheAttempt) {
  struct Case {
    Verdict verdict;
    Outcome outcome;
    std::vector<std::string> results;  // challenge responses, oldest first
    const char* response;
    const char* password;
  };
  const Case cases[] = {
      {Verdict::kBlock, Outcome::kSuccess, {}, "block", "correct"},
      {Verdict::kBlock, Outcome::kFailure, {}, "block", "wrong"},
      {Verdict::kBlock, Outcome::kUnknown, {}, "block", "unknown"},
      {Verdict::kAllow, Outcome::kSuccess, {}, "pass", "correct"},
      {Verdict::kAllow, Outcome::kFailure, {}, "fail", "wrong"},
      {Verdict::kAllow, Outcome::kUnknown, {}, "in_progress", "unknown"},
      {Verdict::kChallenge, Outcome::kSuccess, {}, "in_progress", "correct"},
      {Verdict::kChallenge,
       Outcome::kUnknown,
       {"failed"},
       "in_progress",
       "unknown"},
      {Verdict::kChallenge,
       Outcome::kSuccess,
       {"failed", "passed"},
       "pass",
       "correct"},
      {Verdict::kChallenge,
       Outcome::kUnknown,
       {"failed", "locked"},
       "fail",
       "unknown"},
      {Verdict::kChallenge, Outcome::kUnknown, {"expired"}, "fail", "unknown"},
      {Verdict::kChallenge, Outcome::kFailure, {}, "fail", "wrong"},
  };
  for (const Case& c : cases) {
    Event e;
    e.event_id = "ev1";
    e.decision = SampleDecision();
    e.decision.verdict = c.verdict;
    e.outcome = c.outcome;
    for (const std::string& r : c.results) {
      e.challenge_responses.push_back({absl::FromUnixSeconds(1), "sms", r});
    }
    boost::json::value v = boost::json::parse(EventToJson(e));
    EXPECT_EQ(v.at("response").as_string(), c.response)
        << VerdictName(c.verdict) << " " << OutcomeName(c.outcome) << " "
        << c.results.size();
    EXPECT_EQ(v.at("password").as_string(), c.password);
  }
}

TEST(JsonCodecTest, UnknownContextIsNull) {
  Decision d;
  std::string json = DecisionToJson(d);
  EXPECT_TRUE(absl::StrContains(
      json,
      R"("context":{"country":null,"city":null,"asn":null,"device":null})"))
      << json;
  EXPECT_TRUE(absl::StrContains(json, R"("challenge":null)")) << json;
}

TEST(JsonCodecTest, EventPageShape) {
  EventPage page;
  Event e;
  e.event_id = "ev1";
  e.user_id = "alice";
  e.time = absl::FromUnixSeconds(1700000000);
  e.ip = "192.0.2.1";
  e.decision = SampleDecision();
  e.decision.enforced_verdict = Verdict::kBlock;
  e.outcome = Outcome::kSuccess;
  e.feedback =
      Feedback{FeedbackValue::kValid, "admin", absl::FromUnixSeconds(1)};
  page.events.push_back(e);
  std::string json = EventPageToJson(page);
  boost::json::value v = boost::json::parse(json);
  const auto& ev = v.at("events").at(0);
  EXPECT_EQ(ev.at("event_id").as_string(), "ev1");
  EXPECT_EQ(ev.at("time").as_string(), "2023-11-14T22:13:20Z");
  EXPECT_EQ(ev.at("outcome").as_string(), "success");
  EXPECT_EQ(ev.at("enforced_decision").as_string(), "block");
  EXPECT_EQ(ev.at("feedback").at("value").as_string(), "valid");
  EXPECT_EQ(
      ev.at("decision").at("risk").at("reasons").at(0).at("signal").as_string(),
      "geo_velocity");
  EXPECT_TRUE(v.at("next_cursor").is_null());
}

TEST(JsonWriterTest, EscapesAndRepairsStrings) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01\xff\xc3\xa9", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xc3\xa9\"");
  EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(JsonWriterTest, Numbers) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Double(0.1);
  w.Double(1.0);
  w.Rounded(0.123456, 4);
  w.Double(std::numeric_limits<double>::infinity());
  w.Int(-5);
  w.EndArray();
  EXPECT_EQ(out, "[0.1,1,0.1235,null,-5]");
}

TEST(JsonCodecTest, ErrorShape) {
  EXPECT_EQ(ErrorToJson("invalid_argument", "ip: bad"),
            R"({"error":{"code":"invalid_argument","message":"ip: bad"}})");
}

}  // namespace
}  // namespace vigil::service
