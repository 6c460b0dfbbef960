// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/metrics.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/access_log.h"
#include "service/fake_engine.h"
#include "testing/test_util.h"
#include "vigil/store.h"
#include "vigil/version.h"

namespace vigil::service {
namespace {

TEST(MetricsTest, CountsAndHistogramsByRouteTemplate) {
  Metrics m;
  m.RecordRequest(RouteId::kEvaluate, "POST", 200, absl::Microseconds(80));
  m.RecordRequest(RouteId::kEvaluate, "POST", 200, absl::Microseconds(3000));
  m.RecordRequest(RouteId::kEvaluate, "POST", 422, absl::Microseconds(20));
  m.RecordRequest(RouteId::kUserEvents, "GET", 299, absl::Microseconds(20));
  EXPECT_EQ(m.requests(RouteId::kEvaluate, 200), 2);
  std::string text = m.Render(nullptr, nullptr, false);
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
  const std::string text = m.Render(nullptr, nullptr, true);
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
  std::string text = m.Render(&engine, nullptr, true);
  EXPECT_TRUE(absl::StrContains(text, "vigil_evaluations_total 3\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "vigil_decisions_total{decision=\"block\"} 0\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "vigil_risk_levels_total{level=\"high\"} 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_store_errors_total 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_signal_failures_total 0\n"));
  EXPECT_TRUE(absl::StrContains(text, "vigil_ready 1\n"));
}

// Issue 17: the process's figures from /proc, as the Prometheus client
// libraries name them, agree with what the kernel says by other calls.
TEST(MetricsTest, ProcessStatsAgreeWithTheKernel) {
  ProcessStats before;
  ASSERT_TRUE(ReadProcessStats(&before));
  const int fd = open("/proc/self/stat", O_RDONLY);
  ASSERT_GE(fd, 0);
  ProcessStats after;
  ASSERT_TRUE(ReadProcessStats(&after));
  close(fd);
  EXPECT_EQ(after.open_fds, before.open_fds + 1);
  EXPECT_GE(before.open_fds, 3);  // stdin, stdout, stderr
  rlimit limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(after.max_fds, static_cast<int64_t>(limit.rlim_cur));
  rusage usage;
  ASSERT_EQ(getrusage(RUSAGE_SELF, &usage), 0);
  const double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                     usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  EXPECT_NEAR(after.cpu_seconds, cpu, 0.05);
  // Resident: more than nothing, at most the peak the kernel reports.
  EXPECT_GT(after.resident_memory_bytes, 1 << 20);
  EXPECT_LE(after.resident_memory_bytes, usage.ru_maxrss * 1024 + (1 << 20));
  EXPECT_GE(after.virtual_memory_bytes, after.resident_memory_bytes);
  // Started before now, after the machine booted.
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  EXPECT_LE(after.start_time_seconds, now + 1);
  EXPECT_GT(after.start_time_seconds, now - 7 * 86400);
  EXPECT_EQ(after.start_time_seconds, before.start_time_seconds);
}

// Issue 17: build info, process and store metrics, each declared once.
TEST(MetricsTest, BuildProcessAndStoreMetrics) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(RocksDbStoreUrl(dir.path() + "/db"), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch b;
  // Values that do not compress: bytes of a linear congruential sequence.
  uint32_t x = 12345;
  for (int i = 0; i < 100; ++i) {
    std::string value(100, '\0');
    for (char& c : value) {
      x = x * 1103515245 + 12345;
      c = static_cast<char>(x >> 24);
    }
    b.Put(Table::kEvents, absl::StrCat("v", i), value);
  }
  ASSERT_TRUE((*store)->Write(b).ok());
  ASSERT_TRUE((*store)->bulk_loading()->Flush(Table::kEvents).ok());
  Metrics m;
  const std::string text = m.Render(nullptr, store->get(), true);
  EXPECT_TRUE(absl::StrContains(
      text, absl::StrCat("vigil_build_info{version=\"", kVersion,
                         "\",commit=\"", GitCommit(), "\"} 1\n")))
      << text;
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_virtual_memory_bytes ", "process_open_fds ",
        "process_max_fds ", "process_start_time_seconds ",
        "vigil_store_writes_failing 0\n",
        "vigil_store_write_failures_total 0\n",
        "vigil_store_background_errors_total 0\n",
        "vigil_store_block_cache_bytes ",
        "vigil_store_estimated_keys{table=\"events\"} 100\n",
        "vigil_store_estimated_keys{table=\"users\"} 0\n",
        "vigil_store_memtable_bytes{table=\"events\"} ",
        "vigil_store_live_sst_bytes{table=\"outbox\"} 0\n"}) {
    EXPECT_TRUE(absl::StrContains(text, absl::StrCat("\n", name))) << name;
  }
  // The events table was flushed to a file of at least its values' size.
  const std::string sst = "vigil_store_live_sst_bytes{table=\"events\"} ";
  const size_t at = text.find(sst);
  ASSERT_NE(at, std::string::npos);
  int64_t bytes = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      text.substr(at + sst.size(), text.find('\n', at) - at - sst.size()),
      &bytes));
  EXPECT_GE(bytes, 100 * 100);
  // Every metric's TYPE once.
  std::set<std::string> types;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "# TYPE ")) continue;
    EXPECT_TRUE(types.insert(std::string(line)).second) << line;
  }
}

// A store that keeps no figures (memory:): /metrics serves the rest, the
// store's write-failure gauges included, and none of RocksDB's series.
TEST(MetricsTest, AStoreWithoutStats) {
  std::unique_ptr<Store> store = OpenMemoryStore();
  ASSERT_FALSE(store->Stats().available);
  WriteBatch b;
  b.Put(Table::kEvents, "k", "v");
  ASSERT_TRUE(store->Write(b).ok());
  Metrics m;
  const std::string text = m.Render(nullptr, store.get(), true);
  for (const char* name :
       {"process_resident_memory_bytes ", "vigil_ready 1\n",
        "vigil_store_writes_failing 0\n",
        "vigil_store_write_failures_total 0\n"}) {
    EXPECT_TRUE(absl::StrContains(text, absl::StrCat("\n", name))) << name;
  }
  for (const char* name :
       {"vigil_store_live_sst_bytes", "vigil_store_memtable_bytes",
        "vigil_store_estimated_keys", "vigil_store_block_cache_bytes",
        "vigil_store_background_errors_total"}) {
    EXPECT_FALSE(absl::StrContains(text, name)) << name;
  }
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
