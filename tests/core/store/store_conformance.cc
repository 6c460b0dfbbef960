// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The cases of the store port's conformance suite (store_conformance.h).

#include "core/store/store_conformance.h"

namespace vigil::conformance {

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  const size_t colon = info.param.find(':');
  return colon == std::string::npos ? info.param : info.param.substr(0, colon);
}

TEST_P(StoreConformanceTest, GetPutDelete) {
  EXPECT_EQ(Read(Table::kUsers, "alice"), "<NotFound>");
  Put(Table::kUsers, "alice", "profile-1");
  EXPECT_EQ(Read(Table::kUsers, "alice"), "profile-1");
  EXPECT_EQ(Read(Table::kDevices, "alice"), "<NotFound>");  // other table
  Put(Table::kUsers, "alice", "profile-2");
  EXPECT_EQ(Read(Table::kUsers, "alice"), "profile-2");
  const std::string binary_key("k\0\xff", 3);
  const std::string binary_value("\0v\x80", 3);
  Put(Table::kMeta, binary_key, binary_value);
  EXPECT_EQ(Read(Table::kMeta, binary_key), binary_value);
  EXPECT_EQ(Read(Table::kMeta, "k"), "<NotFound>");
  Put(Table::kMeta, "empty", "");
  EXPECT_EQ(Read(Table::kMeta, "empty"), "");
  WriteBatch del;
  del.Delete(Table::kUsers, "alice");
  del.Delete(Table::kUsers, "never-there");  // deleting nothing is fine
  ASSERT_OK(store_->Write(del));
  EXPECT_EQ(Read(Table::kUsers, "alice"), "<NotFound>");
  std::string value;
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Table::kUsers, "alice", &value)));
  // Later operations of one batch on a key win.
  WriteBatch b;
  b.Put(Table::kDevices, "d", "first");
  b.Delete(Table::kDevices, "d");
  b.Put(Table::kDevices, "e", "gone");
  b.Delete(Table::kDevices, "e");
  b.Put(Table::kDevices, "e", "last");
  ASSERT_OK(store_->Write(b));
  EXPECT_EQ(Read(Table::kDevices, "d"), "<NotFound>");
  EXPECT_EQ(Read(Table::kDevices, "e"), "last");
  WriteBatch empty;
  EXPECT_OK(store_->Write(empty));
}

// Within one partition (here the outbox, one partition) every backend
// scans in key order.
TEST_P(StoreConformanceTest, ScanOrderAndBounds) {
  EXPECT_TRUE(ScanAll(Table::kOutbox, "", "").empty());  // empty table
  const std::vector<std::string> keys = {
      "a",     "b",       std::string("b\0", 2),
      "b\x01", "ba",      "bz",
      "c",     "\x7f",    "\x80",
      "\xff",  "\xff\xff"};
  // Written out of order, with a neighbour table that must not show.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    Put(Table::kOutbox, *it, "v:" + *it);
  }
  Put(Table::kPwned, "b", "other table");
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  auto keys_of = [](const std::vector<std::pair<std::string, std::string>>& v) {
    std::vector<std::string> out;
    for (const auto& [k, value] : v) {
      EXPECT_EQ(value, "v:" + k);
      out.push_back(k);
    }
    return out;
  };
  EXPECT_EQ(keys_of(ScanAll(Table::kOutbox, "", "")), sorted);
  // [start, limit): start included, limit excluded.
  EXPECT_EQ(keys_of(ScanAll(Table::kOutbox, "b", "c")),
            (std::vector<std::string>{"b", std::string("b\0", 2), "b\x01", "ba",
                                      "bz"}));
  EXPECT_EQ(keys_of(ScanAll(Table::kOutbox, std::string("b\0", 2), "bz")),
            (std::vector<std::string>{std::string("b\0", 2), "b\x01", "ba"}));
  // A start between keys, an empty limit (to the end), bytes above 0x7f.
  EXPECT_EQ(keys_of(ScanAll(Table::kOutbox, "bb", "")),
            (std::vector<std::string>{"bz", "c", "\x7f", "\x80", "\xff",
                                      "\xff\xff"}));
  EXPECT_TRUE(ScanAll(Table::kOutbox, "c\x01", "\x7f").empty());
  EXPECT_TRUE(ScanAll(Table::kOutbox, "zzz", "zzzz").empty());
  EXPECT_TRUE(ScanAll(Table::kMeta, "", "").empty());

  // More keys than a memory scan copies at once, deleted as the scan goes
  // (each key is still seen exactly once, in order).
  WriteBatch many;
  for (int i = 0; i < 1000; ++i) {
    many.Put(Table::kOutbox, absl::StrCat("k", 10000 + i), "x");
  }
  ASSERT_OK(store_->Write(many));
  int seen = 0;
  std::string last;
  std::unique_ptr<StoreIterator> it = store_->Scan(Table::kOutbox, "k", "l");
  for (; it->Valid(); it->Next()) {
    const std::string key(it->key());
    EXPECT_EQ(key, absl::StrCat("k", 10000 + seen));
    EXPECT_GT(key, last);
    last = key;
    ++seen;
    WriteBatch del;
    del.Delete(Table::kOutbox, key);
    ASSERT_OK(store_->Write(del));
  }
  ASSERT_OK(it->status());
  it.reset();
  EXPECT_EQ(seen, 1000);
  EXPECT_TRUE(ScanAll(Table::kOutbox, "k", "l").empty());
}

// Over several partitions: every key once; in key order on a backend with
// ordered_scans(), else in order within each partition.
TEST_P(StoreConformanceTest, ScanOverPartitions) {
  std::vector<std::string> users;
  for (int i = 0; i < 300; ++i) users.push_back(absl::StrCat("user", i));
  WriteBatch b;
  for (const std::string& u : users) b.Put(Table::kUsers, u, "p:" + u);
  b.Put(Table::kTotp, "user1", "not this table");
  ASSERT_OK(store_->Write(b));
  std::vector<std::pair<std::string, std::string>> all =
      ScanAll(Table::kUsers, "", "");
  std::map<std::string, std::string> last_of_partition;
  std::vector<std::string> keys;
  for (const auto& [k, v] : all) {
    EXPECT_EQ(v, "p:" + k);
    std::string& last = last_of_partition[PartitionOf(Table::kUsers, k)];
    EXPECT_LT(last, k) << "out of order within a partition";
    last = k;
    keys.push_back(k);
  }
  if (store_->ordered_scans()) {
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  }
  std::sort(keys.begin(), keys.end());
  std::sort(users.begin(), users.end());
  EXPECT_EQ(keys, users);
  // A bounded range over partitions: exactly its keys.
  std::vector<std::string> ranged;
  for (const auto& [k, v] : ScanAll(Table::kUsers, "user1", "user2")) {
    ranged.push_back(k);
  }
  std::sort(ranged.begin(), ranged.end());
  std::vector<std::string> want;
  for (const std::string& u : users) {
    if (u >= "user1" && u < "user2") want.push_back(u);
  }
  EXPECT_EQ(ranged, want);
}

// A reader never sees half of a batch: two keys flipped together are read
// equal (by one scan, which reads both at once).
TEST_P(StoreConformanceTest, BatchIsAtomicForReaders) {
  constexpr int kFlips = 10000;
  auto flip = [&](int i) {
    WriteBatch b;
    b.Put(Table::kOutbox, "a", absl::StrCat(i));
    b.Put(Table::kOutbox, "b", absl::StrCat(i));
    return store_->Write(b);
  };
  ASSERT_OK(flip(0));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0}, missing{0};
  std::thread reader([&] {
    while (!done.load()) {
      const auto both = ScanAll(Table::kOutbox, "a", "c");
      if (both.size() != 2) {
        missing.fetch_add(1);
      } else if (both[0].second != both[1].second) {
        torn.fetch_add(1);
      }
      reads.fetch_add(1);
    }
  });
  int failed = 0;
  // At least kFlips, and on until the reader has read a few hundred times
  // (an in-memory store writes 10k batches before a thread starts).
  int flips = 0;
  while (flips < kFlips || reads.load() < 300) {
    failed += flip(++flips).ok() ? 0 : 1;
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load();
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(Read(Table::kOutbox, "a"), absl::StrCat(flips));
  EXPECT_EQ(Read(Table::kOutbox, "b"), absl::StrCat(flips));
}

TEST_P(StoreConformanceTest, ExpectMatchingValueApplies) {
  Put(Table::kChallenges, "k", "v1");
  WriteBatch b;
  b.Expect(Table::kChallenges, "k", "v1");
  b.Put(Table::kChallenges, "k", "v2");
  b.Put(Table::kUsers, "other", "x");
  ASSERT_OK(store_->Write(b));
  EXPECT_EQ(Read(Table::kChallenges, "k"), "v2");
  EXPECT_EQ(Read(Table::kUsers, "other"), "x");
  // The same batch again: its expectation no longer holds.
  absl::Status again = store_->Write(b);
  EXPECT_TRUE(absl::IsAborted(again)) << again;
}

TEST_P(StoreConformanceTest, ExpectMismatchAppliesNothing) {
  Put(Table::kChallenges, "k", "v1");
  Put(Table::kUsers, "existing", "before");
  Put(Table::kDevices, "to-delete", "kept");
  WriteBatch b;
  b.Put(Table::kUsers, "first", "1");  // before the condition in the batch
  b.Put(Table::kUsers, "existing", "after");
  b.Delete(Table::kDevices, "to-delete");
  b.AddCounter("c", EncodeCounterOperand(absl::ToUnixSeconds(kStart),
                                         CounterKind::kAttempt, 1));
  b.Expect(Table::kChallenges, "k", "v0");
  b.Put(Table::kChallenges, "k", "v2");
  absl::Status s = store_->Write(b);
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_EQ(Read(Table::kUsers, "first"), "<NotFound>");
  EXPECT_EQ(Read(Table::kUsers, "existing"), "before");
  EXPECT_EQ(Read(Table::kDevices, "to-delete"), "kept");
  EXPECT_EQ(Read(Table::kCounters, "c"), "<NotFound>");
  EXPECT_EQ(Read(Table::kChallenges, "k"), "v1");
  // One failing condition among holding ones fails the batch too (both in
  // the user's partition: a challenge id starts with the user's digits).
  const std::string challenge = internal::UserPartitionHex("existing") + "c1";
  Put(Table::kChallenges, challenge, "v1");
  WriteBatch two;
  two.Expect(Table::kChallenges, challenge, "v1");
  two.Expect(Table::kUsers, "existing", "not this");
  two.Put(Table::kChallenges, challenge, "v3");
  EXPECT_TRUE(absl::IsAborted(store_->Write(two)));
  EXPECT_EQ(Read(Table::kChallenges, challenge), "v1");
}

// Conditions must lie in one partition (PartitionOf); a batch whose
// conditions span two is refused whole, even where they would hold.
TEST_P(StoreConformanceTest, ConditionsInTwoPartitionsAreRefused) {
  ASSERT_NE(PartitionOf(Table::kUsers, "alice"),
            PartitionOf(Table::kUsers, "bob"));
  Put(Table::kUsers, "alice", "a");
  WriteBatch b;
  b.Expect(Table::kUsers, "alice", "a");
  b.Expect(Table::kUsers, "bob", std::nullopt);
  b.Put(Table::kUsers, "alice", "changed");
  b.Put(Table::kUsers, "bob", "new");
  absl::Status s = store_->Write(b);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_EQ(Read(Table::kUsers, "alice"), "a");
  EXPECT_EQ(Read(Table::kUsers, "bob"), "<NotFound>");
  // One condition, changes in other partitions: allowed.
  WriteBatch one;
  one.Expect(Table::kUsers, "alice", "a");
  one.Put(Table::kUsers, "bob", "new");
  one.Put(Table::kOutbox, "m", "x");
  ASSERT_OK(store_->Write(one));
  EXPECT_EQ(Read(Table::kUsers, "bob"), "new");
  EXPECT_EQ(Read(Table::kOutbox, "m"), "x");
}

TEST_P(StoreConformanceTest, ExpectAbsence) {
  WriteBatch create;
  create.Expect(Table::kTotp, "new", std::nullopt);
  create.Put(Table::kTotp, "new", "secret");
  ASSERT_OK(store_->Write(create));
  EXPECT_EQ(Read(Table::kTotp, "new"), "secret");
  // Present now: a second create fails and changes nothing.
  WriteBatch again;
  again.Expect(Table::kTotp, "new", std::nullopt);
  again.Put(Table::kTotp, "new", "other");
  EXPECT_TRUE(absl::IsAborted(store_->Write(again)));
  EXPECT_EQ(Read(Table::kTotp, "new"), "secret");
  // Absent expected present: fails.
  WriteBatch present;
  present.Expect(Table::kTotp, "absent", "");
  present.Put(Table::kTotp, "x", "y");
  EXPECT_TRUE(absl::IsAborted(store_->Write(present)));
  EXPECT_EQ(Read(Table::kTotp, "x"), "<NotFound>");
  // An empty value is present, not absent.
  Put(Table::kTotp, "empty", "");
  WriteBatch absent;
  absent.Expect(Table::kTotp, "empty", std::nullopt);
  absent.Put(Table::kTotp, "x", "y");
  EXPECT_TRUE(absl::IsAborted(store_->Write(absent)));
  WriteBatch holds;
  holds.Expect(Table::kTotp, "empty", "");
  holds.Put(Table::kTotp, "x", "y");
  ASSERT_OK(store_->Write(holds));
  EXPECT_EQ(Read(Table::kTotp, "x"), "y");
  // A deleted key is absent again.
  WriteBatch del;
  del.Expect(Table::kTotp, "x", "y");
  del.Delete(Table::kTotp, "x");
  ASSERT_OK(store_->Write(del));
  WriteBatch recreate;
  recreate.Expect(Table::kTotp, "x", std::nullopt);
  recreate.Put(Table::kTotp, "x", "z");
  ASSERT_OK(store_->Write(recreate));
  EXPECT_EQ(Read(Table::kTotp, "x"), "z");
}

// Conditions are checked against the state before the batch, wherever they
// stand in it.
TEST_P(StoreConformanceTest, ExpectOnAKeyTheBatchWrites) {
  Put(Table::kChallenges, "k", "v1");
  WriteBatch after_put;
  after_put.Put(Table::kChallenges, "k", "v2");
  after_put.Expect(Table::kChallenges, "k", "v2");
  EXPECT_TRUE(absl::IsAborted(store_->Write(after_put)));
  EXPECT_EQ(Read(Table::kChallenges, "k"), "v1");
  WriteBatch before_put;
  before_put.Put(Table::kChallenges, "k", "v2");
  before_put.Expect(Table::kChallenges, "k", "v1");
  ASSERT_OK(store_->Write(before_put));
  EXPECT_EQ(Read(Table::kChallenges, "k"), "v2");
  WriteBatch create_twice;
  create_twice.Expect(Table::kChallenges, "n", std::nullopt);
  create_twice.Put(Table::kChallenges, "n", "1");
  create_twice.Expect(Table::kChallenges, "n", std::nullopt);
  ASSERT_OK(store_->Write(create_twice));
  EXPECT_EQ(Read(Table::kChallenges, "n"), "1");
  WriteBatch delete_expect;
  delete_expect.Delete(Table::kChallenges, "n");
  delete_expect.Expect(Table::kChallenges, "n", std::nullopt);
  EXPECT_TRUE(absl::IsAborted(store_->Write(delete_expect)));
  EXPECT_EQ(Read(Table::kChallenges, "n"), "1");
}

// Single use: of several threads consuming one code at once, exactly one
// succeeds.
TEST_P(StoreConformanceTest, RaceToConsumeACodeHasOneWinner) {
  for (int threads : {2, 8}) {
    for (int round = 0; round < 200; ++round) {
      SCOPED_TRACE(absl::StrCat(threads, " threads, round ", round));
      const std::string code = absl::StrCat("code-", threads, "-", round);
      Put(Table::kChallenges, code, "fresh");
      std::atomic<int> ready{0};
      std::atomic<int> wins{0};
      std::atomic<int> errors{0};
      std::vector<std::thread> pool;
      for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
          ready.fetch_add(1);
          while (ready.load() < threads) std::this_thread::yield();
          std::string value;
          if (!store_->Get(Table::kChallenges, code, &value).ok()) {
            errors.fetch_add(1);
            return;
          }
          if (value != "fresh") return;  // already used
          WriteBatch b;
          b.Expect(Table::kChallenges, code, value);
          b.Put(Table::kChallenges, code, absl::StrCat("consumed-by-", i));
          absl::Status s = store_->Write(b);
          if (s.ok()) {
            wins.fetch_add(1);
          } else if (!absl::IsAborted(s)) {
            errors.fetch_add(1);
          }
        });
      }
      for (std::thread& t : pool) t.join();
      ASSERT_EQ(wins.load(), 1);
      ASSERT_EQ(errors.load(), 0);
      EXPECT_TRUE(
          absl::StartsWith(Read(Table::kChallenges, code), "consumed-by-"));
    }
  }
}

// Read-modify-write with retry on Aborted loses no update.
TEST_P(StoreConformanceTest, ConditionalIncrementsLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 200;
  std::atomic<int> errors{0};
  std::atomic<int> retries{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < kThreads; ++i) {
    pool.emplace_back([&] {
      for (int j = 0; j < kIncrements; ++j) {
        while (true) {
          std::string value;
          absl::Status got = store_->Get(Table::kUsers, "n", &value);
          std::optional<std::string> old;
          int n = 0;
          if (got.ok()) {
            old = value;
            if (!absl::SimpleAtoi(value, &n)) {
              errors.fetch_add(1);
              return;
            }
          } else if (!absl::IsNotFound(got)) {
            errors.fetch_add(1);
            return;
          }
          WriteBatch b;
          b.Expect(Table::kUsers, "n", old);
          b.Put(Table::kUsers, "n", absl::StrCat(n + 1));
          absl::Status s = store_->Write(b);
          if (s.ok()) break;
          if (!absl::IsAborted(s)) {
            errors.fetch_add(1);
            return;
          }
          retries.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(Read(Table::kUsers, "n"), absl::StrCat(kThreads * kIncrements));
}

TEST_P(StoreConformanceTest, ConcurrentCounterAdditionsAllCount) {
  constexpr int kThreads = 8;
  constexpr int kAdds = 200;
  const int64_t t = absl::ToUnixSeconds(kStart);
  std::atomic<int> errors{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < kThreads; ++i) {
    pool.emplace_back([&, i] {
      for (int j = 0; j < kAdds; ++j) {
        WriteBatch b;
        b.AddCounter("ip", EncodeCounterOperand(t + j % 60,
                                                static_cast<CounterKind>(j % 3),
                                                (i << 8) | (j & 0xff)));
        if (!store_->Write(b).ok()) errors.fetch_add(1);
      }
    });
  }
  for (std::thread& th : pool) th.join();
  EXPECT_EQ(errors.load(), 0);
  const CounterRecord record = Counter("ip");
  const CounterRecord::Totals totals =
      record.ShortWindow(kStart + absl::Minutes(1), absl::Hours(1));
  // j % 3 over 0..199: 67 attempts, 67 successes, 66 failures per thread.
  EXPECT_EQ(totals.attempts, 67u * kThreads);
  EXPECT_EQ(totals.successes, 67u * kThreads);
  EXPECT_EQ(totals.failures, 66u * kThreads);
  EXPECT_EQ(record.LongWindow(kStart, absl::Hours(24)).attempts,
            67u * kThreads);
}

// Counter windows as the injected clock moves: the store combines the
// additions in order; the record answers by window.
TEST_P(StoreConformanceTest, CounterWindowsOnTheInjectedClock) {
  auto add = [&](CounterKind kind, uint64_t user) {
    WriteBatch b;
    b.AddCounter("asn", EncodeCounterOperand(absl::ToUnixSeconds(clock_.Now()),
                                             kind, user));
    ASSERT_OK(store_->Write(b));
  };
  add(CounterKind::kFailure, 1);  // t0
  clock_.Advance(absl::Minutes(10));
  add(CounterKind::kFailure, 2);  // t0 + 10 min
  clock_.Advance(absl::Minutes(110));
  add(CounterKind::kFailure, 3);  // t0 + 2 h
  clock_.Advance(absl::Minutes(1));
  add(CounterKind::kSuccess, 3);  // t0 + 2 h 1 min
  clock_.Advance(absl::Minutes(1));
  CounterRecord r = Counter("asn");
  CounterRecord::Totals hour = r.ShortWindow(clock_.Now(), absl::Hours(1));
  EXPECT_EQ(hour.failures, 1u);
  EXPECT_EQ(hour.successes, 1u);
  CounterRecord::Totals day = r.LongWindow(clock_.Now(), absl::Hours(24));
  EXPECT_EQ(day.failures, 3u);
  EXPECT_EQ(day.successes, 1u);

  clock_.SetTime(kStart + absl::Hours(72));
  add(CounterKind::kFailure, 4);  // t0 + 3 days
  r = Counter("asn");
  EXPECT_EQ(r.ShortWindow(clock_.Now(), absl::Hours(1)).failures, 1u);
  EXPECT_EQ(r.ShortWindow(clock_.Now(), absl::Hours(1)).successes, 0u);
  EXPECT_EQ(r.LongWindow(clock_.Now(), absl::Hours(24)).failures, 1u);
  CounterRecord::Totals week = r.LongWindow(clock_.Now(), absl::Hours(24 * 7));
  EXPECT_EQ(week.failures, 4u);
  EXPECT_EQ(week.successes, 1u);
}

// A user's events, listed by a prefix scan, come newest first (as
// store/history.cc reads them), and another user's do not show.
TEST_P(StoreConformanceTest, UserHistoryIsNewestFirst) {
  const std::vector<absl::Time> times = {
      kStart - absl::Hours(50), kStart - absl::Hours(3),
      kStart - absl::Minutes(1), kStart - absl::Hours(20)};
  for (const absl::Time t : times) {
    Put(Table::kEvents, EventKeyAt("alice", t), "alice");
  }
  Put(Table::kEvents, EventKeyAt("bob", kStart - absl::Hours(2)), "bob");
  const std::string prefix = internal::UserEventPrefix("alice");
  std::string end = prefix;
  end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  ASSERT_NE(end.back(), '\0');  // alice's hash does not end in 0xff
  std::vector<absl::Time> listed;
  for (const auto& [key, value] : ScanAll(Table::kEvents, prefix, end)) {
    EXPECT_EQ(value, "alice");
    absl::Time t;
    ASSERT_TRUE(internal::EventKeyTime(key, &t));
    listed.push_back(t);
  }
  std::vector<absl::Time> want = times;
  std::sort(want.begin(), want.end(), std::greater<absl::Time>());
  EXPECT_EQ(listed, want);
}

// Events older than the retention (30 days, EventRetention) go as the
// injected clock moves; young ones and keys without a time stay.
TEST_P(StoreConformanceTest, RetentionOnTheInjectedClock) {
  const std::string old_event =
      EventKeyAt("alice", kStart - absl::Hours(24 * 28));
  const std::string young = EventKeyAt("alice", kStart - absl::Hours(24));
  Put(Table::kEvents, old_event, "old");
  Put(Table::kEvents, young, "young");
  Put(Table::kEvents, "x-not-an-event", "kept");
  // Retention is of events only.
  Put(Table::kUsers, old_event, "a profile under an event-like key");
  ASSERT_OK(internal::FlushTable(store_.get(), Table::kEvents));
  ASSERT_OK(internal::CompactTable(store_.get(), Table::kEvents));
  EXPECT_EQ(Read(Table::kEvents, old_event), "old");
  EXPECT_EQ(Read(Table::kEvents, young), "young");

  clock_.Advance(absl::Hours(24 * 5));  // the old one is 33 days old now
  ASSERT_OK(internal::FlushTable(store_.get(), Table::kEvents));
  ASSERT_OK(internal::CompactTable(store_.get(), Table::kEvents));
  EXPECT_EQ(Read(Table::kEvents, old_event), "<NotFound>");
  EXPECT_EQ(Read(Table::kEvents, young), "young");
  EXPECT_EQ(Read(Table::kEvents, "x-not-an-event"), "kept");
  EXPECT_EQ(Read(Table::kUsers, old_event),
            "a profile under an event-like key");
  auto all = ScanAll(Table::kEvents, "", "");
  // Two partitions (alice's, and the one of a key outside the layout).
  if (!store_->ordered_scans()) std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, young);
  EXPECT_EQ(all[1].first, "x-not-an-event");
}

// An outbox-like queue on conditional writes: a consumer claims a record
// with a lease (Expect on the value read); one that crashes without acking
// loses it when the lease expires, another then claims it exactly once, and
// the stale claimer's ack fails.
TEST_P(StoreConformanceTest, QueueRedeliveryAfterAnExpiredLease) {
  constexpr absl::Duration kLease = absl::Minutes(5);
  const std::string key = "n-1";
  Put(Table::kOutbox, key, "pending");
  // The claim value of `consumer`, or nullopt if the record is claimed by
  // someone whose lease holds (or gone).
  auto claim = [&](const std::string& consumer) -> std::optional<std::string> {
    std::string value;
    if (!store_->Get(Table::kOutbox, key, &value).ok()) return std::nullopt;
    if (value != "pending") {
      std::vector<std::string> parts = absl::StrSplit(value, ':');
      int64_t until = 0;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[2], &until) ||
          absl::FromUnixSeconds(until) > clock_.Now()) {
        return std::nullopt;
      }
    }
    const std::string mine = absl::StrCat(
        "claimed:", consumer, ":", absl::ToUnixSeconds(clock_.Now() + kLease));
    WriteBatch b;
    b.Expect(Table::kOutbox, key, value);
    b.Put(Table::kOutbox, key, mine);
    if (!store_->Write(b).ok()) return std::nullopt;
    return mine;
  };
  auto ack = [&](const std::string& claimed) {
    WriteBatch b;
    b.Expect(Table::kOutbox, key, claimed);
    b.Delete(Table::kOutbox, key);
    return store_->Write(b);
  };

  const std::optional<std::string> a = claim("A");
  ASSERT_TRUE(a.has_value());
  // A "crashes": it never acks. While its lease holds nobody else claims.
  EXPECT_FALSE(claim("B").has_value());
  clock_.Advance(kLease - absl::Seconds(1));
  EXPECT_FALSE(claim("B").has_value());
  EXPECT_EQ(Read(Table::kOutbox, key), *a);

  // The lease expires: of eight consumers racing, exactly one claims it.
  clock_.Advance(absl::Seconds(2));
  std::atomic<int> ready{0};
  std::vector<std::optional<std::string>> claims(8);
  std::vector<std::thread> pool;
  for (int i = 0; i < 8; ++i) {
    pool.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < 8) std::this_thread::yield();
      claims[i] = claim(absl::StrCat("B", i));
    });
  }
  for (std::thread& t : pool) t.join();
  std::vector<std::string> won;
  for (const auto& c : claims) {
    if (c.has_value()) won.push_back(*c);
  }
  ASSERT_EQ(won.size(), 1u);
  EXPECT_EQ(Read(Table::kOutbox, key), won[0]);

  // A comes back and acks: its claim is stale, nothing changes.
  absl::Status stale = ack(*a);
  EXPECT_TRUE(absl::IsAborted(stale)) << stale;
  EXPECT_EQ(Read(Table::kOutbox, key), won[0]);
  // The winner's ack deletes the record, once.
  ASSERT_OK(ack(won[0]));
  EXPECT_EQ(Read(Table::kOutbox, key), "<NotFound>");
  EXPECT_TRUE(absl::IsAborted(ack(won[0])));
}

// The bulk helpers of store/bulk.h, with or without the backend's
// BulkLoading.
TEST_P(StoreConformanceTest, BulkHelpers) {
  WriteBatch load;
  for (int i = 0; i < 2500; ++i) {
    load.Put(Table::kPwned, absl::StrCat("p", 10000 + i), "h");
  }
  ASSERT_OK(internal::BulkWrite(store_.get(), load));
  ASSERT_OK(internal::FlushTable(store_.get(), Table::kPwned));
  WriteBatch conditional;
  conditional.Expect(Table::kPwned, "p10000", "h");
  EXPECT_TRUE(
      absl::IsInvalidArgument(internal::BulkWrite(store_.get(), conditional)));
  // [p10100, p12300): 2200 keys, more than one fallback batch.
  ASSERT_OK(
      internal::DeleteRange(store_.get(), Table::kPwned, "p10100", "p12300"));
  ASSERT_OK(internal::CompactTable(store_.get(), Table::kPwned));
  const auto left = ScanAll(Table::kPwned, "", "");
  ASSERT_EQ(left.size(), 300u);
  EXPECT_EQ(left[0].first, "p10000");
  EXPECT_EQ(left[99].first, "p10099");
  EXPECT_EQ(left[100].first, "p12300");
  EXPECT_EQ(left[299].first, "p12499");
  // An empty range deletes nothing.
  ASSERT_OK(
      internal::DeleteRange(store_.get(), Table::kPwned, "p12400", "p12400"));
  EXPECT_EQ(ScanAll(Table::kPwned, "", "").size(), 300u);
}

}  // namespace vigil::conformance
