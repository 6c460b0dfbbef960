// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Redis Cluster store: see redis_store.h for the layout.

#include "store/redis/redis_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "store/partitions.h"
#include "store/redis/reply.h"
#include "store/retention.h"

namespace vigil::internal {
namespace {

// Keys a scan reads from one partition's index at a time.
constexpr int kScanChunk = 256;
// Compare-and-set attempts of one counter addition before Unavailable
// (each lost attempt means another writer's addition went in).
constexpr int kCounterAttempts = 64;
// Counter values kept as the first guess of a compare-and-set.
constexpr size_t kSeenCounters = 65536;
// Counter additions of one process are serialized per counter (by stripe),
// so that only other processes' additions can make one lose; a lost one
// waits a random time up to a doubling bound before it tries again.
constexpr size_t kCounterStripes = 64;
constexpr absl::Duration kCounterBackoff = absl::Microseconds(200);
constexpr absl::Duration kCounterMaxBackoff = absl::Milliseconds(20);

// Checks every condition, then applies every change, of one partition.
//   KEYS[i]      the data key of op i (1..n)
//   KEYS[n + i]  the index of op i's table in the partition
//   ARGV[1]      n; then per op: kind, key (index member), value, ttl in ms
//                ("" for none). Kinds: E expect value, A expect absent,
//                P put, D delete.
// Returns 1 if applied, 0 if a condition failed (nothing applied).
constexpr char kApplyScript[] = R"lua(
local n = tonumber(ARGV[1])
for i = 1, n do
  local b = 1 + (i - 1) * 4
  local kind = ARGV[b + 1]
  if kind == 'E' then
    if redis.call('GET', KEYS[i]) ~= ARGV[b + 3] then return 0 end
  elseif kind == 'A' then
    if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
  end
end
for i = 1, n do
  local b = 1 + (i - 1) * 4
  local kind = ARGV[b + 1]
  if kind == 'P' then
    if ARGV[b + 4] == '' then
      redis.call('SET', KEYS[i], ARGV[b + 3])
    else
      redis.call('SET', KEYS[i], ARGV[b + 3], 'PX', ARGV[b + 4])
    end
    redis.call('ZADD', KEYS[n + i], 0, ARGV[b + 2])
  elseif kind == 'D' then
    redis.call('DEL', KEYS[i])
    redis.call('ZREM', KEYS[n + i], ARGV[b + 2])
  end
end
return 1
)lua";

// Removes index entries whose record is gone (expired or deleted between a
// scan's two reads), unless it came back meanwhile.
//   KEYS[1] the index; KEYS[2..] the data keys; ARGV the members.
constexpr char kPruneScript[] = R"lua(
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return 1
)lua";

char TableLetter(Table table) {
  return static_cast<char>('a' + static_cast<int>(table));
}

bool ValidNamespace(absl::string_view ns) {
  if (ns.empty() || ns.size() > 64) return false;
  for (char c : ns) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-' && c != ':') {
      return false;
    }
  }
  return true;
}

absl::Status ReplyError(const RedisReply& reply, absl::string_view what) {
  // The message of a Redis error names no key or value of ours.
  return absl::UnavailableError(
      absl::StrCat("store: Redis answered ", what, " with an error (",
                   reply.is_error() ? reply.error_code()
                                    : RedisReply::TypeName(reply.type()),
                   ")"));
}

class RedisStore;

// Scans the partitions of a range one after another, each in chunks of
// kScanChunk keys read from its index, then their values.
class RedisIterator final : public StoreIterator {
 public:
  RedisIterator(RedisStore* store, Table table, std::string start,
                std::string limit, std::vector<std::string> partitions,
                absl::Status status)
      : store_(store),
        table_(table),
        start_(std::move(start)),
        limit_(std::move(limit)),
        partitions_(std::move(partitions)),
        status_(std::move(status)) {
    if (status_.ok()) Fill();
  }
  bool Valid() const override { return pos_ < chunk_.size(); }
  void Next() override {
    if (++pos_ == chunk_.size()) Fill();
  }
  absl::string_view key() const override { return chunk_[pos_].first; }
  absl::string_view value() const override { return chunk_[pos_].second; }
  absl::Status status() const override { return status_; }

 private:
  void Fill();

  RedisStore* const store_;
  const Table table_;
  const std::string start_;
  const std::string limit_;
  const std::vector<std::string> partitions_;
  size_t partition_ = 0;
  // Where the next chunk of partitions_[partition_] begins (ZRANGEBYLEX
  // min).
  std::string next_min_;
  std::vector<std::pair<std::string, std::string>> chunk_;
  size_t pos_ = 0;
  absl::Status status_;
};

class RedisStore final : public Store {
 public:
  RedisStore(const RedisStoreOptions& options,
             std::unique_ptr<RedisCluster> cluster)
      : options_(options),
        cluster_(std::move(cluster)),
        clock_(options.clock != nullptr ? options.clock : RealClock()),
        apply_(kApplyScript),
        prune_(kPruneScript),
        rules_(options.retention),
        logger_(
            options.logger != nullptr
                ? options.logger
                : std::shared_ptr<Logger>(DefaultLogger(), [](Logger*) {})) {}

  absl::Status Get(Table table, absl::string_view key,
                   std::string* value) override {
    const std::string data = DataKey(table, PartitionOf(table, key), key);
    absl::StatusOr<RedisReply> reply = cluster_->Run(data, {"GET", data});
    if (!reply.ok()) return ForCaller(reply.status());
    if (reply->is_nil() || rules_.Expired(table, key, clock_->Now())) {
      if (table == Table::kCounters && reply->is_nil()) {
        RememberCounter(std::string(key), std::nullopt);
      }
      return absl::NotFoundError(TableName(table));
    }
    if (!reply->is_string()) return ReplyError(*reply, "GET");
    *value = reply->str();
    if (table == Table::kCounters) RememberCounter(std::string(key), *value);
    return absl::OkStatus();
  }

  absl::Status Write(const WriteBatch& batch) override {
    if (options_.read_only) {
      return absl::FailedPreconditionError("store: opened read-only");
    }
    if (absl::Status s = CheckBatch(batch); !s.ok()) return s;
    // The changes by partition, in the batch's order; the partition with
    // the conditions first. Counter additions by counter.
    std::vector<std::pair<std::string, std::vector<const WriteBatch::Op*>>>
        groups;
    absl::flat_hash_map<std::string, size_t> group_of;
    std::vector<std::pair<std::string, std::vector<absl::string_view>>>
        counters;
    absl::flat_hash_map<std::string, size_t> counter_of;
    std::optional<std::string> conditioned;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (op.type == WriteBatch::OpType::kAddCounter) {
        auto [it, added] = counter_of.try_emplace(op.key, counters.size());
        if (added) counters.push_back({op.key, {}});
        counters[it->second].second.push_back(op.value);
        continue;
      }
      std::string partition = PartitionOf(op.table, op.key);
      if (op.type == WriteBatch::OpType::kExpect) conditioned = partition;
      auto [it, added] = group_of.try_emplace(partition, groups.size());
      if (added) groups.push_back({std::move(partition), {}});
      groups[it->second].second.push_back(&op);
    }
    if (conditioned.has_value() && groups.front().first != *conditioned) {
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
        return g.first == *conditioned;
      });
      std::rotate(groups.begin(), it, it + 1);
    }
    const absl::Time now = clock_->Now();
    for (size_t i = 0; i < groups.size(); ++i) {
      const bool with_conditions = i == 0 && conditioned.has_value();
      absl::StatusOr<bool> applied =
          Apply(groups[i].first, groups[i].second, now, with_conditions);
      if (!applied.ok()) return ForCaller(applied.status());
      if (!*applied) return absl::AbortedError("store: condition failed");
    }
    for (const auto& [key, operands] : counters) {
      if (absl::Status s = AddToCounter(key, operands); !s.ok()) {
        return ForCaller(s);
      }
    }
    return absl::OkStatus();
  }

  std::unique_ptr<StoreIterator> Scan(Table table, absl::string_view start,
                                      absl::string_view limit) override {
    std::vector<std::string> partitions;
    absl::Status status;
    if (std::optional<std::string> p = PartitionOfRange(table, start, limit)) {
      partitions.push_back(*std::move(p));
    } else {
      absl::StatusOr<std::vector<std::string>> all = Partitions(table);
      if (all.ok()) {
        partitions = *std::move(all);
      } else {
        status = ForCaller(all.status());
      }
    }
    return std::make_unique<RedisIterator>(this, table, std::string(start),
                                           std::string(limit),
                                           std::move(partitions), status);
  }

  StoreStats Stats() const override {
    StoreStats st;
    const RedisClusterCounters c = cluster_->counters();
#define VIGIL_REDIS_STORE_COUNTER(name, help) \
  st.counters.push_back({"redis_" #name, help, c.name});
    VIGIL_REDIS_CLUSTER_COUNTERS(VIGIL_REDIS_STORE_COUNTER)
#undef VIGIL_REDIS_STORE_COUNTER
    st.counters.push_back(
        {"redis_unreplicated_writes",
         "Writes that no replica confirmed within the WAIT timeout (a "
         "failover could lose them)",
         unreplicated_writes_.load(std::memory_order_relaxed)});
    st.counters.push_back(
        {"redis_counter_conflicts",
         "Counter additions retried because another writer changed the "
         "counter first",
         counter_conflicts_.load(std::memory_order_relaxed)});
    return st;
  }

  // What a caller (and through it an API client) is told of a failure of
  // the cluster: not its nodes and slots, which go to the operator's log
  // (at most one line a second, so that an outage cannot flood it).
  absl::Status ForCaller(const absl::Status& s) const {
    if (!absl::IsUnavailable(s)) return s;
    const int64_t second = absl::ToUnixSeconds(absl::Now());
    int64_t last = last_logged_second_.load(std::memory_order_relaxed);
    if (second != last &&
        last_logged_second_.compare_exchange_strong(last, second)) {
      logger_->Log(LogLevel::kWarn, "store_error", s.message(),
                   {{"store", "redis"}});
    }
    return absl::UnavailableError(
        RedisMayHaveRun(s)
            ? "store: the Redis Cluster did not confirm a write (it may "
              "have been applied); details in vigild's log"
            : "store: the Redis Cluster did not answer; details in vigild's "
              "log");
  }

  bool atomic_batches() const override { return false; }
  bool ordered_scans() const override { return false; }

  // Up to kScanChunk live records of `table` in `partition` from `*min`
  // (ZRANGEBYLEX form) to `limit`, appended to `out`; `*min` moves past the
  // last key read. True once the partition has nothing more in range.
  absl::StatusOr<bool> ReadChunk(
      Table table, const std::string& partition, std::string* min,
      const std::string& limit,
      std::vector<std::pair<std::string, std::string>>* out) {
    const std::string index = IndexKey(table, partition);
    const std::string max = limit.empty() ? "+" : absl::StrCat("(", limit);
    absl::StatusOr<RedisReply> members =
        cluster_->Run(index, {"ZRANGEBYLEX", index, *min, max, "LIMIT", "0",
                              absl::StrCat(kScanChunk)});
    if (!members.ok()) return members.status();
    if (!members->is_array()) return ReplyError(*members, "ZRANGEBYLEX");
    const std::vector<RedisReply>& keys = members->elements();
    if (keys.empty()) return true;
    std::vector<std::string> mget = {"MGET"};
    for (const RedisReply& k : keys) {
      if (!k.is_string()) return ReplyError(k, "ZRANGEBYLEX");
      mget.push_back(DataKey(table, partition, k.str()));
    }
    absl::StatusOr<RedisReply> values = cluster_->Run(index, mget);
    if (!values.ok()) return values.status();
    if (!values->is_array() || values->elements().size() != keys.size()) {
      return ReplyError(*values, "MGET");
    }
    const absl::Time now = clock_->Now();
    std::vector<std::string> gone;
    for (size_t i = 0; i < keys.size(); ++i) {
      const RedisReply& v = values->elements()[i];
      if (v.is_nil()) {
        gone.push_back(keys[i].str());
      } else if (!rules_.Expired(table, keys[i].str(), now)) {
        out->emplace_back(keys[i].str(), v.str());
      }
    }
    if (!gone.empty()) Prune(table, partition, gone);
    *min = absl::StrCat("(", keys.back().str());
    return keys.size() < static_cast<size_t>(kScanChunk);
  }

 private:
  std::string DataKey(Table table, absl::string_view partition,
                      absl::string_view key) const {
    return absl::StrCat(options_.name_space, "{", partition,
                        "}=", std::string(1, TableLetter(table)), key);
  }
  std::string IndexKey(Table table, absl::string_view partition) const {
    return absl::StrCat(options_.name_space, "{", partition, "}#",
                        std::string(1, TableLetter(table)));
  }

  // The time to live of a record put now ("" for none), in milliseconds.
  std::string TimeToLive(Table table, absl::string_view key,
                         absl::Time now) const {
    const std::optional<RetentionRule>& rule = rules_.of(table);
    absl::Time t;
    if (!rule.has_value() || !rule->record_time(key, &t)) return "";
    const int64_t ms = absl::ToInt64Milliseconds(t + rule->max_age - now);
    return absl::StrCat(std::max<int64_t>(ms, 1));
  }

  // Runs the apply script for `ops` of `partition`; false if a condition
  // failed. With replicas to wait for, the WAIT follows on the same
  // connection.
  absl::StatusOr<bool> Apply(const std::string& partition,
                             const std::vector<const WriteBatch::Op*>& ops,
                             absl::Time now, bool with_conditions) {
    const size_t n = ops.size();
    std::vector<std::string> eval = {"EVALSHA", apply_.sha1(),
                                     absl::StrCat(2 * n)};
    eval.reserve(3 + 2 * n + 1 + 4 * n);
    for (const WriteBatch::Op* op : ops) {
      eval.push_back(DataKey(op->table, partition, op->key));
    }
    for (const WriteBatch::Op* op : ops) {
      eval.push_back(IndexKey(op->table, partition));
    }
    eval.push_back(absl::StrCat(n));
    for (const WriteBatch::Op* op : ops) {
      switch (op->type) {
        case WriteBatch::OpType::kExpect:
          eval.push_back(op->present ? "E" : "A");
          eval.push_back(op->key);
          eval.push_back(op->value);
          eval.push_back("");
          break;
        case WriteBatch::OpType::kPut:
          eval.push_back("P");
          eval.push_back(op->key);
          eval.push_back(op->value);
          eval.push_back(TimeToLive(op->table, op->key, now));
          break;
        case WriteBatch::OpType::kDelete:
          eval.push_back("D");
          eval.push_back(op->key);
          eval.push_back("");
          eval.push_back("");
          break;
        case WriteBatch::OpType::kAddCounter:
          break;  // not grouped here
      }
    }
    std::vector<std::vector<std::string>> commands = {std::move(eval)};
    if (options_.wait_replicas > 0) {
      commands.push_back(
          {"WAIT", absl::StrCat(options_.wait_replicas),
           absl::StrCat(absl::ToInt64Milliseconds(options_.wait_timeout))});
    }
    // A condition makes the script fail as a whole when sent twice after
    // it ran, so a conditional batch is sent at most once; puts and
    // deletes alone may be sent again.
    const RedisResend resend =
        with_conditions ? RedisResend::kNo : RedisResend::kYes;
    const std::string& route = commands[0][3];
    absl::StatusOr<std::vector<RedisReply>> replies =
        cluster_->Pipeline(route, commands, resend);
    if (!replies.ok()) return replies.status();
    if ((*replies)[0].is_error() && (*replies)[0].error_code() == "NOSCRIPT") {
      absl::StatusOr<RedisReply> loaded =
          cluster_->Run(route, {"SCRIPT", "LOAD", apply_.text()});
      if (!loaded.ok()) return loaded.status();
      if (!loaded->is_string()) return ReplyError(*loaded, "SCRIPT LOAD");
      replies = cluster_->Pipeline(route, commands, resend);
      if (!replies.ok()) return replies.status();
    }
    const RedisReply& result = (*replies)[0];
    if (!result.is_integer()) return ReplyError(result, "a batch");
    if (options_.wait_replicas > 0 && replies->size() > 1) {
      const RedisReply& waited = (*replies)[1];
      if (!waited.is_integer() || waited.integer() < options_.wait_replicas) {
        unreplicated_writes_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    return result.integer() == 1;
  }

  // Adds `operands` to the counter at `key`: merges them into its value and
  // writes the result on the condition that the value did not change
  // meanwhile, else reads it again and retries. The first attempt expects
  // the value this store last saw (an evaluation reads its counters just
  // before it adds to them), which saves the read when no other writer
  // came in between; a stale guess only costs the retry. Additions to one
  // counter within this process wait for each other (kCounterStripes), and
  // a lost attempt backs off, so that a burst on one counter from several
  // processes (one IP's attempts across a fleet) does not livelock.
  absl::Status AddToCounter(const std::string& key,
                            const std::vector<absl::string_view>& operands) {
    const std::string partition = PartitionOf(Table::kCounters, key);
    const std::string data = DataKey(Table::kCounters, partition, key);
    const std::string index = IndexKey(Table::kCounters, partition);
    std::lock_guard<std::mutex> serial(
        counter_stripes_[absl::HashOf(key) % kCounterStripes]);
    std::optional<std::optional<std::string>> known = LastSeenCounter(key);
    absl::Duration backoff = kCounterBackoff;
    for (int attempt = 0; attempt < kCounterAttempts; ++attempt) {
      if (attempt > 0) {
        thread_local std::minstd_rand jitter(std::random_device{}());
        absl::SleepFor(backoff * std::uniform_real_distribution<double>(
                                     0.5, 1.0)(jitter));
        backoff = std::min(backoff * 2, kCounterMaxBackoff);
      }
      if (!known.has_value()) {
        absl::StatusOr<RedisReply> current = cluster_->Run(data, {"GET", data});
        if (!current.ok()) return current.status();
        if (!current->is_nil() && !current->is_string()) {
          return ReplyError(*current, "GET");
        }
        known = current->is_string()
                    ? std::optional<std::string>(current->str())
                    : std::nullopt;
      }
      const std::optional<std::string>& existing = *known;
      std::string merged = ApplyCounterMerge(
          existing.has_value() ? &*existing : nullptr, operands);
      // The script's layout, one entry per op: the condition, the put.
      const std::vector<std::string> keys = {data, data, index, index};
      const std::vector<std::string> args = {
          "2", existing.has_value() ? "E" : "A",
          key, existing.value_or(""),
          "",  "P",
          key, merged,
          ""};
      absl::StatusOr<RedisReply> r =
          cluster_->Eval(apply_, keys, args, RedisResend::kNo);
      if (!r.ok()) {
        ForgetCounter(key);
        return r.status();
      }
      if (!r->is_integer()) return ReplyError(*r, "a counter");
      if (r->integer() == 1) {
        RememberCounter(key, std::move(merged));
        return absl::OkStatus();
      }
      counter_conflicts_.fetch_add(1, std::memory_order_relaxed);
      known.reset();
    }
    return absl::UnavailableError(
        "store: too many concurrent additions to one counter; try again");
  }

  // The value of counter `key` this store last read or wrote (nullopt
  // inside: it was absent); nullopt if it has none in mind.
  std::optional<std::optional<std::string>> LastSeenCounter(
      const std::string& key) {
    absl::MutexLock lock(&seen_mu_);
    auto it = seen_counters_.find(key);
    if (it == seen_counters_.end()) return std::nullopt;
    return it->second;
  }
  void RememberCounter(const std::string& key,
                       std::optional<std::string> value) {
    absl::MutexLock lock(&seen_mu_);
    // Bounded: when full, start over (a guess missing costs one read).
    if (seen_counters_.size() >= kSeenCounters) seen_counters_.clear();
    seen_counters_.insert_or_assign(key, std::move(value));
  }
  void ForgetCounter(const std::string& key) {
    absl::MutexLock lock(&seen_mu_);
    seen_counters_.erase(key);
  }

  // The partitions that hold records of `table`, sorted: the names in its
  // index keys (NS{P}#T), from every primary (SCAN).
  absl::StatusOr<std::vector<std::string>> Partitions(Table table) {
    const std::string pattern = absl::StrCat(
        options_.name_space, "{*}#", std::string(1, TableLetter(table)));
    absl::flat_hash_set<std::string> found;
    for (const std::string& node : cluster_->Primaries()) {
      std::string cursor = "0";
      do {
        absl::StatusOr<RedisReply> r =
            cluster_->RunOnNode(node, {"SCAN", cursor, "MATCH", pattern,
                                       "COUNT", "1000", "TYPE", "zset"});
        if (!r.ok()) return r.status();
        if (!r->is_array() || r->elements().size() != 2 ||
            !r->elements()[0].is_string() || !r->elements()[1].is_array()) {
          return ReplyError(*r, "SCAN");
        }
        cursor = r->elements()[0].str();
        for (const RedisReply& k : r->elements()[1].elements()) {
          if (!k.is_string()) continue;
          const std::string& index = k.str();
          const size_t open = options_.name_space.size();
          const size_t close = index.rfind('}');
          if (close != std::string::npos && close > open) {
            found.insert(index.substr(open + 1, close - open - 1));
          }
        }
      } while (cursor != "0");
    }
    std::vector<std::string> out(found.begin(), found.end());
    std::sort(out.begin(), out.end());
    return out;
  }

  // Best effort: an entry left behind is pruned by a later scan.
  void Prune(Table table, const std::string& partition,
             const std::vector<std::string>& gone) {
    std::vector<std::string> keys = {IndexKey(table, partition)};
    for (const std::string& k : gone) {
      keys.push_back(DataKey(table, partition, k));
    }
    (void)cluster_->Eval(prune_, keys, gone);
  }

  const RedisStoreOptions options_;
  const std::unique_ptr<RedisCluster> cluster_;
  const Clock* const clock_;
  const RedisScript apply_;
  const RedisScript prune_;
  const RetentionRules rules_;
  const std::shared_ptr<Logger> logger_;
  mutable std::atomic<int64_t> last_logged_second_{0};
  std::atomic<uint64_t> unreplicated_writes_{0};
  std::atomic<uint64_t> counter_conflicts_{0};
  // std::mutex: Debian's Abseil tracks the lock order of every absl::Mutex
  // held with another, which costs on this path (see the RocksDB store).
  std::array<std::mutex, kCounterStripes> counter_stripes_;
  absl::Mutex seen_mu_;
  absl::flat_hash_map<std::string, std::optional<std::string>> seen_counters_
      ABSL_GUARDED_BY(seen_mu_);
};

void RedisIterator::Fill() {
  chunk_.clear();
  pos_ = 0;
  while (chunk_.empty() && partition_ < partitions_.size()) {
    if (next_min_.empty()) {
      next_min_ = start_.empty() ? "-" : absl::StrCat("[", start_);
    }
    absl::StatusOr<bool> done = store_->ReadChunk(
        table_, partitions_[partition_], &next_min_, limit_, &chunk_);
    if (!done.ok()) {
      status_ = store_->ForCaller(done.status());
      chunk_.clear();
      return;
    }
    if (*done) {
      ++partition_;
      next_min_.clear();
    }
  }
}

}  // namespace

absl::Status ParseRedisStoreUrl(absl::string_view url,
                                RedisStoreOptions* options) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "redis://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "store URL \"", url, "\": a Redis Cluster is redis://HOST:PORT[,...]"));
  }
  std::string name_space = "vigil";
  if (size_t slash = rest.find('/'); slash != absl::string_view::npos) {
    name_space = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (!ValidNamespace(name_space)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "store URL \"", url,
          "\": the namespace after the / is 1 to 64 letters, digits, _, - "
          "or :"));
    }
  }
  absl::StatusOr<std::vector<std::string>> seeds = ParseRedisSeeds(rest);
  if (!seeds.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("store URL \"", url, "\": ", seeds.status().message()));
  }
  options->cluster.seeds = *std::move(seeds);
  options->name_space = std::move(name_space);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Store>> OpenRedisStore(
    const RedisStoreOptions& options) {
  if (!ValidNamespace(options.name_space)) {
    return absl::InvalidArgumentError(
        "redis store: the namespace is 1 to 64 letters, digits, _, - or :");
  }
  if (options.wait_replicas < 0 ||
      options.wait_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "redis store: wait_replicas and wait_timeout must not be negative");
  }
  absl::StatusOr<std::unique_ptr<RedisCluster>> cluster =
      RedisCluster::Create(options.cluster);
  if (!cluster.ok()) return cluster.status();
  return std::unique_ptr<Store>(new RedisStore(options, *std::move(cluster)));
}

}  // namespace vigil::internal
