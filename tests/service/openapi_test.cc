// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// docs/openapi.yaml is the contract of what vigild really does:
//   - its operations (path + method) are exactly the router's routes, each
//     with the scopes RouteAccess() wants (or open);
//   - vigild serves it, unchanged, at GET /openapi.yaml without a key;
//   - every route's real responses (the started binary over loopback,
//     successes and refusals) validate against the spec's schema for that
//     route and status, by an independent validator
//     (tests/service/openapi_check.py: PyYAML + Debian's python3-jsonschema);
//     the request bodies vigild accepted validate against the spec's request
//     schema, and those it refused as an unknown field do not;
//   - the names made consistent: deprecated ones still accepted, unknown
//     fields refused naming the expected ones.

#include <boost/beast/http/verb.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "core/mfa/webauthn_authenticator.h"
#include "service/child_process.h"
#include "service/config.h"
#include "service/http_client.h"
#include "service/route.h"
#include "service/router.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "tools/pwned_import.h"
#include "vigil/passkeys.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using service::RouteId;

constexpr char kPasswordSha1[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char kNtlm[] = "8846F7EAEE8FB117AD06BDD830B7586C";

std::string SpecPath() { return SourcePath("docs/openapi.yaml"); }

// Runs openapi_check.py `mode` on `file`; its exit code, output in *out.
int RunChecker(const std::string& mode, const std::string& file,
               std::string* out) {
  int code = -1;
  *out =
      RunShell(absl::StrCat("/usr/bin/python3 ",
                            SourcePath("tests/service/openapi_check.py"), " ",
                            mode, " '", SpecPath(), "' '", file, "' 2>&1"),
               &code);
  return code;
}

// The operations (path + method) and, for each, the keys it wants: the
// spec's `security` against RouteAccess() of service/router.cc.
TEST(OpenApiRoutesTest, SpecHasExactlyTheRoutersRoutesAndTheirScopes) {
  service::ServiceConfig defaults;
  service::ServiceConfig closed;  // every route that can require a key does
  closed.metrics_require_key = true;
  closed.pwned_range_requires_key = true;
  json::array routes;
  for (int i = 0; i < service::kRouteCount; ++i) {
    const RouteId route = static_cast<RouteId>(i);
    if (route == RouteId::kUnknown) continue;
    const auto method = http::to_string(service::RouteMethod(route));
    const service::RouteAccessRule strict = service::RouteAccess(route, closed);
    json::array scopes;
    if (!strict.open) {
      for (const std::string& name : service::ScopeNames(strict.any_of)) {
        scopes.push_back(json::value(name));
      }
    }
    routes.push_back(
        json::object{{"template", std::string(service::RouteTemplate(route))},
                     {"method", std::string(method.data(), method.size())},
                     {"open", service::RouteAccess(route, defaults).open},
                     {"scopes", std::move(scopes)}});
  }
  ASSERT_EQ(routes.size(), static_cast<size_t>(service::kRouteCount - 1));
  TempDir dir;
  const std::string file = dir.path() + "/routes.json";
  WriteFileOrDie(file, json::serialize(routes));
  std::string out;
  EXPECT_EQ(RunChecker("routes", file, &out), 0) << out;
  EXPECT_TRUE(absl::StrContains(out, "0 failures")) << out;
}

class OpenApiContractTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Start("")); }

  // Starts vigild with a breach corpus, MFA with a real SMS gateway, backups,
  // and `extra_config` at the end of the config.
  void Start(const std::string& extra_config) {
    // A breach corpus for /range and /v1/passwords/check.
    // (memory: starts empty: `vigil pwned import` writes a RocksDB folder.)
    const std::string data = dir_.path() + "/data";
    if (!TestStoreIsMemory()) {
      ImportCorpus(data, "sha1.txt", absl::StrCat(kPasswordSha1, ":10434004\n"),
                   {});
      ImportCorpus(data, "ntlm.txt", absl::StrCat(kNtlm, ":5\n"), {"--ntlm"});
    }
    // A real SMS gateway (tests/service/mfa_peers.py) for challenge sends.
    sms_dir_ = dir_.path() + "/sms";
    std::filesystem::create_directories(sms_dir_);
    const std::string sms_key = dir_.path() + "/sms.key";
    WriteFileOrDie(sms_key, "sms-signing-key-0123456789abcdef\n");
    sms_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "http",
        sms_dir_, sms_key});
    ASSERT_GT(sms_->port(), 0) << "the SMS receiver did not start";
    model_ = dir_.path() + "/model.toml";
    WriteFileOrDie(model_, ChallengeAllModel());
    // The test config, with [storage] backup_dir.
    const std::string storage = TestStorageToml(data);
    const std::string config = absl::StrCat(
        absl::StrReplaceAll(
            TestConfigToml(data, model_, "access_log = false\n"),
            {{storage, absl::StrCat(storage, "backup_dir = \"", dir_.path(),
                                    "/backups\"\n")}}),
        "\n[pwned]\nseed_file = \"\"\n", "\n[mfa]\nkey_file = \"",
        WriteKeyFile(dir_.path()), "\"\nissuer = \"Vigil Test\"\n",
        "[sms]\nurl = \"http://127.0.0.1:", sms_->port(),
        "/sms\"\nkey_file = \"", sms_key, "\"\n",
        "[passkeys]\nrp_id = \"localhost\"\norigins = [\"http://localhost:8080\"]\n"
        "demo_page = true\n",
        extra_config);
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  }

  static void ImportCorpus(const std::string& data, const std::string& name,
                           const std::string& text,
                           std::vector<std::string> flags) {
    const std::string path = data + "-" + name;
    WriteFileOrDie(path, text);
    flags.insert(flags.begin(), {"--data-dir", data});
    flags.push_back(path);
    std::ostringstream out, err;
    ASSERT_EQ(tools::RunPwnedImport(flags, out, err), 0) << err.str();
  }

  // Sends a request, expects `want`, and records the response for the
  // validator. `key` "" sends no Authorization; a body is sent as JSON
  // unless `headers` gives a Content-Type.
  HttpResponse Call(
      const std::string& method, const std::string& target,
      const std::string& body, const std::string& key, int want,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key.empty())
      headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
    bool typed = false;
    for (const auto& [name, value] : headers)
      typed = typed || name == "Content-Type";
    if (!body.empty() && !typed)
      headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status();
    if (!r.ok()) {
      Reconnect();
      return HttpResponse();
    }
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    Record(method, target, body, *r);
    if (!r->keep_alive) Reconnect();
    return *std::move(r);
  }

  json::value CallJson(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& key,
                       int want) {
    HttpResponse r = Call(method, target, body, key, want);
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << method << " " << target << ": " << r.body;
    return v;
  }

  void Record(const std::string& method, const std::string& target,
              const std::string& request_body, const HttpResponse& r) {
    const service::RouteMatch m = service::MatchRoute(target);
    const RouteId route =
        service::RouteForMethod(m.route, http::string_to_verb(method));
    covered_.insert(route);
    json::object headers;
    for (const auto& [name, value] : r.headers) headers[name] = value;
    auto it = r.headers.find("content-type");
    records_.push_back(
        json::object{{"template", std::string(service::RouteTemplate(route))},
                     {"method", method},
                     {"status", r.status},
                     {"content_type", it != r.headers.end() ? it->second : ""},
                     {"headers", std::move(headers)},
                     {"body", r.body},
                     {"request_body", request_body}});
  }

  void Reconnect() {
    absl::StatusOr<std::unique_ptr<HttpClient>> c =
        HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }

  static std::string ErrorMessage(const json::value& v) {
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.at("error").at("message").as_string());
  }

  // Runs the validator over everything recorded.
  void Validate() {
    const std::string file = dir_.path() + "/responses.json";
    WriteFileOrDie(file, json::serialize(records_));
    std::string out;
    EXPECT_EQ(RunChecker("responses", file, &out), 0) << out;
    EXPECT_TRUE(absl::StrContains(out, " 0 failures")) << out;
  }

  TempDir dir_;
  std::string model_, sms_dir_;
  std::unique_ptr<Peer> sms_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
  json::array records_;
  std::set<RouteId> covered_;
};

TEST_F(OpenApiContractTest, ServesTheSpecWithoutAKey) {
  HttpResponse r = Call("GET", "/openapi.yaml", "", "", 200);
  EXPECT_EQ(r.headers["content-type"], "application/yaml");
  // Byte for byte the file (a difference: rebuild, the spec is built in).
  const std::string file = ReadFileOrDie(SpecPath());
  EXPECT_TRUE(r.body == file) << "served " << r.body.size() << " bytes, "
                              << SpecPath() << " has " << file.size();
  Call("POST", "/openapi.yaml", "", "", 405);
  Validate();
}

TEST_F(OpenApiContractTest, EveryRouteAnswersAsTheSpecSays) {
  // Stay clear of a TOTP step boundary: the codes below are for step `t`.
  int64_t t = time(nullptr);
  if (t % 30 > 15) {
    absl::SleepFor(absl::Seconds(31 - t % 30));
    t = time(nullptr);
    Reconnect();  // vigild closes a connection silent past its first-byte timeout
  }
  // Probes, metrics, this document.
  Call("GET", "/healthz", "", "", 200);
  Call("GET", "/readyz", "", "", 200);
  Call("GET", "/metrics", "", "", 200);
  Call("GET", "/openapi.yaml", "", "", 200);

  // Evaluate and the history.
  const std::string attempt = absl::StrCat(
      R"({"event_type":"sign_in","user_id":"carol","ip":"81.2.69.160",)",
      R"("user_agent":"Mozilla/5.0","device_key":"dk-1","device_fingerprint":"fp-1",)",
      R"("timestamp":null,"password_sha1":")", kPasswordSha1,
      R"(","outcome":"success","headers":{"Accept-Language":"en-GB"}})");
  json::value d = CallJson("POST", "/v1/evaluate", attempt, kEvaluateKey, 200);
  const std::string event_id =
      d.is_object() ? std::string(d.at("event_id").as_string()) : "";
  d = CallJson("POST", "/v1/evaluate",
               R"({"user_id":"carol","ip":"81.2.69.160"})", kEvaluateKey, 200);
  const std::string open_event =
      d.is_object() ? std::string(d.at("event_id").as_string()) : "";
  Call("POST", "/v1/evaluate", R"({"user_id":"carol"})", kEvaluateKey, 422);
  Call("POST", "/v1/evaluate",
       R"({"user_id":"carol","ip":"1.2.3.4","userid":"x"})", kEvaluateKey, 422);
  Call("POST", "/v1/evaluate", R"({"user_id":)", kEvaluateKey, 400);
  Call("POST", "/v1/evaluate", R"({"user_id":"carol","ip":"81.2.69.160"})",
       kEvaluateKey, 415, {{"Content-Type", "text/plain"}});
  Call("POST", "/v1/evaluate", "{}", "", 401);
  Call("POST", "/v1/evaluate", "{}", kAdminKey, 403);
  Call("GET", "/v1/evaluate", "", kEvaluateKey, 405);
  Call("POST", "/v1/events/" + open_event + "/outcome",
       R"({"outcome":"failure"})", kEvaluateKey, 200);
  Call("POST", "/v1/events/nosuchevent/outcome", R"({"outcome":"success"})",
       kEvaluateKey, 404);
  Call("POST", "/v1/events/" + event_id + "/outcome", R"({"outcome":"maybe"})",
       kEvaluateKey, 422);
  Call("POST", "/v1/events/" + event_id + "/feedback", R"({"value":"valid"})",
       kAdminKey, 200);
  Call("POST", "/v1/events/" + event_id + "/feedback", R"({"value":"valid"})",
       kEvaluateKey, 403);
  // The field is `value`, and the refusal of `feedback` says so.
  json::value e = CallJson("POST", "/v1/events/" + event_id + "/feedback",
                           R"({"feedback":"valid"})", kAdminKey, 422);
  EXPECT_EQ(ErrorMessage(e), "feedback: unknown field (want value)");
  Call("GET", "/v1/users/carol/events?limit=1", "", kEvaluateKey, 200);
  json::value page =
      CallJson("GET", "/v1/users/carol/events", "", kAdminKey, 200);
  EXPECT_EQ(page.at("events").as_array().size(), 2u);
  Call("GET", "/v1/users/carol/events?limit=0", "", kEvaluateKey, 422);
  Call("GET", "/v1/users/carol/events?cursor=%zz", "", kEvaluateKey, 400);
  Call("GET", "/v1/users/carol/events", "", kMfaKey, 403);

  // Dovecot's auth policy (docs/dovecot.md): allow, the after-auth allow,
  // the report, and refusals.
  const std::string dovecot =
      R"({"device_id":"","login":"dora","protocol":"imap","pwhash":"096d",)"
      R"("remote":"81.2.69.160","session_id":"oa1","tls":false)";
  json::value p = CallJson("POST", "/v1/policy/dovecot?command=allow",
                           dovecot + "}", kEvaluateKey, 200);
  EXPECT_EQ(p.at("status"), 0);
  CallJson("POST", "/v1/policy/dovecot?command=allow", dovecot + "}",
           kEvaluateKey, 200);
  p = CallJson("POST", "/v1/policy/dovecot?command=report",
               dovecot + R"(,"success":true,"policy_reject":false})",
               kEvaluateKey, 200);
  EXPECT_EQ(p.at("outcome"), "success");
  Call("POST", "/v1/policy/dovecot?command=deny", dovecot + "}", kEvaluateKey,
       422);
  Call("POST", "/v1/policy/dovecot?command=allow", dovecot + R"(,"cert":"x"})",
       kEvaluateKey, 422);
  Call("POST", "/v1/policy/dovecot?command=allow", "{", kEvaluateKey, 400);
  Call("POST", "/v1/policy/dovecot?command=allow", dovecot + "}", kMfaKey,
       403);

  // Passwords: the canonical names, the deprecated ones, the refusals.
  json::value c =
      CallJson("POST", "/v1/passwords/check",
               absl::StrCat(R"({"password_sha1":")", kPasswordSha1, R"("})"),
               kEvaluateKey, 200);
  const bool corpus = !TestStoreIsMemory();  // imported above
  EXPECT_EQ(c.at("compromised"), corpus);
  EXPECT_EQ(c.at("count"), corpus ? 10434004 : 0);
  json::value old = CallJson(
      "POST", "/v1/passwords/check",
      absl::StrCat(R"({"sha1":")", kPasswordSha1, R"("})"), kEvaluateKey, 200);
  EXPECT_EQ(json::serialize(old), json::serialize(c));
  c = CallJson("POST", "/v1/passwords/check",
               absl::StrCat(R"({"password_ntlm":")", kNtlm, R"("})"),
               kEvaluateKey, 200);
  EXPECT_EQ(c.at("count"), corpus ? 5 : 0);
  c = CallJson("POST", "/v1/passwords/check",
               absl::StrCat(R"({"ntlm":")", kNtlm, R"("})"), kEvaluateKey, 200);
  EXPECT_EQ(c.at("count"), corpus ? 5 : 0);
  e = CallJson("POST", "/v1/passwords/check", R"({"password_sha1":"5BAA6"})",
               kEvaluateKey, 422);
  EXPECT_EQ(ErrorMessage(e), "password_sha1: must be 40 hexadecimal digits");
  e = CallJson("POST", "/v1/passwords/check", R"({"hash":"5BAA6"})",
               kEvaluateKey, 422);
  EXPECT_EQ(ErrorMessage(e),
            "hash: unknown field (want password_sha1 or password_ntlm)");
  e = CallJson("POST", "/v1/passwords/check",
               absl::StrCat(R"({"password_sha1":")", kPasswordSha1,
                            R"(","sha1":")", kPasswordSha1, R"("})"),
               kEvaluateKey, 422);
  EXPECT_EQ(ErrorMessage(e),
            "body: give exactly one of password_sha1 or password_ntlm");
  Call("GET", "/range/5BAA6", "", "", 200);
  Call("GET", "/range/8846F?mode=ntlm", "", "", 200, {{"Add-Padding", "true"}});
  Call("GET", "/range/5BAA", "", "", 400);
  Call("GET", "/range/5BAA6?mode=md5", "", "", 400);

  // MFA: TOTP enrolment, settings, a challenge sent by SMS and one passed
  // with a remembered device, the device list.
  json::value totp =
      CallJson("POST", "/v1/users/carol/mfa/totp",
               R"({"account_name":"carol@example.com"})", kMfaKey, 200);
  const std::string secret =
      totp.is_object() ? std::string(totp.at("secret").as_string()) : "";
  Call("POST", "/v1/users/carol/mfa/totp", R"({"account":"x"})", kMfaKey, 422);
  Call("POST", "/v1/users/carol/mfa/totp/verify", R"({"code":"000000"})",
       kMfaKey, 200);
  json::value v = CallJson(
      "POST", "/v1/users/carol/mfa/totp/verify",
      absl::StrCat(R"({"code":")", OathtoolCode(secret, t - 30), R"("})"),
      kMfaKey, 200);
  EXPECT_EQ(v.at("active"), true);
  Call("POST", "/v1/users/carol/mfa/totp/verify", "{}", kMfaKey, 422);
  Call(
      "PUT", "/v1/users/carol/mfa",
      R"({"enabled":["totp","sms"],"preferred":"totp","phone":"+4915112345678"})",
      kMfaKey, 200);
  Call("PUT", "/v1/users/carol/mfa", R"({"enabled":["pigeon"]})", kMfaKey, 422);
  Call("PUT", "/v1/users/carol/mfa",
       R"({"enabled":["email"],"email":"c@example.com"})", kMfaKey, 409);
  Call("GET", "/v1/users/carol/mfa", "", kMfaKey, 200);
  Call("GET", "/v1/users/carol/mfa", "", kEvaluateKey, 403);
  Call("GET", "/v1/users/%FF/mfa", "", kMfaKey, 422);

  d = CallJson("POST", "/v1/evaluate",
               R"({"user_id":"carol","ip":"81.2.69.160"})", kEvaluateKey, 200);
  ASSERT_TRUE(d.at("challenge").is_object()) << json::serialize(d);
  const std::string sent(d.at("challenge").at("id").as_string());
  Call("POST", "/v1/challenges/" + sent + "/send", R"({"method":"sms"})",
       kMfaKey, 200);
  Call("POST", "/v1/challenges/" + sent + "/send", R"({"method":"sms"})",
       kMfaKey, 429);
  e = CallJson("POST", "/v1/challenges/" + sent + "/send", R"({"via":"sms"})",
               kMfaKey, 422);
  EXPECT_EQ(ErrorMessage(e), "via: unknown field (want method)");
  Call("POST", "/v1/challenges/" + sent + "/verify", R"({"code":"000000"})",
       kMfaKey, 200);
  Call("POST", "/v1/challenges/nosuchchallenge/send", R"({"method":"sms"})",
       kMfaKey, 404);
  d = CallJson("POST", "/v1/evaluate",
               R"({"user_id":"carol","ip":"81.2.69.160","device_key":"dk-2"})",
               kEvaluateKey, 200);
  ASSERT_TRUE(d.at("challenge").is_object()) << json::serialize(d);
  const std::string passed(d.at("challenge").at("id").as_string());
  v = CallJson(
      "POST", "/v1/challenges/" + passed + "/verify",
      absl::StrCat(R"({"code":")", OathtoolCode(secret, t),
                   R"(","remember_device":true,"device_name":"Laptop"})"),
      kMfaKey, 200);
  EXPECT_EQ(v.at("result"), "passed");
  Call("POST", "/v1/challenges/" + passed + "/verify", R"({"code":"000000"})",
       kMfaKey, 409);
  Call("POST", "/v1/challenges/nosuchchallenge/verify", R"({"code":"1"})",
       kMfaKey, 404);
  Call("POST", "/v1/challenges/" + passed + "/verify", R"({"code":1})", kMfaKey,
       422);
  const std::string device_id = v.at("device_id").is_string()
                                    ? std::string(v.at("device_id").as_string())
                                    : "";
  Call("GET", "/v1/users/carol/devices", "", kMfaKey, 200);
  Call("PATCH", "/v1/users/carol/devices/" + device_id,
       R"({"name":"Work laptop"})", kMfaKey, 200);
  Call("PATCH", "/v1/users/carol/devices/" + device_id,
       R"({"remembered":false})", kMfaKey, 200);
  Call("PATCH", "/v1/users/carol/devices/" + device_id, R"({"label":"x"})",
       kMfaKey, 422);
  Call("PATCH", "/v1/users/carol/devices/nosuchdevice", R"({"name":"x"})",
       kMfaKey, 404);
  Call("DELETE", "/v1/users/carol/devices/" + device_id, "", kMfaKey, 204);
  Call("DELETE", "/v1/users/carol/devices/" + device_id, "", kMfaKey, 404);

  // The one-click link: HTML pages.
  Call("GET", "/v1/feedback", "", "", 400);
  // No [notify] links in this config: 404, a page that says so.
  Call("GET", "/v1/feedback?token=not-a-token", "", "", 404);

  // Admin.
  Call("POST", "/v1/admin/reload", "", kAdminKey, 200);
  WriteFileOrDie(model_, "not = [a model");
  Call("POST", "/v1/admin/reload", "", kAdminKey, 422);
  WriteFileOrDie(model_, ChallengeAllModel());
  Call("POST", "/v1/admin/reload", "", kMfaKey, 403);
  // memory: makes no backups (backup_dir set or not).
  const int backups = TestStoreIsMemory() ? 501 : 200;
  Call("POST", "/v1/admin/backups", "", kAdminKey, backups);
  Call("GET", "/v1/admin/backups", "", kAdminKey, backups);
  Call("GET", "/v1/admin/outbox/dead-letters", "", kAdminKey, 200);
  Call("POST", "/v1/admin/outbox/dead-letters/no-such.email/retry", "",
       kAdminKey, 404);
  Call("POST", "/v1/admin/outbox/dead-letters/%zz/retry", "", kAdminKey, 400);
  HttpResponse events = Call("GET", "/v1/events?limit=2", "", kAdminKey, 200);
  EXPECT_EQ(events.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(events.headers.count("vigil-next-cursor"), 1u);
  Call("GET",
       "/v1/events?since=2026-01-01T00:00:00Z&cursor=" +
           events.headers["vigil-next-cursor"],
       "", kAdminKey, 200);
  Call("GET", "/v1/events?limit=0", "", kAdminKey, 400);
  Call("GET", "/v1/events", "", kEvaluateKey, 403);

  // Passkeys: a software authenticator stands in for the browser.
  Call("GET", "/demo/passkeys", "", "", 200);
  SoftAuthenticator passkey(internal::webauthn::kEs256);
  SoftAuthenticator::Options browser;
  browser.origin = "http://localhost:8080";
  v = CallJson("POST", "/v1/users/dana/passkeys/registrations",
               R"({"user_name":"dana@example.com"})", kMfaKey, 200);
  Call("POST", "/v1/users/dana/passkeys/registrations", R"({"name":"x"})",
       kMfaKey, 422);
  absl::StatusOr<std::string> created =
      Base64UrlDecode(std::string(v.at("public_key").at("challenge").as_string()));
  ASSERT_TRUE(created.ok());
  const std::string registration(v.at("registration_id").as_string());
  v = CallJson("POST", "/v1/users/dana/passkeys",
               absl::StrCat(R"({"registration_id":")", registration,
                            R"(","name":"Phone","credential":)",
                            RegistrationResponseJson(
                                passkey.Register(*created, browser)),
                            "}"),
               kMfaKey, 201);
  const std::string passkey_id(v.at("id").as_string());
  Call("POST", "/v1/users/dana/passkeys",
       absl::StrCat(R"({"registration_id":")", registration,
                    R"(","credential":)",
                    RegistrationResponseJson(passkey.Register(*created, browser)),
                    "}"),
       kMfaKey, 404);  // used
  Call("POST", "/v1/users/dana/passkeys",
       R"({"registration_id":"r","credential":{"type":"public-key"}})", kMfaKey,
       422);
  Call("GET", "/v1/users/dana/passkeys", "", kMfaKey, 200);
  Call("PATCH", "/v1/users/dana/passkeys/" + passkey_id, R"({"name":"My phone"})",
       kMfaKey, 200);
  Call("PATCH", "/v1/users/dana/passkeys/AAAAAAAAAAAAAAAAAAAAAA",
       R"({"name":"x"})", kMfaKey, 404);
  d = CallJson("POST", "/v1/evaluate",
               R"({"user_id":"dana","ip":"81.2.69.160"})", kEvaluateKey, 200);
  ASSERT_TRUE(d.at("challenge").is_object()) << json::serialize(d);
  const std::string webauthn_challenge(d.at("challenge").at("id").as_string());
  v = CallJson("POST", "/v1/challenges/" + webauthn_challenge + "/webauthn", "",
               kMfaKey, 200);
  Call("POST", "/v1/challenges/nosuchchallenge/webauthn", "", kMfaKey, 404);
  absl::StatusOr<std::string> requested =
      Base64UrlDecode(std::string(v.at("public_key").at("challenge").as_string()));
  ASSERT_TRUE(requested.ok());
  const std::string assertion =
      AuthenticationResponseJson(passkey.Assert(*requested, browser));
  browser.origin = "https://evil.example";
  v = CallJson("POST", "/v1/challenges/" + webauthn_challenge + "/verify",
               absl::StrCat(R"({"webauthn":)",
                            AuthenticationResponseJson(
                                passkey.Assert(*requested, browser)),
                            "}"),
               kMfaKey, 200);
  EXPECT_EQ(v.at("reason"), "origin_not_allowed");
  v = CallJson("POST", "/v1/challenges/" + webauthn_challenge + "/verify",
               absl::StrCat(R"({"webauthn":)", assertion, "}"), kMfaKey, 200);
  EXPECT_EQ(v.at("result"), "passed");
  Call("DELETE", "/v1/users/dana/passkeys/" + passkey_id, "", kMfaKey, 204);
  Call("DELETE", "/v1/users/dana/passkeys/" + passkey_id, "", kMfaKey, 404);

  // What any path can get.
  Call("GET", "/v1/nothing-here", "", kAdminKey, 404);
  Call("DELETE", "/v1/users/carol/mfa", "", kMfaKey, 405);
  Call("GET", "/healthz", "", "Bearer-less", 200);
  Call("POST", "/v1/evaluate", "{}", "vgl_no-such-key", 401);
  // 413 and 431 close the connection; Call reconnects.
  Call("GET", "/healthz", "", "", 431, {{"X-Padding", std::string(9000, 'a')}});
  Call("POST", "/v1/evaluate", std::string(70 * 1024, ' '), kEvaluateKey, 413);

  for (int i = 0; i < service::kRouteCount; ++i) {
    const RouteId route = static_cast<RouteId>(i);
    EXPECT_EQ(covered_.count(route), 1u)
        << service::RouteTemplate(route) << " "
        << http::to_string(service::RouteMethod(route)) << ": not called";
  }
  Validate();
}

// README.md's HTTP example, run as written (curl) against this vigild; its
// answers are the spec's.
TEST_F(OpenApiContractTest, ReadmeHttpExampleRunsAsWritten) {
  const std::string readme = ReadFileOrDie(SourcePath("README.md"));
  const size_t marker = readme.find("<!-- http-example:");
  ASSERT_NE(marker, std::string::npos) << "README.md has no http-example";
  const size_t start = readme.find("```sh\n", marker);
  ASSERT_NE(start, std::string::npos);
  const size_t end = readme.find("```", start + 6);
  ASSERT_NE(end, std::string::npos);
  const std::string block = absl::StrReplaceAll(
      readme.substr(start + 6, end - start - 6),
      {{"http://127.0.0.1:8080", absl::StrCat("http://", vigild_->address())}});
  const std::string dir = dir_.path() + "/readme";
  std::filesystem::create_directories(dir);
  WriteFileOrDie(dir + "/example.sh", block);
  int code = -1;
  const std::string out =
      RunShell(absl::StrCat("cd '", dir, "' && VIGIL_KEY='", kEvaluateKey,
                            "' /bin/sh -e example.sh 2>&1"),
               &code);
  ASSERT_EQ(code, 0) << out;
  // The decision (tee'd to decision.json), then the outcome's answer.
  const std::string decision = ReadFileOrDie(dir + "/decision.json");
  ASSERT_TRUE(absl::StartsWith(out, decision)) << out;
  const std::string outcome = out.substr(decision.size());
  boost::system::error_code ec;
  const json::value d = json::parse(decision, ec);
  ASSERT_FALSE(ec) << decision;
  const json::value o = json::parse(outcome, ec);
  ASSERT_FALSE(ec) << outcome;
  EXPECT_EQ(o.at("event_id"), d.at("event_id"));
  EXPECT_EQ(o.at("outcome"), "success");
  HttpResponse r;
  r.status = 200;
  r.headers["content-type"] = "application/json";
  r.body = decision;
  Record("POST", "/v1/evaluate", "", r);
  r.body = outcome;
  Record("POST", "/v1/events/x/outcome", R"({"outcome":"success"})", r);
  Validate();
}

// With notifications: e-mails to a real SMTP server (aiosmtpd, the peer of
// tests/service/mfa_peers.py) carrying one-click feedback links; a message
// that cannot be delivered dies at once (max_attempts = 1).
class OpenApiNotifyContractTest : public OpenApiContractTest {
 protected:
  void SetUp() override {
    mail_dir_ = dir_.path() + "/mail";
    std::filesystem::create_directories(mail_dir_);
    const std::string key_file = dir_.path() + "/feedback.key";
    WriteFileOrDie(key_file, "one-click-feedback-key-0123456789\n");
    smtp_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", SourcePath("tests/service/mfa_peers.py"), "smtp",
        mail_dir_});
    ASSERT_GT(smtp_->port(), 0) << "aiosmtpd did not start";
    ASSERT_NO_FATAL_FAILURE(Start(absl::StrCat(
        "[smtp]\nhost = \"127.0.0.1\"\nport = ", smtp_->port(),
        "\nfrom = \"security@vigil.test\"\ntimeout_ms = 3000\n"
        "[notify]\nemail = true\nlink_base_url = \"http://vigil.test\"\n"
        "feedback_key_file = \"",
        key_file,
        "\"\n[outbox]\ninitial_backoff_ms = 200\nmax_backoff_ms = 1000\n"
        "poll_interval_ms = 100\nmax_attempts = 1\n"
        // The history below is dated days back.
        "[evaluate]\nclient_timestamps = \"trust\"\n")));
  }

  // `user` (with an e-mail address, no factor) signs in from London 13
  // times over 10 days, then from Melbourne: high risk, so an e-mail.
  void RiskySignIn(const std::string& user) {
    Call("PUT", absl::StrCat("/v1/users/", user, "/mfa"),
         absl::StrCat(R"({"enabled":[],"email":")", user, R"(@example.com"})"),
         kMfaKey, 200);
    const absl::Time now = absl::Now();
    for (int i = 12; i >= 0; --i) {
      const absl::Time t =
          i == 0 ? now - absl::Minutes(30) : now - absl::Hours(20 * i);
      Call("POST", "/v1/evaluate",
           absl::StrCat(
               R"({"user_id":")", user,
               R"(","ip":"81.2.69.160","outcome":"success",)",
               R"("timestamp":")",
               absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
               R"("})"),
           kEvaluateKey, 200);
    }
    json::value d = CallJson(
        "POST", "/v1/evaluate",
        absl::StrCat(R"({"user_id":")", user, R"(","ip":"214.0.1.5"})"),
        kEvaluateKey, 200);
    EXPECT_EQ(d.at("risk").at("level"), "high") << json::serialize(d);
  }

  std::string mail_dir_;
  std::unique_ptr<Peer> smtp_;
};

TEST_F(OpenApiNotifyContractTest, FeedbackLinksAndDeadLettersAsTheSpecSays) {
  RiskySignIn("dora");
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      mails[0], m,
      std::regex(R"(http://vigil\.test(/v1/feedback\?token=[A-Za-z0-9_.-]+))")))
      << mails[0];
  const std::string link = m[1];
  Call("GET", link, "", "", 200);
  Call("GET", link, "", "", 409);  // each link works once

  // The mail server goes away: the next message dies at its first attempt.
  smtp_.reset();
  RiskySignIn("erin");
  std::string id;
  for (int i = 0; i < 200 && id.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    absl::StatusOr<HttpResponse> r =
        client_->Send("GET", "/v1/admin/outbox/dead-letters", "",
                      {{"Authorization", absl::StrCat("Bearer ", kAdminKey)}});
    ASSERT_TRUE(r.ok()) << r.status();
    const json::value list = json::parse(r->body);
    if (!list.at("dead_letters").as_array().empty()) {
      id = std::string(list.at("dead_letters").at(0).at("id").as_string());
    }
  }
  ASSERT_FALSE(id.empty()) << "no dead letter";
  Call("GET", "/v1/admin/outbox/dead-letters", "", kAdminKey, 200);
  const json::value requeued = CallJson(
      "POST", absl::StrCat("/v1/admin/outbox/dead-letters/", id, "/retry"), "",
      kAdminKey, 200);
  EXPECT_EQ(requeued.at("requeued"), id.c_str());
  Validate();
}

}  // namespace
}  // namespace vigil::testing
