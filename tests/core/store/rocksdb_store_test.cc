// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The embedded RocksDB store, opened in a temporary folder: reads, batched
// atomic writes, scans, counters combined by the merge operator under
// concurrency, persistence across reopen, and the errors of opening a folder
// that cannot be a database.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "store/counter_record.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using internal::CounterKind;
using internal::CounterRecord;
using internal::EncodeCounterOperand;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

// 2023-11-14 00:00:00 UTC: aligned to a day and to 5 minutes.
constexpr int64_t kDay0 = 1699920000;

constexpr Table kAllTables[] = {
    Table::kUsers,    Table::kDevices,    Table::kEvents,
    Table::kCounters, Table::kChallenges, Table::kTotp,
    Table::kPwned,    Table::kOutbox,     Table::kMeta,
    Table::kPasskeys};

std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  RocksDbOptions options;
  options.path = path;
  options.block_cache_bytes = 8 << 20;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Every (key, value) of `table` in [start, limit), in scan order.
std::vector<std::pair<std::string, std::string>> ScanAll(
    Store& store, Table table, absl::string_view start,
    absl::string_view limit) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<StoreIterator> it = store.Scan(table, start, limit);
  for (; it->Valid(); it->Next()) {
    out.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  EXPECT_OK(it->status());
  return out;
}

class RocksDbStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
  }

  void Put(Table table, absl::string_view key, absl::string_view value) {
    WriteBatch batch;
    batch.Put(table, key, value);
    ASSERT_OK(store_->Write(batch));
  }

  // The value of `key` in `table`, or "<NotFound>" / "<error ...>".
  std::string GetOrStatus(Table table, absl::string_view key) {
    std::string value;
    absl::Status s = store_->Get(table, key, &value);
    if (absl::IsNotFound(s)) return "<NotFound>";
    if (!s.ok()) return absl::StrCat("<error ", s.ToString(), ">");
    return value;
  }

  TempDir dir_;  // outlives store_
  std::unique_ptr<Store> store_;
};

TEST(TableNameTest, NamesEveryTable) {
  const char* const expected[] = {"users",    "devices",    "events",
                                  "counters", "challenges", "totp",
                                  "pwned",    "outbox",     "meta",
                                  "passkeys"};
  ASSERT_EQ(std::size(kAllTables), static_cast<size_t>(kTableCount));
  for (int i = 0; i < kTableCount; ++i) {
    EXPECT_EQ(TableName(kAllTables[i]), expected[i]);
  }
}

TEST_F(RocksDbStoreTest, PutGetAndNotFoundPerTable) {
  // The same key in every table holds a different value: tables are separate.
  // (Keys here are at least 9 bytes, the events table's prefix length; see
  // RocksDbStoreDeathTest for shorter ones.)
  for (Table t : kAllTables) {
    Put(t, "same-key-0001", absl::StrCat("value of ", TableName(t)));
  }
  for (Table t : kAllTables) {
    SCOPED_TRACE(TableName(t));
    EXPECT_EQ(GetOrStatus(t, "same-key-0001"),
              absl::StrCat("value of ", TableName(t)));
    EXPECT_EQ(GetOrStatus(t, "other-key-0001"), "<NotFound>");
    // A key that is a prefix or an extension of a stored one is another key.
    EXPECT_EQ(GetOrStatus(t, "same-key-000"), "<NotFound>");
    EXPECT_EQ(GetOrStatus(t, std::string("same-key-0001\0", 14)), "<NotFound>");
    EXPECT_EQ(GetOrStatus(t, "same-key-0002"), "<NotFound>");
  }
}

TEST_F(RocksDbStoreTest, BinaryKeysAndValuesAndOverwrite) {
  struct Case {
    std::string key;
    std::string value;
  };
  const std::vector<Case> cases = {
      {std::string("\0", 1), "nul key"},
      {std::string("a\0b", 3), std::string("v\0\xff\x01", 4)},
      {"\xff\xfe", ""},  // empty value is a value, not absence
      {std::string(1000, 'k'), std::string(100000, 'v')},
  };
  for (const Case& c : cases) Put(Table::kUsers, c.key, c.value);
  for (const Case& c : cases) {
    std::string value = "stale";
    ASSERT_OK(store_->Get(Table::kUsers, c.key, &value));
    EXPECT_EQ(value, c.value);
  }
  Put(Table::kUsers, "a", "1");
  Put(Table::kUsers, "a", "2");
  EXPECT_EQ(GetOrStatus(Table::kUsers, "a"), "2");
}

TEST_F(RocksDbStoreTest, GetNotFoundNamesTheTable) {
  std::string value;
  absl::Status s = store_->Get(Table::kDevices, "nope", &value);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("devices"));
}

TEST_F(RocksDbStoreTest, WriteBatchAppliesEveryOperationInOrder) {
  Put(Table::kUsers, "to-delete", "x");
  Put(Table::kEvents, "to-overwrite", "old");

  WriteBatch batch;
  batch.Put(Table::kUsers, "new", "n");
  batch.Delete(Table::kUsers, "to-delete");
  batch.Put(Table::kEvents, "to-overwrite", "new");
  batch.AddCounter("c",
              EncodeCounterOperand(kDay0, CounterKind::kFailure, 7));
  batch.AddCounter("c",
              EncodeCounterOperand(kDay0 + 1, CounterKind::kFailure, 8));
  // Later operations on the same key win.
  batch.Put(Table::kDevices, "put-then-delete", "gone");
  batch.Delete(Table::kDevices, "put-then-delete");
  batch.Delete(Table::kDevices, "delete-then-put");
  batch.Put(Table::kDevices, "delete-then-put", "here");
  batch.Delete(Table::kMeta, "never-existed");  // deleting nothing is fine
  ASSERT_OK(store_->Write(batch));

  EXPECT_EQ(GetOrStatus(Table::kUsers, "new"), "n");
  EXPECT_EQ(GetOrStatus(Table::kUsers, "to-delete"), "<NotFound>");
  EXPECT_EQ(GetOrStatus(Table::kEvents, "to-overwrite"), "new");
  EXPECT_EQ(GetOrStatus(Table::kDevices, "put-then-delete"), "<NotFound>");
  EXPECT_EQ(GetOrStatus(Table::kDevices, "delete-then-put"), "here");
  CounterRecord record;
  ASSERT_TRUE(record.Decode(GetOrStatus(Table::kCounters, "c")));
  const CounterRecord::Totals totals =
      record.ShortWindow(absl::FromUnixSeconds(kDay0 + 10), absl::Hours(1));
  EXPECT_EQ(totals.failures, 2u);
  EXPECT_EQ(totals.attempts, 0u);
}

TEST_F(RocksDbStoreTest, EmptyBatchIsFine) {
  WriteBatch batch;
  EXPECT_TRUE(batch.empty());
  EXPECT_OK(store_->Write(batch));
}

TEST_F(RocksDbStoreTest, ScanHonoursBoundsAndByteOrder) {
  const std::vector<std::string> keys = {"a",     "b",    std::string("b\0", 2),
                                         "b\x01", "ba",   "bz",
                                         "c",     "d",    "\x7f",
                                         "\x80",  "\xff", "\xff\xff"};
  for (const std::string& k : keys) Put(Table::kDevices, k, "v:" + k);
  // Same keys in a neighbouring table must never show up in the scan.
  Put(Table::kTotp, "b", "other table");
  Put(Table::kChallenges, "bb", "other table");

  struct Case {
    const char* name;
    std::string start;
    std::string limit;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"everything", "", "", keys},
      {"half-open range",
       "b",
       "c",
       {"b", std::string("b\0", 2), "b\x01", "ba", "bz"}},
      {"start between keys",
       "bb",
       "",
       {"bz", "c", "d", "\x7f", "\x80", "\xff", "\xff\xff"}},
      {"limit excludes itself",
       "a",
       "ba",
       {"a", "b", std::string("b\0", 2), "b\x01"}},
      {"empty range", "c", "c", {}},
      {"limit before start", "d", "c", {}},
      {"unsigned byte order", "\x7f", "\xff", {"\x7f", "\x80"}},
      {"past the end", "\xff\xff\xff", "", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> got;
    for (const auto& [k, v] :
         ScanAll(*store_, Table::kDevices, c.start, c.limit)) {
      EXPECT_EQ(v, "v:" + k);
      got.push_back(k);
    }
    EXPECT_EQ(got, c.want);
  }
}

TEST_F(RocksDbStoreTest, ScanOfAnEmptyTable) {
  Put(Table::kUsers, "a", "1");
  std::unique_ptr<StoreIterator> it = store_->Scan(Table::kOutbox, "", "");
  EXPECT_FALSE(it->Valid());
  EXPECT_OK(it->status());
}

TEST_F(RocksDbStoreTest, ScanSeesAConsistentViewOfDeletes) {
  for (int i = 0; i < 10; ++i) Put(Table::kOutbox, absl::StrCat("k", i), "v");
  WriteBatch batch;
  for (int i = 0; i < 10; i += 2)
    batch.Delete(Table::kOutbox, absl::StrCat("k", i));
  ASSERT_OK(store_->Write(batch));
  std::vector<std::string> got;
  for (const auto& kv : ScanAll(*store_, Table::kOutbox, "", "")) {
    got.push_back(kv.first);
  }
  EXPECT_THAT(got, ElementsAre("k1", "k3", "k5", "k7", "k9"));
}

// An events-table key: "v" + an 8-byte user prefix + a suffix.
std::string EventKey(absl::string_view prefix8, absl::string_view suffix) {
  EXPECT_EQ(prefix8.size(), 8u);
  return absl::StrCat("v", prefix8, suffix);
}

TEST_F(RocksDbStoreTest, EventScansWithinAndAcrossUserPrefixes) {
  const std::string a(8, 'a'), b(8, 'b'), c(8, 'c');
  // A prefix ending in 0xff, and the next prefix after it.
  const std::string ff = std::string(7, '\0') + "\xff";
  const std::string after_ff =
      std::string(6, '\0') + "\x01" + std::string(1, '\0');
  const std::vector<std::string> keys = {
      EventKey(ff, "x1"), EventKey(after_ff, "y1"), EventKey(a, "t1"),
      EventKey(a, "t2"),  EventKey(a, "t3"),        EventKey(b, "t1"),
      EventKey(c, "t1")};  // already in byte order
  for (const std::string& k : keys) Put(Table::kEvents, k, "v:" + k);

  struct Case {
    const char* name;
    std::string start, limit;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"one user's prefix",
       "v" + a,
       "v" + std::string(7, 'a') + "b",
       {keys[2], keys[3], keys[4]}},
      {"from inside one user's history",
       EventKey(a, "t2"),
       "v" + std::string(7, 'a') + "b",
       {keys[3], keys[4]}},
      {"up to a key of the same user",
       "v" + a,
       EventKey(a, "t3"),
       {keys[2], keys[3]}},
      {"across users", "v" + a, "v" + c, {keys[2], keys[3], keys[4], keys[5]}},
      {"to the end", "v" + b, "", {keys[5], keys[6]}},
      {"everything", "", "", keys},
      {"prefix ending in 0xff",
       "v" + ff,
       "v" + std::string(6, '\0') + "\x01",
       {keys[0]}},
      {"prefix ending in 0xff, limit inside the next",
       "v" + ff,
       EventKey(after_ff, "y2"),
       {keys[0], keys[1]}},
      {"a user with no events",
       "v" + std::string(8, 'B'),
       "v" + std::string(7, 'B') + "C",
       {}},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(t.name);
    std::vector<std::string> got;
    for (const auto& [k, v] :
         ScanAll(*store_, Table::kEvents, t.start, t.limit)) {
      EXPECT_EQ(v, "v:" + k);
      got.push_back(k);
    }
    EXPECT_EQ(got, t.want);
  }
}

// store.h promises byte-string keys in every table. The events table has a
// 9-byte prefix extractor; with a fixed (not capped) one, Debian's librocksdb
// aborted the process on a shorter key (Assertion `InDomain(src)`). Regression
// test, run in a child process so that an abort cannot take the suite down.
TEST(RocksDbStoreDeathTest, ShortEventKeysDoNotCrashTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  for (const std::string& key : {std::string("e1"), std::string(8, 'k')}) {
    SCOPED_TRACE(key);
    EXPECT_EXIT(
        {
          int code = 0;
          {
            TempDir dir;
            std::unique_ptr<Store> store = OpenOrDie(dir.path());
            WriteBatch batch;
            batch.Put(Table::kEvents, key, "v");
            const absl::Status put = store->Write(batch);
            if (!put.ok() && !absl::IsInvalidArgument(put)) code = 2;
            std::string value;
            const absl::Status get = store->Get(Table::kEvents, key, &value);
            if (put.ok() && (!get.ok() || value != "v")) code = 3;
          }
          std::_Exit(code);
        },
        ::testing::ExitedWithCode(0), "");
  }
}

// Expected totals of the concurrent counter test.
struct Expected {
  uint32_t attempts = 0, failures = 0, successes = 0;
};

void ExpectCounter(Store& store, const std::string& key, const Expected& want,
                   size_t distinct_failure_users) {
  std::string value;
  ASSERT_OK(store.Get(Table::kCounters, key, &value));
  CounterRecord record;
  ASSERT_TRUE(record.Decode(value));
  // Every operand lies in [kDay0, kDay0 + 1 h).
  const absl::Time now = absl::FromUnixSeconds(kDay0 + 3599);
  const CounterRecord::Totals short_totals =
      record.ShortWindow(now, absl::Hours(1));
  EXPECT_EQ(short_totals.attempts, want.attempts);
  EXPECT_EQ(short_totals.failures, want.failures);
  EXPECT_EQ(short_totals.successes, want.successes);
  const CounterRecord::Totals long_totals =
      record.LongWindow(now, absl::Hours(24));
  EXPECT_EQ(long_totals.attempts, want.attempts);
  EXPECT_EQ(long_totals.failures, want.failures);
  EXPECT_EQ(long_totals.successes, want.successes);
  EXPECT_EQ(record.short_ring.size(), 12u);
  EXPECT_EQ(record.long_ring.size(), 1u);
  // The sketch saturates long before this many users; it must be full.
  EXPECT_GE(short_totals.failure_users.Estimate(),
            std::min<double>(distinct_failure_users, 400));
}

TEST_F(RocksDbStoreTest, ConcurrentCounterMergesLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 600;
  const std::string key = internal::AsnCounterKey(3320);

  Expected want;
  for (int i = 0; i < kThreads; ++i) {
    for (int j = 0; j < kWritesPerThread; ++j) {
      const int ops = (j % 10 == 9) ? 3 : 1;  // some batches carry several
      for (int k = 0; k < ops; ++k) {
        switch ((i + j + k) % 3) {
          case 0:
            ++want.attempts;
            break;
          case 1:
            ++want.failures;
            break;
          case 2:
            ++want.successes;
            break;
        }
      }
    }
  }

  std::atomic<bool> writers_done{false};
  std::atomic<int> bad_reads{0};
  std::atomic<int> reads{0};
  // A reader forces full merges while operands keep arriving; every value it
  // sees must decode and totals must never go down.
  std::thread reader([&] {
    uint32_t last = 0;
    while (!writers_done.load()) {
      std::string value;
      absl::Status s = store_->Get(Table::kCounters, key, &value);
      if (absl::IsNotFound(s)) continue;
      CounterRecord record;
      if (!s.ok() || !record.Decode(value)) {
        bad_reads.fetch_add(1);
        continue;
      }
      const CounterRecord::Totals t = record.LongWindow(
          absl::FromUnixSeconds(kDay0 + 3599), absl::Hours(24));
      const uint32_t total = t.attempts + t.failures + t.successes;
      if (total < last) bad_reads.fetch_add(1);
      last = total;
      reads.fetch_add(1);
    }
  });
  std::vector<std::thread> writers;
  std::atomic<int> write_errors{0};
  for (int i = 0; i < kThreads; ++i) {
    writers.emplace_back([&, i] {
      for (int j = 0; j < kWritesPerThread; ++j) {
        WriteBatch batch;
        const int ops = (j % 10 == 9) ? 3 : 1;
        for (int k = 0; k < ops; ++k) {
          const auto kind = static_cast<CounterKind>((i + j + k) % 3);
          // Spread over the twelve 5-minute buckets of the hour.
          const int64_t t = kDay0 + (j % 12) * 300 + i * 10 + k;
          const uint64_t user = internal::StableHash(
              absl::StrCat("user-", i, "-", j, "-", k), 0x7573);
          batch.AddCounter(key,
                      EncodeCounterOperand(t, kind, user));
        }
        if (!store_->Write(batch).ok()) write_errors.fetch_add(1);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writers_done.store(true);
  reader.join();
  EXPECT_EQ(write_errors.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";

  ExpectCounter(*store_, key, want, want.failures);

  // The merged value survives a reopen exactly.
  store_.reset();
  store_ = OpenOrDie(dir_.path());
  ASSERT_NE(store_, nullptr);
  ExpectCounter(*store_, key, want, want.failures);
}

TEST_F(RocksDbStoreTest, CounterMergeOntoAnUnreadableValueStartsOver) {
  Put(Table::kCounters, "c", "not a counter record");
  WriteBatch batch;
  batch.AddCounter("c",
              EncodeCounterOperand(kDay0, CounterKind::kSuccess, 1));
  batch.AddCounter("c", "garbage operand");
  ASSERT_OK(store_->Write(batch));
  std::string value;
  ASSERT_OK(store_->Get(Table::kCounters, "c", &value));
  CounterRecord record;
  ASSERT_TRUE(record.Decode(value));
  const CounterRecord::Totals t =
      record.ShortWindow(absl::FromUnixSeconds(kDay0), absl::Hours(1));
  EXPECT_EQ(t.successes, 1u);
  EXPECT_EQ(t.attempts + t.failures, 0u);
}

TEST_F(RocksDbStoreTest, ReopenAfterCloseKeepsEveryTable) {
  for (Table t : kAllTables) {
    if (t == Table::kCounters) continue;
    Put(t, "persisted-key", absl::StrCat("persisted ", TableName(t)));
  }
  {
    WriteBatch batch;
    for (int i = 0; i < 20; ++i) {
      batch.AddCounter("c",
                  EncodeCounterOperand(kDay0 + i, CounterKind::kFailure, i));
    }
    batch.Delete(Table::kUsers, "persisted-key");
    batch.Put(Table::kUsers, "k2", "after delete");
    ASSERT_OK(store_->Write(batch));
  }
  store_.reset();

  // Reopen twice: the second open must see the first reopen's state too.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    for (Table t : kAllTables) {
      if (t == Table::kCounters || t == Table::kUsers) continue;
      EXPECT_EQ(GetOrStatus(t, "persisted-key"),
                absl::StrCat("persisted ", TableName(t)));
    }
    EXPECT_EQ(GetOrStatus(Table::kUsers, "persisted-key"), "<NotFound>");
    EXPECT_EQ(GetOrStatus(Table::kUsers, "k2"), "after delete");
    CounterRecord record;
    ASSERT_TRUE(record.Decode(GetOrStatus(Table::kCounters, "c")));
    EXPECT_EQ(
        record.ShortWindow(absl::FromUnixSeconds(kDay0 + 60), absl::Hours(1))
            .failures,
        20u);
    store_.reset();
  }
}

TEST(RocksDbOpenTest, EmptyPathIsRefused) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore({});
  EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("data_dir"));
}

// A memtable smaller than the hashed memtables' bucket arrays made RocksDB
// abort the process (an assertion in MemTable's constructor) at open: vigild
// with [storage] write_buffer_mb = 1 died. Now it is a clear error.
TEST(RocksDbOpenTest, TooSmallWriteBufferIsRefusedNotAnAbort) {
  TempDir dir;
  RocksDbOptions options;
  options.path = dir.path() + "/db";
  options.write_buffer_bytes = 1 << 20;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("write_buffer_bytes: must be at least 4 MiB"));
}

// The smallest memtable allowed works through many memtable switches of the
// hashed tables (each new memtable reserves its buckets again).
TEST(RocksDbOpenTest, SmallestWriteBufferWorksThroughFlushes) {
  TempDir dir;
  RocksDbOptions options;
  options.path = dir.path() + "/db";
  options.write_buffer_bytes = kMinWriteBufferBytes;
  options.block_cache_bytes = 8 << 20;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, OpenRocksDbStore(options));
  const std::string value(1024, 'v');
  constexpr int kKeys = 12000;  // 12 MiB per table: several memtables
  for (int i = 0; i < kKeys; i += 100) {
    WriteBatch batch;
    for (int j = i; j < i + 100; ++j) {
      const std::string key = absl::StrCat("key-", j);
      batch.Put(Table::kUsers, key, value);
      batch.Put(Table::kEvents, absl::StrCat("v0123456", key), value);
      batch.Put(Table::kChallenges, key, value);
    }
    ASSERT_OK(store->Write(batch));
  }
  for (int i : {0, kKeys / 2, kKeys - 1}) {
    std::string got;
    ASSERT_OK(store->Get(Table::kUsers, absl::StrCat("key-", i), &got));
    EXPECT_EQ(got, value);
    ASSERT_OK(store->Get(Table::kChallenges, absl::StrCat("key-", i), &got));
    EXPECT_EQ(got, value);
  }
  EXPECT_EQ(ScanAll(*store, Table::kEvents, "v0123456", "v0123457").size(),
            static_cast<size_t>(kKeys));
}

TEST(RocksDbOpenTest, CreatesAMissingFolder) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  ASSERT_FALSE(std::filesystem::exists(path));
  RocksDbOptions options;
  options.path = path;
  options.sync = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, OpenRocksDbStore(options));
  EXPECT_TRUE(std::filesystem::is_directory(path));
  WriteBatch batch;
  batch.Put(Table::kMeta, "k", "v");
  EXPECT_OK(store->Write(batch));
}

// A database of the first on-disk version (before Table::kPasskeys): a
// read-only open says to upgrade it; a read-write open adds the table and
// keeps everything; afterwards a read-only open works too.
TEST(RocksDbOpenTest, ADatabaseOfTheFirstVersionGetsTheTablesAddedSince) {
  TempDir dir;
  {
    rocksdb::DBOptions db_options;
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
    for (int i = 0; i < kFirstVersionTableCount; ++i) {
      families.emplace_back(std::string(TableName(static_cast<Table>(i))),
                            rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(db_options, dir.path(), families, &handles, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], "u", "1").ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    }
    delete db;
  }
  RocksDbOptions reader;
  reader.path = dir.path();
  reader.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> early = OpenRocksDbStore(reader);
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(early.status())) << early.status();
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("passkeys"));

  std::unique_ptr<Store> store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  std::string value;
  ASSERT_OK(store->Get(Table::kUsers, "u", &value));
  EXPECT_EQ(value, "1");
  WriteBatch batch;
  batch.Put(Table::kPasskeys, "k", "v");
  ASSERT_OK(store->Write(batch));
  absl::StatusOr<std::unique_ptr<Store>> later = OpenRocksDbStore(reader);
  ASSERT_OK(later.status());
  ASSERT_OK((*later)->Get(Table::kPasskeys, "k", &value));
  EXPECT_EQ(value, "v");
}

TEST(RocksDbOpenTest, AFolderThatIsARegularFileIsAClearError) {
  TempDir dir;
  const std::string path = dir.path() + "/not-a-folder";
  testing::WriteFileOrDie(path, "I am a file\n");
  RocksDbOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("data_dir"));
  // The file is untouched.
  EXPECT_EQ(testing::ReadFileOrDie(path), "I am a file\n");
}

TEST(RocksDbOpenTest, ASecondOpenOfAnOpenFolderIsAClearErrorUntilClosed) {
  TempDir dir;
  std::unique_ptr<Store> first = OpenOrDie(dir.path());
  ASSERT_NE(first, nullptr);
  WriteBatch batch;
  batch.Put(Table::kUsers, "u", "1");
  ASSERT_OK(first->Write(batch));

  RocksDbOptions options;
  options.path = dir.path();
  absl::StatusOr<std::unique_ptr<Store>> second = OpenRocksDbStore(options);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsUnavailable(second.status())) << second.status();
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(dir.path()));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("LOCK"));

  // The failed open did not disturb the first.
  std::string value;
  ASSERT_OK(first->Get(Table::kUsers, "u", &value));
  EXPECT_EQ(value, "1");

  first.reset();
  std::unique_ptr<Store> again = OpenOrDie(dir.path());
  ASSERT_NE(again, nullptr);
  ASSERT_OK(again->Get(Table::kUsers, "u", &value));
  EXPECT_EQ(value, "1");
}

TEST(RocksDbOpenTest, AnotherRocksDbDatabaseIsRefusedAndLeftAlone) {
  struct Case {
    const char* name;
    std::vector<std::string> column_families;  // besides "default"
  };
  const std::vector<Case> cases = {
      {"only the default column family", {}},
      {"a column family vigil does not know", {"orders"}},
      {"some of vigil's but not all", {"users", "events"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    {
      rocksdb::Options options;
      options.create_if_missing = true;
      rocksdb::DB* db = nullptr;
      ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &db).ok());
      for (const std::string& name : c.column_families) {
        rocksdb::ColumnFamilyHandle* cf = nullptr;
        ASSERT_TRUE(
            db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &cf)
                .ok());
        ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, "k", "v").ok());
        ASSERT_TRUE(db->DestroyColumnFamilyHandle(cf).ok());
      }
      ASSERT_TRUE(db->Close().ok());
      delete db;
    }
    RocksDbOptions options;
    options.path = dir.path();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    EXPECT_THAT(std::string(store.status().message()), HasSubstr(dir.path()));
    EXPECT_THAT(std::string(store.status().message()),
                HasSubstr("not a vigil database"));
    // Nothing was added to the foreign database.
    std::vector<std::string> families;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir.path(), &families)
                    .ok());
    EXPECT_EQ(families.size(), 1 + c.column_families.size());
  }
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// Group commit: with manual_log_flush a write survives the process being
// killed only once FlushLog has run; HasUnflushedWrites says when one is due.
TEST(RocksDbManualLogFlushTest, FlushLogIsWhatMakesAWriteSurviveSigkill) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/db";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes, flushes, writes again, and is killed.
    RocksDbOptions options;
    options.path = path;
    options.manual_log_flush = true;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
    if (!store.ok()) _exit(2);
    if ((*store)->HasUnflushedWrites()) _exit(3);
    WriteBatch a;
    a.Put(Table::kEvents, "flushed", "1");
    if (!(*store)->Write(a).ok() || !(*store)->HasUnflushedWrites()) _exit(4);
    if (!(*store)->FlushLog().ok() || (*store)->HasUnflushedWrites()) _exit(5);
    WriteBatch b;
    b.Put(Table::kEvents, "not-flushed", "2");
    if (!(*store)->Write(b).ok() || !(*store)->HasUnflushedWrites()) _exit(6);
    raise(SIGKILL);
    _exit(7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  RocksDbOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::string value;
  ASSERT_OK((*store)->Get(Table::kEvents, "flushed", &value));
  EXPECT_EQ(value, "1");
  EXPECT_TRUE(absl::IsNotFound((*store)->Get(Table::kEvents, "not-flushed", &value)));
  // Without manual_log_flush there is nothing to flush.
  EXPECT_FALSE((*store)->HasUnflushedWrites());
  WriteBatch c;
  c.Put(Table::kEvents, "k", "v");
  ASSERT_OK((*store)->Write(c));
  EXPECT_FALSE((*store)->HasUnflushedWrites());
  EXPECT_OK((*store)->FlushLog());
}

// A storage error that reaches callers (and from them HTTP clients) names no
// file: RocksDB's message for a corrupt table file carries its path.
TEST(RocksDbErrorTest, ACorruptTableFileIsDataLossWithoutAPath) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  const std::string value(4000, 'v');
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    WriteBatch batch;
    for (int i = 0; i < 100; ++i)
      batch.Put(Table::kUsers, absl::StrCat("u", i), value);
    ASSERT_OK(store->Write(batch));
    ASSERT_OK(store->bulk_loading()->Flush(Table::kUsers));
  }
  // Overwrite the first data block of the table file.
  int corrupted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() != ".sst") continue;
    FILE* f = std::fopen(entry.path().c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    const std::string garbage(64, '\x5a');
    std::fseek(f, 16, SEEK_SET);
    std::fwrite(garbage.data(), 1, garbage.size(), f);
    std::fclose(f);
    ++corrupted;
  }
  ASSERT_EQ(corrupted, 1);
  std::unique_ptr<Store> store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  std::string got;
  const absl::Status s = store->Get(Table::kUsers, "u0", &got);
  ASSERT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("data corrupted"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("/")));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr(".sst")));
}

}  // namespace
}  // namespace vigil
