// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/store.h: where vigil keeps its state.
//
// The engine sees storage as a few tables of byte-string keys and values,
// written in atomic batches. The embedded default is RocksDB (one column
// family per table, OpenRocksDbStore()); another implementation, e.g. on a
// distributed engine, can replace it without touching signals or the service,
// as long as it keeps the contracts below.

#ifndef VIGIL_STORE_H_
#define VIGIL_STORE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/clock.h"
#include "vigil/log.h"

namespace vigil {

// One table per kind of record.
enum class Table : uint8_t {
  kUsers = 0,   // user profiles
  kDevices,     // remembered-device registry
  kEvents,      // events by id and by user and time
  kCounters,    // velocity counters; values combine with ApplyCounterMerge
  kChallenges,  // MFA challenges
  kTotp,        // encrypted TOTP secrets
  kPwned,       // breach corpus
  kOutbox,      // pending notifications
  kMeta,        // schema version and the like
  kPasskeys,    // WebAuthn credentials and their ceremonies
};
inline constexpr int kTableCount = 10;
// The tables of the first on-disk version; later ones are added on open.
inline constexpr int kFirstVersionTableCount = 9;
// "users", "devices", ... as used for column family names.
absl::string_view TableName(Table table);

// An ordered list of changes applied atomically by Store::Write.
class WriteBatch {
 public:
  enum class OpType : uint8_t { kPut, kDelete, kMerge, kDeleteRange };
  struct Op {
    OpType type;
    Table table;
    std::string key;
    std::string value;
  };

  void Put(Table table, absl::string_view key, absl::string_view value) {
    ops_.push_back({OpType::kPut, table, std::string(key), std::string(value)});
  }
  void Delete(Table table, absl::string_view key) {
    ops_.push_back({OpType::kDelete, table, std::string(key), {}});
  }
  // Only for Table::kCounters: combines `operand` into the stored value with
  // ApplyCounterMerge.
  void Merge(Table table, absl::string_view key, absl::string_view operand) {
    ops_.push_back({OpType::kMerge, table, std::string(key), std::string(operand)});
  }
  // Deletes every key of `table` in [begin, end) (`value` holds `end`).
  void DeleteRange(Table table, absl::string_view begin, absl::string_view end) {
    ops_.push_back({OpType::kDeleteRange, table, std::string(begin), std::string(end)});
  }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  void Clear() { ops_.clear(); }

 private:
  std::vector<Op> ops_;
};

// One backup of a store in a backup folder (see Store::CreateBackup).
struct BackupInfo {
  uint32_t id = 0;          // 1, 2, ... in the order they were made
  int64_t timestamp = 0;    // Unix seconds when it was made
  uint64_t size_bytes = 0;  // its files' total size (shared ones included)
  uint32_t files = 0;
};

// A store's size and health, for monitoring (vigild's /metrics). Figures
// are the store's own estimates at the time of the call.
struct StoreStats {
  // False for a store that keeps no such figures (the rest is then zero).
  bool available = false;
  struct PerTable {
    uint64_t live_sst_bytes = 0;  // table files on disk that hold live data
    uint64_t memtable_bytes = 0;  // written, not yet flushed to a file
    uint64_t estimated_keys = 0;
  };
  std::array<PerTable, kTableCount> tables{};
  uint64_t block_cache_bytes = 0;  // read cache in use, all tables
  // Failed background flushes and compactions since the store was opened.
  uint64_t background_errors = 0;
};

// Iterates one table in key order over [start, limit).
class StoreIterator {
 public:
  virtual ~StoreIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual absl::string_view key() const = 0;
  virtual absl::string_view value() const = 0;
  // Non-OK if the iteration stopped on an error rather than at the end.
  virtual absl::Status status() const = 0;
};

// Thread-safe: every method may be called from any thread at any time.
// Error messages name no file paths (callers may pass them on to clients).
class Store {
 public:
  virtual ~Store() = default;

  // Reads one value. NotFound if absent; Unavailable / DataLoss on failure.
  virtual absl::Status Get(Table table, absl::string_view key,
                           std::string* value) = 0;

  // Reads several keys of possibly different tables at once. values and
  // statuses are resized to keys.size(); each status is OK or NotFound (or an
  // error). The return value is non-OK only if the call failed as a whole.
  struct Key {
    Table table;
    absl::string_view key;
  };
  virtual absl::Status MultiGet(const std::vector<Key>& keys,
                                std::vector<std::string>* values,
                                std::vector<absl::Status>* statuses) = 0;

  // Applies every change of `batch` atomically: after a crash either all or
  // none are visible. When Write returns OK the changes survive the process
  // being killed (and, if the store was opened with sync, a power loss).
  virtual absl::Status Write(const WriteBatch& batch) = 0;

  // For bulk loads: like Write, atomic, but it may skip the write-ahead log,
  // so the changes are sure to survive a crash only once Flush(table) has
  // returned OK for every table written. The default is Write.
  virtual absl::Status WriteBulk(const WriteBatch& batch) { return Write(batch); }
  // Makes every change to `table` written so far durable. The default does
  // nothing (for stores whose every write is durable).
  virtual absl::Status Flush(Table table) { return absl::OkStatus(); }
  // Makes every write accepted so far survive a crash of this process (and,
  // with RocksDbOptions::sync, of the machine). Only a store that defers its
  // log (RocksDbOptions::manual_log_flush) needs it; for the others every
  // Write already does this and the default does nothing. Thread-safe; one
  // call serves every write made before it (group commit).
  virtual absl::Status FlushLog() { return absl::OkStatus(); }
  // Whether writes were accepted since the last FlushLog began: always false
  // for a store that does not defer its log.
  virtual bool HasUnflushedWrites() const { return false; }
  // Counts the store's write failures and recoveries: odd while writes are
  // refused after a failure (e.g. a full disk), when Write, WriteBulk and
  // FlushLog answer Unavailable at once without touching storage. Reads go on
  // where storage allows; the store retries in the background and accepts
  // writes again once storage works. Writes accepted before the failure and
  // not yet covered by a FlushLog are still kept if the store recovers, but
  // are lost if the process ends first. Always 0 for a store that cannot
  // fail this way.
  virtual uint64_t FailureGeneration() const { return 0; }
  bool WritesFailing() const { return FailureGeneration() % 2 == 1; }
  // Size and health figures; cheap (no I/O), any thread. The default keeps
  // none.
  virtual StoreStats Stats() const { return StoreStats(); }
  // Reorganizes `table` for fast reads after a bulk load (e.g. compacts it
  // and drops deleted ranges). Optional; the default does nothing.
  virtual absl::Status Compact(Table table) { return absl::OkStatus(); }

  // Copies the store, as of the call and with every write accepted before it
  // (its log flushed first), into the backup folder `backup_dir` (created if
  // missing; RocksDB's BackupEngine: files are shared between backups, so a
  // new one costs what changed). Safe while other threads read and write.
  // One backup at a time per folder: callers serialize. Unimplemented for a
  // store without backups (the default).
  virtual absl::StatusOr<BackupInfo> CreateBackup(
      const std::string& backup_dir) {
    return absl::UnimplementedError("this store makes no backups");
  }

  // Keys of `table` in [start, limit) in ascending byte order (limit empty:
  // to the end of the table).
  virtual std::unique_ptr<StoreIterator> Scan(Table table,
                                              absl::string_view start,
                                              absl::string_view limit) = 0;
};

// The merge function of Table::kCounters, which every Store applies for
// WriteBatch::Merge: `existing` (nullptr if absent) combined with `operands`
// in order. Defined by the engine; stores call it, they do not interpret it.
std::string ApplyCounterMerge(const std::string* existing,
                              const std::vector<absl::string_view>& operands);

inline constexpr size_t kMinWriteBufferBytes = 4 << 20;

struct RocksDbOptions {
  std::string path;  // folder; created if missing
  // fsync the write-ahead log on every write (survives power loss, slower).
  // Without it every acknowledged write still survives a process crash.
  bool sync = false;
  // No write-ahead log at all, and no flush at close: writes reach only the
  // memtable until a flush, so a crash or closing the store loses recent
  // writes. For throwaway stores such as a replay's temporary database; never
  // for a live engine. Excludes `sync`.
  bool disable_wal = false;
  // Memtable size of each table before it is flushed to disk. Larger means
  // fewer flushes (and compactions) at the cost of memory: a replay that
  // writes a million events runs faster with 256 MiB. At least
  // kMinWriteBufferBytes: the hashed memtables of the users, counters and
  // events tables reserve 1.6 MiB of buckets each, and RocksDB cannot make a
  // memtable that is full from the start (it aborts).
  size_t write_buffer_bytes = 32 << 20;
  size_t block_cache_bytes = 256 << 20;
  // Retention of the event history: an event older than this (by its own
  // time, measured on `clock`) is removed when compaction next reaches it
  // (events are compacted at least daily). Zero: events are kept forever.
  absl::Duration event_retention = absl::ZeroDuration();
  // Group commit: Write appends to an in-process log buffer, and a write
  // survives a crash of the process only after a FlushLog (which writes the
  // buffer to the file once for every write before it). For a server that
  // answers a batch of requests after one FlushLog; a store whose caller
  // never calls FlushLog loses recent writes in a crash. Excludes
  // `disable_wal`.
  bool manual_log_flush = false;
  // The clock retention measures against; null: RealClock(). Not owned.
  const Clock* clock = nullptr;
  // After a failed write (Store::FailureGeneration), how often the store asks
  // RocksDB to resume. On a full disk RocksDB also resumes by itself, at most
  // 5 s after at least one memtable's worth (write_buffer_bytes) is free.
  absl::Duration recovery_interval = absl::Seconds(1);
  // Where the store reports its failures and recoveries (store_writes_failing,
  // store_writes_resumed, store_error with RocksDB's detail, which names
  // files); null: DefaultLogger(). RocksDB's own warnings go to the LOG file
  // in the folder.
  std::shared_ptr<Logger> logger;
  // Opens an existing database for reading only, beside the process that
  // may hold it (vigild): a RocksDB secondary instance that sees every write
  // the primary had acknowledged when it opened (its files and its log),
  // keeping its own bookkeeping in a private temporary folder ($TMPDIR or
  // /tmp) removed at close; nothing is written into `path`. Write,
  // WriteBulk, Flush, Compact and CreateBackup answer FailedPrecondition.
  // NotFound if `path` holds no database. Only `path`, `block_cache_bytes`
  // and `logger` apply.
  bool read_only = false;
};

// Opens (or creates) the embedded RocksDB store. Fails with a message naming
// the folder if it cannot be opened (locked by another process, corrupt, not
// a vigil database, no space left to replay its log). RocksDB's warnings go
// to the LOG file in the folder; the store's failures and recoveries, with
// RocksDB's detail, to RocksDbOptions::logger, the operator's log.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbOptions& options);

// The backups in `backup_dir`, oldest first. NotFound if it holds none (or
// does not exist).
absl::StatusOr<std::vector<BackupInfo>> ListRocksDbBackups(
    const std::string& backup_dir);

// Restores backup `id` (0: the latest) of `backup_dir` into `data_dir`, which
// must not exist or be an empty folder (FailedPrecondition otherwise: a
// restore never overwrites a database). The files are verified against their
// checksums as they are copied; on failure `data_dir` may hold a partial copy
// that OpenRocksDbStore refuses or that is to be removed.
absl::Status RestoreRocksDbBackup(const std::string& backup_dir, uint32_t id,
                                  const std::string& data_dir);

}  // namespace vigil

#endif  // VIGIL_STORE_H_
