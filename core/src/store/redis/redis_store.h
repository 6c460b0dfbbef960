// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Redis Cluster backend of the store port (OpenStore "redis://...").
//
// Layout: every record of partition P (PartitionOf) lives under the hash tag
// {P}, so a partition is one slot on one primary, and a batch's changes to
// it are one Lua script there:
//   NS{P}=T KEY   the record's value (a string); T is the table's letter
//   NS{P}#T       the partition's keys of table T (a sorted set, all scores
//                 0, ordered by bytes): what scans read
// NS is the store's namespace (several stores may share one cluster).
// Conditions (WriteBatch::Expect) are checked by the script of their
// partition, which applies that partition's changes only if they hold; the
// other partitions of a batch follow, each atomic on its own
// (Store::atomic_batches() is false). Counter additions are a
// compare-and-set of the merged value, retried on a concurrent change.
// Writes that must survive a failover wait for a replica (WAIT) for at most
// `wait_timeout`; a write that no replica confirmed in time is still
// applied, and counted (unreplicated_writes).

#ifndef VIGIL_CORE_SRC_STORE_REDIS_REDIS_STORE_H_
#define VIGIL_CORE_SRC_STORE_REDIS_REDIS_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "store/redis/cluster_client.h"
#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/store.h"

namespace vigil::internal {

struct RedisStoreOptions {
  RedisClusterOptions cluster;
  // Prefix of every key: letters, digits, '_', '-', ':' (1 to 64).
  std::string name_space = "vigil";
  // Replicas each write waits for (WAIT), and for how long at most. 0: no
  // waiting (a failover may lose the writes of the last moments).
  int wait_replicas = 1;
  absl::Duration wait_timeout = absl::Milliseconds(200);
  const Clock* clock = nullptr;  // null: RealClock(). Not owned.
  std::vector<RetentionRule> retention;
  // Write, and the bulk helpers, answer FailedPrecondition.
  bool read_only = false;
  std::shared_ptr<Logger> logger;
};

// Parses "redis://HOST:PORT[,HOST:PORT...][/NAMESPACE]" into `options`
// (seeds and namespace); InvalidArgument naming what is wrong.
absl::Status ParseRedisStoreUrl(absl::string_view url,
                                RedisStoreOptions* options);

// Connects to the cluster (RedisCluster::Create). Unavailable if no seed
// answers.
absl::StatusOr<std::unique_ptr<Store>> OpenRedisStore(
    const RedisStoreOptions& options);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_REDIS_REDIS_STORE_H_
