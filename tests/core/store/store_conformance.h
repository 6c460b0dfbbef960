// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The store port's conformance suite: every backend, opened by its URL,
// must pass each case with exactly these results (see vigil/store.h). The
// cases are in store_conformance.cc; a test binary instantiates them for its
// backends with a parameter: "rocksdb" (a temporary folder), "memory", or a
// "redis://HOST:PORT,..." cluster (a fresh namespace per case).

#ifndef VIGIL_TESTS_CORE_STORE_STORE_CONFORMANCE_H_
#define VIGIL_TESTS_CORE_STORE_STORE_CONFORMANCE_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/random.h"
#include "gtest/gtest.h"
#include "store/bulk.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/partitions.h"
#include "testing/test_util.h"
#include "vigil/clock.h"
#include "vigil/store.h"

namespace vigil::conformance {

using internal::CounterKind;
using internal::CounterRecord;
using internal::EncodeCounterOperand;
using testing::TempDir;

inline const absl::Time kStart =
    absl::FromUnixSeconds(1767225600);  // 2026-01-01
inline constexpr absl::Duration kRetention = absl::Hours(24 * 30);

class StoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "rocksdb") {
      dir_ = std::make_unique<TempDir>();
      url = RocksDbStoreUrl(dir_->path() + "/db");
    } else if (absl::StartsWith(GetParam(), "redis://")) {
      // A namespace of its own: each case starts from an empty store.
      absl::StatusOr<std::string> ns = internal::RandomHex(8);
      ASSERT_TRUE(ns.ok());
      url = absl::StrCat(GetParam(), "/conformance-", *ns);
    } else {
      url = GetParam() + ":";
    }
    StoreOptions options;
    options.clock = &clock_;
    options.event_retention = kRetention;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(url, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();  // before its folder goes
    dir_.reset();
  }

  void Put(Table table, const std::string& key, const std::string& value) {
    WriteBatch b;
    b.Put(table, key, value);
    ASSERT_OK(store_->Write(b));
  }
  // The value, or "<NotFound>" / the error.
  std::string Read(Table table, const std::string& key) {
    std::string value;
    absl::Status s = store_->Get(table, key, &value);
    if (absl::IsNotFound(s)) return "<NotFound>";
    if (!s.ok()) return s.ToString();
    return value;
  }
  std::optional<std::string> ReadOptional(Table table, const std::string& key) {
    std::string value;
    absl::Status s = store_->Get(table, key, &value);
    EXPECT_TRUE(s.ok() || absl::IsNotFound(s)) << s;
    if (!s.ok()) return std::nullopt;
    return value;
  }
  std::vector<std::pair<std::string, std::string>> ScanAll(
      Table table, absl::string_view start, absl::string_view limit) {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<StoreIterator> it = store_->Scan(table, start, limit);
    for (; it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    EXPECT_OK(it->status());
    return out;
  }
  std::string EventKeyAt(const std::string& user, absl::Time t) {
    absl::StatusOr<std::string> id =
        internal::NewEventId(user, absl::ToUnixNanos(t));
    EXPECT_TRUE(id.ok()) << id.status();
    std::string key;
    EXPECT_TRUE(internal::EventKey(*id, &key));
    return key;
  }
  CounterRecord Counter(const std::string& key) {
    CounterRecord record;
    const std::string value = Read(Table::kCounters, key);
    EXPECT_TRUE(record.Decode(value)) << value;
    return record;
  }

  std::unique_ptr<TempDir> dir_;
  SimulatedClock clock_{kStart};
  std::unique_ptr<Store> store_;
};

// The test name of a parameter: "rocksdb", "memory", "redis".
std::string BackendName(const ::testing::TestParamInfo<std::string>& info);

}  // namespace vigil::conformance

#endif  // VIGIL_TESTS_CORE_STORE_STORE_CONFORMANCE_H_
