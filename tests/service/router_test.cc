// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/router.h"

#include <boost/json/parse.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/fake_engine.h"
#include "service/route.h"

namespace vigil::service {
namespace {

namespace http = boost::beast::http;

constexpr char kEval[] = "eval-key";
constexpr char kAdmin[] = "admin-key";
constexpr char kMfa[] = "mfa-key";

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    config_.model_path = "/nonexistent/model.toml";
    auth_ = *Authenticator::Create({{"pool", HashApiKey(SecretString(kEval)),
                                     static_cast<ScopeSet>(Scope::kEvaluate)},
                                    {"ops", HashApiKey(SecretString(kAdmin)),
                                     static_cast<ScopeSet>(Scope::kAdmin)},
                                    {"mfa", HashApiKey(SecretString(kMfa)),
                                     static_cast<ScopeSet>(Scope::kMfa)}});
    context_ = std::make_unique<ServiceContext>(config_, *auth_);
    context_->set_engine(&engine_);
    engine_.decision.event_id = "ev42";
    engine_.decision.model = "default@1";
  }

  Response Call(http::verb method, const std::string& target,
                const std::string& body = "", const std::string& key = kEval,
                const std::string& content_type = "application/json") {
    Request req{method, target, 11};
    if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    notes_ = RequestNotes{};
    return Handle(req, *context_, &notes_);
  }

  static std::string Code(const Response& res) {
    boost::json::value v = boost::json::parse(res.body());
    return std::string(v.at("error").at("code").as_string());
  }
  static std::string Message(const Response& res) {
    boost::json::value v = boost::json::parse(res.body());
    return std::string(v.at("error").at("message").as_string());
  }

  ServiceConfig config_;
  std::unique_ptr<Authenticator> auth_;
  testing::FakeEngine engine_;
  std::unique_ptr<ServiceContext> context_;
  RequestNotes notes_;
};

TEST_F(RouterTest, EvaluateAnswersTheDecision) {
  Response res = Call(http::verb::post, "/v1/evaluate",
                      R"({"user_id":"alice","ip":"192.0.2.1"})");
  EXPECT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_TRUE(
      absl::StartsWith(res.body(), R"({"event_id":"ev42","decision":"allow")"))
      << res.body();
  ASSERT_EQ(engine_.attempts.size(), 1u);
  EXPECT_EQ(engine_.attempts[0].user_id, "alice");
  EXPECT_EQ(notes_.route, RouteId::kEvaluate);
  EXPECT_EQ(notes_.event_id, "ev42");
  EXPECT_EQ(notes_.key_name, "pool");
}

struct StatusCase {
  const char* name;
  http::verb method;
  const char* target;
  const char* body;
  const char* key;
  const char* content_type;
  int status;
  const char* code;
  const char* message_prefix;
};

class RouterStatusTest : public RouterTest,
                         public ::testing::WithParamInterface<StatusCase> {};

TEST_P(RouterStatusTest, RefusedBeforeTheEngine) {
  const StatusCase& c = GetParam();
  Response res = Call(c.method, c.target, c.body, c.key, c.content_type);
  EXPECT_EQ(res.result_int(), c.status) << res.body();
  EXPECT_EQ(Code(res), c.code);
  EXPECT_TRUE(absl::StartsWith(Message(res), c.message_prefix)) << Message(res);
  EXPECT_EQ(engine_.calls(), 0);
}

constexpr char kOk[] = R"({"user_id":"u","ip":"192.0.2.1"})";
const auto kPost = http::verb::post;
const auto kGet = http::verb::get;

INSTANTIATE_TEST_SUITE_P(
    Table, RouterStatusTest,
    ::testing::Values(
        StatusCase{"unknown_route", kGet, "/v2/evaluate", "", kEval, "", 404,
                   "not_found", "path:"},
        StatusCase{"unknown_subroute", kPost, "/v1/events/x/undo", "", kEval,
                   "", 404, "not_found", "path:"},
        StatusCase{"wrong_method", kGet, "/v1/evaluate", "", kEval, "", 405,
                   "method_not_allowed", "method:"},
        StatusCase{"wrong_method_history", kPost, "/v1/users/u/events", "{}",
                   kEval, "application/json", 405, "method_not_allowed",
                   "method:"},
        StatusCase{"no_key", kPost, "/v1/evaluate", kOk, "", "application/json",
                   401, "unauthenticated", "authorization: missing"},
        StatusCase{"bad_key", kPost, "/v1/evaluate", kOk, "nope",
                   "application/json", 401, "unauthenticated",
                   "authorization: unknown API key"},
        StatusCase{"wrong_scope", kPost, "/v1/evaluate", kOk, kAdmin,
                   "application/json", 403, "forbidden", "authorization:"},
        StatusCase{"feedback_needs_admin", kPost, "/v1/events/e/feedback",
                   R"({"value":"valid"})", kEval, "application/json", 403,
                   "forbidden", "authorization:"},
        StatusCase{"history_not_for_mfa", kGet, "/v1/users/u/events", "", kMfa,
                   "", 403, "forbidden", "authorization:"},
        StatusCase{"reload_needs_admin", kPost, "/v1/admin/reload", "", kEval,
                   "", 403, "forbidden", "authorization:"},
        StatusCase{"no_content_type", kPost, "/v1/evaluate", kOk, kEval, "",
                   415, "unsupported_media_type", "content-type:"},
        StatusCase{"text_plain", kPost, "/v1/evaluate", kOk, kEval,
                   "text/plain", 415, "unsupported_media_type",
                   "content-type:"},
        StatusCase{"form", kPost, "/v1/events/e/outcome", "outcome=success",
                   kEval, "application/x-www-form-urlencoded", 415,
                   "unsupported_media_type", "content-type:"},
        StatusCase{"malformed", kPost, "/v1/evaluate", "{\"user_id\":", kEval,
                   "application/json", 400, "malformed_json", "body:"},
        StatusCase{"empty_body", kPost, "/v1/evaluate", "", kEval,
                   "application/json", 400, "malformed_json", "body: empty"},
        StatusCase{"bad_event_type", kPost, "/v1/evaluate",
                   R"({"user_id":"u","ip":"192.0.2.1","event_type":"x"})",
                   kEval, "application/json", 422, "invalid_argument",
                   "event_type:"},
        StatusCase{"bad_timestamp", kPost, "/v1/evaluate",
                   R"({"user_id":"u","ip":"192.0.2.1","timestamp":"now"})",
                   kEval, "application/json", 422, "invalid_argument",
                   "timestamp:"},
        StatusCase{"bad_outcome", kPost, "/v1/events/e/outcome",
                   R"({"outcome":"maybe"})", kEval, "application/json", 422,
                   "invalid_argument", "outcome:"},
        StatusCase{"bad_feedback", kPost, "/v1/events/e/feedback",
                   R"({"value":"meh"})", kAdmin, "application/json", 422,
                   "invalid_argument", "value:"},
        StatusCase{"bad_limit", kGet, "/v1/users/u/events?limit=0", "", kEval,
                   "", 422, "invalid_argument", "limit:"},
        StatusCase{"huge_limit", kGet, "/v1/users/u/events?limit=1001", "",
                   kEval, "", 422, "invalid_argument", "limit:"},
        StatusCase{"unknown_query", kGet, "/v1/users/u/events?page=2", "",
                   kEval, "", 422, "invalid_argument", "page:"},
        StatusCase{"bad_escape", kGet, "/v1/users/%zz/events", "", kEval, "",
                   400, "bad_request", "path:"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(RouterTest, EngineErrorsMapToStatuses) {
  struct Case {
    absl::Status status;
    int http;
    const char* code;
  } cases[] = {
      {absl::InvalidArgumentError("ip: not an address"), 422,
       "invalid_argument"},
      {absl::UnavailableError("store: disk full"), 503, "unavailable"},
      {absl::InternalError("secret internals"), 500, "internal"},
  };
  for (const Case& c : cases) {
    engine_.evaluate_status = c.status;
    Response res = Call(http::verb::post, "/v1/evaluate", kOk);
    EXPECT_EQ(res.result_int(), c.http);
    EXPECT_EQ(Code(res), c.code);
    if (c.http == 422) {
      EXPECT_EQ(Message(res), "ip: not an address");
    }
    if (c.http == 500) {
      EXPECT_EQ(Message(res), "internal error");
    }
  }
}

TEST_F(RouterTest, OutcomeAndFeedback) {
  Response res = Call(http::verb::post, "/v1/events/ev%2F1/outcome",
                      R"({"outcome":"success"})");
  EXPECT_EQ(res.result_int(), 200) << res.body();
  ASSERT_EQ(engine_.outcomes.size(), 1u);
  EXPECT_EQ(engine_.outcomes[0].first, "ev/1");
  EXPECT_EQ(engine_.outcomes[0].second, Outcome::kSuccess);

  engine_.update_status = absl::NotFoundError("event_id: no event ev9");
  res = Call(http::verb::post, "/v1/events/ev9/outcome",
             R"({"outcome":"failure"})");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(Code(res), "not_found");
  engine_.update_status = absl::FailedPreconditionError("outcome: already set");
  res = Call(http::verb::post, "/v1/events/ev9/outcome",
             R"({"outcome":"failure"})");
  EXPECT_EQ(res.result_int(), 409);

  engine_.update_status = absl::OkStatus();
  res = Call(http::verb::post, "/v1/events/ev1/feedback",
             R"({"value":"invalid"})", kAdmin);
  EXPECT_EQ(res.result_int(), 200) << res.body();
  ASSERT_EQ(engine_.feedback.size(), 1u);
  EXPECT_EQ(engine_.feedback[0].second, FeedbackValue::kInvalid);
}

TEST_F(RouterTest, HistoryPassesCursorAndLimit) {
  engine_.page.next_cursor = "next";
  Response res =
      Call(http::verb::get,
           "/v1/users/alice%40example.com/events?limit=2&cursor=abc%3D", "",
           kAdmin, "");
  EXPECT_EQ(res.result_int(), 200) << res.body();
  ASSERT_EQ(engine_.lists.size(), 1u);
  EXPECT_EQ(engine_.lists[0].user, "alice@example.com");
  EXPECT_EQ(engine_.lists[0].cursor, "abc=");
  EXPECT_EQ(engine_.lists[0].limit, 2);
  EXPECT_EQ(res.body(), R"({"events":[],"next_cursor":"next"})");

  res = Call(http::verb::get, "/v1/users/bob/events", "", kEval, "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(engine_.lists[1].limit, 50);

  engine_.list_status = absl::InvalidArgumentError("cursor: not a cursor");
  res = Call(http::verb::get, "/v1/users/bob/events?cursor=zz", "", kEval, "");
  EXPECT_EQ(res.result_int(), 422);
  EXPECT_EQ(Message(res), "cursor: not a cursor");
}

TEST_F(RouterTest, ProbesAreOpenAndReadinessFollowsTheEngine) {
  EXPECT_EQ(Call(http::verb::get, "/healthz", "", "", "").result_int(), 200);
  EXPECT_EQ(Call(http::verb::get, "/readyz", "", "", "").result_int(), 200);
  Response metrics = Call(http::verb::get, "/metrics", "", "", "");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_TRUE(absl::StartsWith(std::string(metrics[http::field::content_type]),
                               "text/plain"));
  EXPECT_TRUE(absl::StrContains(metrics.body(), "vigil_ready 1"));

  context_->set_engine(nullptr);
  EXPECT_EQ(Call(http::verb::get, "/healthz", "", "", "").result_int(), 200);
  Response ready = Call(http::verb::get, "/readyz", "", "", "");
  EXPECT_EQ(ready.result_int(), 503);
  EXPECT_EQ(Code(ready), "unavailable");
  Response eval = Call(http::verb::post, "/v1/evaluate", kOk);
  EXPECT_EQ(eval.result_int(), 503);
  EXPECT_EQ(engine_.calls(), 0);

  context_->set_engine(&engine_);
  context_->set_draining();
  EXPECT_EQ(Call(http::verb::get, "/readyz", "", "", "").result_int(), 503);
}

TEST_F(RouterTest, MetricsCanRequireAKey) {
  config_.metrics_require_key = true;
  EXPECT_EQ(Call(http::verb::get, "/metrics", "", "", "").result_int(), 401);
  EXPECT_EQ(Call(http::verb::get, "/metrics", "", kMfa, "").result_int(), 200);
}

TEST_F(RouterTest, ReloadOfABadFileKeepsTheOldModel) {
  Response res = Call(http::verb::post, "/v1/admin/reload", "", kAdmin, "");
  EXPECT_EQ(res.result_int(), 422) << res.body();
  EXPECT_EQ(Code(res), "invalid_model");
  EXPECT_TRUE(absl::StartsWith(Message(res), "model: ")) << Message(res);
  EXPECT_EQ(engine_.current_model, nullptr);
}

TEST_F(RouterTest, ErrorHeaders) {
  Response res = Call(http::verb::delete_, "/v1/evaluate");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "POST");
  res = Call(http::verb::post, "/v1/evaluate", kOk, "");
  EXPECT_EQ(res[http::field::www_authenticate], "Bearer");
}

TEST(RouteTest, Matching) {
  EXPECT_EQ(MatchRoute("/v1/evaluate?x=1").route, RouteId::kEvaluate);
  EXPECT_EQ(MatchRoute("/v1/evaluate/").route, RouteId::kUnknown);
  EXPECT_EQ(MatchRoute("/v1/events//outcome").route, RouteId::kUnknown);
  EXPECT_EQ(MatchRoute("/v1/events?since=x").route, RouteId::kEvents);
  EXPECT_EQ(MatchRoute("/v1/events/").route, RouteId::kUnknown);
  RouteMatch m = MatchRoute("/v1/users/a%20b/events?limit=1");
  EXPECT_EQ(m.route, RouteId::kUserEvents);
  EXPECT_EQ(m.param, "a b");
  EXPECT_TRUE(MatchRoute("/v1/events/%4/feedback").bad_escape);
  EXPECT_EQ(RouteTemplate(RouteId::kEventOutcome), "/v1/events/{id}/outcome");
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQuery("/x?a=1&b=x+y&c&&d=%41", &q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1].second, "x y");
  EXPECT_EQ(q[2].first, "c");
  EXPECT_EQ(q[3].second, "A");
  EXPECT_FALSE(ParseQuery("/x?a=%", &q));
}

}  // namespace
}  // namespace vigil::service
