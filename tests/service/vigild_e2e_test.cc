// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// End-to-end: the real vigild binary on port 0 with a temporary data folder,
// driven over loopback with a real HTTP client.

#include <signal.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

class VigildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_path_ = dir_.path() + "/model.toml";
    std::filesystem::copy_file(SourcePath("models/default.toml"), model_path_);
    Start();
  }

  void Start(const std::string& extra_server =
                 "read_timeout_ms = 1000\nmax_body_bytes = 65536\n") {
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), TestConfigToml(dir_.path() + "/data", model_path_, extra_server), &vigild_, &client_));
  }

  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& key = kEvaluateKey) {
    absl::StatusOr<HttpResponse> r = client_->PostJson(target, body, key);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }
  HttpResponse Get(const std::string& target,
                   const std::string& key = kEvaluateKey) {
    absl::StatusOr<HttpResponse> r = client_->Get(target, key);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }
  // The events in a user's history (first page).
  json::array History(const std::string& user) {
    HttpResponse r = Get(absl::StrCat("/v1/users/", user, "/events"));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).at("events").as_array();
  }

  TempDir dir_;
  std::string model_path_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(VigildTest, EvaluateOutcomeFeedbackAndHistory) {
  HttpResponse r =
      Post("/v1/evaluate", R"({"user_id":"alice","ip":"81.2.69.142",
      "user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0",
      "outcome":"success"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_TRUE(r.keep_alive);
  json::value d = json::parse(r.body);
  std::string event_id(d.at("event_id").as_string());
  EXPECT_FALSE(event_id.empty());
  for (const char* key : {"decision", "mode", "risk", "challenge", "context"}) {
    EXPECT_TRUE(d.as_object().contains(key)) << key << " in " << r.body;
  }
  for (const char* key : {"level", "score", "reasons",
                          "compromised_credentials", "baseline", "model"}) {
    EXPECT_TRUE(d.at("risk").as_object().contains(key)) << key;
  }

  // A second evaluation whose outcome is told afterwards.
  r = Post("/v1/evaluate", R"({"user_id":"alice","ip":"81.2.69.142"})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string second(json::parse(r.body).at("event_id").as_string());
  r = Post(absl::StrCat("/v1/events/", second, "/outcome"),
           R"({"outcome":"failure"})");
  EXPECT_EQ(r.status, 200) << r.body;
  r = Post(absl::StrCat("/v1/events/", second, "/outcome"),
           R"({"outcome":"success"})");
  EXPECT_EQ(r.status, 409) << r.body;
  r = Post(absl::StrCat("/v1/events/", event_id, "/feedback"),
           R"({"value":"valid"})", kAdminKey);
  EXPECT_EQ(r.status, 200) << r.body;

  json::array events = History("alice");
  ASSERT_EQ(events.size(), 2u);
  // Newest first.
  EXPECT_EQ(events[0].at("event_id").as_string(), second);
  EXPECT_EQ(events[0].at("outcome").as_string(), "failure");
  EXPECT_EQ(events[1].at("event_id").as_string(), event_id);
  EXPECT_EQ(events[1].at("feedback").at("value").as_string(), "valid");
  EXPECT_TRUE(
      events[1].at("decision").at("risk").as_object().contains("reasons"));

  // Pagination: one per page, then the cursor.
  HttpResponse page = Get("/v1/users/alice/events?limit=1");
  json::value p = json::parse(page.body);
  ASSERT_EQ(p.at("events").as_array().size(), 1u);
  ASSERT_TRUE(p.at("next_cursor").is_string()) << page.body;
  std::string cursor(p.at("next_cursor").as_string());
  page = Get(absl::StrCat("/v1/users/alice/events?limit=1&cursor=", cursor));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(
      json::parse(page.body).at("events").at(0).at("event_id").as_string(),
      event_id);
}

struct BadRequest {
  const char* name;
  const char* method;
  const char* target;
  const char* body;
  const char* key;           // "" for none
  const char* content_type;  // "" for none
  int status;
  const char* code;
  const char* message_prefix;
};

// Every refusal: the right status, code and field, and nothing recorded.
TEST_F(VigildTest, BadInputsAreRefusedAndChangeNothing) {
  const std::string big(70000, 'x');  // over max_body_bytes = 65536
  const std::string big_body = absl::StrCat(
      R"({"user_id":"victim","ip":"81.2.69.142","user_agent":")", big, "\"}");
  const BadRequest cases[] = {
      {"malformed", "POST", "/v1/evaluate", R"({"user_id":"victim","ip":)",
       kEvaluateKey, "application/json", 400, "malformed_json", "body:"},
      {"no_key", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142"})", "", "application/json",
       401, "unauthenticated", "authorization:"},
      {"bad_key", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142"})", "vgl_wrong",
       "application/json", 401, "unauthenticated", "authorization:"},
      {"wrong_scope", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142"})", kMfaKey,
       "application/json", 403, "forbidden", "authorization:"},
      {"feedback_without_admin", "POST", "/v1/events/x/feedback",
       R"({"value":"invalid"})", kEvaluateKey, "application/json", 403,
       "forbidden", "authorization:"},
      {"unknown_route", "POST", "/v1/evaluations",
       R"({"user_id":"victim","ip":"81.2.69.142"})", kEvaluateKey,
       "application/json", 404, "not_found", "path:"},
      {"unknown_event", "POST", "/v1/events/no-such-event/outcome",
       R"({"outcome":"success"})", kEvaluateKey, "application/json", 404,
       "not_found", ""},
      {"wrong_method", "PUT", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142"})", kEvaluateKey,
       "application/json", 405, "method_not_allowed", "method:"},
      {"too_large", "POST", "/v1/evaluate", big_body.c_str(), kEvaluateKey,
       "application/json", 413, "payload_too_large", "body:"},
      {"wrong_content_type", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142"})", kEvaluateKey, "text/plain",
       415, "unsupported_media_type", "content-type:"},
      {"bad_ip", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.999"})", kEvaluateKey,
       "application/json", 422, "invalid_argument", "ip:"},
      {"bad_event_type", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142","event_type":"logon"})",
       kEvaluateKey, "application/json", 422, "invalid_argument",
       "event_type:"},
      {"bad_timestamp", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142","timestamp":"31/12/2025"})",
       kEvaluateKey, "application/json", 422, "invalid_argument", "timestamp:"},
      {"wrong_type", "POST", "/v1/evaluate",
       R"({"user_id":["victim"],"ip":"81.2.69.142"})", kEvaluateKey,
       "application/json", 422, "invalid_argument", "user_id:"},
      {"unknown_field", "POST", "/v1/evaluate",
       R"({"user_id":"victim","ip":"81.2.69.142","pasword_sha1":"x"})",
       kEvaluateKey, "application/json", 422, "invalid_argument",
       "pasword_sha1:"},
  };
  for (const BadRequest& c : cases) {
    SCOPED_TRACE(c.name);
    // Each on a fresh connection: some refusals close theirs.
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(client.ok());
    std::vector<std::pair<std::string, std::string>> headers;
    if (*c.key)
      headers.emplace_back("Authorization", absl::StrCat("Bearer ", c.key));
    if (*c.content_type) headers.emplace_back("Content-Type", c.content_type);
    absl::StatusOr<HttpResponse> r =
        (*client)->Send(c.method, c.target, c.body, headers);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, c.status) << r->body;
    EXPECT_EQ(r->headers["content-type"], "application/json");
    json::value v = json::parse(r->body);
    EXPECT_EQ(v.at("error").at("code").as_string(), c.code) << r->body;
    EXPECT_TRUE(absl::StartsWith(
        std::string(v.at("error").at("message").as_string()), c.message_prefix))
        << r->body;
  }
  // 431: headers over max_header_bytes (8 KiB).
  absl::StatusOr<HttpResponse> r = client_->Send(
      "GET", "/healthz", "", {{"X-Padding", std::string(10000, 'p')}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 431);

  // Nothing was recorded.
  ASSERT_TRUE((client_ = *HttpClient::Connect(vigild_->address())) != nullptr);
  EXPECT_TRUE(History("victim").empty());
  HttpResponse metrics = Get("/metrics", "");
  EXPECT_TRUE(absl::StrContains(metrics.body, "vigil_evaluations_total 0\n"))
      << metrics.body;
  // The access log names routes, never keys.
  std::string log = vigild_->WaitForStderr(R"("route":"/metrics")");
  EXPECT_TRUE(absl::StrContains(log, R"("route":"/v1/events/{id}/outcome")"));
  EXPECT_FALSE(absl::StrContains(log, kEvaluateKey));
  EXPECT_FALSE(absl::StrContains(log, "victim"));
}

TEST_F(VigildTest, ProbesAndMetrics) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  HttpResponse ready = Get("/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
  ASSERT_EQ(
      Post("/v1/evaluate", R"({"user_id":"m","ip":"81.2.69.142"})").status,
      200);
  HttpResponse m = Get("/metrics", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(absl::StrContains(
      m.body,
      "vigil_http_requests_total{route=\"/v1/evaluate\",method=\"POST\","
      "code=\"200\"} 1\n"))
      << m.body;
  EXPECT_TRUE(absl::StrContains(m.body, "vigil_evaluations_total 1\n"));
  EXPECT_TRUE(absl::StrContains(m.body, "vigil_model_info{model=\""));
}

TEST_F(VigildTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 50; ++i) {
    HttpResponse r =
        Post("/v1/evaluate",
             absl::StrCat(R"({"user_id":"k)", i, R"(","ip":"81.2.69.142"})"));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(r.keep_alive);
  }
}

TEST_F(VigildTest, TricklingClientIsDroppedByTheReadTimeout) {
  absl::StatusOr<std::unique_ptr<RawConnection>> c =
      RawConnection::Connect(vigild_->address());
  ASSERT_TRUE(c.ok());
  const std::string request =
      "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n";
  absl::Time start = absl::Now();
  bool closed = false;
  for (char byte : request) {
    if (!(*c)->Write(std::string(1, byte)).ok()) {
      closed = true;
      break;
    }
    std::string got = (*c)->ReadUntilClose(absl::Seconds(1), &closed);
    EXPECT_TRUE(got.empty()) << got;
    if (closed) break;
  }
  absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(closed);
  // read_timeout_ms = 1000: dropped after about a second, not after the
  // minute the whole request would take.
  EXPECT_LT(took, absl::Seconds(4)) << took;
  // Beast closes the socket in its timer handler; the session counts the
  // timeout when the read completes just after. Allow it that moment.
  bool counted = false;
  for (int i = 0; i < 100 && !counted; ++i) {
    counted = absl::StrContains(Get("/metrics", "").body,
                                "vigil_http_timeouts_total 1\n");
    if (!counted) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(counted);
}

TEST_F(VigildTest, TenMegabyteBodyIs413WithoutBuffering) {
  int64_t rss_before = vigild_->RssKb();
  ASSERT_GT(rss_before, 0);
  const size_t kSize = 10 << 20;
  absl::StatusOr<std::unique_ptr<RawConnection>> c =
      RawConnection::Connect(vigild_->address());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(
      (*c)->Write(absl::StrCat("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer ",
                               kEvaluateKey,
                               "\r\nContent-Type: application/json\r\n"
                               "Content-Length: ",
                               kSize, "\r\n\r\n"))
          .ok());
  // Send the body in chunks until the server stops reading.
  std::string chunk(64 << 10, 'a');
  size_t sent = 0;
  while (sent < kSize && (*c)->Write(chunk).ok()) sent += chunk.size();
  bool closed = false;
  std::string response = (*c)->ReadUntilClose(absl::Seconds(5), &closed);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 413"))
      << response.substr(0, 200);
  EXPECT_TRUE(absl::StrContains(response, "payload_too_large"));
  int64_t rss_after = vigild_->RssKb();
  EXPECT_LT(rss_after - rss_before, 5 * 1024)
      << "RSS grew from " << rss_before << " kB to " << rss_after << " kB";

  // Chunked bodies are capped the same way.
  absl::StatusOr<std::unique_ptr<RawConnection>> d =
      RawConnection::Connect(vigild_->address());
  ASSERT_TRUE(d.ok());
  (*d)->Write(absl::StrCat("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n"))
      .IgnoreError();
  for (int i = 0;
       i < 200 &&
       (*d)->Write(absl::StrCat("10000\r\n", std::string(0x10000, 'b'), "\r\n"))
           .ok();
       ++i) {
  }
  response = (*d)->ReadUntilClose(absl::Seconds(5), &closed);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 413"))
      << response.substr(0, 200);
  EXPECT_LT(vigild_->RssKb() - rss_before, 5 * 1024);
}

TEST_F(VigildTest, ReloadSwapsTheModelAndRefusesABadFile) {
  HttpResponse r = Post("/v1/admin/reload", "", kAdminKey);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string model(json::parse(r.body).at("model").as_string());
  EXPECT_EQ(Post("/v1/admin/reload", "", kEvaluateKey).status, 403);

  WriteFileOrDie(model_path_, "this is = not [ a model");
  r = Post("/v1/admin/reload", "", kAdminKey);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(json::parse(r.body).at("error").at("code").as_string(),
            "invalid_model");
  // The old model still decides.
  r = Post("/v1/evaluate", R"({"user_id":"r","ip":"81.2.69.142"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("risk").at("model").as_string(), model);
}

TEST_F(VigildTest, SigtermStopsCleanlyAndDataSurvivesARestart) {
  ASSERT_EQ(
      Post("/v1/evaluate", R"({"user_id":"s","ip":"81.2.69.142"})").status,
      200);
  client_.reset();
  EXPECT_EQ(vigild_->Stop(SIGTERM), 0) << vigild_->Stderr();
  Start();
  EXPECT_EQ(History("s").size(), 1u);
}

// --store overrides the config's store: memory: serves and writes no
// folder; a URL that names no known store stops the start with exit code 2.
TEST(VigildStoreFlagTest, StoreOverridesTheConfig) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string config = dir.path() + "/vigild.toml";
  WriteFileOrDie(config,
                 absl::StrCat(TestConfigToml(data, SourcePath(
                                                       "models/default.toml")),
                              "[pwned]\nseed_file = \"\"\n"));
  absl::StatusOr<std::unique_ptr<VigildProcess>> vigild =
      VigildProcess::StartWithArgs(dir.path(),
                                   {"--config", config, "--store", "memory:"});
  ASSERT_TRUE(vigild.ok()) << vigild.status();
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      HttpClient::Connect((*vigild)->address());
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<HttpResponse> r = (*client)->PostJson(
      "/v1/evaluate", R"({"user_id":"m","ip":"81.2.69.142"})", kEvaluateKey);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  r = (*client)->Get("/v1/users/m/events", kEvaluateKey);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(json::parse(r->body).at("events").as_array().size(), 1u);
  client->reset();
  EXPECT_EQ((*vigild)->Stop(SIGTERM), 0) << (*vigild)->Stderr();
  EXPECT_TRUE(absl::StrContains((*vigild)->Stderr(), R"("store":"memory")"));
  EXPECT_FALSE(std::filesystem::exists(data));

  for (const auto& [store, says] :
       std::vector<std::pair<std::string, std::string>>{
           {data, "--store: \"" + data + "\" is not a store URL"},
           {"postgres://127.0.0.1:5432", "is not a store URL (rocksdb:DIR, "
                                         "memory: or redis://"}}) {
    vigild = VigildProcess::StartWithArgs(dir.path(),
                                          {"--config", config, "--store", store});
    ASSERT_FALSE(vigild.ok());
    EXPECT_TRUE(absl::StrContains(vigild.status().message(), says))
        << vigild.status();
  }
  EXPECT_FALSE(std::filesystem::exists(data));
}

}  // namespace
}  // namespace vigil::testing
