// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/metrics.h: vigild's counters, rendered in the Prometheus text
// exposition format (version 0.0.4).
//
// Request counters and latency histograms are fixed arrays of relaxed atomics
// indexed by route template, method and status code: recording is a few
// increments, no lock, no allocation. Each (route template, method) pair is
// one series, so routes that share a path (GET and PUT /v1/users/{user}/mfa)
// never print the same label set twice. The engine's own counters (decisions
// by verdict and level, store errors, signal failures) are read from
// Engine::stats(), the store's size and health from Store::Stats(), and the
// process's from /proc when /metrics is scraped; vigil_build_info names the
// version and commit.

#ifndef VIGIL_SERVICE_METRICS_H_
#define VIGIL_SERVICE_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/route.h"
#include "vigil/engine.h"
#include "vigil/store.h"

namespace vigil::service {

// The process's own figures, under the Prometheus client libraries' standard
// names (process_cpu_seconds_total, ...).
struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  int64_t resident_memory_bytes = 0;
  int64_t virtual_memory_bytes = 0;
  int64_t open_fds = 0;
  int64_t max_fds = 0;            // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // Unix time the process started
};
// From /proc/self (Linux); false if it cannot be read.
bool ReadProcessStats(ProcessStats* out);

class Metrics {
 public:
  // The method label: these methods by name, anything else (or none, for a
  // request refused before its method was read) as "other".
  static constexpr const char* kMethods[] = {
      "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
  static constexpr int kMethodCount = std::size(kMethods);
  // Every status code 100..599 is counted under its own code.
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;
  static constexpr int kStatusCount = kMaxStatus - kMinStatus + 1;
  // Upper bounds of the latency buckets, in microseconds.
  static constexpr int64_t kBucketsUs[] = {
      50,    100,   250,   500,    1000,   2500,   5000,
      10000, 25000, 50000, 100000, 250000, 500000, 1000000};
  static constexpr int kBucketCount = std::size(kBucketsUs) + 1;

  Metrics();

  // `method` as the request line spelled it. A status outside 100..599
  // (which vigild never sends) is counted as 500.
  void RecordRequest(RouteId route, absl::string_view method, int status,
                     absl::Duration latency);
  void RecordConnectionOpened() { connections_open_.fetch_add(1, kRelaxed); }
  void RecordConnectionClosed() { connections_open_.fetch_sub(1, kRelaxed); }
  void RecordConnectionRejected() {
    connections_rejected_.fetch_add(1, kRelaxed);
  }
  void RecordConnectionRejectedPerIp() {
    connections_rejected_per_ip_.fetch_add(1, kRelaxed);
  }
  void RecordConnectionEvicted() {
    connections_evicted_.fetch_add(1, kRelaxed);
  }
  // An unexpected exception ended a connection (and only it).
  void RecordConnectionError() { connection_errors_.fetch_add(1, kRelaxed); }
  int64_t connection_errors() const {
    return connection_errors_.load(kRelaxed);
  }
  void RecordTimeout() { timeouts_.fetch_add(1, kRelaxed); }
  void RecordReload(bool ok) {
    (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, kRelaxed);
  }

  // Requests of `route`'s template answered with `status`, over all methods
  // or for one.
  int64_t requests(RouteId route, int status) const;
  int64_t requests(RouteId route, absl::string_view method, int status) const;
  int64_t connections_open() const { return connections_open_.load(kRelaxed); }

  // The exposition text. `engine` and `store` may be null (not open yet).
  std::string Render(const Engine* engine, const Store* store,
                     bool ready) const;

 private:
  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
  static int MethodIndex(absl::string_view method);
  static int StatusIndex(int status);

  struct Series {
    std::array<std::atomic<int64_t>, kStatusCount> by_status{};
    std::array<std::atomic<int64_t>, kBucketCount> buckets{};
    std::atomic<int64_t> latency_sum_us{0};
    std::atomic<int64_t> count{0};
  };
  // The series of `route`'s template (routes sharing a template share it).
  Series& At(RouteId route, int method);
  const Series& At(RouteId route, int method) const;

  // kRouteCount x kMethodCount series (~700 kB), allocated once.
  std::unique_ptr<Series[]> series_;
  // For each route, the first route with the same template.
  std::array<uint8_t, kRouteCount> template_of_{};
  std::atomic<int64_t> connections_open_{0};
  std::atomic<int64_t> connections_rejected_{0};
  std::atomic<int64_t> connections_rejected_per_ip_{0};
  std::atomic<int64_t> connections_evicted_{0};
  std::atomic<int64_t> connection_errors_{0};
  std::atomic<int64_t> timeouts_{0};
  std::atomic<int64_t> reloads_ok_{0};
  std::atomic<int64_t> reloads_failed_{0};
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_METRICS_H_
