// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/metrics.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/access_log.h"
#include "service/fake_engine.h"

namespace vigil::service {
namespace {

TEST(MetricsTest, CountsAndHistogramsByRouteTemplate) {
  Metrics m;
  m.RecordRequest(RouteId::kEvaluate, "POST", 200, absl::Microseconds(80));
  m.RecordRequest(RouteId::kEvaluate, "POST", 200, absl::Microseconds(3000));
  m.RecordRequest(RouteId::kEvaluate, "POST", 422, absl::Microseconds(20));
  m.RecordRequest(RouteId::kUserEvents, "GET", 299, absl::Microseconds(20));
  EXPECT_EQ(m.requests(RouteId::kEvaluate, 200), 2);
  std::string text = m.Render(nullptr, false);
  EXPECT_TRUE(
      absl::StrContains(text,
                        "vigil_http_requests_total{route=\"/v1/"
                        "evaluate\",method=\"POST\",code=\"200\"} 2\n"));
  EXPECT_TRUE(
      absl::StrContains(text,
                        "vigil_http_requests_total{route=\"/v1/"
                        "evaluate\",method=\"POST\",code=\"422\"} 1\n"));
  // Every code under its own number, none as "other".
  EXPECT_TRUE(
      absl::StrContains(text,
                        "vigil_http_requests_total{route=\"/v1/users/"
                        "{user}/events\",method=\"GET\",code=\"299\"} 1\n"));
  EXPECT_FALSE(absl::StrContains(text, "code=\"other\""));
  // Cumulative buckets: 20us and 80us are <= 100us; 3000us is not <= 2500us.
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",method=\"POST\",le="
                                "\"0.0001\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",method=\"POST\",le="
                                "\"0.0025\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",method=\"POST\",le="
                                "\"+Inf\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_count{"
                                "route=\"/v1/evaluate\",method=\"POST\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_ready 0\n"));
  EXPECT_FALSE(absl::StrContains(text, "vigil_decisions_total"));
}

// Routes that share a path differ by method: each (route, method) is its
// own series, and a 204 is counted as 204.
TEST(MetricsTest, RoutesSharingAPathAreSeparateSeriesByMethod) {
  Metrics m;
  m.RecordRequest(RouteId::kMfaSettingsGet, "GET", 200, absl::Microseconds(10));
  m.RecordRequest(RouteId::kMfaSettings, "PUT", 200, absl::Microseconds(10));
  m.RecordRequest(RouteId::kDeviceUpdate, "PATCH", 404, absl::Microseconds(10));
  m.RecordRequest(RouteId::kDeviceDelete, "DELETE", 404,
                  absl::Microseconds(10));
  m.RecordRequest(RouteId::kDeviceDelete, "DELETE", 204,
                  absl::Microseconds(10));
  // A 405 names the route of the path with the method that was refused; a
  // method vigild does not know, or none (a request refused before its
  // header was read), is "other".
  m.RecordRequest(RouteId::kMfaSettings, "DELETE", 405, absl::Microseconds(10));
  m.RecordRequest(RouteId::kHealthz, "BREW", 405, absl::Microseconds(10));
  m.RecordRequest(RouteId::kUnknown, "", 431, absl::Microseconds(10));
  const std::string text = m.Render(nullptr, true);
  for (
      const char* line : {
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="GET",code="200"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="PUT",code="200"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/mfa",method="DELETE",code="405"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="PATCH",code="404"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="DELETE",code="404"} 1)",
          R"(vigil_http_requests_total{route="/v1/users/{user}/devices/{id}",method="DELETE",code="204"} 1)",
          R"(vigil_http_requests_total{route="/healthz",method="other",code="405"} 1)",
          R"(vigil_http_requests_total{route="unknown",method="other",code="431"} 1)",
          R"(vigil_http_request_duration_seconds_count{route="/v1/users/{user}/devices/{id}",method="DELETE"} 2)",
      }) {
    EXPECT_TRUE(absl::StrContains(text, absl::StrCat(line, "\n")))
        << line << "\n"
        << text;
  }
  EXPECT_EQ(m.requests(RouteId::kDeviceDelete, "DELETE", 204), 1);
  EXPECT_EQ(m.requests(RouteId::kDeviceUpdate, 404), 2);  // both methods
  // No (name, label set) twice.
  std::set<std::string> series;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::string key(line.substr(0, line.rfind(' ')));
    EXPECT_TRUE(series.insert(key).second) << "twice: " << key;
  }
}

TEST(MetricsTest, EngineCounters) {
  Metrics m;
  testing::FakeEngine engine;
  engine.attempts.resize(3);
  std::string text = m.Render(&engine, true);
  EXPECT_TRUE(absl::StrContains(text, "vigil_evaluations_total 3\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "vigil_decisions_total{decision=\"block\"} 0\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "vigil_risk_levels_total{level=\"high\"} 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_store_errors_total 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_signal_failures_total 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_ready 1\n"));
}

TEST(AccessLogTest, OneJsonLineWithTheRouteTemplate) {
  AccessLogEntry e;
  e.time = absl::FromUnixSeconds(0);
  e.method = "POST";
  e.route = RouteId::kEventOutcome;
  e.status = 200;
  e.latency = absl::Microseconds(1234);
  e.event_id = "ev1";
  e.key_name = "pool";
  EXPECT_EQ(FormatAccessLog(e),
            R"({"time":"1970-01-01T00:00:00Z","method":"POST",)"
            R"("route":"/v1/events/{id}/outcome","status":200,)"
            R"("latency_us":1234,"event_id":"ev1","key":"pool"})"
            "\n");
}

}  // namespace
}  // namespace vigil::service
