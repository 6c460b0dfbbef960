// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// One user-id check for every route (issue 13, defect 10), against the real
// vigild: every route with {user} in its path refuses the ids that
// /v1/evaluate refuses (control characters, invalid UTF-8, too long) with
// the same 422 invalid_argument "user_id: ...", and a refused request writes
// nothing (the store is read after vigild has stopped).

#include <signal.h>

#include <boost/json/parse.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/route.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using service::RouteId;

// A request on a route with {user} in its path; "{user}" in `target` is
// replaced by the (percent-encoded) user id.
struct UserRoute {
  std::string method;
  std::string target;
  std::string body;
};

const std::vector<UserRoute>& UserRoutes() {
  static const auto* const routes = new std::vector<UserRoute>{
      {"GET", "/v1/users/{user}/events", ""},
      {"PUT", "/v1/users/{user}/mfa",
       R"({"enabled":["email"],"email":"a@example.com"})"},
      {"PUT", "/v1/users/{user}/mfa", R"({"enabled":[]})"},
      {"GET", "/v1/users/{user}/mfa", ""},
      {"POST", "/v1/users/{user}/mfa/totp", ""},
      {"POST", "/v1/users/{user}/mfa/totp", R"({"account_name":"a"})"},
      {"POST", "/v1/users/{user}/mfa/totp/verify", R"({"code":"123456"})"},
      {"GET", "/v1/users/{user}/devices", ""},
      {"PATCH", "/v1/users/{user}/devices/0123456789abcdef0123456789abcdef",
       R"({"name":"x","remembered":true})"},
      {"DELETE", "/v1/users/{user}/devices/0123456789abcdef0123456789abcdef",
       ""},
      {"POST", "/v1/users/{user}/passkeys/registrations", R"({"user_name":"a"})"},
      {"POST", "/v1/users/{user}/passkeys",
       R"({"registration_id":"r","credential":{}})"},
      {"GET", "/v1/users/{user}/passkeys", ""},
      {"PATCH", "/v1/users/{user}/passkeys/AAAAAAAAAAAAAAAAAAAAAA",
       R"({"name":"x"})"},
      {"DELETE", "/v1/users/{user}/passkeys/AAAAAAAAAAAAAAAAAAAAAA", ""},
  };
  return *routes;
}

// Percent-encoded in a path; `json` is the same id as a JSON string body
// ("" where JSON cannot carry it: invalid UTF-8 is refused by the JSON parser
// itself, with 400).
struct BadId {
  std::string path;
  std::string json;
};

std::vector<BadId> BadIds() {
  return {
      {"alice%0A", R"("alice\n")"},      // LF
      {"alice%00", R"("alice\u0000")"},  // NUL
      {"%00", R"("\u0000")"},            // NUL alone
      {"alice%0D%0AX-Injected:%201", R"("alice\r\nX-Injected: 1")"},
      {"alice%7F", R"("alice\u007f")"},     // DEL
      {"alice%C2%85", R"("alice\u0085")"},  // NEL, a C1 control
      {"alice%FF", ""},                     // not UTF-8 at all
      {"%C3%28", ""},                       // bad continuation byte
      {"alice%C3", ""},                     // truncated sequence
      {"%C0%AF", ""},                       // overlong '/'
      {"%ED%A0%80", ""},                    // a UTF-16 surrogate
      {"%F4%90%80%80", ""},                 // above U+10FFFF
      {std::string(257, 'a'), absl::StrCat("\"", std::string(257, 'a'), "\"")},
  };
}

std::string ErrorCode(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
  return std::string(v.at("error").at("code").as_string());
}

std::string ErrorMessage(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
  return std::string(v.at("error").at("message").as_string());
}

class UserIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string model = dir_.path() + "/model.toml";
    WriteFileOrDie(model, ChallengeAllModel());
    const std::string config = absl::StrCat(
        TestConfigToml(dir_.path() + "/data", model, "access_log = false\n"),
        "\n[mfa]\nkey_file = \"", WriteKeyFile(dir_.path()),
        "\"\nissuer = \"Vigil Test\"\n");
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  }

  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body, const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", absl::StrCat("Bearer ", key)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status();
    if (!r.ok()) {
      absl::StatusOr<std::unique_ptr<HttpClient>> c =
          HttpClient::Connect(vigild_->address());
      if (c.ok()) client_ = *std::move(c);
      return HttpResponse();
    }
    return *std::move(r);
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(UserIdTest, EveryUserRouteRefusesWhatEvaluateRefusesAndWritesNothing) {
  // The table covers every route with {user} in its path.
  std::set<RouteId> covered;
  for (const UserRoute& r : UserRoutes()) {
    service::RouteMatch m =
        service::MatchRoute(absl::StrReplaceAll(r.target, {{"{user}", "x"}}));
    covered.insert(service::RouteForMethod(
        m.route, boost::beast::http::string_to_verb(r.method)));
  }
  for (int i = 0; i < service::kRouteCount; ++i) {
    const RouteId route = static_cast<RouteId>(i);
    if (!absl::StrContains(service::RouteTemplate(route), "{user}")) continue;
    EXPECT_EQ(covered.count(route), 1u)
        << service::RouteTemplate(route) << ": not in UserRoutes()";
  }

  for (const BadId& id : BadIds()) {
    SCOPED_TRACE(id.path.substr(0, 40));
    // /v1/evaluate: the reference answer (a body cannot carry invalid UTF-8;
    // that is the JSON parser's 400).
    std::string evaluate_message;
    if (!id.json.empty()) {
      HttpResponse r = Send(
          "POST", "/v1/evaluate",
          absl::StrCat(R"({"user_id":)", id.json, R"(,"ip":"81.2.69.160"})"),
          kEvaluateKey);
      EXPECT_EQ(r.status, 422) << r.body;
      EXPECT_EQ(ErrorCode(r.body), "invalid_argument") << r.body;
      evaluate_message = ErrorMessage(r.body);
    }
    for (const UserRoute& route : UserRoutes()) {
      const std::string target =
          absl::StrReplaceAll(route.target, {{"{user}", id.path}});
      const std::string key =
          absl::StrContains(route.target, "/events") ? kEvaluateKey : kMfaKey;
      HttpResponse r = Send(route.method, target, route.body, key);
      EXPECT_EQ(r.status, 422)
          << route.method << " " << route.target << ": " << r.body;
      EXPECT_EQ(ErrorCode(r.body), "invalid_argument") << r.body;
      const std::string message = ErrorMessage(r.body);
      EXPECT_TRUE(absl::StartsWith(message, "user_id: ")) << r.body;
      if (!evaluate_message.empty()) {
        EXPECT_EQ(message, evaluate_message)
            << route.method << " " << route.target;
      }
      // The refusal never echoes the id.
      EXPECT_FALSE(absl::StrContains(r.body, "alice")) << r.body;
    }
  }
  // A good id still gets through (the routes were reachable at all).
  EXPECT_EQ(Send("GET", "/v1/users/alice/mfa", "", kMfaKey).status, 200);

  // Nothing was written under any of those ids: no profile, MFA record,
  // device, event or challenge at all (read in the RocksDB folder; a
  // memory: store went with vigild).
  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  if (TestStoreIsMemory()) return;
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(RocksDbStoreUrl(dir_.path() + "/data"), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  for (Table table : {Table::kUsers, Table::kTotp, Table::kDevices,
                      Table::kEvents, Table::kChallenges, Table::kCounters}) {
    std::unique_ptr<StoreIterator> it = (*store)->Scan(table, "", "");
    int n = 0;
    for (; it->Valid(); it->Next()) ++n;
    EXPECT_TRUE(it->status().ok()) << it->status();
    EXPECT_EQ(n, 0) << "table " << static_cast<int>(table);
  }
}

}  // namespace
}  // namespace vigil::testing
