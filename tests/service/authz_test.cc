// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Authorization of every route, against the real vigild: no key is 401, a
// key without the route's scope is 403, the right scope gets through; and
// one user's events, devices, MFA settings and challenges cannot be read or
// changed through another user's path (docs/security.md).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/route.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using service::RouteId;

constexpr char kUnknownKey[] = "vgl_no-such-key";

// One case per route: a request that the right key may make, the keys that
// may make it and the status each gets, and the keys refused with 403.
struct RouteCase {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, int>> allowed;  // key, status
  std::vector<std::string> refused;
};

// Routes open on purpose (docs/architecture.md, "The HTTP surface"): probes,
// the scrape endpoint and the Pwned-Passwords-compatible range query (both can
// be made to require a key, see OpenRoutesCanBeClosedByConfig), and the
// one-click feedback link, whose signed token is the credential, and the API's
// public contract (docs/openapi.yaml).
const std::set<RouteId>& OpenRoutes() {
  static const auto* const routes = new std::set<RouteId>{
      RouteId::kHealthz, RouteId::kReadyz,       RouteId::kMetrics,
      RouteId::kRange,   RouteId::kFeedbackLink, RouteId::kOpenApi,
      RouteId::kPasskeyDemo};
  return *routes;
}

RouteId RouteOf(const std::string& method, const std::string& target) {
  service::RouteMatch m = service::MatchRoute(target);
  boost::beast::http::verb verb = boost::beast::http::string_to_verb(method);
  return service::RouteForMethod(m.route, verb);
}

class AuthzTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(""); }

  void Start(const std::string& extra_config) {
    const std::string model = dir_.path() + "/model.toml";
    WriteFileOrDie(model, ChallengeAllModel());
    const std::string config =
        absl::StrCat(TestConfigToml(dir_.path() + "/data", model,
                                    "access_log = false\n"),
                     "\n[mfa]\nkey_file = \"", WriteKeyFile(dir_.path()),
                     "\"\nissuer = \"Vigil Test\"\n", extra_config);
    client_.reset();
    vigild_.reset();
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  }

  // Sends a request with `authorization` as the header (none if empty).
  HttpResponse Raw(const std::string& method, const std::string& target,
                   const std::string& body, const std::string& authorization) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r = client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status();
    if (!r.ok()) {
      // The connection is gone; reconnect for the next call.
      absl::StatusOr<std::unique_ptr<HttpClient>> c =
          HttpClient::Connect(vigild_->address());
      if (c.ok()) client_ = *std::move(c);
      return HttpResponse();
    }
    return *std::move(r);
  }

  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body, const std::string& key) {
    return Raw(method, target, body, key.empty() ? "" : absl::StrCat("Bearer ", key));
  }

  // The call must answer `want`; returns the parsed body (null if none).
  json::value Call(const std::string& method, const std::string& target,
                   const std::string& body, int want,
                   const std::string& key = kMfaKey) {
    HttpResponse r = Send(method, target, body, key);
    EXPECT_EQ(r.status, want) << method << " " << target << ": " << r.body;
    if (r.body.empty()) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }

  // The body of a GET that must answer 200.
  std::string Snapshot(const std::string& target, const std::string& key) {
    HttpResponse r = Send("GET", target, "", key);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.body;
  }

  static std::string ErrorCode(const HttpResponse& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
    const json::value& e = v.at("error");
    if (!e.is_object() || !e.as_object().contains("code") ||
        !e.at("code").is_string()) {
      return "";
    }
    return std::string(e.at("code").as_string());
  }

  // A sign-in of `user` at a known place; returns the decision.
  json::value Evaluate(const std::string& user, const std::string& device_key = "") {
    std::string body = absl::StrCat(R"({"user_id":")", user,
                                     R"(","ip":"81.2.69.160")");
    if (!device_key.empty()) {
      absl::StrAppend(&body, R"(,"device_key":")", device_key, R"(")");
    }
    body += "}";
    return Call("POST", "/v1/evaluate", body, 200, kEvaluateKey);
  }

  // Enrols and activates TOTP for `user`; returns the base32 secret. The
  // code used is the one of step `t` - 30, so codes for `t` and later are
  // still unused.
  std::string EnrolTotp(const std::string& user, int64_t t) {
    json::value e = Call("POST", absl::StrCat("/v1/users/", user, "/mfa/totp"), "", 200);
    if (!e.is_object()) return "";
    std::string secret(e.at("secret").as_string());
    json::value v = Call("POST", absl::StrCat("/v1/users/", user, "/mfa/totp/verify"),
                         absl::StrCat(R"({"code":")", OathtoolCode(secret, t - 30), R"("})"),
                         200);
    EXPECT_EQ(v.at("result"), "passed") << user;
    return secret;
  }

  json::value Verify(const std::string& challenge_id, const std::string& code,
                     bool remember) {
    return Call("POST", absl::StrCat("/v1/challenges/", challenge_id, "/verify"),
                absl::StrCat(R"({"code":")", code, R"(","remember_device":)",
                             remember ? "true" : "false", "}"),
                200);
  }

  static std::string ChallengeId(const json::value& decision) {
    if (!decision.is_object() || !decision.at("challenge").is_object()) return "";
    return std::string(decision.at("challenge").at("id").as_string());
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(AuthzTest, EveryRouteWantsItsScope) {
  const std::string event_id(
      Evaluate("authz-route").at("event_id").as_string());
  const std::string sha1 = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";  // "password"
  const int backups = TestStoreIsMemory() ? 501 : 409;
  const std::vector<RouteCase> cases = {
      {"POST",
       "/v1/evaluate",
       R"({"user_id":"authz-route","ip":"81.2.69.160"})",
       {{kEvaluateKey, 200}},
       {kAdminKey, kMfaKey}},
      {"POST",
       absl::StrCat("/v1/events/", event_id, "/outcome"),
       R"({"outcome":"success"})",
       {{kEvaluateKey, 200}},
       {kAdminKey, kMfaKey}},
      {"POST",
       absl::StrCat("/v1/events/", event_id, "/feedback"),
       R"({"value":"valid"})",
       {{kAdminKey, 200}},
       {kEvaluateKey, kMfaKey}},
      {"GET",
       "/v1/users/authz-route/events",
       "",
       {{kEvaluateKey, 200}, {kAdminKey, 200}},
       {kMfaKey}},
      {"POST",
       "/v1/admin/reload",
       "",
       {{kAdminKey, 200}},
       {kEvaluateKey, kMfaKey}},
      // No [storage] backup_dir here: the handler answers 409 (memory:
      // makes no backups: 501).
      {"POST",
       "/v1/admin/backups",
       "",
       {{kAdminKey, backups}},
       {kEvaluateKey, kMfaKey}},
      {"GET",
       "/v1/admin/backups",
       "",
       {{kAdminKey, backups}},
       {kEvaluateKey, kMfaKey}},
      {"GET",
       "/v1/admin/outbox/dead-letters",
       "",
       {{kAdminKey, 200}},
       {kEvaluateKey, kMfaKey}},
      {"POST",
       "/v1/admin/outbox/dead-letters/no-such.email/retry",
       "",
       {{kAdminKey, 404}},
       {kEvaluateKey, kMfaKey}},
      {"GET",
       "/v1/events?limit=1",
       "",
       {{kAdminKey, 200}},
       {kEvaluateKey, kMfaKey}},
      {"POST",
       "/v1/challenges/0123456789abcdef0123456789abcdef/send",
       R"({"method":"sms"})",
       {{kMfaKey, 404}},
       {kEvaluateKey, kAdminKey}},
      {"POST",
       "/v1/challenges/0123456789abcdef0123456789abcdef/verify",
       R"({"code":"123456"})",
       {{kMfaKey, 404}},
       {kEvaluateKey, kAdminKey}},
      {"PUT",
       "/v1/users/authz-route/mfa",
       R"({"enabled":[]})",
       {{kMfaKey, 200}},
       {kEvaluateKey, kAdminKey}},
      {"GET",
       "/v1/users/authz-route/mfa",
       "",
       {{kMfaKey, 200}},
       {kEvaluateKey, kAdminKey}},
      {"POST",
       "/v1/users/authz-route/mfa/totp",
       "",
       {{kMfaKey, 200}},
       {kEvaluateKey, kAdminKey}},
      {"POST",
       "/v1/users/authz-route/mfa/totp/verify",
       R"({"code":"000000"})",
       {{kMfaKey, 200}},
       {kEvaluateKey, kAdminKey}},
      {"GET",
       "/v1/users/authz-route/devices",
       "",
       {{kMfaKey, 200}},
       {kEvaluateKey, kAdminKey}},
      {"PATCH",
       "/v1/users/authz-route/devices/nosuchdevice",
       R"({"name":"x"})",
       {{kMfaKey, 404}},
       {kEvaluateKey, kAdminKey}},
      {"DELETE",
       "/v1/users/authz-route/devices/nosuchdevice",
       "",
       {{kMfaKey, 404}},
       {kEvaluateKey, kAdminKey}},
      {"POST",
       "/v1/passwords/check",
       absl::StrCat(R"({"sha1":")", sha1, R"("})"),
       {{kEvaluateKey, 200}},
       {kAdminKey, kMfaKey}},
      {"POST",
       "/v1/policy/dovecot?command=allow",
       R"({"login":"authz-dovecot","remote":"81.2.69.160"})",
       {{kEvaluateKey, 200}},
       {kAdminKey, kMfaKey}},
      // No [passkeys] here: the handler answers 409.
      {"POST",
       "/v1/users/authz-route/passkeys/registrations",
       R"({"user_name":"a"})",
       {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
      {"POST",
       "/v1/users/authz-route/passkeys",
       R"({"registration_id":"r","credential":{}})",
       {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
      {"GET", "/v1/users/authz-route/passkeys", "", {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
      {"PATCH",
       "/v1/users/authz-route/passkeys/AAAAAAAAAAAAAAAAAAAAAA",
       R"({"name":"x"})",
       {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
      {"DELETE",
       "/v1/users/authz-route/passkeys/AAAAAAAAAAAAAAAAAAAAAA",
       "",
       {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
      {"POST",
       "/v1/challenges/nosuchchallenge/webauthn",
       "",
       {{kMfaKey, 409}},
       {kAdminKey, kEvaluateKey}},
  };

  std::set<RouteId> covered;
  for (const RouteCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.method, " ", c.target));
    const RouteId route = RouteOf(c.method, c.target);
    ASSERT_NE(route, RouteId::kUnknown);
    ASSERT_EQ(OpenRoutes().count(route), 0u);
    covered.insert(route);

    // No key, a malformed header, an unknown key: 401, and it says Bearer.
    for (const std::string& auth :
         {std::string(), std::string("Basic dXNlcjpwYXNz"),
          absl::StrCat("Bearer ", kUnknownKey)}) {
      HttpResponse r = Raw(c.method, c.target, c.body, auth);
      EXPECT_EQ(r.status, 401) << "authorization: '" << auth << "': " << r.body;
      EXPECT_EQ(ErrorCode(r), "unauthenticated") << r.body;
      EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
    }
    // A key without the scope: 403, and the message names the scope.
    for (const std::string& key : c.refused) {
      HttpResponse r = Send(c.method, c.target, c.body, key);
      EXPECT_EQ(r.status, 403) << key << ": " << r.body;
      EXPECT_EQ(ErrorCode(r), "forbidden") << r.body;
      EXPECT_TRUE(absl::StrContains(r.body, "lacks the scope")) << r.body;
    }
    // The right key gets through to the handler.
    for (const auto& [key, want] : c.allowed) {
      HttpResponse r = Send(c.method, c.target, c.body, key);
      EXPECT_EQ(r.status, want) << key << ": " << r.body;
      EXPECT_NE(r.status, 401);
      EXPECT_NE(r.status, 403);
    }
  }
  // The refused calls changed nothing: the event got the outcome and the
  // feedback of the allowed calls only, once.
  json::value page = Call("GET", "/v1/users/authz-route/events?limit=10", "", 200,
                          kAdminKey);
  bool seen = false;
  for (const json::value& e : page.at("events").as_array()) {
    if (e.at("event_id") != event_id.c_str()) continue;
    seen = true;
    EXPECT_EQ(e.at("outcome"), "success");
    EXPECT_EQ(e.at("feedback").at("value"), "valid");
  }
  EXPECT_TRUE(seen);

  // Every route is either in the table or open on purpose: a new route
  // fails here until its scope is decided.
  for (int i = 0; i < service::kRouteCount; ++i) {
    const RouteId route = static_cast<RouteId>(i);
    if (route == RouteId::kUnknown) continue;
    EXPECT_TRUE(covered.count(route) + OpenRoutes().count(route) == 1)
        << service::RouteTemplate(route)
        << ": no authorization case; add it to EveryRouteWantsItsScope or "
           "OpenRoutes()";
  }
}

TEST_F(AuthzTest, OpenRoutesNeedNoKey) {
  for (const std::string target :
       {"/healthz", "/readyz", "/metrics", "/range/21BD1",
        "/v1/feedback?token=x", "/openapi.yaml", "/demo/passkeys"}) {
    HttpResponse r = Send("GET", target, "", "");
    EXPECT_NE(r.status, 401) << target << ": " << r.body;
    EXPECT_NE(r.status, 403) << target << ": " << r.body;
    EXPECT_LT(r.status, 500) << target << ": " << r.body;
  }
}

TEST_F(AuthzTest, OpenRoutesCanBeClosedByConfig) {
  Start("[metrics]\nrequire_key = true\n[pwned]\nrange_requires_key = true\n");
  for (const std::string target : {"/metrics", "/range/21BD1"}) {
    HttpResponse r = Send("GET", target, "", "");
    EXPECT_EQ(r.status, 401) << target << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "unauthenticated");
    r = Send("GET", target, "", kUnknownKey);
    EXPECT_EQ(r.status, 401) << target << ": " << r.body;
    // Any scope will do.
    for (const std::string key : {kEvaluateKey, kMfaKey, kAdminKey}) {
      r = Send("GET", target, "", key);
      EXPECT_NE(r.status, 401) << target << " " << key << ": " << r.body;
      EXPECT_NE(r.status, 403) << target << " " << key << ": " << r.body;
    }
  }
  // The probes stay open.
  EXPECT_EQ(Send("GET", "/healthz", "", "").status, 200);
  EXPECT_EQ(Send("GET", "/readyz", "", "").status, 200);
}

TEST_F(AuthzTest, OneUserCannotReachAnothersRecords) {
  // Stay clear of a TOTP step boundary: every code below is for step `t`.
  int64_t t = time(nullptr);
  if (t % 30 > 12) {
    absl::SleepFor(absl::Seconds(31 - t % 30));
    t = time(nullptr);
    // vigild closes a connection silent past its first-byte timeout.
    absl::StatusOr<std::unique_ptr<HttpClient>> c =
        HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }
  const std::string alice_secret = EnrolTotp("alice", t);
  const std::string bob_secret = EnrolTotp("bob", t);
  ASSERT_FALSE(alice_secret.empty());
  ASSERT_FALSE(bob_secret.empty());
  ASSERT_NE(alice_secret, bob_secret);
  const std::string alice_code = OathtoolCode(alice_secret, t);
  const std::string bob_code = OathtoolCode(bob_secret, t);

  // Alice signs in, is challenged; bob's code does not pass her challenge.
  json::value d = Evaluate("alice");
  ASSERT_EQ(d.at("decision"), "challenge") << json::serialize(d);
  const std::string alice_event(d.at("event_id").as_string());
  const std::string alice_challenge = ChallengeId(d);
  ASSERT_FALSE(alice_challenge.empty());
  if (bob_code != alice_code) {
    EXPECT_EQ(Verify(alice_challenge, bob_code, true).at("result"), "failed");
  }
  // Her own code does, and remembers the device for her.
  json::value v = Verify(alice_challenge, alice_code, true);
  ASSERT_EQ(v.at("result"), "passed") << json::serialize(v);
  const std::string alice_device_key(v.at("device_key").as_string());
  const std::string alice_device_id(v.at("device_id").as_string());

  // Bob's step-t code is still unused (her challenge did not spend it), and
  // his devices do not include hers.
  d = Evaluate("bob");
  ASSERT_EQ(d.at("decision"), "challenge") << json::serialize(d);
  const std::string bob_event(d.at("event_id").as_string());
  EXPECT_EQ(Verify(ChallengeId(d), bob_code, false).at("result"), "passed");
  const std::string bob_devices = Snapshot("/v1/users/bob/devices", kMfaKey);
  EXPECT_FALSE(absl::StrContains(bob_devices, alice_device_id)) << bob_devices;

  // Her remembered device lets her skip MFA, but not bob.
  d = Evaluate("alice", alice_device_key);
  EXPECT_EQ(d.at("decision"), "allow") << json::serialize(d);
  const std::string alice_allowed(d.at("event_id").as_string());
  d = Evaluate("bob", alice_device_key);
  EXPECT_EQ(d.at("decision"), "challenge") << json::serialize(d);

  // An outcome and feedback by alice's event id change her event only (the
  // challenged one already has its outcome from the passed challenge).
  const std::string bob_events = Snapshot("/v1/users/bob/events", kAdminKey);
  Call("POST", absl::StrCat("/v1/events/", alice_allowed, "/outcome"),
       R"({"outcome":"failure"})", 200, kEvaluateKey);
  Call("POST", absl::StrCat("/v1/events/", alice_event, "/outcome"),
       R"({"outcome":"failure"})", 409, kEvaluateKey);
  Call("POST", absl::StrCat("/v1/events/", alice_allowed, "/feedback"),
       R"({"value":"invalid"})", 200, kAdminKey);
  EXPECT_EQ(Snapshot("/v1/users/bob/events", kAdminKey), bob_events);
  json::value alice_page = json::parse(Snapshot("/v1/users/alice/events", kAdminKey));
  std::set<std::string> alice_events;
  for (const json::value& e : alice_page.at("events").as_array()) {
    alice_events.insert(std::string(e.at("event_id").as_string()));
    EXPECT_EQ(e.at("user_id"), "alice");
    if (e.at("event_id") == alice_allowed.c_str()) {
      EXPECT_EQ(e.at("outcome"), "failure");
      EXPECT_EQ(e.at("feedback").at("value"), "invalid");
    }
    if (e.at("event_id") == alice_event.c_str()) {
      EXPECT_EQ(e.at("outcome"), "success");
    }
  }
  EXPECT_EQ(alice_events.count(alice_event), 1u);
  EXPECT_EQ(alice_events.count(alice_allowed), 1u);

  // Everything of alice's, before the calls through bob's paths.
  const std::string alice_events_before = Snapshot("/v1/users/alice/events", kAdminKey);
  const std::string alice_devices_before = Snapshot("/v1/users/alice/devices", kMfaKey);
  const std::string alice_mfa_before = Snapshot("/v1/users/alice/mfa", kMfaKey);
  EXPECT_TRUE(absl::StrContains(alice_devices_before, alice_device_id));

  // Bob's history shows none of her events, also not with her event id as
  // the cursor, nor through ids that differ from hers only in encoding.
  json::value bob_page = json::parse(Snapshot("/v1/users/bob/events", kEvaluateKey));
  for (const json::value& e : bob_page.at("events").as_array()) {
    EXPECT_EQ(e.at("user_id"), "bob");
    EXPECT_EQ(alice_events.count(std::string(e.at("event_id").as_string())), 0u);
  }
  HttpResponse r = Send("GET", absl::StrCat("/v1/users/bob/events?cursor=", alice_event),
                        "", kEvaluateKey);
  EXPECT_EQ(r.status, 422) << r.body;
  for (const std::string other :
       {"alice%00", "alice%20", "%61lice", "ALICE", "alice%2F", "bob%00alice"}) {
    r = Send("GET", absl::StrCat("/v1/users/", other, "/events"), "", kEvaluateKey);
    if (other == "%61lice") {  // the same user id, percent-encoded
      EXPECT_EQ(r.status, 200);
      continue;
    }
    for (const std::string& id : alice_events) {
      EXPECT_FALSE(absl::StrContains(r.body, id)) << other << ": " << r.body;
    }
    r = Send("GET", absl::StrCat("/v1/users/", other, "/devices"), "", kMfaKey);
    EXPECT_FALSE(absl::StrContains(r.body, alice_device_id)) << other << ": " << r.body;
  }

  // Her device through bob's path: 404, and nothing changes.
  r = Send("PATCH", absl::StrCat("/v1/users/bob/devices/", alice_device_id),
           R"({"name":"stolen","remembered":false})", kMfaKey);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "not_found");
  r = Send("PATCH", absl::StrCat("/v1/users/bob/devices/", alice_device_id),
           R"({"remembered":true})", kMfaKey);
  EXPECT_EQ(r.status, 404) << r.body;
  r = Send("DELETE", absl::StrCat("/v1/users/bob/devices/", alice_device_id), "",
           kMfaKey);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "not_found");
  // Nor by her device key (the secret) in place of the id.
  r = Send("DELETE", absl::StrCat("/v1/users/bob/devices/", alice_device_key), "",
           kMfaKey);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Snapshot("/v1/users/bob/devices", kMfaKey), bob_devices);

  // Bob's MFA settings and TOTP: changing his changes nothing of hers, and
  // her code does not confirm a new enrolment of his.
  r = Send("PUT", "/v1/users/bob/mfa",
           R"({"enabled":["totp"],"preferred":"totp","email":"bob@example.com"})",
           kMfaKey);
  EXPECT_EQ(r.status, 200) << r.body;
  r = Send("POST", "/v1/users/bob/mfa/totp", "", kMfaKey);
  EXPECT_TRUE(r.status == 200 || r.status == 409) << r.body;
  if (r.status == 200) {
    const std::string bob_new(json::parse(r.body).at("secret").as_string());
    EXPECT_NE(bob_new, alice_secret);
    const std::string alice_next = OathtoolCode(alice_secret, t + 30);
    bool collides = false;
    for (int64_t at : {t - 30, t, t + 30}) {
      collides = collides || OathtoolCode(bob_new, at) == alice_next;
    }
    if (!collides) {
      EXPECT_EQ(Call("POST", "/v1/users/bob/mfa/totp/verify",
                     absl::StrCat(R"({"code":")", alice_next, R"("})"), 200)
                    .at("result"),
                "failed");
    }
  }
  // A challenge of alice's verified again (now closed) affects nobody.
  Call("POST", absl::StrCat("/v1/challenges/", alice_challenge, "/verify"),
       absl::StrCat(R"({"code":")", bob_code, R"("})"), 409);

  EXPECT_EQ(Snapshot("/v1/users/alice/events", kAdminKey), alice_events_before);
  EXPECT_EQ(Snapshot("/v1/users/alice/devices", kMfaKey), alice_devices_before);
  EXPECT_EQ(Snapshot("/v1/users/alice/mfa", kMfaKey), alice_mfa_before);
  // Her remembered device still works after everything above.
  EXPECT_EQ(Evaluate("alice", alice_device_key).at("decision"), "allow");
  (void)bob_event;
}

}  // namespace
}  // namespace vigil::testing
