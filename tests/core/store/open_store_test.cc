// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// OpenStore: which backend a store URL names, and the URLs it refuses.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

absl::Status OpenStatus(const std::string& url,
                        const StoreOptions& options = {}) {
  return OpenStore(url, options).status();
}

void ExpectRefused(const std::string& url, const std::string& says,
                   const StoreOptions& options = {}) {
  SCOPED_TRACE(url);
  absl::Status s = OpenStatus(url, options);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(says));
}

TEST(OpenStoreTest, MemoryOpensAnEmptyStore) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore("memory:", {});
  ASSERT_TRUE(store.ok()) << store.status();
  std::string value;
  EXPECT_TRUE(absl::IsNotFound((*store)->Get(Table::kUsers, "a", &value)));
  WriteBatch b;
  b.Put(Table::kUsers, "a", "1");
  ASSERT_OK((*store)->Write(b));
  ASSERT_OK((*store)->Get(Table::kUsers, "a", &value));
  EXPECT_EQ(value, "1");
  EXPECT_EQ((*store)->bulk_loading(), nullptr);
  // Each one is its own store.
  absl::StatusOr<std::unique_ptr<Store>> other = OpenStore("memory:", {});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(absl::IsNotFound((*other)->Get(Table::kUsers, "a", &value)));
}

TEST(OpenStoreTest, RocksDbOpensTheFolder) {
  TempDir dir;
  const std::string url = RocksDbStoreUrl(dir.path() + "/db");
  EXPECT_EQ(url, "rocksdb:" + dir.path() + "/db");
  {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(url, {});
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_NE((*store)->bulk_loading(), nullptr);
    WriteBatch b;
    b.Put(Table::kMeta, "k", "v");
    ASSERT_OK((*store)->Write(b));
  }
  // Read-only beside nobody: sees what was written.
  StoreOptions read_only;
  read_only.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> reader = OpenStore(url, read_only);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::string value;
  ASSERT_OK((*reader)->Get(Table::kMeta, "k", &value));
  EXPECT_EQ(value, "v");
  WriteBatch b;
  b.Put(Table::kMeta, "k", "w");
  EXPECT_TRUE(absl::IsFailedPrecondition((*reader)->Write(b)));
}

TEST(OpenStoreTest, RocksDbUrlWithAColonInThePath) {
  TempDir dir;
  const std::string url = RocksDbStoreUrl(dir.path() + "/a:b");
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(url, {});
  ASSERT_TRUE(store.ok()) << store.status();
}

TEST(OpenStoreTest, RefusesWhatIsNotAStoreUrl) {
  ExpectRefused("rocksdb:", "no folder");
  ExpectRefused("memory:/var/lib/vigil", "memory: takes nothing");
  ExpectRefused("postgres://localhost:5432/vigil", "unknown scheme \"postgres:\"");
  // redis:// is known; a malformed one is refused by its own parser.
  ExpectRefused("redis://x", "is not host:port");
  ExpectRefused("Memory:", "unknown scheme \"Memory:\"");
  ExpectRefused("rocksdb", "no scheme");
  ExpectRefused("", "no scheme");
  // A bare path is not a URL, not even one with a colon in it.
  ExpectRefused("/var/lib/vigil", "no scheme");
  ExpectRefused("/var/lib/a:b", "no scheme");
  ExpectRefused("./db", "no scheme");
  ExpectRefused(":memory", "no scheme");
  // Every refusal lists the known schemes.
  for (const std::string url : {"", "/var/lib/vigil", "postgres://x"}) {
    const std::string message(OpenStatus(url).message());
    EXPECT_THAT(message, HasSubstr("rocksdb:")) << url;
    EXPECT_THAT(message, HasSubstr("memory:")) << url;
    EXPECT_THAT(message, HasSubstr("redis://")) << url;
  }
}

TEST(OpenStoreTest, RefusesReadOnlyMemory) {
  StoreOptions o;
  o.read_only = true;
  ExpectRefused("memory:", "read-only", o);
}

TEST(OpenStoreTest, RefusesANegativeRetention) {
  StoreOptions o;
  o.event_retention = -absl::Hours(1);
  ExpectRefused("memory:", "event_retention", o);
  TempDir dir;
  ExpectRefused(RocksDbStoreUrl(dir.path() + "/db"), "event_retention", o);
}

TEST(OpenStoreTest, RocksDbRefusesANegativeRetentionRule) {
  TempDir dir;
  RocksDbOptions o;
  o.path = dir.path() + "/db";
  o.retention = {EventRetention(-absl::Hours(1))};
  absl::Status s = OpenRocksDbStore(o).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("events"));
}

}  // namespace
}  // namespace vigil
