// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The real local Redis Cluster the tests of store/redis run against:
// scripts/redis-cluster.sh in VIGIL_REDIS_CLUSTER_DIR on 127.0.0.1 ports
// VIGIL_REDIS_BASE_PORT..+5 (compile definitions, tests/CMakeLists.txt).
// Under CTest a fixture starts it before the tests with label redis and
// stops it after them; a test binary run by hand starts it if it is not up
// and stops it at the end. Each test makes sure the cluster is healthy when
// it starts (restarting nodes a failed test left down) and leaves it so.

#ifndef VIGIL_TESTS_CORE_REDIS_REDIS_TEST_CLUSTER_H_
#define VIGIL_TESTS_CORE_REDIS_REDIS_TEST_CLUSTER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "store/redis/cluster_client.h"

namespace vigil::redis_testing {

using internal::RedisCluster;
using internal::RedisClusterOptions;
using internal::RedisReply;

inline constexpr int kBasePort = VIGIL_REDIS_BASE_PORT;
inline constexpr int kNodeCount = 6;

// "127.0.0.1:<kBasePort + i>"
std::string NodeAddress(int i);
std::vector<std::string> AllNodeAddresses();
// A port in the cluster's range where nothing listens (no node there).
std::string DeadAddress();

// scripts/redis-cluster.sh <verb> DIR PORT; its exit code.
int ClusterScript(absl::string_view verb);
// Whether every node answers and says the cluster is healthy (the script's
// check, done here without starting processes).
bool ClusterHealthy();

// Options for a test client: every node as a seed, short timeouts.
RedisClusterOptions TestOptions();
std::unique_ptr<RedisCluster> NewClient(const RedisClusterOptions& options);

// A key nobody else uses: "<prefix>:<random hex>".
std::string UniqueKey(absl::string_view prefix);
// A hash tag "{<prefix>-<random>}" whose slot the primary `node` serves.
std::string TagOnNode(RedisCluster& cluster, const std::string& node,
                      absl::string_view prefix);

// The node's process id (INFO server) and cluster id (CLUSTER MYID).
pid_t NodePid(RedisCluster& cluster, const std::string& node);
std::string NodeId(RedisCluster& cluster, const std::string& node);

// argv on `node`, which must answer without a transport failure; the reply.
RedisReply OnNode(RedisCluster& cluster, const std::string& node,
                  const std::vector<std::string>& argv);

// Each test starts on a healthy cluster.
class RedisClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

}  // namespace vigil::redis_testing

#endif  // VIGIL_TESTS_CORE_REDIS_REDIS_TEST_CLUSTER_H_
