// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The in-memory Store: one ordered map per table under one mutex, so that a
// batch spanning tables is atomic and its conditions are checked against
// the state it applies to. Retention rules apply on read (an expired record
// is absent) and expired records are purged a few at a time by writes.

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "store/partitions.h"
#include "store/retention.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using TableMap = std::map<std::string, std::string, std::less<>>;

// Entries a scan copies per visit to the map (and per lock held).
constexpr size_t kScanChunk = 256;
// Entries of each table with a rule that a write examines for expiry.
constexpr size_t kPurgePerWrite = 8;

class MemoryStore;

// Copies the table in chunks of kScanChunk entries, each under the store's
// lock, and walks the copy without it (the caller may write to the store
// while it iterates). Each chunk is a consistent view of its key range at
// the time it was copied; the scan as a whole is not a snapshot: keys come
// in strictly ascending order and never twice, a key present and unchanged
// for the whole scan is seen once, and a key written or deleted during the
// scan is seen (with its value at that time) or not depending on whether its
// chunk was copied before or after the change.
class MemoryIterator final : public StoreIterator {
 public:
  MemoryIterator(const MemoryStore* store, Table table, std::string start,
                 std::string limit)
      : store_(store),
        table_(table),
        next_(std::move(start)),
        limit_(std::move(limit)) {
    Fill();
  }
  bool Valid() const override { return pos_ < chunk_.size(); }
  void Next() override {
    if (++pos_ == chunk_.size()) Fill();
  }
  absl::string_view key() const override { return chunk_[pos_].first; }
  absl::string_view value() const override { return chunk_[pos_].second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  void Fill();

  const MemoryStore* const store_;
  const Table table_;
  std::string next_;  // the first key the next chunk may hold
  const std::string limit_;
  bool exhausted_ = false;
  std::vector<std::pair<std::string, std::string>> chunk_;
  size_t pos_ = 0;
};

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(const MemoryStoreOptions& options)
      : clock_(options.clock != nullptr ? options.clock : RealClock()),
        rules_(options.retention) {}

  absl::Status Get(Table table, absl::string_view key,
                   std::string* value) override {
    absl::ReaderMutexLock lock(&mu_);
    const std::string* found = Find(table, key, clock_->Now());
    if (found == nullptr) return absl::NotFoundError(TableName(table));
    *value = *found;
    return absl::OkStatus();
  }

  absl::Status Write(const WriteBatch& batch) override {
    if (absl::Status s = internal::CheckBatch(batch); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_->Now();
    for (const WriteBatch::Op& op : batch.ops()) {
      if (op.type != WriteBatch::OpType::kExpect) continue;
      const std::string* found = Find(op.table, op.key, now);
      if ((found != nullptr) != op.present ||
          (found != nullptr && *found != op.value)) {
        return absl::AbortedError("store: condition failed");
      }
    }
    for (const WriteBatch::Op& op : batch.ops()) {
      TableMap& map = tables_[static_cast<int>(op.table)];
      switch (op.type) {
        case WriteBatch::OpType::kPut:
          map.insert_or_assign(op.key, op.value);
          break;
        case WriteBatch::OpType::kDelete:
          map.erase(op.key);
          break;
        case WriteBatch::OpType::kAddCounter: {
          const std::string* existing = Find(op.table, op.key, now);
          std::string merged = ApplyCounterMerge(existing, {op.value});
          map.insert_or_assign(op.key, std::move(merged));
          break;
        }
        case WriteBatch::OpType::kExpect:
          break;  // checked above
      }
    }
    Purge(now);
    return absl::OkStatus();
  }

  std::unique_ptr<StoreIterator> Scan(Table table, absl::string_view start,
                                      absl::string_view limit) override {
    return std::make_unique<MemoryIterator>(this, table, std::string(start),
                                            std::string(limit));
  }

  // Up to kScanChunk live entries of `table` in [*from, limit), appended to
  // `out`; *from moves past the last entry examined. True once the range
  // holds nothing more.
  bool CopyChunk(Table table, std::string* from, absl::string_view limit,
                 std::vector<std::pair<std::string, std::string>>* out) const {
    absl::ReaderMutexLock lock(&mu_);
    const absl::Time now = clock_->Now();
    const TableMap& map = tables_[static_cast<int>(table)];
    auto it = map.lower_bound(*from);
    for (size_t examined = 0; examined < kScanChunk; ++it, ++examined) {
      if (it == map.end() || (!limit.empty() && it->first >= limit)) {
        return true;
      }
      if (!rules_.Expired(table, it->first, now)) out->emplace_back(*it);
      // The smallest key after this one.
      *from = it->first;
      from->push_back('\0');
    }
    return false;
  }

 private:
  // The live value of `key`, or null.
  const std::string* Find(Table table, absl::string_view key,
                          absl::Time now) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const TableMap& map = tables_[static_cast<int>(table)];
    auto it = map.find(key);
    if (it == map.end() || rules_.Expired(table, key, now)) return nullptr;
    return &it->second;
  }

  // Removes the expired records among the next kPurgePerWrite of each table
  // with a rule, going round the table from write to write.
  void Purge(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (int t = 0; t < kTableCount; ++t) {
      if (!rules_.of(static_cast<Table>(t)).has_value()) continue;
      TableMap& map = tables_[t];
      auto it = map.lower_bound(purge_cursor_[t]);
      for (size_t i = 0; i < kPurgePerWrite && it != map.end(); ++i) {
        if (rules_.Expired(static_cast<Table>(t), it->first, now)) {
          it = map.erase(it);
        } else {
          ++it;
        }
      }
      purge_cursor_[t] = it == map.end() ? std::string() : it->first;
    }
  }

  const Clock* const clock_;
  const internal::RetentionRules rules_;
  mutable absl::Mutex mu_;
  std::array<TableMap, kTableCount> tables_ ABSL_GUARDED_BY(mu_);
  // Where Purge goes on in each table.
  std::array<std::string, kTableCount> purge_cursor_ ABSL_GUARDED_BY(mu_);
};

void MemoryIterator::Fill() {
  chunk_.clear();
  pos_ = 0;
  // A chunk of expired records only: go on to the next.
  while (chunk_.empty() && !exhausted_) {
    exhausted_ = store_->CopyChunk(table_, &next_, limit_, &chunk_);
  }
}

}  // namespace

std::unique_ptr<Store> OpenMemoryStore(const MemoryStoreOptions& options) {
  return std::make_unique<MemoryStore>(options);
}

}  // namespace vigil
