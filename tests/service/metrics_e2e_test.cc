// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// /metrics of the real vigild after every route was called with its method
// (and some with a wrong one) (issue 13, defect 9): the exposition parses,
// every (metric name, label set) appears once, routes that share a path are
// told apart by method, and a 204 is counted as 204.

#include <boost/json/parse.hpp>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "service/http_client.h"
#include "service/route.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "vigil/version.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using service::RouteId;

// One sample line of the text exposition format 0.0.4, split into its name
// and its label pairs (sorted), or false if the line does not parse.
bool ParseSample(absl::string_view line, std::string* name,
                 std::map<std::string, std::string>* labels) {
  labels->clear();
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  *name = std::string(line.substr(0, i));
  if (name->empty()) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == absl::string_view::npos || eq + 1 >= line.size() ||
          line[eq + 1] != '"') {
        return false;
      }
      std::string label(line.substr(i, eq - i));
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        value.push_back(line[j]);
      }
      if (j >= line.size()) return false;
      if (!labels->emplace(label, value).second) return false;  // label twice
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  double value;
  return absl::SimpleAtod(line.substr(i + 1), &value);
}

class MetricsE2eTest : public ::testing::Test {
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

  // Sends the request; on a failed connection, an empty response (and a
  // reconnect).
  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body, const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty())
      headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
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

  json::value Json(const HttpResponse& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(MetricsE2eTest, EverySeriesOnceAfterEveryRouteAndMethod) {
  // Stay clear of a TOTP step boundary (the codes below are for step t).
  int64_t t = time(nullptr);
  if (t % 30 > 15) {
    absl::SleepFor(absl::Seconds(31 - t % 30));
    t = time(nullptr);
    // vigild closes a connection that sent nothing for its first-byte
    // timeout: connect again after the wait.
    absl::StatusOr<std::unique_ptr<HttpClient>> c =
        HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }
  // A remembered device of "m" (TOTP enrolment, a challenge passed with
  // remember_device), so that its DELETE answers 204.
  json::value e = Json(Send("POST", "/v1/users/m/mfa/totp", "", kMfaKey));
  ASSERT_TRUE(e.is_object());
  const std::string secret(e.at("secret").as_string());
  ASSERT_EQ(Json(Send("POST", "/v1/users/m/mfa/totp/verify",
                      absl::StrCat(R"({"code":")", OathtoolCode(secret, t - 30),
                                   R"("})"),
                      kMfaKey))
                .at("result"),
            "passed");
  json::value d =
      Json(Send("POST", "/v1/evaluate", R"({"user_id":"m","ip":"81.2.69.160"})",
                kEvaluateKey));
  ASSERT_EQ(d.at("decision"), "challenge");
  const std::string challenge(d.at("challenge").at("id").as_string());
  const std::string event(d.at("event_id").as_string());
  json::value v =
      Json(Send("POST", absl::StrCat("/v1/challenges/", challenge, "/verify"),
                absl::StrCat(R"({"code":")", OathtoolCode(secret, t),
                             R"(","remember_device":true})"),
                kMfaKey));
  ASSERT_EQ(v.at("result"), "passed");
  const std::string device(v.at("device_id").as_string());

  struct Call {
    std::string method, target, body, key;
    int want;
  };
  const std::string sha1 = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
  const std::vector<Call> calls = {
      {"POST", "/v1/evaluate", R"({"user_id":"n","ip":"81.2.69.160"})",
       kEvaluateKey, 200},
      {"POST", absl::StrCat("/v1/events/", event, "/outcome"),
       R"({"outcome":"success"})", kEvaluateKey, 409},
      {"POST", absl::StrCat("/v1/events/", event, "/feedback"),
       R"({"value":"valid"})", kAdminKey, 200},
      {"GET", "/v1/users/m/events", "", kEvaluateKey, 200},
      {"POST", "/v1/admin/reload", "", kAdminKey, 200},
      // No [storage] backup_dir in this config: 409 backups_not_configured;
      // memory: makes none: 501 store_has_no_backups.
      {"POST", "/v1/admin/backups", "", kAdminKey,
       TestStoreIsMemory() ? 501 : 409},
      {"GET", "/v1/admin/backups", "", kAdminKey,
       TestStoreIsMemory() ? 501 : 409},
      {"GET", "/v1/admin/outbox/dead-letters", "", kAdminKey, 200},
      {"POST", "/v1/admin/outbox/dead-letters/no-such.email/retry", "",
       kAdminKey, 404},
      {"GET", "/v1/events?limit=2", "", kAdminKey, 200},
      {"GET", "/healthz", "", "", 200},
      {"GET", "/readyz", "", "", 200},
      {"GET", "/openapi.yaml", "", "", 200},
      {"POST", absl::StrCat("/v1/challenges/", challenge, "/send"),
       R"({"method":"sms"})", kMfaKey, 409},
      {"POST", absl::StrCat("/v1/challenges/", challenge, "/verify"),
       R"({"code":"1"})", kMfaKey, 409},
      {"PUT", "/v1/users/m/mfa", R"({"enabled":["totp"]})", kMfaKey, 200},
      {"GET", "/v1/users/m/mfa", "", kMfaKey, 200},
      {"GET", "/v1/users/m/devices", "", kMfaKey, 200},
      {"PATCH", absl::StrCat("/v1/users/m/devices/", device), R"({"name":"x"})",
       kMfaKey, 200},
      {"DELETE", absl::StrCat("/v1/users/m/devices/", device), "", kMfaKey,
       204},
      {"DELETE", absl::StrCat("/v1/users/m/devices/", device), "", kMfaKey,
       404},
      {"PATCH", absl::StrCat("/v1/users/m/devices/", device), R"({"name":"x"})",
       kMfaKey, 404},
      {"GET", "/range/21BD1", "", "", 0},  // 0: whatever it answers
      {"POST", "/v1/passwords/check",
       absl::StrCat(R"({"sha1":")", sha1, R"("})"), kEvaluateKey, 200},
      {"GET", "/v1/feedback?token=x", "", "", 0},
      {"POST", "/v1/policy/dovecot?command=allow",
       R"({"login":"n","remote":"81.2.69.160"})", kEvaluateKey, 200},
      {"GET", "/no/such/route", "", "", 404},
      // Wrong methods: 405 under the route of the path and the method sent.
      {"DELETE", "/v1/users/m/mfa", "", kMfaKey, 405},
      {"POST", "/v1/users/m/mfa", "", kMfaKey, 405},
      {"GET", "/v1/evaluate", "", kEvaluateKey, 405},
      {"POST", "/healthz", "", "", 405},
      {"GET", "/v1/users/m/devices/x", "", kMfaKey, 405},
      {"PUT", "/v1/users/m/devices/x", "", kMfaKey, 405},
      // No [passkeys] in this config: 409 passkeys_not_configured, and the
      // demo page is off.
      {"POST", "/v1/users/m/passkeys/registrations", R"({"user_name":"m"})",
       kMfaKey, 409},
      {"POST", "/v1/users/m/passkeys",
       R"({"registration_id":"r","credential":{}})", kMfaKey, 409},
      {"GET", "/v1/users/m/passkeys", "", kMfaKey, 409},
      {"PATCH", "/v1/users/m/passkeys/AAAAAAAAAAAAAAAAAAAAAA",
       R"({"name":"x"})", kMfaKey, 409},
      {"DELETE", "/v1/users/m/passkeys/AAAAAAAAAAAAAAAAAAAAAA", "", kMfaKey,
       409},
      {"POST", absl::StrCat("/v1/challenges/", challenge, "/webauthn"), "",
       kMfaKey, 409},
      {"GET", "/demo/passkeys", "", "", 404},
  };
  // Called above, and /metrics below.
  std::set<RouteId> covered = {RouteId::kTotpEnroll, RouteId::kTotpVerify,
                               RouteId::kMetrics};
  for (const Call& c : calls) {
    HttpResponse r = Send(c.method, c.target, c.body, c.key);
    if (c.want != 0) {
      EXPECT_EQ(r.status, c.want)
          << c.method << " " << c.target << ": " << r.body;
    }
    covered.insert(
        service::RouteForMethod(service::MatchRoute(c.target).route,
                                boost::beast::http::string_to_verb(c.method)));
  }
  for (int i = 0; i < service::kRouteCount; ++i) {
    EXPECT_EQ(covered.count(static_cast<RouteId>(i)), 1u)
        << service::RouteTemplate(static_cast<RouteId>(i)) << " not called";
  }

  HttpResponse m = Send("GET", "/metrics", "", "");
  ASSERT_EQ(m.status, 200);
  std::set<std::string> series;
  int samples = 0;
  for (absl::string_view line : absl::StrSplit(m.body, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::string name;
    std::map<std::string, std::string> labels;
    ASSERT_TRUE(ParseSample(line, &name, &labels)) << "unparsable: " << line;
    std::string key = name;
    for (const auto& [k, val] : labels) absl::StrAppend(&key, "|", k, "=", val);
    EXPECT_TRUE(series.insert(key).second) << "series twice: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 50);
  for (
      const char* want : {
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="GET",code="200"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="PUT",code="200"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="DELETE",code="405"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="POST",code="405"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="PATCH",code="200"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="PATCH",code="404"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="DELETE",code="204"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="DELETE",code="404"} 1)",
          R"(vigil_http_requests_total{route="unknown",method="GET",code="404"} 1)",
      }) {
    EXPECT_TRUE(absl::StrContains(m.body, absl::StrCat(want, "\n")))
        << want << "\n"
        << m.body;
  }
  EXPECT_FALSE(absl::StrContains(m.body, "code=\"other\"")) << m.body;

  // Issue 17: every metric is declared once (one TYPE line) before its
  // samples, and the build, process and store metrics are there.
  std::map<std::string, std::string> types;  // name -> type
  for (absl::string_view line : absl::StrSplit(m.body, '\n')) {
    if (absl::ConsumePrefix(&line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      ASSERT_EQ(parts.size(), 2u) << line;
      EXPECT_TRUE(types.emplace(parts[0], parts[1]).second)
          << "declared twice: " << parts[0];
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string name;
    std::map<std::string, std::string> labels;
    ASSERT_TRUE(ParseSample(line, &name, &labels));
    std::string base = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (!types.count(base) && absl::EndsWith(base, suffix)) {
        base = base.substr(0, base.size() - strlen(suffix));
      }
    }
    EXPECT_TRUE(types.count(base)) << "not declared before it: " << line;
  }
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{
           {"vigil_build_info", "gauge"},
           {"process_cpu_seconds_total", "counter"},
           {"process_resident_memory_bytes", "gauge"},
           {"process_virtual_memory_bytes", "gauge"},
           {"process_open_fds", "gauge"},
           {"process_max_fds", "gauge"},
           {"process_start_time_seconds", "gauge"},
           {"vigil_store_writes_failing", "gauge"},
           {"vigil_store_write_failures_total", "counter"},
       }) {
    EXPECT_EQ(types[name], type) << name;
  }
  // RocksDB's figures (Store::Stats); a store that keeps none (memory:)
  // leaves them out and /metrics serves the rest.
  const bool rocksdb = !TestStoreIsMemory();
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{
           {"vigil_store_live_sst_bytes", "gauge"},
           {"vigil_store_memtable_bytes", "gauge"},
           {"vigil_store_estimated_keys", "gauge"},
           {"vigil_store_block_cache_bytes", "gauge"},
           {"vigil_store_background_errors_total", "counter"},
       }) {
    if (rocksdb) EXPECT_EQ(types[name], type) << name;
  }
  EXPECT_TRUE(absl::StrContains(
      m.body, absl::StrCat("\nvigil_build_info{version=\"", kVersion, "\"")))
      << m.body;
  EXPECT_TRUE(absl::StrContains(m.body, "\nvigil_store_writes_failing 0\n"));
  // The events table holds the events written above.
  if (rocksdb) {
    EXPECT_FALSE(absl::StrContains(
        m.body, "\nvigil_store_estimated_keys{table=\"events\"} 0\n"));
    EXPECT_TRUE(absl::StrContains(
        m.body, "\nvigil_store_estimated_keys{table=\"events\"} "));
  }
  // vigild's own process: it started before this scrape, holds its listener,
  // store and connection open.
  for (absl::string_view line : absl::StrSplit(m.body, '\n')) {
    double v = 0;
    if (absl::ConsumePrefix(&line, "process_open_fds ")) {
      ASSERT_TRUE(absl::SimpleAtod(line, &v));
      EXPECT_GE(v, 5);
    } else if (absl::ConsumePrefix(&line, "process_start_time_seconds ")) {
      ASSERT_TRUE(absl::SimpleAtod(line, &v));
      EXPECT_LE(v, static_cast<double>(time(nullptr)) + 1);
      EXPECT_GT(v, static_cast<double>(time(nullptr)) - 600);
    } else if (absl::ConsumePrefix(&line, "process_resident_memory_bytes ")) {
      ASSERT_TRUE(absl::SimpleAtod(line, &v));
      EXPECT_GT(v, 1 << 20);
    }
  }
}

}  // namespace
}  // namespace vigil::testing
