// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Breach corpus benchmarks:
//   BM_ImportDump/10000000    `Import` of a generated, sorted 10-million-line
//                             dump in the Pwned Passwords download format
//                             (items_per_second = lines per second)
//   BM_ImportUnsortedDump     the same lines shuffled (external sort path),
//                             2 million lines
//   BM_LocalCheck             Check() of a whole hash against that corpus,
//                             half hits, half misses (repetitions give the
//                             median)
//
// The dumps are generated at start-up in a temporary folder (VIGIL_BENCH_TMP,
// else the system's) and removed at exit; nothing is committed.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil {
namespace {

constexpr int64_t kDumpLines = 10'000'000;
constexpr int64_t kUnsortedLines = 2'000'000;

void AppendHex(const uint8_t* bytes, int n, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int i = 0; i < n; ++i) {
    out->push_back(kHex[bytes[i] >> 4]);
    out->push_back(kHex[bytes[i] & 0xF]);
  }
}

class BenchData {
 public:
  static BenchData& Get() {
    static BenchData* data = new BenchData();
    return *data;
  }
  ~BenchData() { Cleanup(); }

  const std::string& dir() const { return dir_; }
  const std::string& sorted_dump() {
    if (sorted_.empty()) Generate();
    return sorted_;
  }
  const std::string& unsorted_dump() {
    if (unsorted_.empty()) GenerateUnsorted();
    return unsorted_;
  }
  // Hashes in the dump (hits) and not (misses), as hex.
  const std::vector<std::string>& probes() {
    if (sorted_.empty()) Generate();
    return probes_;
  }
  void Cleanup() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    dir_.clear();
  }

 private:
  BenchData() {
    const char* base = std::getenv("VIGIL_BENCH_TMP");
    std::string pattern = std::string(base != nullptr
                                          ? base
                                          : std::filesystem::temp_directory_path().c_str()) +
                          "/vigil-pwned-bench-XXXXXX";
    dir_ = mkdtemp(pattern.data());
    std::atexit([] { BenchData::Get().Cleanup(); });
  }

  // 2^20 prefixes of 9 or 10 random hashes each, sorted: 10,000,000 lines.
  void Generate() {
    sorted_ = dir_ + "/dump-10m.txt";
    FILE* f = std::fopen(sorted_.c_str(), "wb");
    std::mt19937_64 rng(42);
    const int64_t prefixes = int64_t{1} << 20;
    const int64_t extra = kDumpLines - 9 * prefixes;  // prefixes with 10
    std::string buf;
    buf.reserve(1 << 22);
    std::vector<std::array<uint8_t, 20>> group;
    for (int64_t p = 0; p < prefixes; ++p) {
      group.resize(p < extra ? 10 : 9);
      for (auto& h : group) {
        for (auto& b : h) b = static_cast<uint8_t>(rng());
        h[0] = static_cast<uint8_t>(p >> 12);
        h[1] = static_cast<uint8_t>(p >> 4);
        h[2] = static_cast<uint8_t>((p & 0xF) << 4 | (h[2] & 0xF));
      }
      std::sort(group.begin(), group.end());
      for (const auto& h : group) {
        AppendHex(h.data(), 20, &buf);
        buf += ':';
        buf += std::to_string(1 + rng() % 100000);
        buf += '\n';
        if (probes_.size() < 4096 && rng() % 2048 == 0) {
          std::string hit;
          AppendHex(h.data(), 20, &hit);
          probes_.push_back(hit);
          std::array<uint8_t, 20> miss = h;
          miss[19] ^= 0x5A;
          std::string m;
          AppendHex(miss.data(), 20, &m);
          probes_.push_back(m);
        }
      }
      if (buf.size() > (1 << 22) - 4096) {
        std::fwrite(buf.data(), 1, buf.size(), f);
        buf.clear();
      }
    }
    std::fwrite(buf.data(), 1, buf.size(), f);
    std::fclose(f);
  }

  void GenerateUnsorted() {
    unsorted_ = dir_ + "/dump-unsorted.txt";
    FILE* f = std::fopen(unsorted_.c_str(), "wb");
    std::mt19937_64 rng(7);
    std::string buf;
    for (int64_t i = 0; i < kUnsortedLines; ++i) {
      uint8_t h[20];
      for (auto& b : h) b = static_cast<uint8_t>(rng());
      AppendHex(h, 20, &buf);
      buf += ':';
      buf += std::to_string(1 + rng() % 100000);
      buf += '\n';
      if (buf.size() > (1 << 22)) {
        std::fwrite(buf.data(), 1, buf.size(), f);
        buf.clear();
      }
    }
    std::fwrite(buf.data(), 1, buf.size(), f);
    std::fclose(f);
  }

  std::string dir_;
  std::string sorted_;
  std::string unsorted_;
  std::vector<std::string> probes_;
};

std::unique_ptr<BreachCorpus> OpenCorpus(const std::string& path,
                                         std::shared_ptr<Store>* store_out = nullptr) {
  RocksDbOptions options;
  options.path = path;
  auto store = OpenRocksDbStore(options);
  if (!store.ok()) return nullptr;
  std::shared_ptr<Store> shared(std::move(*store));
  if (store_out != nullptr) *store_out = shared;
  auto corpus = OpenBreachCorpus(shared);
  return corpus.ok() ? std::move(*corpus) : nullptr;
}

void RunImport(benchmark::State& state, const std::string& file, int64_t lines,
               const char* db_name) {
  BenchData& data = BenchData::Get();
  std::unique_ptr<BreachCorpus> corpus = OpenCorpus(data.dir() + "/" + db_name);
  if (corpus == nullptr) {
    state.SkipWithError("cannot open the store");
    return;
  }
  ImportOptions options;
  options.temp_dir = data.dir();
  for (auto _ : state) {
    absl::StatusOr<ImportStats> stats = corpus->Import({file}, options);
    if (!stats.ok() || stats->lines != lines) {
      state.SkipWithError("import failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(std::filesystem::file_size(file)));
}

void BM_ImportDump(benchmark::State& state) {
  const std::string& file = BenchData::Get().sorted_dump();
  RunImport(state, file, kDumpLines, "import-db");
}
BENCHMARK(BM_ImportDump)->Arg(kDumpLines)->Unit(benchmark::kMillisecond)
    ->Iterations(2)->UseRealTime();

void BM_ImportUnsortedDump(benchmark::State& state) {
  const std::string& file = BenchData::Get().unsorted_dump();
  RunImport(state, file, kUnsortedLines, "unsorted-db");
}
BENCHMARK(BM_ImportUnsortedDump)->Arg(kUnsortedLines)
    ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

// The 10M-line corpus, compacted (as `vigil pwned import` leaves it, and
// as RocksDB's background compaction eventually does), so that no
// compaction competes with the measurement. Built once.
BreachCorpus* CheckCorpus() {
  static BreachCorpus* corpus = [] {
    BenchData& data = BenchData::Get();
    std::shared_ptr<Store> store;
    auto c = OpenCorpus(data.dir() + "/check-db", &store);
    if (c != nullptr) {
      ImportOptions options;
      options.temp_dir = data.dir();
      // The RocksDB store compacts (a store without bulk loading has
      // nothing to compact).
      BulkLoading* bulk = store->bulk_loading();
      if (!c->Import({data.sorted_dump()}, options).ok() ||
          (bulk != nullptr && !bulk->Compact(Table::kPwned).ok())) {
        c.reset();
      }
    }
    return c.release();
  }();
  return corpus;
}

void BM_LocalCheck(benchmark::State& state) {
  BenchData& data = BenchData::Get();
  BreachCorpus* corpus = CheckCorpus();
  if (corpus == nullptr) {
    state.SkipWithError("cannot build the corpus");
    return;
  }
  const std::vector<std::string>& probes = data.probes();
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    absl::StatusOr<PasswordCheck> r =
        corpus->Check(HashKind::kSha1, probes[i++ % probes.size()]);
    hits += r.ok() && r->compromised;
    benchmark::DoNotOptimize(r);
  }
  state.counters["hit_ratio"] =
      static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LocalCheck)->Repetitions(5)->ReportAggregatesOnly(true);

// The distribution of single checks: each timed with steady_clock (which
// adds its own ~20-30 ns), reported as p50_ns / p99_ns counters.
void BM_LocalCheckLatency(benchmark::State& state) {
  BenchData& data = BenchData::Get();
  BreachCorpus* corpus = CheckCorpus();
  if (corpus == nullptr) {
    state.SkipWithError("cannot build the corpus");
    return;
  }
  const std::vector<std::string>& probes = data.probes();
  std::vector<int64_t> ns;
  ns.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<PasswordCheck> r =
        corpus->Check(HashKind::kSha1, probes[i++ % probes.size()]);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    if (ns.size() < ns.capacity()) {
      ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
  }
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  state.counters["p50_ns"] = static_cast<double>(ns[ns.size() / 2]);
  state.counters["p99_ns"] = static_cast<double>(ns[ns.size() * 99 / 100]);
}
BENCHMARK(BM_LocalCheckLatency)->Iterations(1 << 20);

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
