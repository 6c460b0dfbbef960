// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The embedded Store: one RocksDB database, one column family per Table.
// Counters combine through a merge operator that calls ApplyCounterMerge.
// Conditional writes are checked and applied under striped locks, which
// suffices as only one process writes a RocksDB database.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "rocksdb/cache.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "store/backup.h"
#include "store/partitions.h"
#include "vigil/log.h"
#include "vigil/store.h"

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
#endif

namespace vigil {
namespace {

// ThreadSanitizer builds only (scripts/sanitize.sh tsan): Debian's RocksDB
// is not instrumented and orders its memtable, write group and cache memory
// with atomics TSan cannot see, so every read of a value another thread
// wrote through RocksDB looks like a race. Memory accesses (not locks) made
// while a thread is inside a RocksDB call are not recorded; vigil code
// outside these calls is checked as usual. A no-op in every other build.
class RocksCall {
 public:
#if defined(__SANITIZE_THREAD__)
  RocksCall() { __tsan_ignore_thread_begin(); }
  ~RocksCall() { __tsan_ignore_thread_end(); }
#else
  RocksCall() {}
#endif
  RocksCall(const RocksCall&) = delete;
  RocksCall& operator=(const RocksCall&) = delete;
};

class CounterMergeOperator final : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in,
                   MergeOperationOutput* out) const override {
    std::string existing;
    const std::string* existing_ptr = nullptr;
    if (in.existing_value != nullptr) {
      existing = in.existing_value->ToString();
      existing_ptr = &existing;
    }
    std::vector<absl::string_view> operands;
    operands.reserve(in.operand_list.size());
    for (const rocksdb::Slice& s : in.operand_list) {
      operands.emplace_back(s.data(), s.size());
    }
    out->new_value = ApplyCounterMerge(existing_ptr, operands);
    return true;
  }
  const char* Name() const override { return "vigil.CounterMerge.v1"; }
};

// Removes a table's records older than its retention rule allows (from the
// time the rule reads in their key) when compaction reaches them.
// Thread-safe: it only reads the clock and calls the rule's function.
class RetentionFilter final : public rocksdb::CompactionFilter {
 public:
  RetentionFilter(const Clock* clock, RetentionRule rule)
      : clock_(clock), rule_(std::move(rule)) {}
  bool Filter(int /*level*/, const rocksdb::Slice& key,
              const rocksdb::Slice& /*value*/, std::string* /*new_value*/,
              bool* /*value_changed*/) const override {
    absl::Time t;
    return rule_.record_time(absl::string_view(key.data(), key.size()), &t) &&
           t < clock_->Now() - rule_.max_age;
  }
  const char* Name() const override { return "vigil.Retention.v1"; }

 private:
  const Clock* const clock_;
  const RetentionRule rule_;
};

// Stripes of the locks that make conditional writes atomic: every Write
// holds the stripes of the keys it puts, deletes or expects.
constexpr size_t kLockStripes = 1024;
// The stripes one write holds: a handful, kept inline (no allocation).
using Stripes = absl::InlinedVector<size_t, 8>;

size_t Stripe(Table table, absl::string_view key) {
  return absl::HashOf(static_cast<uint8_t>(table), key) % kLockStripes;
}

// For the operator: RocksDB's own description of an error (it names files),
// at most about once a second, so that a failing disk cannot flood the log.
void LogDetail(Logger* log, absl::string_view what, const rocksdb::Status& s) {
  static std::atomic<int64_t> last_ns{0};
  const int64_t now = absl::GetCurrentTimeNanos();
  int64_t last = last_ns.load(std::memory_order_relaxed);
  if (now - last < 1'000'000'000 ||
      !last_ns.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    return;
  }
  const std::string detail = s.ToString();
  log->Log(LogLevel::kWarn, "store_error",
           absl::StrCat("vigil store: ", what, ": ", detail),
           {{"operation", what}, {"detail", detail}});
}

// What went wrong, in words that name no file: RocksDB's messages carry the
// paths of the files involved, and these messages reach HTTP clients.
absl::string_view Describe(const rocksdb::Status& s) {
  if (s.IsNoSpace()) return "no space left on the data volume";
  if (s.IsCorruption()) return "data corrupted";
  if (s.IsInvalidArgument()) return "invalid argument";
  if (s.IsIOError()) return "I/O error";
  if (s.IsBusy() || s.IsTryAgain()) return "busy";
  if (s.IsShutdownInProgress()) return "shutting down";
  if (s.IsNotSupported()) return "not supported";
  return "storage error";
}

// Maps a RocksDB status to the Store's codes. The message is `what` and a
// description without file paths; the full detail goes to the operator's log.
absl::Status FromRocks(Logger* log, const rocksdb::Status& s,
                       absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError(what);
  LogDetail(log, what, s);
  const std::string message = absl::StrCat(what, ": ", Describe(s));
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

// RocksDB's info log. Its own file logger aborts the process (an assertion in
// Debian's build) on the first line after a write to the LOG file failed,
// which is the first thing that happens when the disk fills up. This one
// appends warnings and errors to the same LOG file with one write(2) each
// and drops a line it cannot write.
class AppendLogger final : public rocksdb::Logger {
 public:
  explicit AppendLogger(const std::string& path)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL),
        fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                   0644)) {}
  ~AppendLogger() override {
    if (fd_ >= 0) ::close(fd_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (fd_ < 0) return;
    char buffer[1024];
    const int n = std::vsnprintf(buffer, sizeof(buffer), format, ap);
    if (n < 0) return;
    std::string line = absl::StrCat(
        absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(),
                         absl::UTCTimeZone()),
        absl::string_view(buffer, std::min<size_t>(n, sizeof(buffer) - 1)),
        "\n");
    ssize_t ignored = ::write(fd_, line.data(), line.size());
    (void)ignored;
  }

 private:
  const int fd_;
};

rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

// Length of the event key prefix ("v" + 8-byte user hash).
constexpr size_t kEventPrefixLength = 9;

// Whether every key in [start, limit) shares start's event prefix.
bool WithinOnePrefix(absl::string_view start, absl::string_view limit) {
  if (start.size() < kEventPrefixLength || limit.empty()) return false;
  std::string successor(start.substr(0, kEventPrefixLength));
  while (!successor.empty() && static_cast<uint8_t>(successor.back()) == 0xff) {
    successor.pop_back();
  }
  if (successor.empty()) return false;
  successor.back() =
      static_cast<char>(static_cast<uint8_t>(successor.back()) + 1);
  return limit <= absl::string_view(successor);
}

class RocksIterator final : public StoreIterator {
 public:
  RocksIterator(std::unique_ptr<rocksdb::Iterator> it, std::string limit,
                Logger* logger)
      : it_(std::move(it)), limit_(std::move(limit)), logger_(logger) {}
  ~RocksIterator() override {
    RocksCall call;
    it_.reset();
  }
  bool Valid() const override {
    RocksCall call;
    return it_->Valid() &&
           (limit_.empty() || it_->key().compare(ToSlice(limit_)) < 0);
  }
  void Next() override {
    RocksCall call;
    it_->Next();
  }
  absl::string_view key() const override {
    RocksCall call;
    return absl::string_view(it_->key().data(), it_->key().size());
  }
  absl::string_view value() const override {
    RocksCall call;
    return absl::string_view(it_->value().data(), it_->value().size());
  }
  absl::Status status() const override {
    RocksCall call;
    return FromRocks(logger_, it_->status(), "scan");
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string limit_;
  Logger* const logger_;
};

// Tells the store when RocksDB stops writes after a background error (a
// flush or compaction that failed, e.g. on a full disk) and when it recovered.
// Called on RocksDB's threads, some with its mutex held: it only sets atomics.
class FailureListener final : public rocksdb::EventListener {
 public:
  // Both run on a RocksDB thread.
  FailureListener(std::function<void(const rocksdb::Status&)> failed,
                  std::function<void()> recovered)
      : failed_(std::move(failed)), recovered_(std::move(recovered)) {}
  const char* Name() const override { return "vigil.FailureListener"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                         rocksdb::Status* error) override {
    // A soft error (e.g. a compaction that found no room) stops no write.
    if (error->severity() >= rocksdb::Status::Severity::kHardError) {
      failed_(*error);
    }
  }
  void OnErrorRecoveryEnd(
      const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (info.new_bg_error.ok()) recovered_();
  }

 private:
  const std::function<void(const rocksdb::Status&)> failed_;
  const std::function<void()> recovered_;
};

class RocksDbStore final : public Store, public BulkLoading {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const RocksDbOptions& o) {
    if (o.path.empty()) {
      return absl::InvalidArgumentError("data_dir: must not be empty");
    }
    if (o.write_buffer_bytes < kMinWriteBufferBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("write_buffer_bytes: must be at least ",
                       kMinWriteBufferBytes >> 20, " MiB"));
    }
    std::array<std::shared_ptr<RetentionFilter>, kTableCount> retention;
    for (const RetentionRule& rule : o.retention) {
      if (static_cast<int>(rule.table) >= kTableCount) {
        return absl::InvalidArgumentError("retention: no such table");
      }
      const std::string what =
          absl::StrCat("retention of ", TableName(rule.table));
      if (rule.max_age < absl::ZeroDuration()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": max_age must not be negative"));
      }
      if (retention[static_cast<int>(rule.table)] != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": more than one rule"));
      }
      if (rule.max_age == absl::ZeroDuration()) continue;  // kept forever
      if (!rule.record_time) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": no record_time"));
      }
      retention[static_cast<int>(rule.table)] =
          std::make_shared<RetentionFilter>(
              o.clock != nullptr ? o.clock : RealClock(), rule);
    }
    rocksdb::DBOptions db_options;
    db_options.max_background_jobs = 2;
    // Required by the hashed memtables below; writers are still batched.
    db_options.allow_concurrent_memtable_write = false;
    db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    // The store is created before the database so that RocksDB can report
    // failures to it from the first write on.
    auto store = std::unique_ptr<RocksDbStore>(new RocksDbStore());
    std::error_code ignored;
    if (o.read_only) {
      if (!std::filesystem::is_regular_file(o.path + "/CURRENT", ignored)) {
        return absl::NotFoundError(
            absl::StrCat("data_dir ", o.path, ": no database here"));
      }
      // Every table file is opened at the start, so that the primary's
      // compactions cannot remove one under a scan.
      db_options.max_open_files = -1;
      const char* tmp = std::getenv("TMPDIR");
      std::string dir =
          absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                       "/vigil-reader-XXXXXX");
      if (::mkdtemp(dir.data()) == nullptr) {
        return absl::UnavailableError(
            "cannot make a temporary folder for a read-only store");
      }
      store->secondary_dir_ = dir;
      db_options.info_log = std::make_shared<AppendLogger>(dir + "/LOG");
    } else {
      db_options.create_if_missing = true;
      db_options.create_missing_column_families = true;
      // RocksDB's own LOG writer aborts once a write to it failed (full disk).
      std::filesystem::create_directories(o.path, ignored);
      db_options.info_log = std::make_shared<AppendLogger>(o.path + "/LOG");
    }
    db_options.info_log->SetInfoLogLevel(rocksdb::InfoLogLevel::WARN_LEVEL);
    store->logger_owner_ = o.logger;
    store->logger_ = OrDefault(o.logger.get());
    store->retry_interval_ = o.recovery_interval;
    RocksDbStore* self = store.get();
    db_options.listeners.push_back(std::make_shared<FailureListener>(
        [self](const rocksdb::Status& s) { self->MarkFailed(s); },
        [self] { self->MarkRecovered(); }));
    db_options.manual_wal_flush = o.manual_log_flush && !o.disable_wal;
    // A store without a log is a throwaway one: nothing to save at close.
    db_options.avoid_flush_during_shutdown = o.disable_wal;

    std::shared_ptr<rocksdb::Cache> cache =
        rocksdb::NewLRUCache(o.block_cache_bytes);
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.cache_index_and_filter_blocks = true;
    table.whole_key_filtering = true;

    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    // The default family holds nothing, but its memtable size counts: RocksDB
    // resumes after a full disk once the largest memtable's worth is free, and
    // sizes each log's preallocation by it (default 64 MiB).
    rocksdb::ColumnFamilyOptions default_family;
    default_family.write_buffer_size = o.write_buffer_bytes;
    families.emplace_back(rocksdb::kDefaultColumnFamilyName, default_family);
    for (int i = 0; i < kTableCount; ++i) {
      rocksdb::ColumnFamilyOptions cf;
      cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
      cf.write_buffer_size = o.write_buffer_bytes;
      const Table t = static_cast<Table>(i);
      if (t == Table::kUsers || t == Table::kCounters) {
        // Point reads only: a hashed memtable makes each insert O(1) instead
        // of a skip-list search. The prefix is the whole key (capped), so
        // every key has its own bucket; ordered scans still work, through a
        // total-order iterator (Scan sets total_order_seek).
        cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(64));
        cf.memtable_factory.reset(
            rocksdb::NewHashLinkListRepFactory(/*bucket_count=*/200000));
      } else if (t == Table::kEvents) {
        // Event keys start with "v" and the user's 8-byte hash: one small
        // skip list per user in the memtable, and a user's history is one
        // prefix scan.
        // Capped, not fixed: the store takes keys of any length.
        cf.prefix_extractor.reset(
            rocksdb::NewCappedPrefixTransform(kEventPrefixLength));
        cf.memtable_factory.reset(
            rocksdb::NewHashSkipListRepFactory(/*bucket_count=*/200000));
      }
      if (retention[i] != nullptr) {
        cf.compaction_filter = retention[i].get();
        // Old files are rewritten (and expired records dropped) daily even
        // when nothing else triggers a compaction.
        cf.periodic_compaction_seconds = 86400;
      }

      if (t == Table::kPwned) {
        // Point lookups only, on random bytes: no compression (it only
        // costs), index and filter held by the table readers rather than
        // looked up in the block cache, and a hash index inside data blocks.
        cf.compression = rocksdb::kNoCompression;
        rocksdb::BlockBasedTableOptions pwned = table;
        pwned.cache_index_and_filter_blocks = false;
        pwned.data_block_index_type =
            rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
        pwned.block_restart_interval = 1;  // the hash index lands on the key
        cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(pwned));
      }
      if (static_cast<Table>(i) == Table::kCounters) {
        // Operands are folded at flush, compaction and read. The engine keeps
        // hot counters decoded in memory, so reads here are rare.
        cf.merge_operator = std::make_shared<CounterMergeOperator>();
      }
      families.emplace_back(std::string(TableName(static_cast<Table>(i))), cf);
    }

    // An existing database must be a vigil one: it has the column families
    // of the first version (a folder with no database yet is created). The
    // tables added since (kFirstVersionTableCount and up) are created by a
    // read-write open; a read-only one needs them to exist already.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(db_options, o.path, &existing).ok()) {
      for (int i = 0; i < kTableCount; ++i) {
        const std::string name(TableName(static_cast<Table>(i)));
        if (std::find(existing.begin(), existing.end(), name) !=
            existing.end()) {
          continue;
        }
        if (i < kFirstVersionTableCount) {
          return absl::FailedPreconditionError(absl::StrCat(
              "data_dir ", o.path,
              ": not a vigil database (no column family \"", name, "\")"));
        }
        if (o.read_only) {
          return absl::FailedPreconditionError(absl::StrCat(
              "data_dir ", o.path, ": written by an earlier vigil (no table \"",
              name, "\"); open it once read-write (vigild) to upgrade it"));
        }
      }
    }

    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status s =
        o.read_only
            ? rocksdb::DB::OpenAsSecondary(db_options, o.path,
                                           store->secondary_dir_, families,
                                           &handles, &db)
            : rocksdb::DB::Open(db_options, o.path, families, &handles, &db);
    if (s.ok() && o.read_only) {
      // Up to the primary's log as it is now.
      s = db->TryCatchUpWithPrimary();
      if (!s.ok()) {
        for (rocksdb::ColumnFamilyHandle* h : handles) {
          db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
        }
        delete db;
      }
    }
    if (!s.ok()) {
      if (s.IsInvalidArgument() &&
          s.ToString().find("column famil") != std::string::npos) {
        return absl::FailedPreconditionError(absl::StrCat(
            "data_dir ", o.path, ": not a vigil database: ", s.ToString()));
      }
      return absl::UnavailableError(absl::StrCat("data_dir ", o.path,
                                                 ": cannot open (", Describe(s),
                                                 "): ", s.ToString()));
    }
    store->retention_ = std::move(retention);
    store->db_.reset(db);
    store->handles_ = handles;
    store->read_only_ = o.read_only;
    if (o.read_only) return std::unique_ptr<Store>(std::move(store));
    store->write_options_.sync = o.sync && !o.disable_wal;
    store->write_options_.disableWAL = o.disable_wal;
    store->manual_log_flush_ = o.manual_log_flush && !o.disable_wal;
    store->sync_ = o.sync && !o.disable_wal;
    store->retry_interval_ = o.recovery_interval;
    store->recovery_ = std::thread([self] { self->RecoveryLoop(); });
    return std::unique_ptr<Store>(std::move(store));
  }

  ~RocksDbStore() override {
    Close();
    if (!secondary_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(secondary_dir_, ec);
    }
  }

  void Close() {
    if (recovery_.joinable()) {
      {
        absl::MutexLock lock(&stop_mu_);
        stop_ = true;
      }
      recovery_.join();
    }
    if (db_ == nullptr) return;
    RocksCall call;
    // After a failed write the log is in an error state: writing it again
    // could only fail (and makes RocksDB's error fatal).
    if (!WritesFailing() && !read_only_) {
      db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
    }
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
    db_.reset();  // before the members its listener uses
  }

  absl::Status Get(Table table, absl::string_view key,
                   std::string* value) override {
    rocksdb::PinnableSlice slice;
    rocksdb::Status s;
    {
      RocksCall call;
      s = db_->Get(read_options_, handle(table), ToSlice(key), &slice);
    }
    if (!s.ok()) return FromRocks(logger_, s, TableName(table));
    value->assign(slice.data(), slice.size());
    return absl::OkStatus();
  }

  absl::Status Write(const WriteBatch& batch) override {
    if (read_only_) return ReadOnlyError();
    if (absl::Status s = internal::CheckBatch(batch); !s.ok()) return s;
    // The stripes of every key put, deleted or expected, in one order
    // (ascending) so that two writes cannot deadlock. A batch of
    // counter additions alone takes none. Taken before write_mu_: a write
    // holding write_mu_ never waits for a stripe.
    Stripes stripes;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (op.type != WriteBatch::OpType::kAddCounter) {
        stripes.push_back(Stripe(op.table, op.key));
      }
    }
    std::sort(stripes.begin(), stripes.end());
    stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
    LockStripes(stripes);
    absl::Status s = WriteLocked(batch);
    UnlockStripes(stripes);
    return s;
  }

  uint64_t FailureGeneration() const override {
    return generation_.load(std::memory_order_acquire);
  }

  absl::Status FlushLog() override {
    if (!manual_log_flush_) return absl::OkStatus();
    // Every write counted before this load is in the log buffer, which the
    // flush below writes out (with whatever came after it).
    const uint64_t seen = writes_.load(std::memory_order_acquire);
    if (seen == flushed_.load(std::memory_order_acquire))
      return absl::OkStatus();
    absl::Status s;
    {
      // No write is under way while the log is written: a write that
      // appended to the log after a failed flush would abort RocksDB (it
      // asserts), and one more flush would make its error fatal.
      absl::WriterMutexLock lock(&write_mu_);
      if (absl::Status refused = RefuseWhileFailed(); !refused.ok()) {
        return refused;
      }
      rocksdb::Status flushed;
      {
        RocksCall call;
        flushed = db_->FlushWAL(sync_);
      }
      if (!flushed.ok()) MarkFailed(flushed);
      s = FromRocks(logger_, flushed, "flush log");
    }
    if (!s.ok()) return s;
    uint64_t prev = flushed_.load(std::memory_order_relaxed);
    while (prev < seen && !flushed_.compare_exchange_weak(
                              prev, seen, std::memory_order_release)) {
    }
    return absl::OkStatus();
  }

  absl::StatusOr<BackupInfo> CreateBackup(const std::string& dir) override {
    if (read_only_) return ReadOnlyError();
    if (write_options_.disableWAL) {
      return absl::FailedPreconditionError(
          "a store without a log makes no backups");
    }
    // Every accepted write into the log file the backup copies.
    if (absl::Status s = FlushLog(); !s.ok()) return s;
    RocksCall call;
    return internal::CreateRocksDbBackup(db_.get(), dir);
  }

  StoreStats Stats() const override {
    StoreStats st;
    st.available = true;
    RocksCall call;
    auto get = [&](rocksdb::ColumnFamilyHandle* h, const std::string& name) {
      uint64_t v = 0;
      return db_->GetIntProperty(h, name, &v) ? v : 0;
    };
    for (int i = 0; i < kTableCount; ++i) {
      rocksdb::ColumnFamilyHandle* h = handle(static_cast<Table>(i));
      StoreStats::PerTable& t = st.tables[i];
      t.live_sst_bytes = get(h, rocksdb::DB::Properties::kLiveSstFilesSize);
      t.memtable_bytes = get(h, rocksdb::DB::Properties::kCurSizeAllMemTables);
      t.estimated_keys = get(h, rocksdb::DB::Properties::kEstimateNumKeys);
    }
    rocksdb::ColumnFamilyHandle* any = handles_[0];
    st.block_cache_bytes = get(any, rocksdb::DB::Properties::kBlockCacheUsage);
    st.background_errors = get(any, rocksdb::DB::Properties::kBackgroundErrors);
    return st;
  }

  bool HasUnflushedWrites() const override {
    return manual_log_flush_ && writes_.load(std::memory_order_acquire) !=
                                    flushed_.load(std::memory_order_acquire);
  }

  // The database's lock file keeps every other process out; a read-only
  // (secondary) instance reads what another process writes.
  bool exclusive() const override { return !read_only_; }

  BulkLoading* bulk_loading() override { return this; }

  absl::Status WriteBulk(const WriteBatch& batch) override {
    if (read_only_) return ReadOnlyError();
    if (batch.conditional()) {
      return absl::InvalidArgumentError("bulk write: conditions not allowed");
    }
    if (absl::Status s = internal::CheckBatch(batch); !s.ok()) return s;
    absl::ReaderMutexLock lock(&write_mu_);
    if (absl::Status refused = RefuseWhileFailed(); !refused.ok())
      return refused;
    return WriteWith(batch, BulkOptions());
  }

  absl::Status DeleteRange(Table table, absl::string_view begin,
                           absl::string_view end) override {
    if (read_only_) return ReadOnlyError();
    absl::ReaderMutexLock lock(&write_mu_);
    if (absl::Status refused = RefuseWhileFailed(); !refused.ok())
      return refused;
    rocksdb::WriteBatch wb;
    if (rocksdb::Status s =
            wb.DeleteRange(handle(table), ToSlice(begin), ToSlice(end));
        !s.ok()) {
      return FromRocks(logger_, s, "delete range");
    }
    return Apply(&wb, BulkOptions());
  }

  absl::Status Flush(Table table) override {
    if (read_only_) return ReadOnlyError();
    rocksdb::FlushOptions options;
    options.wait = true;
    RocksCall call;
    return FromRocks(logger_, db_->Flush(options, handle(table)), "flush");
  }

  absl::Status Compact(Table table) override {
    if (read_only_) return ReadOnlyError();
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForceOptimized;
    RocksCall call;
    return FromRocks(
        logger_, db_->CompactRange(options, handle(table), nullptr, nullptr),
        "compact");
  }

  // Write() with the stripes of its keys held: checks the batch's
  // conditions, then applies it.
  absl::Status WriteLocked(const WriteBatch& batch) {
    if (absl::Status refused = RefuseWhileFailed(); !refused.ok())
      return refused;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (op.type != WriteBatch::OpType::kExpect) continue;
      std::string value;
      absl::Status got = Get(op.table, op.key, &value);
      if (!got.ok() && !absl::IsNotFound(got)) return got;
      if (got.ok() != op.present || (got.ok() && value != op.value)) {
        return absl::AbortedError("store: condition failed");
      }
    }
    absl::ReaderMutexLock lock(&write_mu_);
    if (absl::Status refused = RefuseWhileFailed(); !refused.ok())
      return refused;
    absl::Status s = WriteWith(batch, write_options_);
    if (manual_log_flush_ && s.ok()) {
      writes_.fetch_add(1, std::memory_order_release);
    }
    return s;
  }

  // At least the bytes RocksDB's encoding of `batch` takes (its header, and
  // per change a tag, the column family, and the key and value with their
  // lengths): reserved up front, the batch is built without reallocating.
  static size_t EncodedSizeBound(const WriteBatch& batch) {
    constexpr size_t kHeader = 12;     // sequence number and count
    constexpr size_t kPerChange = 16;  // tag and three varint32s
    size_t bytes = kHeader;
    for (const WriteBatch::Op& op : batch.ops()) {
      bytes += kPerChange + op.key.size() + op.value.size();
    }
    return bytes;
  }

  // A variable set of locks, taken in ascending order.
  void LockStripes(const Stripes& stripes) {
    for (size_t i : stripes) stripes_[i].lock();
  }
  void UnlockStripes(const Stripes& stripes) {
    for (auto i = stripes.rbegin(); i != stripes.rend(); ++i) {
      stripes_[*i].unlock();
    }
  }

  rocksdb::WriteOptions BulkOptions() const {
    rocksdb::WriteOptions options = write_options_;
    options.disableWAL = true;
    options.sync = false;
    return options;
  }

  absl::Status WriteWith(const WriteBatch& batch,
                         const rocksdb::WriteOptions& write_options) {
    rocksdb::WriteBatch wb(EncodedSizeBound(batch));
    for (const WriteBatch::Op& op : batch.ops()) {
      rocksdb::Status s;
      switch (op.type) {
        case WriteBatch::OpType::kPut:
          s = wb.Put(handle(op.table), ToSlice(op.key), ToSlice(op.value));
          break;
        case WriteBatch::OpType::kDelete:
          s = wb.Delete(handle(op.table), ToSlice(op.key));
          break;
        case WriteBatch::OpType::kAddCounter:  // CheckBatch: in counters
          s = wb.Merge(handle(op.table), ToSlice(op.key), ToSlice(op.value));
          break;
        case WriteBatch::OpType::kExpect:
          break;  // checked by Write
      }
      if (!s.ok()) return FromRocks(logger_, s, "write batch");
    }
    return Apply(&wb, write_options);
  }

  absl::Status Apply(rocksdb::WriteBatch* wb,
                     const rocksdb::WriteOptions& write_options) {
    rocksdb::Status s;
    {
      RocksCall call;
      s = db_->Write(write_options, wb);
    }
    // A failed write to the log leaves it in an error state.
    if (s.IsIOError()) MarkFailed(s);
    return FromRocks(logger_, s, "write");
  }

  std::unique_ptr<StoreIterator> Scan(Table table, absl::string_view start,
                                      absl::string_view limit) override {
    rocksdb::ReadOptions options = read_options_;
    if (table == Table::kEvents && WithinOnePrefix(start, limit)) {
      options.prefix_same_as_start = true;
    } else {
      options.total_order_seek = true;
    }
    RocksCall call;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, handle(table)));
    it->Seek(ToSlice(start));
    return std::make_unique<RocksIterator>(std::move(it), std::string(limit),
                                           logger_);
  }

 private:
  RocksDbStore() = default;

  static absl::Status ReadOnlyError() {
    return absl::FailedPreconditionError("store: opened read-only");
  }

  // Unavailable while writes are refused after a failure, else OK.
  absl::Status RefuseWhileFailed() const {
    if (!WritesFailing()) return absl::OkStatus();
    absl::MutexLock lock(&reason_mu_);
    return absl::UnavailableError(
        absl::StrCat("store: writes are failing (", reason_,
                     "); retrying in the background"));
  }

  // Starts refusing writes, once per failure. Any thread (RocksDB's too).
  void MarkFailed(const rocksdb::Status& s) {
    uint64_t g = generation_.load(std::memory_order_acquire);
    if (g % 2 == 1) return;
    {
      absl::MutexLock lock(&reason_mu_);
      reason_ = std::string(Describe(s));
    }
    if (!generation_.compare_exchange_strong(g, g + 1,
                                             std::memory_order_acq_rel)) {
      return;  // another thread got there first (or a recovery did)
    }
    const std::string detail = s.ToString();
    logger_->Log(
        LogLevel::kError, "store_writes_failing",
        absl::StrCat("vigil store: writes failing, refused until the "
                     "store recovers: ",
                     detail),
        {{"reason", Describe(s)},
         {"detail", detail},
         {"retry_interval_ms", absl::ToInt64Milliseconds(retry_interval_)}});
  }

  // Accepts writes again. Any thread (RocksDB's too).
  void MarkRecovered() {
    uint64_t g = generation_.load(std::memory_order_acquire);
    if (g % 2 == 0) return;
    if (generation_.compare_exchange_strong(g, g + 1,
                                            std::memory_order_acq_rel)) {
      logger_->Log(LogLevel::kInfo, "store_writes_resumed",
                   "vigil store: writes resumed");
    }
  }

  // While writes fail, asks RocksDB to resume every retry_interval_. On a
  // full disk RocksDB recovers by itself once there is room for a memtable
  // (it polls every 5 s): Resume answers Busy meanwhile, and the listener
  // reports the recovery.
  void RecoveryLoop() {
    absl::MutexLock lock(&stop_mu_);
    while (
        !stop_mu_.AwaitWithTimeout(absl::Condition(&stop_), retry_interval_)) {
      if (!WritesFailing()) continue;
      stop_mu_.Unlock();
      rocksdb::Status s;
      {
        RocksCall call;
        s = db_->Resume();
      }
      if (s.ok()) MarkRecovered();
      stop_mu_.Lock();
    }
  }

  rocksdb::ColumnFamilyHandle* handle(Table t) const {
    return handles_[1 + static_cast<int>(t)];
  }

  // Declared before db_: outlive the database that uses them.
  std::array<std::shared_ptr<RetentionFilter>, kTableCount> retention_;
  // std::mutex, not absl::Mutex: Debian's Abseil checks lock order on every
  // Mutex acquired while another is held (its deadlock detector's graph),
  // which cost 13 % of BM_Evaluate for the stripes a write holds together.
  std::array<std::mutex, kLockStripes> stripes_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ReadOptions read_options_;
  rocksdb::WriteOptions write_options_;
  bool manual_log_flush_ = false;
  bool sync_ = false;
  // RocksDbOptions::read_only, and the secondary instance's own folder.
  bool read_only_ = false;
  std::string secondary_dir_;
  // RocksDbOptions::logger (or the default); kept alive by logger_owner_.
  std::shared_ptr<Logger> logger_owner_;
  Logger* logger_ = DefaultLogger();
  // Odd while writes are refused after a failure (Store::FailureGeneration).
  std::atomic<uint64_t> generation_{0};
  mutable absl::Mutex reason_mu_;
  std::string reason_ ABSL_GUARDED_BY(reason_mu_);  // of the current failure
  // Writes hold it shared, FlushLog exclusive.
  absl::Mutex write_mu_;
  absl::Duration retry_interval_ = absl::Seconds(1);
  absl::Mutex stop_mu_;
  bool stop_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread recovery_;  // RecoveryLoop
  // Writes accepted, and how many of them the last FlushLog covered.
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> flushed_{0};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbOptions& options) {
  return RocksDbStore::Open(options);
}

}  // namespace vigil
