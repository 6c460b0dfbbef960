// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Redis Cluster client against a real local cluster: routing, replies,
// pipelines, scripts, redirects (MOVED, ASK), seeds, threads.

#include "store/redis/cluster_client.h"

#include <atomic>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/redis/redis_test_cluster.h"
#include "gtest/gtest.h"
#include "store/redis/hash_slot.h"
#include "testing/test_util.h"

namespace vigil::redis_testing {
namespace {

using internal::ParseRedisSeeds;
using internal::RedisClusterCounters;
using internal::RedisHashSlot;
using internal::RedisResend;
using internal::RedisScript;

TEST(ParseRedisSeedsTest, AcceptsHostPortLists) {
  ASSERT_OK_AND_ASSIGN(
      auto seeds, ParseRedisSeeds("127.0.0.1:7100, redis-a:6379,[::1]:7000"));
  EXPECT_EQ(seeds, (std::vector<std::string>{"127.0.0.1:7100", "redis-a:6379",
                                             "::1:7000"}));
}

TEST(ParseRedisSeedsTest, RefusesBadItemsClearly) {
  struct Case {
    const char* list;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "item 1 is empty"},
           {"a:1,,b:2", "item 2 is empty"},
           {"host", "item 1 \"host\" is not host:port"},
           {"host:0", "port in 1..65535"},
           {"host:65536", "port in 1..65535"},
           {"host:12x", "is not host:port"},
           {":7000", "has no valid host"},
           {"a:1,b c:2", "item 2 \"b c:2\" has no valid host"},
       }) {
    auto seeds = ParseRedisSeeds(c.list);
    ASSERT_FALSE(seeds.ok()) << c.list;
    EXPECT_EQ(seeds.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(seeds.status().message(), c.message))
        << c.list << ": " << seeds.status();
  }
  // An item that may hold a password is not quoted back.
  auto seeds = ParseRedisSeeds("user:s3cret@host:6379");
  ASSERT_FALSE(seeds.ok());
  EXPECT_FALSE(absl::StrContains(seeds.status().message(), "s3cret"))
      << seeds.status();
}

TEST(RedisScriptTest, Sha1OfTheText) {
  // sha1("return 1"), as SCRIPT LOAD answers it.
  EXPECT_EQ(RedisScript("return 1").sha1(),
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

class RedisClusterClientTest : public RedisClusterTest {};

TEST_F(RedisClusterClientTest, CreateRefusesBadOptions) {
  RedisClusterOptions options = TestOptions();
  options.seeds.clear();
  EXPECT_EQ(RedisCluster::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = TestOptions();
  options.max_attempts = 0;
  EXPECT_EQ(RedisCluster::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = TestOptions();
  options.command_timeout = absl::ZeroDuration();
  EXPECT_EQ(RedisCluster::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = TestOptions();
  options.command_timeout = absl::InfiniteDuration();
  EXPECT_EQ(RedisCluster::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = TestOptions();
  options.seeds = {"no-port"};
  EXPECT_EQ(RedisCluster::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClusterClientTest, NoSeedAliveFailsClearly) {
  RedisClusterOptions options = TestOptions();
  options.seeds = {DeadAddress(), "127.0.0.1:1"};
  absl::Time start = absl::Now();
  auto cluster = RedisCluster::Create(options);
  absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(cluster.ok());
  EXPECT_EQ(cluster.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(cluster.status().message(), DeadAddress()))
      << cluster.status();
  EXPECT_TRUE(absl::StrContains(cluster.status().message(), "127.0.0.1:1:"))
      << cluster.status();
  EXPECT_LT(took, absl::Seconds(2));
}

TEST_F(RedisClusterClientTest, ADeadSeedIsSkipped) {
  RedisClusterOptions options = TestOptions();
  options.seeds = {DeadAddress(), NodeAddress(4)};
  auto cluster = NewClient(options);
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->Primaries().size(), 3u);
  std::string key = UniqueKey("seed");
  ASSERT_OK_AND_ASSIGN(RedisReply set, cluster->Run(key, {"SET", key, "v"}));
  EXPECT_TRUE(set.is_status());
  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), "v");
}

TEST_F(RedisClusterClientTest, RepliesOfEveryType) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::string key = UniqueKey("types");
  const std::string binary("a\0b\r\n\xff", 6);

  ASSERT_OK_AND_ASSIGN(RedisReply set, cluster->Run(key, {"SET", key, binary}));
  EXPECT_TRUE(set.is_status());
  EXPECT_EQ(set.str(), "OK");
  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_TRUE(get.is_string());
  EXPECT_EQ(get.str(), binary);
  ASSERT_OK_AND_ASSIGN(RedisReply missing,
                       cluster->Run(key + "x", {"GET", key + "x"}));
  EXPECT_TRUE(missing.is_nil());

  std::string counter = UniqueKey("types");
  ASSERT_OK_AND_ASSIGN(RedisReply incr,
                       cluster->Run(counter, {"INCRBY", counter, "41"}));
  EXPECT_TRUE(incr.is_integer());
  EXPECT_EQ(incr.integer(), 41);

  std::string list = UniqueKey("types");
  ASSERT_OK(cluster->Run(list, {"RPUSH", list, "x", "", "z"}));
  ASSERT_OK_AND_ASSIGN(RedisReply range,
                       cluster->Run(list, {"LRANGE", list, "0", "-1"}));
  ASSERT_TRUE(range.is_array());
  EXPECT_EQ(
      range.elements(),
      (std::vector<RedisReply>{RedisReply::String("x"), RedisReply::String(""),
                               RedisReply::String("z")}));

  // A Redis error is a reply, not a failed call.
  ASSERT_OK_AND_ASSIGN(RedisReply error, cluster->Run(key, {"INCR", key}));
  EXPECT_TRUE(error.is_error());
  EXPECT_EQ(error.error_code(), "ERR");
  ASSERT_OK_AND_ASSIGN(RedisReply unknown,
                       cluster->Run(key, {"NOSUCHCOMMAND", key}));
  EXPECT_TRUE(unknown.is_error());

  EXPECT_EQ(cluster->Run(key, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cluster->counters().commands_failed, 0u);
}

TEST_F(RedisClusterClientTest, KeysSpreadOverAllThreePrimaries) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::vector<std::string> primaries = cluster->Primaries();
  ASSERT_EQ(primaries.size(), 3u);

  absl::flat_hash_map<std::string, int> keys_per_node;
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(UniqueKey("spread"));
  for (const std::string& key : keys) {
    ASSERT_OK_AND_ASSIGN(RedisReply set,
                         cluster->Run(key, {"SET", key, "value-" + key}));
    ASSERT_TRUE(set.is_status()) << set.str();
    ++keys_per_node[cluster->PrimaryForSlot(RedisHashSlot(key))];
  }
  EXPECT_EQ(keys_per_node.size(), 3u);
  for (const std::string& node : primaries) {
    EXPECT_GT(keys_per_node[node], 50) << node;
  }
  for (const std::string& key : keys) {
    ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
    EXPECT_EQ(get.str(), "value-" + key);
    // The key is on the node the client sent it to, not found by redirect.
    RedisReply direct = OnNode(
        *cluster, cluster->PrimaryForSlot(RedisHashSlot(key)), {"GET", key});
    EXPECT_EQ(direct.str(), "value-" + key);
  }
  EXPECT_EQ(cluster->counters().moved_redirects, 0u);
  EXPECT_EQ(cluster->counters().ask_redirects, 0u);
  // One connection per node used, kept open between calls.
  EXPECT_LE(cluster->counters().connections_opened, 3u + 1u /* seed */);
}

TEST_F(RedisClusterClientTest, PipelineRepliesInOrder) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::string tag = absl::StrCat("{", UniqueKey("pipe"), "}");
  std::string a = tag + "a", b = tag + "b";
  ASSERT_OK(cluster->Run(a, {"SET", a, "1"}));
  ASSERT_OK(cluster->Run(b, {"SET", b, "2"}));
  ASSERT_OK_AND_ASSIGN(std::vector<RedisReply> replies,
                       cluster->Pipeline(tag, {{"GET", a},
                                               {"GET", b},
                                               {"GET", tag + "c"},
                                               {"MGET", a, b},
                                               {"INCR", tag + "n"}}));
  ASSERT_EQ(replies.size(), 5u);
  EXPECT_EQ(replies[0].str(), "1");
  EXPECT_EQ(replies[1].str(), "2");
  EXPECT_TRUE(replies[2].is_nil());
  ASSERT_EQ(replies[3].elements().size(), 2u);
  EXPECT_EQ(replies[3].elements()[1].str(), "2");
  EXPECT_EQ(replies[4].integer(), 1);

  EXPECT_EQ(cluster->Pipeline(tag, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cluster->Pipeline(tag, {{"GET", a}, {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClusterClientTest, EvalLoadsTheScriptAgainAfterScriptFlush) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  RedisScript script(
      "return redis.call('INCRBY', KEYS[1], ARGV[1]) + #KEYS * 1000");
  std::string tag = absl::StrCat("{", UniqueKey("eval"), "}");
  std::string key = tag + "n";
  ASSERT_OK_AND_ASSIGN(RedisReply first,
                       cluster->Eval(script, {key, tag + "other"}, {"5"}));
  EXPECT_EQ(first.integer(), 2005);
  ASSERT_OK_AND_ASSIGN(RedisReply second, cluster->Eval(script, {key}, {"1"}));
  EXPECT_EQ(second.integer(), 1006);
  uint64_t loads = cluster->counters().scripts_loaded;
  EXPECT_LE(loads, 1u);  // 1 if this node had never seen the script

  std::string node = cluster->PrimaryForSlot(RedisHashSlot(key));
  EXPECT_EQ(OnNode(*cluster, node, {"SCRIPT", "FLUSH"}).str(), "OK");
  ASSERT_OK_AND_ASSIGN(RedisReply third, cluster->Eval(script, {key}, {"1"}));
  EXPECT_EQ(third.integer(), 1007);
  EXPECT_EQ(cluster->counters().scripts_loaded, loads + 1);

  // The script's own errors are replies.
  RedisScript failing("return redis.error_reply('VIGIL nope')");
  ASSERT_OK_AND_ASSIGN(RedisReply error, cluster->Eval(failing, {key}, {}));
  EXPECT_TRUE(error.is_error());
  EXPECT_EQ(error.str(), "VIGIL nope");
  RedisScript bad("this is not lua");
  ASSERT_OK_AND_ASSIGN(RedisReply syntax, cluster->Eval(bad, {key}, {}));
  EXPECT_TRUE(syntax.is_error());

  auto cross = cluster->Eval(script, {"a", "b"}, {"1"});
  EXPECT_EQ(cross.status().code(), absl::StatusCode::kInvalidArgument);
}

// Moves `slot` with its keys from primary `from` to primary `to`, as
// redis-cli --cluster reshard does.
void MoveSlot(RedisCluster& cluster, int slot, const std::string& from,
              const std::string& to, bool finish = true) {
  std::string from_id = NodeId(cluster, from), to_id = NodeId(cluster, to);
  std::string s = absl::StrCat(slot);
  EXPECT_EQ(OnNode(cluster, to, {"CLUSTER", "SETSLOT", s, "IMPORTING", from_id})
                .str(),
            "OK");
  EXPECT_EQ(OnNode(cluster, from, {"CLUSTER", "SETSLOT", s, "MIGRATING", to_id})
                .str(),
            "OK");
  if (!finish) return;
  RedisReply keys =
      OnNode(cluster, from, {"CLUSTER", "GETKEYSINSLOT", s, "1000"});
  std::string to_host = to.substr(0, to.rfind(':'));
  std::string to_port = to.substr(to.rfind(':') + 1);
  if (!keys.elements().empty()) {
    std::vector<std::string> migrate = {"MIGRATE", to_host, to_port, "",
                                        "0",       "5000",  "KEYS"};
    for (const RedisReply& k : keys.elements()) migrate.push_back(k.str());
    EXPECT_EQ(OnNode(cluster, from, migrate).str(), "OK");
  }
  for (const std::string& node : {to, from}) {
    EXPECT_EQ(
        OnNode(cluster, node, {"CLUSTER", "SETSLOT", s, "NODE", to_id}).str(),
        "OK");
  }
  for (const std::string& node : cluster.Primaries()) {
    if (node != to && node != from) {
      OnNode(cluster, node, {"CLUSTER", "SETSLOT", s, "NODE", to_id});
    }
  }
}

std::string OtherPrimary(RedisCluster& cluster, const std::string& node) {
  for (const std::string& p : cluster.Primaries()) {
    if (p != node) return p;
  }
  return "";
}

TEST_F(RedisClusterClientTest, MovedSlotIsFollowedAndRemembered) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::string key = UniqueKey("moved");
  int slot = RedisHashSlot(key);
  ASSERT_OK(cluster->Run(key, {"SET", key, "before"}));
  std::string from = cluster->PrimaryForSlot(slot);
  std::string to = OtherPrimary(*cluster, from);
  ASSERT_FALSE(to.empty());

  // An admin client moves the slot; this client's map still says `from`.
  {
    auto admin = NewClient(TestOptions());
    ASSERT_NE(admin, nullptr);
    MoveSlot(*admin, slot, from, to);
  }
  EXPECT_EQ(cluster->PrimaryForSlot(slot), from);
  uint64_t refreshes = cluster->counters().slot_map_refreshes;

  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), "before");
  EXPECT_EQ(cluster->counters().moved_redirects, 1u);
  EXPECT_EQ(cluster->PrimaryForSlot(slot), to);

  // Written and read on `to` directly from now on; the whole map was read
  // again on the next call.
  ASSERT_OK_AND_ASSIGN(RedisReply set,
                       cluster->Run(key, {"SET", key, "after"}));
  EXPECT_EQ(set.str(), "OK");
  ASSERT_OK_AND_ASSIGN(get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), "after");
  EXPECT_EQ(OnNode(*cluster, to, {"GET", key}).str(), "after");
  EXPECT_EQ(cluster->counters().moved_redirects, 1u);
  EXPECT_EQ(cluster->counters().slot_map_refreshes, refreshes + 1);
  EXPECT_EQ(cluster->PrimaryForSlot(slot), to);
}

TEST_F(RedisClusterClientTest, AskRedirectDuringAMigration) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::string tag = absl::StrCat("{", UniqueKey("ask"), "}");
  int slot = RedisHashSlot(tag);
  std::string moved = tag + "moved", stays = tag + "stays",
              fresh = tag + "fresh";
  ASSERT_OK(cluster->Run(moved, {"SET", moved, "m"}));
  ASSERT_OK(cluster->Run(stays, {"SET", stays, "s"}));
  std::string from = cluster->PrimaryForSlot(slot);
  std::string to = OtherPrimary(*cluster, from);

  // The slot is MIGRATING on `from`, IMPORTING on `to`; one key moved.
  MoveSlot(*cluster, slot, from, to, /*finish=*/false);
  std::string to_host = to.substr(0, to.rfind(':'));
  std::string to_port = to.substr(to.rfind(':') + 1);
  EXPECT_EQ(
      OnNode(*cluster, from,
             {"MIGRATE", to_host, to_port, "", "0", "5000", "KEYS", moved})
          .str(),
      "OK");

  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(moved, {"GET", moved}));
  EXPECT_EQ(get.str(), "m");
  EXPECT_EQ(cluster->counters().ask_redirects, 1u);
  EXPECT_EQ(cluster->PrimaryForSlot(slot), from);  // ASK changes no map
  ASSERT_OK_AND_ASSIGN(get, cluster->Run(stays, {"GET", stays}));
  EXPECT_EQ(get.str(), "s");
  EXPECT_EQ(cluster->counters().ask_redirects, 1u);  // served by `from`
  // A new key goes to the importing node.
  ASSERT_OK_AND_ASSIGN(RedisReply set,
                       cluster->Run(fresh, {"SET", fresh, "f"}));
  EXPECT_EQ(set.str(), "OK");
  EXPECT_EQ(cluster->counters().ask_redirects, 2u);
  // The same in a pipeline: redone on the importing node with ASKING.
  ASSERT_OK_AND_ASSIGN(
      auto replies, cluster->Pipeline(tag, {{"GET", moved}, {"GET", fresh}}));
  EXPECT_EQ(replies[0].str(), "m");
  EXPECT_EQ(replies[1].str(), "f");
  EXPECT_EQ(cluster->counters().ask_redirects, 3u);

  // A command on keys split between the nodes gets TRYAGAIN until the
  // migration ends: retried, then Unavailable.
  {
    RedisClusterOptions options = TestOptions();
    options.max_attempts = 3;
    options.retry_backoff = absl::Milliseconds(1);
    auto impatient = NewClient(options);
    ASSERT_NE(impatient, nullptr);
    auto mget = impatient->Run(tag, {"MGET", moved, stays});
    EXPECT_EQ(mget.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(mget.status().message(), "TRYAGAIN"))
        << mget.status();
    EXPECT_EQ(impatient->counters().retries_tryagain, 2u);
    EXPECT_EQ(impatient->counters().commands_failed, 1u);
  }
  EXPECT_EQ(cluster->counters().moved_redirects, 0u);

  // The migration ends; the client follows MOVED.
  EXPECT_EQ(
      OnNode(*cluster, from,
             {"MIGRATE", to_host, to_port, "", "0", "5000", "KEYS", stays})
          .str(),
      "OK");
  MoveSlot(*cluster, slot, from, to);
  ASSERT_OK_AND_ASSIGN(auto all,
                       cluster->Run(tag, {"MGET", moved, stays, fresh}));
  ASSERT_EQ(all.elements().size(), 3u);
  EXPECT_EQ(all.elements()[0].str(), "m");
  EXPECT_EQ(all.elements()[1].str(), "s");
  EXPECT_EQ(all.elements()[2].str(), "f");
  EXPECT_EQ(cluster->counters().moved_redirects, 1u);
  EXPECT_EQ(cluster->PrimaryForSlot(slot), to);
}

TEST_F(RedisClusterClientTest, ScanEveryPrimary) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  std::string prefix = UniqueKey("scan");
  std::set<std::string> written;
  for (int i = 0; i < 60; ++i) {
    std::string key = absl::StrCat(prefix, ":", i);
    ASSERT_OK(cluster->Run(key, {"SET", key, "x"}));
    written.insert(key);
  }
  std::set<std::string> found;
  for (const std::string& node : cluster->Primaries()) {
    std::string cursor = "0";
    int pages = 0;
    do {
      ASSERT_OK_AND_ASSIGN(
          RedisReply page,
          cluster->RunOnNode(
              node, {"SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "100"}));
      ASSERT_TRUE(page.is_array()) << page.str();
      ASSERT_EQ(page.elements().size(), 2u);
      cursor = page.elements()[0].str();
      for (const RedisReply& k : page.elements()[1].elements()) {
        found.insert(k.str());
      }
    } while (cursor != "0" && ++pages < 10000);
  }
  EXPECT_EQ(found, written);
  EXPECT_EQ(cluster->RunOnNode("nonsense", {"PING"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClusterClientTest, ConcurrentIncrementsSumExactly) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  constexpr int kThreads = 8, kIncrements = 500, kKeys = 16;
  std::vector<std::string> keys;
  absl::flat_hash_set<std::string> nodes;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(UniqueKey("incr"));
    nodes.insert(cluster->PrimaryForSlot(RedisHashSlot(keys.back())));
  }
  EXPECT_EQ(nodes.size(), 3u);
  std::atomic<int> failures{0};
  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        const std::string& key = keys[(t + i) % kKeys];
        auto reply = cluster->Run(key, {"INCR", key}, RedisResend::kNo);
        if (!reply.ok() || !reply->is_integer()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(failures.load(), 0);
  int64_t sum = 0;
  for (const std::string& key : keys) {
    ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
    int64_t value = 0;
    ASSERT_TRUE(absl::SimpleAtoi(get.str(), &value)) << get.str();
    sum += value;
  }
  EXPECT_EQ(sum, kThreads * kIncrements);
  // Never more connections than threads per node (plus the seed's).
  EXPECT_LE(cluster->counters().connections_opened,
            static_cast<uint64_t>(kThreads * 3 + 1));
  std::cout << kThreads * kIncrements << " INCR from " << kThreads
            << " threads in " << took << ", "
            << cluster->counters().connections_opened
            << " connections opened\n";
}

// Threads keep writing to one slot while it moves to another primary and
// back, and while the map is read again: every write lands exactly once.
TEST_F(RedisClusterClientTest, ConcurrentCallsWhileTheSlotMoves) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  auto admin = NewClient(TestOptions());
  ASSERT_NE(admin, nullptr);
  constexpr int kThreads = 4;
  std::string tag = absl::StrCat("{", UniqueKey("busy"), "}");
  int slot = RedisHashSlot(tag);
  std::string from = cluster->PrimaryForSlot(slot);
  std::string to = OtherPrimary(*cluster, from);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<int64_t> done(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string key = absl::StrCat(tag, t);
      while (!stop.load() || done[t] < 200) {
        auto reply = cluster->Run(key, {"INCR", key}, RedisResend::kNo);
        if (reply.ok() && reply->is_integer()) {
          ++done[t];
        } else {
          failures.fetch_add(1);
          if (failures.load() > 100) return;
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(50));
  MoveSlot(*admin, slot, from, to);
  for (int i = 0; i < 10; ++i) EXPECT_OK(cluster->RefreshSlotMap());
  absl::SleepFor(absl::Milliseconds(50));
  MoveSlot(*admin, slot, to, from);
  stop.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    std::string key = absl::StrCat(tag, t);
    ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
    EXPECT_EQ(get.str(), absl::StrCat(done[t])) << key;
  }
  EXPECT_EQ(cluster->PrimaryForSlot(slot), from);
  RedisClusterCounters c = cluster->counters();
  std::cout << "while the slot moved: " << done[0] + done[1] + done[2] + done[3]
            << " INCR, " << c.moved_redirects << " MOVED, " << c.ask_redirects
            << " ASK, " << c.slot_map_refreshes << " map reads\n";
}

}  // namespace
}  // namespace vigil::redis_testing
