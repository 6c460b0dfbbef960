// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// store/redis/cluster_client.h: a client of Redis Cluster on hiredis's
// synchronous API (hiredis 0.14 has no cluster support, so the routing is
// here): the slot map from CLUSTER SLOTS, MOVED and ASK redirects, retries of
// TRYAGAIN, CLUSTERDOWN, LOADING and connection failures with backoff, and a
// small pool of connections per node. The Redis store backend is built on it.
//
// Every call is bounded: at most max_redirects + max_attempts sends, each
// waiting at most command_timeout per read or write (connect_timeout to
// connect; a host name's lookup is not bounded by it: give addresses), plus
// the backoff sleeps and, after a connection failure, one slot map read that
// asks the known nodes in turn (the failed one last) until one answers.
// Status messages name nodes (host:port), never the arguments of a command,
// which may hold secrets. A SIGPIPE from a write to a closed connection is
// kept from the process (sigpipe.h).

#ifndef VIGIL_STORE_REDIS_CLUSTER_CLIENT_H_
#define VIGIL_STORE_REDIS_CLUSTER_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/redis/reply.h"

namespace vigil::internal {

struct RedisClusterOptions {
  // Nodes to read the slot map from at Create, "host:port" (ParseRedisSeeds),
  // tried in order; any node of the cluster will do. Later, they are tried
  // again when no node of the last slot map answers.
  std::vector<std::string> seeds;
  absl::Duration connect_timeout = absl::Seconds(1);
  // The longest wait for one read or write on a connection.
  absl::Duration command_timeout = absl::Seconds(1);
  // MOVED and ASK redirects followed per call, >= 0.
  int max_redirects = 16;
  // Sends per call that may end in a retryable failure (TRYAGAIN,
  // CLUSTERDOWN, LOADING, a slot no node serves, a connection failure), >= 1:
  // 1 is no retry.
  int max_attempts = 5;
  // The sleep before the first retry, doubled at each one up to
  // max_retry_backoff.
  absl::Duration retry_backoff = absl::Milliseconds(20);
  absl::Duration max_retry_backoff = absl::Milliseconds(500);
  // Healthy connections kept open per node when unused; more are opened
  // while more threads need one at the same time, and closed after use.
  size_t max_idle_connections_per_node = 8;
};

// "host:port,host:port" (spaces around items allowed; IPv6 as [addr]:port)
// -> {"host:port", ...}. InvalidArgument for an empty list, an empty item, a
// missing host or a port not in 1..65535.
absl::StatusOr<std::vector<std::string>> ParseRedisSeeds(
    absl::string_view list);

// The client's counters, listed once here: name, and what it counts.
#define VIGIL_REDIS_CLUSTER_COUNTERS(X)                                  \
  X(moved_redirects, "MOVED replies followed")                           \
  X(ask_redirects, "ASK replies followed")                               \
  X(retries_tryagain, "Retries after TRYAGAIN")                          \
  X(retries_clusterdown,                                                 \
    "Retries after CLUSTERDOWN, or for a slot no node serves")           \
  X(retries_loading, "Retries after LOADING")                            \
  X(retries_connection, "Retries after a connection failure or timeout") \
  X(slot_map_refreshes, "CLUSTER SLOTS replies taken as the slot map")   \
  X(scripts_loaded, "SCRIPT LOAD after NOSCRIPT")                        \
  X(commands_failed, "Calls that failed after all their attempts")       \
  X(connections_opened, "Connections made to nodes")

// A snapshot of the counters.
struct RedisClusterCounters {
#define VIGIL_REDIS_COUNTER_FIELD(name, help) uint64_t name = 0;
  VIGIL_REDIS_CLUSTER_COUNTERS(VIGIL_REDIS_COUNTER_FIELD)
#undef VIGIL_REDIS_COUNTER_FIELD
};

// The live counters, updated by every thread.
struct RedisClusterStats {
#define VIGIL_REDIS_COUNTER_FIELD(name, help) std::atomic<uint64_t> name{0};
  VIGIL_REDIS_CLUSTER_COUNTERS(VIGIL_REDIS_COUNTER_FIELD)
#undef VIGIL_REDIS_COUNTER_FIELD
  RedisClusterCounters Snapshot() const;
};

// A Lua script and its SHA1 (hex), computed once.
class RedisScript {
 public:
  explicit RedisScript(std::string text);
  const std::string& text() const { return text_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string text_;
  std::string sha1_;
};

// What to do when a connection fails after a command may have reached the
// node (its reply is lost, e.g. a timeout): the command may or may not have
// run.
enum class RedisResend {
  kYes,  // send it again: the command is idempotent (at least once)
  kNo,   // fail with Unavailable saying it may have run (at most once)
};

// Whether `status` is such an Unavailable: a command sent with
// RedisResend::kNo whose reply was lost (it may or may not have run).
bool RedisMayHaveRun(const absl::Status& status);

// Thread-safe. Calls from different threads use different connections.
class RedisCluster {
 public:
  // Reads the slot map (CLUSTER SLOTS) from the first seed that answers.
  // InvalidArgument for bad options; Unavailable, naming each seed and why,
  // when no seed gives a slot map.
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Create(
      RedisClusterOptions options);
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // Runs `argv` (a command and its arguments, binary-safe) on the primary
  // serving the slot of `routing_key`, following redirects and retrying as
  // described above. A MOVED reply updates that slot at once and has the
  // whole map read again before the next call; an ASK reply sends ASKING and
  // the command to the named node and changes no map. A Redis error reply
  // that is neither a redirect nor retryable is returned as a reply of type
  // kError. Unavailable after all attempts (or redirects), naming the last
  // node tried; InvalidArgument for an empty argv.
  absl::StatusOr<RedisReply> Run(absl::string_view routing_key,
                                 const std::vector<std::string>& argv,
                                 RedisResend resend = RedisResend::kYes);

  // Sends `commands`, all for the slot of `routing_key`, in one round trip
  // and returns their replies in order. If any reply is a redirect or a
  // retryable error, the whole pipeline is sent again (to the named node, or
  // after the backoff), so commands that had run run again: pipeline only
  // idempotent commands (reads) or commands that fail as a whole (a
  // single-slot script). InvalidArgument for no commands or an empty one.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      absl::string_view routing_key,
      const std::vector<std::vector<std::string>>& commands,
      RedisResend resend = RedisResend::kYes);

  // EVALSHA of `script` with `keys` and `args`, routed by the first key (by
  // slot 0 when there is none). On NOSCRIPT, loads the script on that node
  // (SCRIPT LOAD) and runs it once more (so up to twice the bound of Run).
  // The script's own errors come back as error replies. InvalidArgument when
  // the keys do not share one slot.
  absl::StatusOr<RedisReply> Eval(const RedisScript& script,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args,
                                  RedisResend resend = RedisResend::kYes);

  // The primaries of the current slot map, "host:port", sorted; e.g. for a
  // cluster-wide SCAN, one cursor per primary with RunOnNode. After a
  // failover, the promoted replica once the map was read again (RunOnNode's
  // connection failures do that).
  std::vector<std::string> Primaries() const;
  // The primary serving `slot` in the current map; empty if none.
  std::string PrimaryForSlot(uint16_t slot) const;

  // Runs `argv` on the node at `node` ("host:port"), retrying connection
  // failures (and reading the slot map again after one), TRYAGAIN,
  // CLUSTERDOWN and LOADING, and following no redirect (a MOVED reply comes
  // back as an error reply). InvalidArgument for a malformed address.
  absl::StatusOr<RedisReply> RunOnNode(absl::string_view node,
                                       const std::vector<std::string>& argv,
                                       RedisResend resend = RedisResend::kYes);

  // Reads the whole slot map again now, from any node known (seeds last).
  absl::Status RefreshSlotMap();

  RedisClusterCounters counters() const { return stats_.Snapshot(); }
  const RedisClusterOptions& options() const { return options_; }

 private:
  struct Node;
  struct Exchange;
  using NodePtr = std::shared_ptr<Node>;
  using Commands = std::vector<const std::vector<std::string>*>;

  explicit RedisCluster(RedisClusterOptions options);

  NodePtr NodeForSlot(uint16_t slot, uint64_t* map_version) const;
  // The node at `address`, made if unknown; kept while the map names it.
  NodePtr GetOrAddNode(const std::string& host, int port);
  // Sends `commands` (each after ASKING if `asking`) on a connection to
  // `node` and reads their replies.
  Exchange Send(Node& node, const Commands& commands, bool asking);
  // The loop of redirects and retries for `commands` on `slot`.
  absl::StatusOr<std::vector<RedisReply>> Execute(uint16_t slot,
                                                  const Commands& commands,
                                                  RedisResend resend);
  // Reads the slot map again unless it changed since `seen_version`;
  // `suspect` (may be null) is asked last.
  absl::Status Refresh(uint64_t seen_version, const Node* suspect);
  void RefreshIfWanted();

  const RedisClusterOptions options_;
  mutable RedisClusterStats stats_;

  mutable absl::Mutex mu_;
  std::vector<NodePtr> slots_ ABSL_GUARDED_BY(mu_);  // kRedisSlotCount
  absl::flat_hash_map<std::string, NodePtr> nodes_ ABSL_GUARDED_BY(mu_);
  uint64_t map_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool refresh_wanted_ ABSL_GUARDED_BY(mu_) = false;

  // Held while reading the slot map, so that threads failing at once read
  // it once.
  absl::Mutex refresh_mu_;
};

}  // namespace vigil::internal

#endif  // VIGIL_STORE_REDIS_CLUSTER_CLIENT_H_
