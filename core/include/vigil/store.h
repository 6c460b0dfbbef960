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
#include <functional>
#include <memory>
#include <optional>
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

// An ordered list of changes applied atomically by Store::Write, and the
// conditions under which they apply.
class WriteBatch {
 public:
  enum class OpType : uint8_t { kPut, kDelete, kAddCounter, kExpect };
  struct Op {
    OpType type;
    Table table;
    std::string key;
    std::string value;
    // kExpect only: whether the key is expected to be present (with `value`).
    bool present = false;
  };

  void Put(Table table, absl::string_view key, absl::string_view value) {
    ops_.push_back({OpType::kPut, table, std::string(key), std::string(value)});
  }
  void Delete(Table table, absl::string_view key) {
    ops_.push_back({OpType::kDelete, table, std::string(key), {}});
  }
  // Only for Table::kCounters: adds one observation (an operand made by the
  // counters repository) to the windowed counter at `key`, combined with
  // ApplyCounterMerge. Never conflicts: concurrent additions all count.
  void AddCounter(absl::string_view key, absl::string_view operand) {
    ops_.push_back({OpType::kAddCounter, Table::kCounters, std::string(key),
                    std::string(operand)});
  }
  // A condition: the batch applies only if, when it is applied, `key` holds
  // exactly `value` (nullopt: is absent). The basis of every read-modify-write
  // that must be atomic across processes: read, change, write with the value
  // read as the expectation, and on Aborted read again and retry. Not for
  // counters: AddCounter never conflicts, so a backend need not check a
  // condition on a counter against concurrent additions.
  void Expect(Table table, absl::string_view key,
              const std::optional<std::string>& value) {
    ops_.push_back({OpType::kExpect, table, std::string(key),
                    value.value_or(std::string()), value.has_value()});
  }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  // Whether the batch holds a condition (Expect).
  bool conditional() const {
    for (const Op& op : ops_) {
      if (op.type == OpType::kExpect) return true;
    }
    return false;
  }
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
  // A backend's own event counters since it was opened (the Redis
  // Cluster's redirects, retries, failed commands, ...), whatever
  // `available` says; vigild exports each as vigil_store_<name>_total.
  struct Counter {
    std::string name;  // lowercase, digits, '_'
    std::string help;
    uint64_t value = 0;
  };
  std::vector<Counter> counters;
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

// Bulk loading of large read-mostly tables (the breach corpus): what a
// backend offers beyond atomic batches to load millions of records fast.
// A backend without it is loaded with ordinary batches (BulkWrite and the
// like in store/bulk.h fall back to Write, Scan and Delete).
class BulkLoading {
 public:
  virtual ~BulkLoading() = default;
  // Like Store::Write (no conditions), but it may skip the backend's log, so
  // the changes are sure to survive a crash only once Flush(table) has
  // returned OK for every table written.
  virtual absl::Status WriteBulk(const WriteBatch& batch) = 0;
  // Deletes every key of `table` in [begin, end), unlogged like WriteBulk.
  virtual absl::Status DeleteRange(Table table, absl::string_view begin,
                                   absl::string_view end) = 0;
  // Makes every change to `table` written so far durable.
  virtual absl::Status Flush(Table table) = 0;
  // Reorganizes `table` for fast reads after a bulk load.
  virtual absl::Status Compact(Table table) = 0;
};

// The store port: what every backend provides, each operation atomic on its
// own. Repositories (one per kind of record: profiles, events, counters,
// devices, challenges, ...) own their key layouts and encodings and speak
// only this. A new backend implements this class and passes the conformance
// suite (tests/core/store/store_conformance_test.cc).
//
// Thread-safe: every method may be called from any thread at any time, and,
// for a backend shared by several processes, from any process: atomicity
// and single use hold across them through conditional writes (Expect), never
// through the caller's locks. Error messages name no file paths (callers may
// pass them on to clients).
class Store {
 public:
  virtual ~Store() = default;

  // Reads one value. NotFound if absent; Unavailable / DataLoss on failure.
  virtual absl::Status Get(Table table, absl::string_view key,
                           std::string* value) = 0;

  // Applies the changes of `batch`. Within one partition (PartitionOf) they
  // are atomic: after a crash either all or none are visible, and a
  // concurrent reader sees all or none. A backend that keeps every record in
  // one place (RocksDB, memory:) makes the whole batch atomic; one that
  // spreads partitions over machines (atomic_batches() false) applies them
  // partition by partition, the partition with the conditions first, so a
  // crash between two may leave the first applied without the rest.
  //
  // If the batch holds conditions (WriteBatch::Expect), they must all lie in
  // one partition (InvalidArgument otherwise, nothing applied), and they are
  // checked against the state just before the batch, atomically with
  // applying that partition's changes: if one does not hold, nothing at all
  // is applied and the answer is Aborted. When Write returns OK the changes
  // survive the process being killed (for a backend that defers its log,
  // once FlushLog has returned OK).
  virtual absl::Status Write(const WriteBatch& batch) = 0;

  // Keys of `table` in [start, limit) (limit empty: to the end of the
  // table), in ascending byte order within each partition. A range within
  // one partition (PartitionOfRange) comes in ascending order on every
  // backend; a range over several, in ascending order on a backend with
  // ordered_scans() (RocksDB, memory:), else partition by partition in no
  // set order of partitions. Writes may go on while a scan is open (from
  // the same thread too): the scan still yields each key at most once, in
  // order, and every key present and unchanged throughout; a key written
  // meanwhile may show with either value, or not. (RocksDB reads a snapshot
  // taken at Scan; the in-memory store copies a few hundred keys at a time,
  // each such chunk a consistent view.)
  virtual std::unique_ptr<StoreIterator> Scan(Table table,
                                              absl::string_view start,
                                              absl::string_view limit) = 0;

  // Optional capabilities and operations; the defaults suit a backend
  // without them.

  // True if no other process can write this store while it is open (RocksDB
  // holds its database's lock file), so that one process's locks and caches
  // may stand in for conditional writes: the engine and the MFA service then
  // serialize a user's read-modify-write with in-process locks and keep a
  // write-through cache, as a declared optimization. False (the default, and
  // the in-memory store, which several engines of one process may share):
  // every read-modify-write is a conditional write, retried on Aborted, and
  // nothing is cached.
  virtual bool exclusive() const { return false; }
  // Whether every Write is atomic as a whole, across partitions (see Write).
  virtual bool atomic_batches() const { return true; }
  // Whether a scan over several partitions comes in key order (see Scan).
  virtual bool ordered_scans() const { return true; }
  // Bulk loading (see BulkLoading); null: load with ordinary batches.
  virtual BulkLoading* bulk_loading() { return nullptr; }
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
  // refused after a failure (e.g. a full disk), when Write and FlushLog
  // answer Unavailable at once without touching storage. Reads go on where
  // storage allows; the store retries in the background and accepts writes
  // again once storage works. Writes accepted before the failure and not yet
  // covered by a FlushLog are still kept if the store recovers, but are lost
  // if the process ends first. Always 0 for a store that cannot fail this
  // way.
  virtual uint64_t FailureGeneration() const { return 0; }
  bool WritesFailing() const { return FailureGeneration() % 2 == 1; }
  // Size and health figures; cheap (no I/O), any thread. The default keeps
  // none.
  virtual StoreStats Stats() const { return StoreStats(); }
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
};

// Retention of a table's records by age, applied by the backend (RocksDB at
// compaction, the in-memory store as it goes) without knowing the table's
// key layout: `record_time` is the repository's reading of a record's time
// from its key (false: the key has no time and is kept).
struct RetentionRule {
  Table table = Table::kEvents;
  absl::Duration max_age = absl::ZeroDuration();  // zero: kept forever
  std::function<bool(absl::string_view key, absl::Time* time)> record_time;
};

// Partitions: the records a backend keeps together. Every key of a table
// lies in one partition, named by a short string of ASCII letters and
// digits (no braces: a backend may use it as a Redis hash tag). A batch's
// conditions lie in one partition (Store::Write), and a backend spread over
// machines keeps each partition in one place. Every record of one user
// (profile, events, devices, TOTP and contact record, passkeys, challenges)
// is in the user's partition (one of 65,536, by a hash of the user id);
// counters spread over 65,536 partitions by a hash of their key; the outbox,
// the breach corpus and the metadata are one partition each. Defined by the
// repositories' key layouts (store/partitions.cc); stores call it.
std::string PartitionOf(Table table, absl::string_view key);
// The partition that holds every key of [start, limit) of `table` (limit
// empty: to the end), or nullopt if the range may span several.
std::optional<std::string> PartitionOfRange(Table table,
                                            absl::string_view start,
                                            absl::string_view limit);

// The first key after every key that starts with `prefix`: the limit of a
// scan of the keys with that prefix. Empty (to the end) if there is none
// (`prefix` empty or all 0xff bytes).
std::string PrefixLimit(absl::string_view prefix);

// The merge function of Table::kCounters, which every Store applies for
// WriteBatch::AddCounter: `existing` (nullptr if absent) combined with
// `operands` in order. Defined by the engine; stores call it, they do not
// interpret it.
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
  // Retention by age (measured on `clock`): a record older than its rule
  // allows is removed when compaction next reaches it (tables with a rule
  // are compacted at least daily).
  std::vector<RetentionRule> retention;
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

// The in-memory store: the whole port, nothing survives the process. For
// tests and demos, and the reference a new backend is compared with.
// Retention rules apply as records are read and written.
struct MemoryStoreOptions {
  const Clock* clock = nullptr;  // null: RealClock(). Not owned.
  // A rule whose max_age is not positive keeps everything (OpenStore
  // refuses a negative one).
  std::vector<RetentionRule> retention;
};
std::unique_ptr<Store> OpenMemoryStore(const MemoryStoreOptions& options = {});

// The retention rule of the event history: events older than `max_age` (by
// their own time) are removed. Zero: kept forever.
RetentionRule EventRetention(absl::Duration max_age);

// What OpenStore passes to whichever backend its URL names.
struct StoreOptions {
  const Clock* clock = nullptr;  // null: RealClock(). Not owned.
  // Events older than this are removed (EventRetention); zero: kept forever.
  absl::Duration event_retention = absl::ZeroDuration();
  // Failures and recoveries; null: DefaultLogger().
  std::shared_ptr<Logger> logger;
  // Open an existing store for reading beside the process that serves it
  // (RocksDbOptions::read_only). InvalidArgument for `memory:`, which has
  // nothing to read.
  bool read_only = false;
  // Tuning of the RocksDB backend; its path comes from the URL and the
  // fields above override their namesakes.
  RocksDbOptions rocksdb;
  // Tuning of the Redis Cluster backend (redis://); its nodes and
  // namespace come from the URL.
  struct Redis {
    // Replicas each write waits for (WAIT), and for how long at most; 0:
    // no waiting (a failover may then lose the last moments' writes).
    int wait_replicas = 1;
    absl::Duration wait_timeout = absl::Milliseconds(200);
    // Per connection attempt, and per command's reply.
    absl::Duration connect_timeout = absl::Seconds(1);
    absl::Duration command_timeout = absl::Seconds(1);
    // Sends of one command that may end in a retryable failure (a node
    // down, a failover under way), at least 1. A call to the store blocks
    // its thread for at most about max_attempts x (connect_timeout +
    // command_timeout) plus the backoff between attempts (20 ms doubling,
    // at most 500 ms).
    int max_attempts = 5;
  } redis;
};

// The one way to open a store, from a URL:
//   rocksdb:DIR   the embedded RocksDB store in folder DIR (created if missing)
//   memory:       the in-memory store (empty; gone with the process)
//   redis://HOST:PORT[,HOST:PORT...][/NAMESPACE]
//                 a Redis Cluster, by any of its nodes (seeds); every key
//                 starts with NAMESPACE (default "vigil"). Partitions are
//                 spread over the cluster (atomic_batches() and
//                 ordered_scans() false); each write waits up to 200 ms for
//                 a replica (WAIT). Unavailable if no seed answers.
// InvalidArgument, naming the URL's scheme and the known ones, for anything
// else (a bare path included).
absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view url,
                                                 const StoreOptions& options);
// The URL of the RocksDB store in `dir` ("rocksdb:" + dir).
std::string RocksDbStoreUrl(absl::string_view dir);

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
