// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Redis Cluster store: the store port's conformance suite against the
// real local cluster (redis_test_cluster.h), and what is particular to it:
// its URL, batches over partitions, keys spread over the primaries.

#include "store/redis/redis_store.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/redis/redis_test_cluster.h"
#include "core/store/store_conformance.h"
#include "gtest/gtest.h"
#include "store/counter_record.h"
#include "store/partitions.h"
#include "store/redis/hash_slot.h"
#include "vigil/store.h"

namespace vigil {

std::string ClusterUrl() {
  return absl::StrCat("redis://", redis_testing::NodeAddress(0), ",",
                      redis_testing::NodeAddress(1));
}

namespace conformance {
namespace {

INSTANTIATE_TEST_SUITE_P(Redis, StoreConformanceTest,
                         ::testing::Values(ClusterUrl()), BackendName);

}  // namespace
}  // namespace conformance

namespace {

TEST(RedisStoreUrlTest, ParsesSeedsAndNamespace) {
  internal::RedisStoreOptions o;
  ASSERT_TRUE(internal::ParseRedisStoreUrl(
                  "redis://127.0.0.1:7100,127.0.0.1:7101/pool-1", &o)
                  .ok());
  EXPECT_EQ(o.cluster.seeds,
            (std::vector<std::string>{"127.0.0.1:7100", "127.0.0.1:7101"}));
  EXPECT_EQ(o.name_space, "pool-1");
  internal::RedisStoreOptions d;
  ASSERT_TRUE(internal::ParseRedisStoreUrl("redis://127.0.0.1:7100", &d).ok());
  EXPECT_EQ(d.name_space, "vigil");
  for (const char* bad :
       {"redis://", "redis://127.0.0.1", "redis://127.0.0.1:0",
        "redis://127.0.0.1:7100/", "redis://127.0.0.1:7100/a{b}",
        "redis://127.0.0.1:7100/a b", "redis:127.0.0.1:7100",
        "redis://:7100"}) {
    internal::RedisStoreOptions x;
    absl::Status s = internal::ParseRedisStoreUrl(bad, &x);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad << ": " << s;
  }
  // Through OpenStore, with the scheme's help in the message.
  absl::StatusOr<std::unique_ptr<Store>> s =
      OpenStore("redis://127.0.0.1", StoreOptions());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(s.status())) << s.status();
}

TEST(RedisStoreOpenTest, NoSeedAnswers) {
  absl::StatusOr<std::unique_ptr<Store>> s = OpenStore(
      absl::StrCat("redis://", redis_testing::DeadAddress()), StoreOptions());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsUnavailable(s.status())) << s.status();
}

class RedisStoreTest : public redis_testing::RedisClusterTest {
 protected:
  void SetUp() override {
    redis_testing::RedisClusterTest::SetUp();
    url_ = absl::StrCat(ClusterUrl(), "/",
                        redis_testing::UniqueKey("t").substr(2));
    absl::StatusOr<std::unique_ptr<Store>> s = OpenStore(url_, StoreOptions());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  std::string url_;
  std::unique_ptr<Store> store_;
};

// One counter (one IP's attempts) added to by several processes at once,
// each with several threads, as a fleet under a burst from one address
// does: every addition counts and none fails (the conformance suite's
// threads share one store; these do not).
TEST_F(RedisStoreTest, OneCounterAddedToByManyProcessesAllCount) {
  constexpr int kProcesses = 4;
  constexpr int kThreads = 6;
  constexpr int kAdds = 150;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kProcesses; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> s = OpenStore(url_, StoreOptions());
    ASSERT_TRUE(s.ok()) << s.status();
    stores.push_back(*std::move(s));
  }
  const int64_t t = absl::ToUnixSeconds(absl::Now());
  std::atomic<int> errors{0};
  std::vector<std::thread> pool;
  for (int p = 0; p < kProcesses; ++p) {
    for (int i = 0; i < kThreads; ++i) {
      pool.emplace_back([&, p, i] {
        for (int j = 0; j < kAdds; ++j) {
          WriteBatch b;
          b.AddCounter("ip", internal::EncodeCounterOperand(
                                 t, internal::CounterKind::kAttempt,
                                 (p << 16) | (i << 8) | j));
          if (absl::Status s = stores[p]->Write(b); !s.ok()) {
            if (errors.fetch_add(1) == 0) ADD_FAILURE() << s;
          }
        }
      });
    }
  }
  for (std::thread& th : pool) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::string value;
  ASSERT_TRUE(store_->Get(Table::kCounters, "ip", &value).ok());
  internal::CounterRecord record;
  ASSERT_TRUE(record.Decode(value));
  EXPECT_EQ(
      record.ShortWindow(absl::FromUnixSeconds(t + 1), absl::Hours(1)).attempts,
      static_cast<uint32_t>(kProcesses * kThreads * kAdds));
}

// A batch over many users' partitions, on every primary: all applied, and
// the users really are spread over the three primaries.
TEST_F(RedisStoreTest, BatchOverPartitionsOnEveryPrimary) {
  EXPECT_FALSE(store_->atomic_batches());
  EXPECT_FALSE(store_->ordered_scans());
  WriteBatch b;
  std::set<uint16_t> slots;
  for (int i = 0; i < 60; ++i) {
    const std::string user = absl::StrCat("user", i);
    b.Put(Table::kUsers, user, "profile " + user);
    b.Put(Table::kTotp, user, "totp " + user);
    slots.insert(internal::RedisHashSlot(
        absl::StrCat("{", internal::UserPartition(user), "}")));
  }
  b.Put(Table::kOutbox, "m1", "message");
  ASSERT_TRUE(store_->Write(b).ok());
  for (int i = 0; i < 60; ++i) {
    const std::string user = absl::StrCat("user", i);
    std::string v;
    ASSERT_TRUE(store_->Get(Table::kUsers, user, &v).ok());
    EXPECT_EQ(v, "profile " + user);
    ASSERT_TRUE(store_->Get(Table::kTotp, user, &v).ok());
    EXPECT_EQ(v, "totp " + user);
  }
  // 60 partitions' slots fall on all three primaries (16384 / 3 each).
  std::set<int> thirds;
  for (uint16_t s : slots) thirds.insert(s * 3 / 16384);
  EXPECT_EQ(thirds.size(), 3u);
}

// A condition in one partition with changes in others: if it fails,
// nothing is applied anywhere.
TEST_F(RedisStoreTest, FailedConditionAppliesNoPartition) {
  WriteBatch seed;
  seed.Put(Table::kUsers, "alice", "v1");
  ASSERT_TRUE(store_->Write(seed).ok());
  WriteBatch b;
  b.Put(Table::kUsers, "bob", "new");
  b.Put(Table::kOutbox, "m", "x");
  b.Expect(Table::kUsers, "alice", "v0");
  b.Put(Table::kUsers, "alice", "v2");
  EXPECT_TRUE(absl::IsAborted(store_->Write(b)));
  std::string v;
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Table::kUsers, "bob", &v)));
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Table::kOutbox, "m", &v)));
  ASSERT_TRUE(store_->Get(Table::kUsers, "alice", &v).ok());
  EXPECT_EQ(v, "v1");
}

}  // namespace
}  // namespace vigil
