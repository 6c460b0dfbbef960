// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ReadHistory on a real engine's RocksDB, opened read-only beside it.

#include "vigil/history.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using testing::EngineFixture;
using testing::kChromeWindows;
using testing::kFirefoxLinux;
using testing::kLondon;
using testing::kMelbourne;

std::unique_ptr<Store> OpenReader(const std::string& dir) {
  RocksDbOptions o;
  o.path = dir;
  o.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> s = OpenRocksDbStore(o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

// Every event of `query` read page by page with `limit`.
std::vector<HistoryEvent> ReadAll(Store* store, HistoryQuery query, int limit) {
  query.limit = limit;
  std::vector<HistoryEvent> all;
  for (int pages = 0; pages < 100; ++pages) {
    absl::StatusOr<HistoryPage> page = ReadHistory(store, query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    EXPECT_LE(page->events.size(), static_cast<size_t>(limit));
    for (HistoryEvent& e : page->events) all.push_back(std::move(e));
    if (page->next_cursor.empty()) break;
    EXPECT_EQ(page->events.size(), static_cast<size_t>(limit));
    query.cursor = page->next_cursor;
  }
  return all;
}

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Three users interleaved in time; a device key with a fingerprint, a
    // fingerprint alone, a user agent alone.
    for (int i = 0; i < 12; ++i) {
      const std::string user = absl::StrCat("user-", i % 3);
      Attempt a = engine_.MakeAttempt(user, i == 7 ? kMelbourne : kLondon,
                                      i % 2 ? kFirefoxLinux : kChromeWindows,
                                      "", Outcome::kSuccess);
      a.password_sha1 = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
      if (i % 3 == 0) {
        a.device_key = absl::StrCat("key-", i % 2);
        a.device_fingerprint = "fp-shared";
      } else if (i % 3 == 1) {
        a.device_fingerprint = "fp-shared";
      }
      decisions_.push_back(engine_.Evaluate(a));
      times_.push_back(engine_.clock().Now());
      engine_.clock().Advance(absl::Minutes(10));
    }
  }

  EngineFixture engine_;
  std::vector<Decision> decisions_;
  std::vector<absl::Time> times_;
};

TEST_F(HistoryTest, PagesReturnEveryEventOnceInTimeOrderBesideTheEngine) {
  std::unique_ptr<Store> reader = OpenReader(engine_.data_dir() + "/db");
  ASSERT_NE(reader, nullptr);
  for (int limit : {1, 5, 12, 1000}) {
    SCOPED_TRACE(limit);
    std::vector<HistoryEvent> all = ReadAll(reader.get(), {}, limit);
    ASSERT_EQ(all.size(), decisions_.size());
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].event.event_id, decisions_[i].event_id);
      EXPECT_EQ(all[i].attempt.timestamp, times_[i]);
      EXPECT_EQ(all[i].attempt.user_id, absl::StrCat("user-", i % 3));
      EXPECT_EQ(all[i].attempt.outcome, Outcome::kSuccess);
      // Never the password hash.
      EXPECT_TRUE(all[i].attempt.password_sha1.empty());
      EXPECT_FALSE(all[i].attempt.label.has_value());
    }
  }
}

TEST_F(HistoryTest, DevicesBecomeTokensOfTheirHashNeverTheKey) {
  std::unique_ptr<Store> reader = OpenReader(engine_.data_dir() + "/db");
  ASSERT_NE(reader, nullptr);
  std::vector<HistoryEvent> all = ReadAll(reader.get(), {}, 1000);
  ASSERT_EQ(all.size(), 12u);
  std::map<std::string, std::set<std::string>> tokens_of_key;
  std::set<std::string> fingerprints;
  for (size_t i = 0; i < all.size(); ++i) {
    const Attempt& a = all[i].attempt;
    SCOPED_TRACE(i);
    if (i % 3 == 0) {
      ASSERT_EQ(a.device_key.size(), 16u);
      EXPECT_NE(a.device_key, absl::StrCat("key-", i % 2));
      tokens_of_key[absl::StrCat("key-", i % 2)].insert(a.device_key);
      fingerprints.insert(a.device_fingerprint);
    } else if (i % 3 == 1) {
      EXPECT_TRUE(a.device_key.empty());
      fingerprints.insert(a.device_fingerprint);
    } else {
      EXPECT_TRUE(a.device_key.empty());
      EXPECT_TRUE(a.device_fingerprint.empty());
    }
  }
  // One token per key, different keys differ; the fingerprint beside a key
  // and alone is the same token.
  ASSERT_EQ(tokens_of_key.size(), 2u);
  EXPECT_EQ(tokens_of_key["key-0"].size(), 1u);
  EXPECT_EQ(tokens_of_key["key-1"].size(), 1u);
  EXPECT_NE(*tokens_of_key["key-0"].begin(), *tokens_of_key["key-1"].begin());
  EXPECT_EQ(fingerprints.size(), 1u);
  EXPECT_EQ(fingerprints.begin()->size(), 16u);
}

TEST_F(HistoryTest, FiltersByTimeAndUser) {
  std::unique_ptr<Store> reader = OpenReader(engine_.data_dir() + "/db");
  ASSERT_NE(reader, nullptr);
  HistoryQuery q;
  q.since = times_[3];
  q.until = times_[9];  // exclusive
  std::vector<HistoryEvent> window = ReadAll(reader.get(), q, 2);
  ASSERT_EQ(window.size(), 6u);
  for (size_t i = 0; i < window.size(); ++i) {
    EXPECT_EQ(window[i].event.event_id, decisions_[3 + i].event_id);
  }
  q.user_id = "user-1";
  std::vector<HistoryEvent> one = ReadAll(reader.get(), q, 1);
  ASSERT_EQ(one.size(), 2u);  // events 4 and 7
  EXPECT_EQ(one[0].event.event_id, decisions_[4].event_id);
  EXPECT_EQ(one[1].event.event_id, decisions_[7].event_id);
  q = HistoryQuery();
  q.user_id = "nobody";
  EXPECT_TRUE(ReadAll(reader.get(), q, 10).empty());
}

TEST_F(HistoryTest, FeedbackAndLockedChallengesBecomeLabels) {
  ASSERT_TRUE(engine_.engine()
                  .RecordFeedback(decisions_[2].event_id,
                                  FeedbackValue::kInvalid, "admin")
                  .ok());
  ASSERT_TRUE(engine_.engine()
                  .RecordFeedback(decisions_[5].event_id, FeedbackValue::kValid,
                                  "admin")
                  .ok());
  std::unique_ptr<Store> reader = OpenReader(engine_.data_dir() + "/db");
  ASSERT_NE(reader, nullptr);
  std::vector<HistoryEvent> all = ReadAll(reader.get(), {}, 1000);
  ASSERT_EQ(all.size(), 12u);
  ASSERT_TRUE(all[2].attempt.label.has_value());
  EXPECT_TRUE(all[2].attempt.label->attack);
  EXPECT_TRUE(all[2].attempt.label->account_takeover);  // outcome success
  EXPECT_EQ(all[2].attempt.label->kind, "feedback_invalid");
  ASSERT_TRUE(all[5].attempt.label.has_value());
  EXPECT_FALSE(all[5].attempt.label->attack);
  EXPECT_FALSE(all[5].attempt.label->account_takeover);
  EXPECT_EQ(all[5].attempt.label->kind, "feedback_valid");
  EXPECT_FALSE(all[4].attempt.label.has_value());
}

TEST_F(HistoryTest, BadQueriesAreRefused) {
  std::unique_ptr<Store> reader = OpenReader(engine_.data_dir() + "/db");
  ASSERT_NE(reader, nullptr);
  HistoryQuery q;
  q.limit = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(ReadHistory(reader.get(), q).status()));
  q.limit = kMaxHistoryPage + 1;
  EXPECT_TRUE(absl::IsInvalidArgument(ReadHistory(reader.get(), q).status()));
  q = HistoryQuery();
  q.cursor = "not-an-event-id";
  EXPECT_EQ(ReadHistory(reader.get(), q).status().message(),
            "cursor: not a cursor (the id of an event)");
  q = HistoryQuery();
  q.since = times_[5];
  q.until = times_[1];
  EXPECT_TRUE(absl::IsInvalidArgument(ReadHistory(reader.get(), q).status()));
  q = HistoryQuery();
  q.user_id = std::string("bad\x01id");
  EXPECT_TRUE(absl::IsInvalidArgument(ReadHistory(reader.get(), q).status()));
}

TEST(ReadOnlyStoreTest, ReadsBesideTheWriterAndRefusesToWrite) {
  testing::TempDir dir;
  RocksDbOptions w;
  w.path = dir.path() + "/db";
  absl::StatusOr<std::unique_ptr<Store>> writer = OpenRocksDbStore(w);
  ASSERT_TRUE(writer.ok()) << writer.status();
  WriteBatch b;
  b.Put(Table::kMeta, "k", "v1");
  ASSERT_TRUE((*writer)->Write(b).ok());

  std::unique_ptr<Store> reader = OpenReader(w.path);
  ASSERT_NE(reader, nullptr);
  std::string value;
  ASSERT_TRUE(reader->Get(Table::kMeta, "k", &value).ok());
  EXPECT_EQ(value, "v1");
  EXPECT_TRUE(absl::IsFailedPrecondition(reader->Write(b)));
  BulkLoading* bulk = reader->bulk_loading();
  ASSERT_NE(bulk, nullptr);
  EXPECT_TRUE(absl::IsFailedPrecondition(bulk->WriteBulk(b)));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(bulk->DeleteRange(Table::kMeta, "a", "z")));
  EXPECT_TRUE(absl::IsFailedPrecondition(bulk->Flush(Table::kMeta)));
  EXPECT_TRUE(absl::IsFailedPrecondition(bulk->Compact(Table::kMeta)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      reader->CreateBackup(dir.path() + "/b").status()));
  // The writer goes on undisturbed.
  b.Clear();
  b.Put(Table::kMeta, "k", "v2");
  EXPECT_TRUE((*writer)->Write(b).ok());
  reader.reset();
  ASSERT_TRUE((*writer)->Get(Table::kMeta, "k", &value).ok());
  EXPECT_EQ(value, "v2");
}

TEST(ReadOnlyStoreTest, AFolderWithoutADatabaseIsNotFoundAndStaysEmpty) {
  testing::TempDir dir;
  RocksDbOptions o;
  o.path = dir.path() + "/none";
  o.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> s = OpenRocksDbStore(o);
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(o.path, ec));
}

}  // namespace
}  // namespace vigil
