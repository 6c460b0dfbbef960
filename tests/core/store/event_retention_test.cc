// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Retention of the event history: the RocksDB store drops events older than
// RocksDbOptions::retention (EventRetention) when compaction reaches them,
// measured on the injected clock.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/bulk.h"
#include "store/event_record.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using ::vigil::testing::TempDir;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // 2026-01-01

class EventRetentionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(absl::Duration retention) {
    RocksDbOptions o;
    o.path = dir_.path() + "/db";
    o.retention = {EventRetention(retention)};
    o.clock = &clock_;
    absl::StatusOr<std::unique_ptr<Store>> s = OpenRocksDbStore(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Writes an event of `user` at `t`; returns its key.
  std::string PutEvent(Store* store, const std::string& user, absl::Time t) {
    absl::StatusOr<std::string> id =
        internal::NewEventId(user, absl::ToUnixNanos(t));
    EXPECT_TRUE(id.ok());
    std::string key;
    EXPECT_TRUE(internal::EventKey(*id, &key));
    WriteBatch b;
    b.Put(Table::kEvents, key, "event");
    EXPECT_OK(store->Write(b));
    return key;
  }

  bool Has(Store* store, const std::string& key) {
    std::string v;
    return store->Get(Table::kEvents, key, &v).ok();
  }

  TempDir dir_;
  SimulatedClock clock_{kStart};
};

TEST_F(EventRetentionTest, CompactionDropsEventsOlderThanRetention) {
  std::unique_ptr<Store> store = Open(absl::Hours(24 * 730));
  ASSERT_NE(store, nullptr);
  const std::string old1 =
      PutEvent(store.get(), "alice", kStart - absl::Hours(24 * 800));
  const std::string old2 =
      PutEvent(store.get(), "bob", kStart - absl::Hours(24 * 731));
  const std::string young =
      PutEvent(store.get(), "alice", kStart - absl::Hours(24 * 729));
  const std::string now = PutEvent(store.get(), "bob", kStart);
  WriteBatch other;  // not an event key: never dropped by retention
  other.Put(Table::kEvents, "x-not-an-event", "v");
  other.Put(Table::kUsers, "alice", "profile");
  ASSERT_OK(store->Write(other));
  ASSERT_OK(internal::FlushTable(store.get(), Table::kEvents));
  ASSERT_OK(internal::CompactTable(store.get(), Table::kEvents));
  EXPECT_FALSE(Has(store.get(), old1));
  EXPECT_FALSE(Has(store.get(), old2));
  EXPECT_TRUE(Has(store.get(), young));
  EXPECT_TRUE(Has(store.get(), now));
  std::string v;
  EXPECT_OK(store->Get(Table::kEvents, "x-not-an-event", &v));
  EXPECT_OK(store->Get(Table::kUsers, "alice", &v));

  // Time passes (on the injected clock): the young one expires too.
  clock_.Advance(absl::Hours(24 * 2));
  ASSERT_OK(internal::CompactTable(store.get(), Table::kEvents));
  EXPECT_FALSE(Has(store.get(), young));
  EXPECT_TRUE(Has(store.get(), now));
}

TEST_F(EventRetentionTest, ZeroKeepsEverything) {
  std::unique_ptr<Store> store = Open(absl::ZeroDuration());
  const std::string ancient =
      PutEvent(store.get(), "alice", absl::FromUnixSeconds(1));
  ASSERT_OK(internal::FlushTable(store.get(), Table::kEvents));
  ASSERT_OK(internal::CompactTable(store.get(), Table::kEvents));
  EXPECT_TRUE(Has(store.get(), ancient));
}

TEST_F(EventRetentionTest, NegativeRetentionIsRefused) {
  RocksDbOptions o;
  o.path = dir_.path() + "/db";
  o.retention = {EventRetention(-absl::Hours(1))};
  absl::StatusOr<std::unique_ptr<Store>> s = OpenRocksDbStore(o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EventKeyTimeTest, ReadsTheTimeOfAnEventKey) {
  const absl::Time t = absl::FromUnixNanos(1767225600123456789);
  absl::StatusOr<std::string> id =
      internal::NewEventId("u", absl::ToUnixNanos(t));
  ASSERT_OK(id);
  std::string key;
  ASSERT_TRUE(internal::EventKey(*id, &key));
  absl::Time got;
  ASSERT_TRUE(internal::EventKeyTime(key, &got));
  EXPECT_EQ(got, t);
  EXPECT_FALSE(internal::EventKeyTime("v123", &got));
  EXPECT_FALSE(internal::EventKeyTime("x" + key.substr(1), &got));
}

}  // namespace
}  // namespace vigil
