// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Redis Cluster client when nodes fail: a node that stops answering
// (kill -STOP), a primary killed (kill -9) and replaced by its replica, the
// whole cluster restarted from its AOF files.

#include <signal.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/redis/redis_test_cluster.h"
#include "gtest/gtest.h"
#include "store/redis/cluster_client.h"
#include "store/redis/hash_slot.h"
#include "testing/test_util.h"

namespace vigil::redis_testing {
namespace {

using internal::RedisClusterCounters;
using internal::RedisHashSlot;
using internal::RedisResend;

class RedisClusterFailureTest : public RedisClusterTest {};

std::string OtherPrimary(RedisCluster& cluster, const std::string& node) {
  for (const std::string& p : cluster.Primaries()) {
    if (p != node) return p;
  }
  return "";
}

// Resumes a stopped process however the test ends.
class ContinueOnExit {
 public:
  explicit ContinueOnExit(pid_t pid) : pid_(pid) {}
  ~ContinueOnExit() {
    if (pid_ > 0) kill(pid_, SIGCONT);
  }

 private:
  pid_t pid_;
};

// Brings every node back (the script restarts the ones not running) and
// waits until the cluster is healthy, however the test ends.
class RestartOnExit {
 public:
  ~RestartOnExit() { EXPECT_EQ(ClusterScript("start"), 0); }
};

TEST_F(RedisClusterFailureTest, AStoppedNodeTimesOutWithinTheBound) {
  RedisClusterOptions options = TestOptions();
  options.command_timeout = absl::Milliseconds(300);
  options.max_attempts = 2;
  options.retry_backoff = absl::Milliseconds(10);
  auto cluster = NewClient(options);
  ASSERT_NE(cluster, nullptr);
  std::string key = UniqueKey("stopped");
  const std::string secret = "s3cret-argument-value";
  ASSERT_OK(cluster->Run(key, {"SET", key, secret}));
  std::string node = cluster->PrimaryForSlot(RedisHashSlot(key));
  pid_t pid = NodePid(*cluster, node);
  ASSERT_GT(pid, 0);

  absl::Duration took;
  {
    ContinueOnExit resume(pid);
    ASSERT_EQ(kill(pid, SIGSTOP), 0);
    absl::Time start = absl::Now();
    auto reply = cluster->Run(key, {"SET", key, secret});
    took = absl::Now() - start;
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(reply.status().message(), node))
        << reply.status();
    EXPECT_TRUE(absl::StrContains(reply.status().message(), "no reply within"))
        << reply.status();
    EXPECT_FALSE(absl::StrContains(reply.status().message(), secret));
    EXPECT_FALSE(absl::StrContains(reply.status().message(), key));
    // At most once: a timed-out command may have run, and is not sent again.
    auto once = cluster->Run(key, {"INCR", UniqueKey("x")}, RedisResend::kNo);
    EXPECT_TRUE(absl::StrContains(once.status().message(), "may have run"))
        << once.status();
    // The first wait (2 attempts of 300 ms, the map read meanwhile) is well
    // under the node timeout, so no failover starts.
    EXPECT_LT(took, absl::Milliseconds(1500));
  }
  std::cout << "a stopped node: Unavailable after " << took << "\n";
  EXPECT_GE(cluster->counters().retries_connection, 1u);
  EXPECT_GE(cluster->counters().commands_failed, 2u);
  // Resumed: the same client works again.
  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), secret);
}

TEST_F(RedisClusterFailureTest, FailoverIsFoundWithoutANewClient) {
  RedisClusterOptions options = TestOptions();
  options.max_attempts = 3;
  auto cluster = NewClient(options);
  ASSERT_NE(cluster, nullptr);
  RestartOnExit restart;
  std::string key = UniqueKey("failover");
  ASSERT_OK(cluster->Run(key, {"SET", key, "kept"}));
  // Replicated before the kill (replication is asynchronous otherwise).
  ASSERT_OK_AND_ASSIGN(RedisReply wait,
                       cluster->Run(key, {"WAIT", "1", "2000"}));
  ASSERT_EQ(wait.integer(), 1);
  std::string old_primary = cluster->PrimaryForSlot(RedisHashSlot(key));
  pid_t pid = NodePid(*cluster, old_primary);
  ASSERT_GT(pid, 0);

  // A key of another primary: its calls see the cluster down (CLUSTERDOWN
  // while a primary is failed and its replica not yet promoted).
  std::string other = absl::StrCat(
      TagOnNode(*cluster, OtherPrimary(*cluster, old_primary), "other"), "k");
  ASSERT_OK(cluster->Run(other, {"SET", other, "o"}));

  ASSERT_EQ(kill(pid, SIGKILL), 0);
  absl::Time killed = absl::Now();
  int failed_calls = 0, other_failed_calls = 0;
  absl::StatusOr<RedisReply> reply;
  while (absl::Now() - killed < absl::Seconds(30)) {
    reply = cluster->Run(key, {"GET", key});
    if (reply.ok()) break;
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_FALSE(absl::StrContains(reply.status().message(), key));
    ++failed_calls;
    auto other_reply = cluster->Run(other, {"GET", other});
    if (!other_reply.ok()) ++other_failed_calls;
  }
  absl::Duration took = absl::Now() - killed;
  RedisClusterCounters c = cluster->counters();
  std::cout << "failover: " << failed_calls << " failed calls, served again "
            << took << " after kill -9 of " << old_primary << "; another "
            << "primary's key: " << other_failed_calls << " failed calls; "
            << c.retries_connection << " retries after connection failures, "
            << c.retries_clusterdown << " after CLUSTERDOWN, "
            << c.slot_map_refreshes << " map reads\n";
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->str(), "kept");
  EXPECT_GT(failed_calls, 0);
  EXPECT_LT(took, absl::Seconds(15));
  std::string new_primary = cluster->PrimaryForSlot(RedisHashSlot(key));
  EXPECT_NE(new_primary, old_primary);
  EXPECT_EQ(cluster->Primaries().size(), 3u);
  ASSERT_OK(cluster->Run(key, {"SET", key, "after"}));
  EXPECT_GE(cluster->counters().retries_connection, 1u);

  // The killed node comes back as a replica of the new primary.
  ASSERT_EQ(ClusterScript("start"), 0);
  RedisReply role = OnNode(*cluster, old_primary, {"ROLE"});
  ASSERT_TRUE(role.is_array());
  EXPECT_EQ(role.elements()[0].str(), "slave");
  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), "after");
}

TEST_F(RedisClusterFailureTest, WholeClusterRestartKeepsTheKeys) {
  auto cluster = NewClient(TestOptions());
  ASSERT_NE(cluster, nullptr);
  RestartOnExit restart;
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    keys.push_back(UniqueKey("restart"));
    ASSERT_OK(cluster->Run(keys.back(), {"SET", keys.back(), keys.back()}));
  }
  absl::Time start = absl::Now();
  ASSERT_EQ(ClusterScript("stop"), 0);
  EXPECT_FALSE(cluster->Run(keys[0], {"GET", keys[0]}).ok());
  ASSERT_EQ(ClusterScript("start"), 0);
  std::cout << "stop and start of the cluster: " << absl::Now() - start << "\n";
  // The same client (its connections broke) and a new one read every key.
  auto fresh = NewClient(TestOptions());
  ASSERT_NE(fresh, nullptr);
  for (RedisCluster* client : {cluster.get(), fresh.get()}) {
    for (const std::string& key : keys) {
      ASSERT_OK_AND_ASSIGN(RedisReply get, client->Run(key, {"GET", key}));
      EXPECT_EQ(get.str(), key);
    }
  }
}

// A node that closes the connection while the client still writes (here: a
// bulk argument over the node's proto-max-bulk-len): the write fails
// (ECONNRESET, or EPIPE with a SIGPIPE: sigpipe_test.cc), the call fails
// cleanly and the client goes on.
TEST_F(RedisClusterFailureTest, AConnectionClosedMidWriteFailsCleanly) {
  RedisClusterOptions options = TestOptions();
  options.max_attempts = 2;
  auto cluster = NewClient(options);
  ASSERT_NE(cluster, nullptr);
  std::string key = UniqueKey("sigpipe");
  std::string node = cluster->PrimaryForSlot(RedisHashSlot(key));
  RedisReply old =
      OnNode(*cluster, node, {"CONFIG", "GET", "proto-max-bulk-len"});
  ASSERT_EQ(old.elements().size(), 2u);
  ASSERT_EQ(
      OnNode(*cluster, node, {"CONFIG", "SET", "proto-max-bulk-len", "1048576"})
          .str(),
      "OK");
  struct Restore {
    RedisCluster* cluster;
    std::string node, value;
    ~Restore() {
      OnNode(*cluster, node, {"CONFIG", "SET", "proto-max-bulk-len", value});
    }
  } restore{cluster.get(), node, old.elements()[1].str()};

  auto reply = cluster->Run(key, {"SET", key, std::string(16 << 20, 'x')});
  // Either the write failed (Unavailable) or the node's protocol error was
  // read before the connection ended.
  if (reply.ok()) {
    EXPECT_TRUE(reply->is_error()) << RedisReply::TypeName(reply->type());
  } else {
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(reply.status().message(), node))
        << reply.status();
  }
  // Nothing pending, the client and node work on.
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));
  ASSERT_OK(cluster->Run(key, {"SET", key, "small"}));
  ASSERT_OK_AND_ASSIGN(RedisReply get, cluster->Run(key, {"GET", key}));
  EXPECT_EQ(get.str(), "small");
}

}  // namespace
}  // namespace vigil::redis_testing
