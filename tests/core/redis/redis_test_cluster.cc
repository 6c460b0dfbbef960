// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "core/redis/redis_test_cluster.h"

#include <cstdlib>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "store/redis/hash_slot.h"

namespace vigil::redis_testing {
namespace {

std::string ShellQuote(absl::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Starts the cluster for a test binary run by hand, and stops it at the end
// if it was not running before.
class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    bool any_up = false;
    {
      RedisClusterOptions options = TestOptions();
      options.max_attempts = 1;
      any_up = RedisCluster::Create(options).ok();
    }
    started_here_ = !any_up;
    if (!ClusterHealthy()) {
      ASSERT_EQ(ClusterScript("start"), 0) << "the test cluster did not start";
    }
  }
  void TearDown() override {
    if (started_here_) {
      EXPECT_EQ(ClusterScript("stop"), 0);
    }
  }

 private:
  bool started_here_ = false;
};

::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);

uint64_t RandomNumber() {
  static std::mt19937_64 rng(std::random_device{}());
  return rng();
}

}  // namespace

std::string NodeAddress(int i) {
  return absl::StrCat("127.0.0.1:", kBasePort + i);
}

std::vector<std::string> AllNodeAddresses() {
  std::vector<std::string> nodes;
  for (int i = 0; i < kNodeCount; ++i) nodes.push_back(NodeAddress(i));
  return nodes;
}

std::string DeadAddress() { return NodeAddress(kNodeCount + 3); }

int ClusterScript(absl::string_view verb) {
  std::string command = absl::StrCat(
      ShellQuote(absl::StrCat(VIGIL_SOURCE_DIR, "/scripts/redis-cluster.sh")),
      " ", verb, " ", ShellQuote(VIGIL_REDIS_CLUSTER_DIR), " ", kBasePort);
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool ClusterHealthy() {
  RedisClusterOptions options = TestOptions();
  options.max_attempts = 1;
  auto cluster = RedisCluster::Create(options);
  if (!cluster.ok()) return false;
  for (const std::string& node : AllNodeAddresses()) {
    auto info = (*cluster)->RunOnNode(node, {"CLUSTER", "INFO"});
    if (!info.ok() || !info->is_string()) return false;
    for (absl::string_view want : {"cluster_state:ok", "cluster_slots_ok:16384",
                                   "cluster_known_nodes:6"}) {
      if (!absl::StrContains(info->str(), want)) return false;
    }
    auto repl = (*cluster)->RunOnNode(node, {"INFO", "replication"});
    if (!repl.ok() || !repl->is_string()) return false;
    if (absl::StrContains(repl->str(), "role:slave") &&
        !absl::StrContains(repl->str(), "master_link_status:up")) {
      return false;
    }
  }
  return true;
}

RedisClusterOptions TestOptions() {
  RedisClusterOptions options;
  options.seeds = AllNodeAddresses();
  options.connect_timeout = absl::Milliseconds(500);
  options.command_timeout = absl::Milliseconds(1000);
  return options;
}

std::unique_ptr<RedisCluster> NewClient(const RedisClusterOptions& options) {
  auto cluster = RedisCluster::Create(options);
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  return cluster.ok() ? std::move(*cluster) : nullptr;
}

std::string UniqueKey(absl::string_view prefix) {
  return absl::StrCat(prefix, ":", absl::Hex(RandomNumber()));
}

std::string TagOnNode(RedisCluster& cluster, const std::string& node,
                      absl::string_view prefix) {
  for (int i = 0; i < 100000; ++i) {
    std::string tag =
        absl::StrCat("{", prefix, "-", absl::Hex(RandomNumber()), "}");
    if (cluster.PrimaryForSlot(internal::RedisHashSlot(tag)) == node) {
      return tag;
    }
  }
  ADD_FAILURE() << "no slot of " << node << " found";
  return "";
}

RedisReply OnNode(RedisCluster& cluster, const std::string& node,
                  const std::vector<std::string>& argv) {
  auto reply = cluster.RunOnNode(node, argv);
  EXPECT_TRUE(reply.ok()) << reply.status();
  return reply.ok() ? *std::move(reply) : RedisReply::Error("(failed)");
}

pid_t NodePid(RedisCluster& cluster, const std::string& node) {
  RedisReply info = OnNode(cluster, node, {"INFO", "server"});
  for (absl::string_view line : absl::StrSplit(info.str(), "\r\n")) {
    int pid = 0;
    if (absl::ConsumePrefix(&line, "process_id:") &&
        absl::SimpleAtoi(line, &pid)) {
      return pid;
    }
  }
  ADD_FAILURE() << "no process_id from " << node;
  return 0;
}

std::string NodeId(RedisCluster& cluster, const std::string& node) {
  return OnNode(cluster, node, {"CLUSTER", "MYID"}).str();
}

void RedisClusterTest::SetUp() {
  if (!ClusterHealthy()) {
    ASSERT_EQ(ClusterScript("start"), 0) << "the test cluster is not healthy";
  }
}

}  // namespace vigil::redis_testing
