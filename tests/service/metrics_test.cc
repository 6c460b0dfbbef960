// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/metrics.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/access_log.h"
#include "service/fake_engine.h"

namespace vigil::service {
namespace {

TEST(MetricsTest, CountsAndHistogramsByRouteTemplate) {
  Metrics m;
  m.RecordRequest(RouteId::kEvaluate, 200, absl::Microseconds(80));
  m.RecordRequest(RouteId::kEvaluate, 200, absl::Microseconds(3000));
  m.RecordRequest(RouteId::kEvaluate, 422, absl::Microseconds(20));
  m.RecordRequest(RouteId::kUserEvents, 299, absl::Microseconds(20));
  EXPECT_EQ(m.requests(RouteId::kEvaluate, 200), 2);
  std::string text = m.Render(nullptr, false);
  EXPECT_TRUE(absl::StrContains(
      text,
      "vigil_http_requests_total{route=\"/v1/evaluate\",code=\"200\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "vigil_http_requests_total{route=\"/v1/evaluate\",code=\"422\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_requests_total{route=\"/v1/users/"
                                "{user}/events\",code=\"other\"} 1\n"));
  // Cumulative buckets: 20us and 80us are <= 100us; 3000us is not <= 2500us.
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",le=\"0.0001\"} 2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",le=\"0.0025\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "vigil_http_request_duration_seconds_bucket{"
                                "route=\"/v1/evaluate\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "vigil_http_request_duration_seconds_count{route=\"/v1/evaluate\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_ready 0\n"));
  EXPECT_FALSE(absl::StrContains(text, "vigil_decisions_total"));
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
