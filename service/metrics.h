// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/metrics.h: vigild's counters, rendered in the Prometheus text
// exposition format (version 0.0.4).
//
// Request counters and latency histograms are fixed arrays of relaxed atomics
// indexed by route template and status class: recording is a few increments,
// no lock, no allocation. The engine's own counters (decisions by verdict and
// level, store errors, signal failures) are read from Engine::stats() when
// /metrics is scraped.

#ifndef VIGIL_SERVICE_METRICS_H_
#define VIGIL_SERVICE_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "service/route.h"
#include "vigil/engine.h"

namespace vigil::service {

class Metrics {
 public:
  // The status codes vigild answers with; anything else counts as "other".
  static constexpr int kStatuses[] = {200, 400, 401, 403, 404, 405, 409, 410,
                                      413, 415, 422, 429, 431, 500, 503};
  static constexpr int kStatusCount = std::size(kStatuses) + 1;
  // Upper bounds of the latency buckets, in microseconds.
  static constexpr int64_t kBucketsUs[] = {
      50,    100,   250,   500,    1000,   2500,   5000,
      10000, 25000, 50000, 100000, 250000, 500000, 1000000};
  static constexpr int kBucketCount = std::size(kBucketsUs) + 1;

  void RecordRequest(RouteId route, int status, absl::Duration latency);
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

  int64_t requests(RouteId route, int status) const;
  int64_t connections_open() const { return connections_open_.load(kRelaxed); }

  // The exposition text. `engine` may be null (not ready yet).
  std::string Render(const Engine* engine, bool ready) const;

 private:
  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
  static int StatusIndex(int status);

  struct RouteCounters {
    std::array<std::atomic<int64_t>, kStatusCount> by_status{};
    std::array<std::atomic<int64_t>, kBucketCount> buckets{};
    std::atomic<int64_t> latency_sum_us{0};
    std::atomic<int64_t> count{0};
  };
  std::array<RouteCounters, kRouteCount> routes_;
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
