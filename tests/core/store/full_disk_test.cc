// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The RocksDB store on a full disk (a small tmpfs; the tests skip unless run
// as root): the first failed write marks the store failed, later writes are
// refused at once with an error that names no file, reads go on, and writes
// are accepted again once space comes back, with every write flushed before
// the failure still there. Opening a store on a full disk fails cleanly.
// Before these fixes RocksDB's own LOG writer aborted the process (an
// assertion in Debian's build) on the first full-disk error.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/small_tmpfs.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using testing::SmallTmpfs;

constexpr int kDiskMb = 24;

RocksDbOptions Options(const std::string& path) {
  RocksDbOptions o;
  o.path = path;
  o.manual_log_flush = true;  // as vigild runs it
  o.write_buffer_bytes = kMinWriteBufferBytes;
  o.block_cache_bytes = 1 << 20;
  o.recovery_interval = absl::Milliseconds(100);
  return o;
}

std::string Key(int i) { return absl::StrCat("key", i); }
const std::string& Value() {
  static const std::string v(1000, 'v');
  return v;
}

absl::Status WriteAndFlush(Store& store, int i) {
  WriteBatch batch;
  batch.Put(Table::kEvents, Key(i), Value());
  if (absl::Status s = store.Write(batch); !s.ok()) return s;
  return store.FlushLog();
}

// No file path, and not the folder either.
void ExpectNoPath(const absl::Status& s, const std::string& folder) {
  EXPECT_FALSE(absl::StrContains(s.message(), "/")) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), folder)) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), ".log")) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), ".sst")) << s;
}

TEST(FullDiskTest, StoreRefusesWritesWhileFullAndAcceptsThemWhenSpaceReturns) {
  absl::StatusOr<std::unique_ptr<SmallTmpfs>> disk = SmallTmpfs::Mount(kDiskMb);
  if (!disk.ok()) GTEST_SKIP() << disk.status().message();
  const std::string folder = (*disk)->path() + "/db";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store,
                       OpenRocksDbStore(Options(folder)));

  // Durable writes before the disk fills up.
  int written = 0;
  for (; written < 200; ++written) ASSERT_OK(WriteAndFlush(*store, written));
  ASSERT_OK((*disk)->Fill());

  // Writes fail once the log no longer fits (bounded: 20 MiB of writes).
  absl::Status failed;
  for (int i = 0; i < 20000 && failed.ok(); ++i) {
    failed = WriteAndFlush(*store, written + i);
  }
  ASSERT_FALSE(failed.ok()) << "the disk never ran full";
  EXPECT_TRUE(absl::IsUnavailable(failed)) << failed;
  ExpectNoPath(failed, folder);
  ASSERT_TRUE(store->WritesFailing());
  const uint64_t failure = store->FailureGeneration();

  // Refused at once, without touching the log, and still naming no file.
  WriteBatch batch;
  batch.Put(Table::kUsers, "after", "x");
  absl::Status refused = store->Write(batch);
  EXPECT_TRUE(absl::IsUnavailable(refused)) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "no space left")) << refused;
  ExpectNoPath(refused, folder);
  ASSERT_NE(store->bulk_loading(), nullptr);
  EXPECT_TRUE(absl::IsUnavailable(store->bulk_loading()->WriteBulk(batch)));
  absl::Status flush = store->FlushLog();
  EXPECT_TRUE(absl::IsUnavailable(flush)) << flush;
  ExpectNoPath(flush, folder);

  // Reads still work.
  std::string value;
  ASSERT_OK(store->Get(Table::kEvents, Key(0), &value));
  EXPECT_EQ(value, Value());
  ASSERT_OK(store->Get(Table::kEvents, Key(written - 1), &value));

  // Space comes back: the store accepts writes again by itself (RocksDB
  // checks for room every 5 s).
  (*disk)->Unfill();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (store->WritesFailing() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_FALSE(store->WritesFailing()) << "no recovery within 30 s";
  EXPECT_EQ(store->FailureGeneration(), failure + 1);
  ASSERT_OK(WriteAndFlush(*store, 100000));

  // Everything flushed before the failure survives a reopen, and so does
  // the write after the recovery.
  store.reset();
  ASSERT_OK_AND_ASSIGN(store, OpenRocksDbStore(Options(folder)));
  for (int i = 0; i < written; ++i) {
    ASSERT_TRUE(store->Get(Table::kEvents, Key(i), &value).ok()) << i;
  }
  ASSERT_OK(store->Get(Table::kEvents, Key(100000), &value));
  EXPECT_FALSE(store->WritesFailing());
}

TEST(FullDiskTest, OpeningOnAFullDiskFailsWithAClearErrorInsteadOfAborting) {
  absl::StatusOr<std::unique_ptr<SmallTmpfs>> disk = SmallTmpfs::Mount(kDiskMb);
  if (!disk.ok()) GTEST_SKIP() << disk.status().message();
  const std::string folder = (*disk)->path() + "/db";
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store,
                         OpenRocksDbStore(Options(folder)));
    for (int i = 0; i < 100; ++i) ASSERT_OK(WriteAndFlush(*store, i));
  }
  ASSERT_OK((*disk)->Fill());
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenRocksDbStore(Options(folder));
  ASSERT_FALSE(store.ok()) << "opened on a full disk";
  EXPECT_TRUE(absl::IsUnavailable(store.status())) << store.status();
  // For the operator: which folder, and why.
  EXPECT_TRUE(absl::StrContains(store.status().message(), folder));
  EXPECT_TRUE(absl::StrContains(store.status().message(),
                                "no space left on the data volume"))
      << store.status();

  // With the space back it opens, with everything written before.
  (*disk)->Unfill();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reopened,
                       OpenRocksDbStore(Options(folder)));
  std::string value;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(reopened->Get(Table::kEvents, Key(i), &value).ok()) << i;
  }
}

}  // namespace
}  // namespace vigil
