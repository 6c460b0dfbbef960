// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "vigil/version.h"

namespace vigil::service {
namespace {

bool ReadWholeFile(const char* path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return !in.bad();
}

void Header(std::string& out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
}

// Label values here are fixed names or a model id; escape anyway.
std::string LabelValue(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool ReadProcessStats(ProcessStats* out) {
  // /proc/self/stat: "pid (comm) state ..."; comm may hold spaces and
  // parentheses, so the fields are counted from the last ')'. Field 3 (state)
  // is fields[0]: utime 14, stime 15, starttime 22, vsize 23, rss 24 (proc(5)).
  std::string stat, boot;
  if (!ReadWholeFile("/proc/self/stat", &stat) ||
      !ReadWholeFile("/proc/stat", &boot)) {
    return false;
  }
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return false;
  std::vector<absl::string_view> f = absl::StrSplit(
      absl::string_view(stat).substr(close + 1), ' ', absl::SkipEmpty());
  uint64_t utime, stime, start_ticks, vsize;
  int64_t rss_pages;
  if (f.size() < 22 || !absl::SimpleAtoi(f[11], &utime) ||
      !absl::SimpleAtoi(f[12], &stime) ||
      !absl::SimpleAtoi(f[19], &start_ticks) ||
      !absl::SimpleAtoi(f[20], &vsize) ||
      !absl::SimpleAtoi(f[21], &rss_pages)) {
    return false;
  }
  int64_t btime = -1;
  for (absl::string_view line : absl::StrSplit(boot, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      if (!absl::SimpleAtoi(line, &btime)) return false;
    }
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  if (btime < 0 || ticks <= 0 || page <= 0) return false;
  int64_t fds = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return false;
  while (const dirent* e = readdir(dir)) fds += e->d_name[0] != '.';
  closedir(dir);
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  out->cpu_seconds = static_cast<double>(utime + stime) / ticks;
  out->resident_memory_bytes = rss_pages * page;
  out->virtual_memory_bytes = static_cast<int64_t>(vsize);
  out->open_fds = fds - 1;  // the descriptor that listed them
  out->max_fds = limit.rlim_cur == RLIM_INFINITY
                     ? INT64_MAX
                     : static_cast<int64_t>(limit.rlim_cur);
  out->start_time_seconds =
      static_cast<double>(btime) + static_cast<double>(start_ticks) / ticks;
  return true;
}

Metrics::Metrics() : series_(new Series[kRouteCount * kMethodCount]) {
  for (int r = 0; r < kRouteCount; ++r) {
    int first = r;
    for (int e = 0; e < r; ++e) {
      if (RouteTemplate(static_cast<RouteId>(e)) ==
          RouteTemplate(static_cast<RouteId>(r))) {
        first = e;
        break;
      }
    }
    template_of_[r] = static_cast<uint8_t>(first);
  }
}

int Metrics::MethodIndex(absl::string_view method) {
  for (int i = 0; i < kMethodCount - 1; ++i) {
    if (method == kMethods[i]) return i;
  }
  return kMethodCount - 1;
}

int Metrics::StatusIndex(int status) {
  if (status < kMinStatus || status > kMaxStatus) status = 500;
  return status - kMinStatus;
}

Metrics::Series& Metrics::At(RouteId route, int method) {
  return series_[template_of_[static_cast<int>(route)] * kMethodCount + method];
}

const Metrics::Series& Metrics::At(RouteId route, int method) const {
  return series_[template_of_[static_cast<int>(route)] * kMethodCount + method];
}

void Metrics::RecordRequest(RouteId route, absl::string_view method, int status,
                            absl::Duration latency) {
  Series& r = At(route, MethodIndex(method));
  r.by_status[StatusIndex(status)].fetch_add(1, kRelaxed);
  int64_t us = absl::ToInt64Microseconds(latency);
  int bucket = 0;
  while (bucket < kBucketCount - 1 && us > kBucketsUs[bucket]) ++bucket;
  r.buckets[bucket].fetch_add(1, kRelaxed);
  r.latency_sum_us.fetch_add(us, kRelaxed);
  r.count.fetch_add(1, kRelaxed);
}

int64_t Metrics::requests(RouteId route, int status) const {
  int64_t n = 0;
  for (int m = 0; m < kMethodCount; ++m) {
    n += At(route, m).by_status[StatusIndex(status)].load(kRelaxed);
  }
  return n;
}

int64_t Metrics::requests(RouteId route, absl::string_view method,
                          int status) const {
  return At(route, MethodIndex(method))
      .by_status[StatusIndex(status)]
      .load(kRelaxed);
}

std::string Metrics::Render(const Engine* engine, const Store* store,
                            bool ready) const {
  std::string out;
  out.reserve(16 * 1024);

  Header(out, "vigil_build_info", "gauge",
         "Always 1; the labels name the version and the git commit built.");
  absl::StrAppend(&out, "vigil_build_info{version=\"", LabelValue(kVersion),
                  "\",commit=\"", LabelValue(GitCommit()), "\"} 1\n");
  ProcessStats ps;
  if (ReadProcessStats(&ps)) {
    Header(out, "process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.");
    absl::StrAppend(&out, "process_cpu_seconds_total ",
                    absl::StrFormat("%.2f", ps.cpu_seconds), "\n");
    Header(out, "process_resident_memory_bytes", "gauge",
           "Resident memory size in bytes.");
    absl::StrAppend(&out, "process_resident_memory_bytes ",
                    ps.resident_memory_bytes, "\n");
    Header(out, "process_virtual_memory_bytes", "gauge",
           "Virtual memory size in bytes.");
    absl::StrAppend(&out, "process_virtual_memory_bytes ",
                    ps.virtual_memory_bytes, "\n");
    Header(out, "process_open_fds", "gauge",
           "Number of open file descriptors.");
    absl::StrAppend(&out, "process_open_fds ", ps.open_fds, "\n");
    Header(out, "process_max_fds", "gauge",
           "Maximum number of open file descriptors.");
    absl::StrAppend(&out, "process_max_fds ", ps.max_fds, "\n");
    Header(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.");
    absl::StrAppend(&out, "process_start_time_seconds ",
                    absl::StrFormat("%.2f", ps.start_time_seconds), "\n");
  }

  // One series per route template (the first route of each) and method.
  Header(out, "vigil_http_requests_total", "counter",
         "HTTP requests by route template, method and status code.");
  for (int r = 0; r < kRouteCount; ++r) {
    if (template_of_[r] != r) continue;
    absl::string_view route = RouteTemplate(static_cast<RouteId>(r));
    for (int m = 0; m < kMethodCount; ++m) {
      const Series& series = series_[r * kMethodCount + m];
      for (int s = 0; s < kStatusCount; ++s) {
        int64_t n = series.by_status[s].load(kRelaxed);
        if (n == 0) continue;
        absl::StrAppend(&out, "vigil_http_requests_total{route=\"", route,
                        "\",method=\"", kMethods[m], "\",code=\"",
                        kMinStatus + s, "\"} ", n, "\n");
      }
    }
  }

  Header(out, "vigil_http_request_duration_seconds", "histogram",
         "Time from a request's last byte read to its response handed to "
         "the socket, by route template and method.");
  for (int r = 0; r < kRouteCount; ++r) {
    if (template_of_[r] != r) continue;
    absl::string_view route = RouteTemplate(static_cast<RouteId>(r));
    for (int m = 0; m < kMethodCount; ++m) {
      const Series& rc = series_[r * kMethodCount + m];
      int64_t count = rc.count.load(kRelaxed);
      if (count == 0) continue;
      const std::string labels =
          absl::StrCat("route=\"", route, "\",method=\"", kMethods[m], "\"");
      int64_t cumulative = 0;
      for (int b = 0; b < kBucketCount; ++b) {
        cumulative += rc.buckets[b].load(kRelaxed);
        std::string le = b < kBucketCount - 1
                             ? absl::StrFormat("%g", kBucketsUs[b] / 1e6)
                             : "+Inf";
        absl::StrAppend(&out, "vigil_http_request_duration_seconds_bucket{",
                        labels, ",le=\"", le, "\"} ", cumulative, "\n");
      }
      absl::StrAppend(
          &out, "vigil_http_request_duration_seconds_sum{", labels, "} ",
          absl::StrFormat("%.6f", rc.latency_sum_us.load(kRelaxed) / 1e6),
          "\n");
      absl::StrAppend(&out, "vigil_http_request_duration_seconds_count{",
                      labels, "} ", count, "\n");
    }
  }

  Header(out, "vigil_http_connections_open", "gauge", "Open connections.");
  absl::StrAppend(&out, "vigil_http_connections_open ", connections_open(),
                  "\n");
  Header(out, "vigil_http_connections_rejected_total", "counter",
         "Connections closed at once because max_connections were open and "
         "none was idle.");
  absl::StrAppend(&out, "vigil_http_connections_rejected_total ",
                  connections_rejected_.load(kRelaxed), "\n");
  Header(out, "vigil_http_connections_rejected_per_ip_total", "counter",
         "Connections closed at once because max_connections_per_ip were "
         "open from their address.");
  absl::StrAppend(&out, "vigil_http_connections_rejected_per_ip_total ",
                  connections_rejected_per_ip_.load(kRelaxed), "\n");
  Header(out, "vigil_http_connections_evicted_total", "counter",
         "Idle connections closed to admit a new one at max_connections.");
  absl::StrAppend(&out, "vigil_http_connections_evicted_total ",
                  connections_evicted_.load(kRelaxed), "\n");
  Header(out, "vigil_http_connection_errors_total", "counter",
         "Connections ended by an unexpected internal error.");
  absl::StrAppend(&out, "vigil_http_connection_errors_total ",
                  connection_errors_.load(kRelaxed), "\n");
  Header(out, "vigil_http_timeouts_total", "counter",
         "Connections dropped by the read, write or idle timeout.");
  absl::StrAppend(&out, "vigil_http_timeouts_total ", timeouts_.load(kRelaxed),
                  "\n");
  Header(out, "vigil_model_reloads_total", "counter",
         "Admin model reloads by result.");
  absl::StrAppend(&out, "vigil_model_reloads_total{result=\"ok\"} ",
                  reloads_ok_.load(kRelaxed), "\n");
  absl::StrAppend(&out, "vigil_model_reloads_total{result=\"error\"} ",
                  reloads_failed_.load(kRelaxed), "\n");
  Header(out, "vigil_ready", "gauge", "1 once the engine is open and its store accepts writes.");
  absl::StrAppend(&out, "vigil_ready ", ready ? 1 : 0, "\n");

  if (store != nullptr) {
    const uint64_t generation = store->FailureGeneration();
    Header(out, "vigil_store_writes_failing", "gauge",
           "1 while the store refuses writes after a failed one (e.g. a full "
           "disk), retrying in the background.");
    absl::StrAppend(&out, "vigil_store_writes_failing ", generation % 2, "\n");
    Header(out, "vigil_store_write_failures_total", "counter",
           "Times the store started refusing writes after a failed one.");
    absl::StrAppend(&out, "vigil_store_write_failures_total ",
                    (generation + 1) / 2, "\n");
    const StoreStats st = store->Stats();
    for (const StoreStats::Counter& c : st.counters) {
      const std::string name = absl::StrCat("vigil_store_", c.name, "_total");
      Header(out, name, "counter", c.help);
      absl::StrAppend(&out, name, " ", c.value, "\n");
    }
    if (st.available) {
      struct PerTable {
        const char* name;
        const char* help;
        uint64_t StoreStats::PerTable::*field;
      };
      for (const PerTable& m : {
               PerTable{"vigil_store_live_sst_bytes",
                        "Bytes of table files holding live data, by table.",
                        &StoreStats::PerTable::live_sst_bytes},
               PerTable{"vigil_store_memtable_bytes",
                        "Bytes written and not yet flushed to a table file, "
                        "by table.",
                        &StoreStats::PerTable::memtable_bytes},
               PerTable{"vigil_store_estimated_keys",
                        "Estimated number of keys, by table.",
                        &StoreStats::PerTable::estimated_keys},
           }) {
        Header(out, m.name, "gauge", m.help);
        for (int t = 0; t < kTableCount; ++t) {
          absl::StrAppend(&out, m.name, "{table=\"",
                          TableName(static_cast<Table>(t)), "\"} ",
                          st.tables[t].*m.field, "\n");
        }
      }
      Header(out, "vigil_store_block_cache_bytes", "gauge",
             "Bytes of the store's read cache in use.");
      absl::StrAppend(&out, "vigil_store_block_cache_bytes ",
                      st.block_cache_bytes, "\n");
      Header(out, "vigil_store_background_errors_total", "counter",
             "Background flushes and compactions of the store that failed.");
      absl::StrAppend(&out, "vigil_store_background_errors_total ",
                      st.background_errors, "\n");
    }
  }

  if (engine == nullptr) return out;
  EngineStats st = engine->stats();
  Header(out, "vigil_evaluations_total", "counter", "Attempts evaluated.");
  absl::StrAppend(&out, "vigil_evaluations_total ", st.evaluations, "\n");
  Header(out, "vigil_decisions_total", "counter",
         "Decisions by the verdict answered.");
  for (Verdict v : {Verdict::kAllow, Verdict::kChallenge, Verdict::kBlock}) {
    absl::StrAppend(&out, "vigil_decisions_total{decision=\"", VerdictName(v),
                    "\"} ", st.verdicts[static_cast<int>(v)], "\n");
  }
  Header(out, "vigil_risk_levels_total", "counter", "Decisions by risk level.");
  for (int l = 0; l < kRiskLevelCount; ++l) {
    absl::StrAppend(&out, "vigil_risk_levels_total{level=\"",
                    RiskLevelName(static_cast<RiskLevel>(l)), "\"} ",
                    st.levels[l], "\n");
  }
  Header(out, "vigil_outcomes_total", "counter", "Outcomes recorded.");
  absl::StrAppend(&out, "vigil_outcomes_total ", st.outcomes, "\n");
  Header(out, "vigil_invalid_attempts_total", "counter",
         "Attempts refused as invalid.");
  absl::StrAppend(&out, "vigil_invalid_attempts_total ", st.invalid_attempts,
                  "\n");
  Header(out, "vigil_store_errors_total", "counter",
         "Store operations that failed.");
  absl::StrAppend(&out, "vigil_store_errors_total ", st.store_errors, "\n");
  Header(out, "vigil_geo_failures_total", "counter",
         "GeoIP lookups that failed (not: address unknown).");
  absl::StrAppend(&out, "vigil_geo_failures_total ", st.geo_failures, "\n");
  Header(out, "vigil_signal_failures_total", "counter",
         "Signals whose data was missing or whose dependency failed.");
  absl::StrAppend(&out, "vigil_signal_failures_total ", st.signal_failures,
                  "\n");
  Header(out, "vigil_mfa_codes_sent_total", "counter",
         "One-time codes delivered, by method.");
  for (MfaMethod m : {MfaMethod::kSms, MfaMethod::kEmail}) {
    absl::StrAppend(&out, "vigil_mfa_codes_sent_total{method=\"", MfaMethodName(m),
                    "\"} ", st.mfa.codes_sent[static_cast<int>(m)], "\n");
  }
  Header(out, "vigil_mfa_send_failures_total", "counter",
         "Code deliveries that the sender could not complete.");
  absl::StrAppend(&out, "vigil_mfa_send_failures_total ", st.mfa.send_failures, "\n");
  Header(out, "vigil_mfa_sends_rate_limited_total", "counter",
         "Code sends refused by the resend limits.");
  absl::StrAppend(&out, "vigil_mfa_sends_rate_limited_total ",
                  st.mfa.sends_rate_limited, "\n");
  Header(out, "vigil_mfa_sends_refused_locked_total", "counter",
         "Code sends refused (nothing delivered) because the challenge or its "
         "user is locked by wrong codes.");
  absl::StrAppend(&out, "vigil_mfa_sends_refused_locked_total ",
                  st.mfa.sends_refused_locked, "\n");
  Header(out, "vigil_mfa_verifications_total", "counter",
         "Challenge answers by result.");
  for (int r = 0; r < 4; ++r) {
    absl::StrAppend(&out, "vigil_mfa_verifications_total{result=\"",
                    ChallengeResultName(static_cast<ChallengeResult>(r)), "\"} ",
                    st.mfa.verifications[r], "\n");
  }
  Header(out, "vigil_mfa_totp_enrolments_total", "counter", "TOTP enrolments started.");
  absl::StrAppend(&out, "vigil_mfa_totp_enrolments_total ", st.mfa.totp_enrolments,
                  "\n");
  Header(out, "vigil_mfa_totp_confirmations_total", "counter",
         "First TOTP codes of an enrolment, by result.");
  for (int r = 0; r < 4; ++r) {
    absl::StrAppend(&out, "vigil_mfa_totp_confirmations_total{result=\"",
                    ChallengeResultName(static_cast<ChallengeResult>(r)), "\"} ",
                    st.mfa.totp_confirmations[r], "\n");
  }
  Header(out, "vigil_mfa_devices_remembered_total", "counter",
         "Device keys issued on passed challenges.");
  absl::StrAppend(&out, "vigil_mfa_devices_remembered_total ",
                  st.mfa.devices_remembered, "\n");
  std::shared_ptr<const Model> model = engine->model();
  if (model != nullptr) {
    Header(out, "vigil_model_info", "gauge", "The model deciding now.");
    absl::StrAppend(&out, "vigil_model_info{model=\"", LabelValue(model->id()),
                    "\"} 1\n");
  }
  return out;
}

}  // namespace vigil::service
