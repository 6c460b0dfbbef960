// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/redis/cluster_client.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "store/redis/hash_slot.h"
#include "store/redis/sigpipe.h"

namespace vigil::internal {
namespace {

// The payload that marks an Unavailable of RedisResend::kNo whose command
// may have run (RedisMayHaveRun).
constexpr absl::string_view kMayHaveRunPayload = "vigil.redis/may-have-run";

absl::Status MayHaveRun(const absl::Status& transport) {
  absl::Status s = absl::UnavailableError(
      absl::StrCat(transport.message(), " (the command may have run)"));
  s.SetPayload(kMayHaveRunPayload, absl::Cord("1"));
  return s;
}

// Nodes kept by address between two reads of the slot map; redirects to
// more new addresses than this use a connection that is not kept.
constexpr size_t kMaxKnownNodes = 1024;

const std::vector<std::string>& ClusterSlotsCommand() {
  static const auto* const kCommand =
      new std::vector<std::string>{"CLUSTER", "SLOTS"};
  return *kCommand;
}

const std::vector<std::string>& AskingCommand() {
  static const auto* const kCommand = new std::vector<std::string>{"ASKING"};
  return *kCommand;
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// "host:port" (the last ':' splits, as in MOVED replies and CLUSTER SLOTS
// addresses), or "[v6]:port". Empty host allowed (the caller decides).
bool SplitHostPort(absl::string_view text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view h = text.substr(0, colon);
  absl::string_view p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  int value = 0;
  if (p.empty() || p.size() > 5 ||
      !std::all_of(p.begin(), p.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(p, &value) || value < 1 || value > 65535) {
    return false;
  }
  *host = std::string(h);
  *port = value;
  return true;
}

timeval ToTimevalAtLeastOneMs(absl::Duration d) {
  return absl::ToTimeval(std::max(d, absl::Milliseconds(1)));
}

bool IsRetryableCode(absl::string_view code) {
  return code == "TRYAGAIN" || code == "CLUSTERDOWN" || code == "LOADING";
}

struct SlotRange {
  int start = 0;
  int end = 0;
  // The primary first, then its replicas.
  std::vector<std::pair<std::string, int>> nodes;
};

// A CLUSTER SLOTS reply: [[start, end, [host, port, id, ...], replica...]].
// An empty host means the host the reply came from; "?" (an unknown
// endpoint) leaves that node out.
absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(
    const RedisReply& reply, const std::string& replying_host) {
  if (reply.is_error()) {
    return absl::UnavailableError(
        absl::StrCat("CLUSTER SLOTS: error reply: ", reply.str()));
  }
  if (!reply.is_array()) {
    return absl::UnavailableError(
        absl::StrCat("CLUSTER SLOTS: a reply of type ",
                     RedisReply::TypeName(reply.type()), ", not an array"));
  }
  if (reply.elements().empty()) {
    return absl::UnavailableError("CLUSTER SLOTS: no slot is assigned");
  }
  std::vector<SlotRange> ranges;
  for (const RedisReply& entry : reply.elements()) {
    const auto& e = entry.elements();
    if (!entry.is_array() || e.size() < 3 || !e[0].is_integer() ||
        !e[1].is_integer() || e[0].integer() < 0 ||
        e[0].integer() > e[1].integer() || e[1].integer() >= kRedisSlotCount) {
      return absl::UnavailableError("CLUSTER SLOTS: a malformed slot range");
    }
    SlotRange range;
    range.start = static_cast<int>(e[0].integer());
    range.end = static_cast<int>(e[1].integer());
    for (size_t i = 2; i < e.size(); ++i) {
      const auto& n = e[i].elements();
      if (!e[i].is_array() || n.size() < 2 || !n[0].is_string() ||
          !n[1].is_integer() || n[1].integer() < 1 || n[1].integer() > 65535) {
        return absl::UnavailableError("CLUSTER SLOTS: a malformed node");
      }
      if (n[0].str() == "?") {
        if (i == 2) range.nodes.push_back({"", 0});  // keeps [0] the primary
        continue;
      }
      range.nodes.push_back({n[0].str().empty() ? replying_host : n[0].str(),
                             static_cast<int>(n[1].integer())});
    }
    ranges.push_back(std::move(range));
  }
  return ranges;
}

}  // namespace

RedisClusterCounters RedisClusterStats::Snapshot() const {
  RedisClusterCounters c;
#define VIGIL_REDIS_COUNTER_COPY(name, help) \
  c.name = name.load(std::memory_order_relaxed);
  VIGIL_REDIS_CLUSTER_COUNTERS(VIGIL_REDIS_COUNTER_COPY)
#undef VIGIL_REDIS_COUNTER_COPY
  return c;
}

RedisScript::RedisScript(std::string text) : text_(std::move(text)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text_.data()), text_.size(),
       digest);
  static constexpr char kHex[] = "0123456789abcdef";
  sha1_.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    sha1_.push_back(kHex[b >> 4]);
    sha1_.push_back(kHex[b & 0xf]);
  }
}

absl::StatusOr<std::vector<std::string>> ParseRedisSeeds(
    absl::string_view list) {
  std::vector<std::string> seeds;
  int index = 0;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    ++index;
    item = absl::StripAsciiWhitespace(item);
    // An item is quoted only when it cannot be a password (no '@').
    std::string quoted = item.find('@') == absl::string_view::npos
                             ? absl::StrCat(" \"", item, "\"")
                             : std::string();
    if (item.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis seeds: item ", index, " is empty (want host:port,...)"));
    }
    std::string host;
    int port = 0;
    if (!SplitHostPort(item, &host, &port)) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis seeds: item ", index, quoted,
                       " is not host:port with a port in 1..65535"));
    }
    if (host.empty() || host.find_first_of("[]@/ \t") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis seeds: item ", index, quoted, " has no valid host"));
    }
    seeds.push_back(absl::StrCat(host, ":", port));
  }
  return seeds;
}

struct RedisCluster::Node {
  Node(std::string h, int p)
      : host(std::move(h)), port(p), address(absl::StrCat(host, ":", port)) {}
  ~Node() {
    for (redisContext* c : idle) redisFree(c);
  }
  // After a failure on one connection, the idle ones are likely broken too
  // (the node restarted or is gone).
  void DropIdle() {
    std::vector<redisContext*> dropped;
    {
      absl::MutexLock lock(&mu);
      dropped.swap(idle);
    }
    for (redisContext* c : dropped) redisFree(c);
  }
  const std::string host;
  const int port;
  const std::string address;
  absl::Mutex mu;
  std::vector<redisContext*> idle ABSL_GUARDED_BY(mu);
};

struct RedisCluster::Exchange {
  // Not OK: the connection failed (Unavailable, naming the node).
  absl::Status status;
  // With a failure: whether a command may have reached the node.
  bool maybe_sent = false;
  std::vector<RedisReply> replies;
};

RedisCluster::RedisCluster(RedisClusterOptions options)
    : options_(std::move(options)), slots_(kRedisSlotCount) {}

RedisCluster::~RedisCluster() = default;

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Create(
    RedisClusterOptions options) {
  if (options.seeds.empty()) {
    return absl::InvalidArgumentError("redis cluster: no seed node");
  }
  for (const std::string& seed : options.seeds) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(seed, &host, &port) || host.empty()) {
      return absl::InvalidArgumentError(
          "redis cluster: a seed is not host:port");
    }
  }
  for (absl::Duration timeout :
       {options.connect_timeout, options.command_timeout}) {
    if (timeout <= absl::ZeroDuration() ||
        timeout == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(
          "redis cluster: the connect and command timeouts must be positive "
          "and finite");
    }
  }
  if (options.max_attempts < 1 || options.max_redirects < 0) {
    return absl::InvalidArgumentError(
        "redis cluster: max_attempts must be >= 1 and max_redirects >= 0");
  }
  if (options.retry_backoff < absl::ZeroDuration() ||
      options.max_retry_backoff < options.retry_backoff ||
      options.max_retry_backoff == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "redis cluster: want 0 <= retry_backoff <= max_retry_backoff");
  }
  std::unique_ptr<RedisCluster> cluster(new RedisCluster(std::move(options)));
  absl::Status status = cluster->Refresh(0, nullptr);
  if (!status.ok()) return status;
  return cluster;
}

RedisCluster::NodePtr RedisCluster::NodeForSlot(uint16_t slot,
                                                uint64_t* map_version) const {
  absl::ReaderMutexLock lock(&mu_);
  *map_version = map_version_;
  return slots_[slot % kRedisSlotCount];
}

RedisCluster::NodePtr RedisCluster::GetOrAddNode(const std::string& host,
                                                 int port) {
  std::string address = absl::StrCat(host, ":", port);
  absl::MutexLock lock(&mu_);
  auto it = nodes_.find(address);
  if (it != nodes_.end()) return it->second;
  auto node = std::make_shared<Node>(host, port);
  if (nodes_.size() < kMaxKnownNodes) nodes_.emplace(address, node);
  return node;
}

RedisCluster::Exchange RedisCluster::Send(Node& node, const Commands& commands,
                                          bool asking) {
  Exchange ex;
  ContextPtr conn;
  while (conn == nullptr) {
    {
      absl::MutexLock lock(&node.mu);
      if (node.idle.empty()) break;
      conn.reset(node.idle.back());
      node.idle.pop_back();
    }
    // An idle connection has nothing to read unless the node closed it (or
    // it broke): then it is dropped before anything is sent on it.
    pollfd p = {conn->fd, POLLIN, 0};
    if (poll(&p, 1, 0) != 0) conn = nullptr;
  }
  if (conn == nullptr) {
    conn.reset(redisConnectWithTimeout(
        node.host.c_str(), node.port,
        ToTimevalAtLeastOneMs(options_.connect_timeout)));
    if (conn == nullptr) {
      ex.status = absl::UnavailableError(absl::StrCat(
          "redis node ", node.address, ": cannot allocate a connection"));
      return ex;
    }
    if (conn->err != 0) {
      ex.status = absl::UnavailableError(absl::StrCat(
          "redis node ", node.address, ": cannot connect: ", conn->errstr));
      return ex;
    }
    stats_.connections_opened.fetch_add(1, std::memory_order_relaxed);
    if (redisSetTimeout(conn.get(),
                        ToTimevalAtLeastOneMs(options_.command_timeout)) !=
        REDIS_OK) {
      ex.status = absl::UnavailableError(absl::StrCat(
          "redis node ", node.address, ": cannot set the command timeout"));
      return ex;
    }
  }
  redisContext* c = conn.get();

  size_t expected = 0;
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  auto append = [&](const std::vector<std::string>& command) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    ++expected;
    return redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(),
                                  lengths.data()) == REDIS_OK;
  };
  for (const std::vector<std::string>* command : commands) {
    if ((asking && !append(AskingCommand())) || !append(*command)) {
      ex.status = absl::UnavailableError(absl::StrCat(
          "redis node ", node.address, ": cannot format a command"));
      return ex;
    }
  }

  auto failure = [&](int saved_errno) {
    bool timed_out = c->err == REDIS_ERR_IO &&
                     (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
    ex.status = absl::UnavailableError(absl::StrCat(
        "redis node ", node.address, ": ",
        timed_out ? absl::StrCat("no reply within ",
                                 absl::FormatDuration(options_.command_timeout))
                  : std::string(c->errstr)));
  };
  ScopedSigpipeBlock no_sigpipe;
  const size_t unsent = sdslen(c->obuf);
  int done = 0;
  while (!done) {
    if (redisBufferWrite(c, &done) != REDIS_OK) {
      ex.maybe_sent = sdslen(c->obuf) != unsent;
      failure(errno);
      node.DropIdle();
      return ex;
    }
  }
  ex.replies.reserve(commands.size());
  for (size_t i = 0; i < expected; ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK) {
      ex.maybe_sent = true;
      failure(errno);
      ex.replies.clear();
      node.DropIdle();
      return ex;
    }
    RedisReply reply = RedisReply::FromHiredis(static_cast<redisReply*>(raw));
    if (asking && i % 2 == 0) continue;  // ASKING's +OK
    ex.replies.push_back(std::move(reply));
  }
  if (c->err == 0) {
    absl::MutexLock lock(&node.mu);
    if (node.idle.size() < options_.max_idle_connections_per_node) {
      node.idle.push_back(conn.release());
    }
  }
  return ex;
}

absl::Status RedisCluster::Refresh(uint64_t seen_version, const Node* suspect) {
  absl::MutexLock refresh_lock(&refresh_mu_);
  std::vector<NodePtr> candidates;
  {
    absl::MutexLock lock(&mu_);
    if (map_version_ != seen_version) return absl::OkStatus();
    refresh_wanted_ = false;
    // The primaries first, then the other nodes known.
    absl::flat_hash_map<const Node*, bool> seen;
    for (const NodePtr& node : slots_) {
      if (node != nullptr && seen.emplace(node.get(), true).second) {
        candidates.push_back(node);
      }
    }
    for (const auto& [address, node] : nodes_) {
      if (seen.emplace(node.get(), true).second) candidates.push_back(node);
    }
  }
  for (const std::string& seed : options_.seeds) {
    std::string host;
    int port = 0;
    SplitHostPort(seed, &host, &port);  // checked by Create
    bool known = false;
    for (const NodePtr& node : candidates) known |= node->address == seed;
    if (!known) candidates.push_back(std::make_shared<Node>(host, port));
  }
  std::stable_partition(
      candidates.begin(), candidates.end(),
      [suspect](const NodePtr& node) { return node.get() != suspect; });

  std::vector<std::string> errors;
  for (const NodePtr& candidate : candidates) {
    Exchange ex = Send(*candidate, {&ClusterSlotsCommand()}, false);
    absl::StatusOr<std::vector<SlotRange>> ranges =
        ex.status.ok() ? ParseClusterSlots(ex.replies[0], candidate->host)
                       : absl::StatusOr<std::vector<SlotRange>>(ex.status);
    if (!ranges.ok()) {
      errors.push_back(ex.status.ok() ? absl::StrCat(candidate->address, ": ",
                                                     ranges.status().message())
                                      : std::string(ranges.status().message()));
      continue;
    }
    absl::MutexLock lock(&mu_);
    absl::flat_hash_map<std::string, NodePtr> nodes;
    auto node_for = [&](const std::pair<std::string, int>& endpoint) {
      std::string address = absl::StrCat(endpoint.first, ":", endpoint.second);
      auto it = nodes.find(address);
      if (it != nodes.end()) return it->second;
      auto old = nodes_.find(address);
      NodePtr node = old != nodes_.end() ? old->second
                                         : std::make_shared<Node>(
                                               endpoint.first, endpoint.second);
      if (nodes.size() < kMaxKnownNodes) nodes.emplace(address, node);
      return node;
    };
    std::vector<NodePtr> slots(kRedisSlotCount);
    for (const SlotRange& range : *ranges) {
      NodePtr primary;
      for (size_t i = 0; i < range.nodes.size(); ++i) {
        if (range.nodes[i].second == 0) continue;  // unknown endpoint
        NodePtr node = node_for(range.nodes[i]);
        if (i == 0) primary = node;
      }
      for (int s = range.start; s <= range.end; ++s) slots[s] = primary;
    }
    slots_ = std::move(slots);
    nodes_ = std::move(nodes);
    ++map_version_;
    refresh_wanted_ = false;
    stats_.slot_map_refreshes.fetch_add(1, std::memory_order_relaxed);
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      "redis cluster: no node gave a slot map: ", absl::StrJoin(errors, "; ")));
}

absl::Status RedisCluster::RefreshSlotMap() {
  uint64_t version;
  {
    absl::ReaderMutexLock lock(&mu_);
    version = map_version_;
  }
  return Refresh(version, nullptr);
}

void RedisCluster::RefreshIfWanted() {
  uint64_t version;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!refresh_wanted_) return;
    version = map_version_;
  }
  // On failure the map stays as it is; the calls' own retries go on.
  Refresh(version, nullptr).IgnoreError();
}

absl::StatusOr<std::vector<RedisReply>> RedisCluster::Execute(
    uint16_t slot, const Commands& commands, RedisResend resend) {
  RefreshIfWanted();
  int redirects = 0;
  int failures = 0;
  absl::Duration backoff = options_.retry_backoff;
  NodePtr ask_node;
  while (true) {
    uint64_t version = 0;
    NodePtr node = NodeForSlot(slot, &version);
    const bool asking = ask_node != nullptr;
    if (asking) node = std::move(ask_node);
    ask_node = nullptr;

    std::string last_error;
    std::atomic<uint64_t>* cause = nullptr;
    bool refresh = false;
    if (node == nullptr) {
      last_error = absl::StrCat("no node serves slot ", slot);
      cause = &stats_.retries_clusterdown;
      refresh = true;
    } else {
      Exchange ex = Send(*node, commands, asking);
      if (!ex.status.ok()) {
        if (ex.maybe_sent && resend == RedisResend::kNo) {
          {
            absl::MutexLock lock(&mu_);
            refresh_wanted_ = true;
          }
          stats_.commands_failed.fetch_add(1, std::memory_order_relaxed);
          return MayHaveRun(ex.status);
        }
        last_error = std::string(ex.status.message());
        cause = &stats_.retries_connection;
        refresh = true;
      } else {
        const RedisReply* redirect = nullptr;
        const RedisReply* retryable = nullptr;
        for (const RedisReply& reply : ex.replies) {
          absl::string_view code = reply.error_code();
          if (code == "MOVED" || code == "ASK") {
            redirect = &reply;
            break;
          }
          if (retryable == nullptr && IsRetryableCode(code)) {
            retryable = &reply;
          }
        }
        if (redirect != nullptr) {
          // "MOVED <slot> <host>:<port>"; a malformed one is returned.
          std::vector<absl::string_view> words =
              absl::StrSplit(redirect->str(), ' ');
          int target_slot = -1;
          std::string host;
          int port = 0;
          if (words.size() != 3 || !absl::SimpleAtoi(words[1], &target_slot) ||
              target_slot < 0 || target_slot >= kRedisSlotCount ||
              !SplitHostPort(words[2], &host, &port)) {
            return std::move(ex.replies);
          }
          if (host.empty()) host = node->host;
          if (++redirects > options_.max_redirects) {
            stats_.commands_failed.fetch_add(1, std::memory_order_relaxed);
            return absl::UnavailableError(absl::StrCat(
                "redis cluster: slot ", slot, ": more than ",
                options_.max_redirects, " redirects, the last from ",
                node->address, " to ", host, ":", port));
          }
          NodePtr target = GetOrAddNode(host, port);
          if (words[0] == "MOVED") {
            stats_.moved_redirects.fetch_add(1, std::memory_order_relaxed);
            absl::MutexLock lock(&mu_);
            slots_[target_slot] = std::move(target);
            refresh_wanted_ = true;
          } else {
            stats_.ask_redirects.fetch_add(1, std::memory_order_relaxed);
            ask_node = std::move(target);
          }
          continue;
        }
        if (retryable == nullptr) return std::move(ex.replies);
        absl::string_view code = retryable->error_code();
        last_error = absl::StrCat("redis node ", node->address, ": ", code);
        cause = code == "TRYAGAIN"      ? &stats_.retries_tryagain
                : code == "CLUSTERDOWN" ? &stats_.retries_clusterdown
                                        : &stats_.retries_loading;
      }
    }
    if (++failures >= options_.max_attempts) {
      stats_.commands_failed.fetch_add(1, std::memory_order_relaxed);
      return absl::UnavailableError(absl::StrCat("redis cluster: slot ", slot,
                                                 ": failed after ", failures,
                                                 " attempts: ", last_error));
    }
    cause->fetch_add(1, std::memory_order_relaxed);
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, options_.max_retry_backoff);
    if (refresh) Refresh(version, node.get()).IgnoreError();
  }
}

absl::StatusOr<RedisReply> RedisCluster::Run(
    absl::string_view routing_key, const std::vector<std::string>& argv,
    RedisResend resend) {
  if (argv.empty() || argv.size() > INT_MAX) {
    return absl::InvalidArgumentError("redis: an empty command");
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      Execute(RedisHashSlot(routing_key), {&argv}, resend);
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<RedisReply>> RedisCluster::Pipeline(
    absl::string_view routing_key,
    const std::vector<std::vector<std::string>>& commands, RedisResend resend) {
  if (commands.empty()) {
    return absl::InvalidArgumentError("redis: an empty pipeline");
  }
  Commands pointers;
  pointers.reserve(commands.size());
  for (const std::vector<std::string>& command : commands) {
    if (command.empty() || command.size() > INT_MAX) {
      return absl::InvalidArgumentError(
          "redis: an empty command in a pipeline");
    }
    pointers.push_back(&command);
  }
  return Execute(RedisHashSlot(routing_key), pointers, resend);
}

absl::StatusOr<RedisReply> RedisCluster::Eval(
    const RedisScript& script, const std::vector<std::string>& keys,
    const std::vector<std::string>& args, RedisResend resend) {
  uint16_t slot = keys.empty() ? 0 : RedisHashSlot(keys[0]);
  for (const std::string& key : keys) {
    if (RedisHashSlot(key) != slot) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis Eval: the keys are in different slots (", slot,
                       " and ", RedisHashSlot(key), ")"));
    }
  }
  std::vector<std::string> evalsha;
  evalsha.reserve(3 + keys.size() + args.size());
  evalsha.push_back("EVALSHA");
  evalsha.push_back(script.sha1());
  evalsha.push_back(absl::StrCat(keys.size()));
  evalsha.insert(evalsha.end(), keys.begin(), keys.end());
  evalsha.insert(evalsha.end(), args.begin(), args.end());
  absl::StatusOr<std::vector<RedisReply>> replies =
      Execute(slot, {&evalsha}, resend);
  if (!replies.ok()) return replies.status();
  if ((*replies)[0].error_code() != "NOSCRIPT") return std::move((*replies)[0]);
  // Not run: the node lacks the script (restarted, failed over, flushed).
  stats_.scripts_loaded.fetch_add(1, std::memory_order_relaxed);
  const std::vector<std::string> load = {"SCRIPT", "LOAD", script.text()};
  replies = Execute(slot, {&load, &evalsha}, resend);
  if (!replies.ok()) return replies.status();
  if ((*replies)[0].is_error()) return std::move((*replies)[0]);
  return std::move((*replies)[1]);
}

std::vector<std::string> RedisCluster::Primaries() const {
  std::vector<std::string> primaries;
  {
    absl::ReaderMutexLock lock(&mu_);
    const Node* last = nullptr;
    for (const NodePtr& node : slots_) {
      if (node == nullptr || node.get() == last) continue;
      last = node.get();
      primaries.push_back(node->address);
    }
  }
  std::sort(primaries.begin(), primaries.end());
  primaries.erase(std::unique(primaries.begin(), primaries.end()),
                  primaries.end());
  return primaries;
}

std::string RedisCluster::PrimaryForSlot(uint16_t slot) const {
  uint64_t version;
  NodePtr node = NodeForSlot(slot, &version);
  return node == nullptr ? std::string() : node->address;
}

absl::StatusOr<RedisReply> RedisCluster::RunOnNode(
    absl::string_view address, const std::vector<std::string>& argv,
    RedisResend resend) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(address, &host, &port) || host.empty()) {
    return absl::InvalidArgumentError("redis: a node address is not host:port");
  }
  if (argv.empty() || argv.size() > INT_MAX) {
    return absl::InvalidArgumentError("redis: an empty command");
  }
  NodePtr node = GetOrAddNode(host, port);
  absl::Duration backoff = options_.retry_backoff;
  for (int failures = 1;; ++failures) {
    uint64_t version;
    {
      absl::ReaderMutexLock lock(&mu_);
      version = map_version_;
    }
    Exchange ex = Send(*node, {&argv}, false);
    std::atomic<uint64_t>* cause;
    std::string last_error;
    if (!ex.status.ok()) {
      if (ex.maybe_sent && resend == RedisResend::kNo) {
        stats_.commands_failed.fetch_add(1, std::memory_order_relaxed);
        return MayHaveRun(ex.status);
      }
      cause = &stats_.retries_connection;
      last_error = std::string(ex.status.message());
    } else {
      absl::string_view code = ex.replies[0].error_code();
      if (!IsRetryableCode(code)) return std::move(ex.replies[0]);
      cause = code == "TRYAGAIN"      ? &stats_.retries_tryagain
              : code == "CLUSTERDOWN" ? &stats_.retries_clusterdown
                                      : &stats_.retries_loading;
      last_error = absl::StrCat("redis node ", node->address, ": ", code);
    }
    if (failures >= options_.max_attempts) {
      stats_.commands_failed.fetch_add(1, std::memory_order_relaxed);
      return absl::UnavailableError(absl::StrCat(
          "redis cluster: failed after ", failures, " attempts: ", last_error));
    }
    cause->fetch_add(1, std::memory_order_relaxed);
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, options_.max_retry_backoff);
    if (cause == &stats_.retries_connection) {
      Refresh(version, node.get()).IgnoreError();
    }
  }
}

bool RedisMayHaveRun(const absl::Status& status) {
  return absl::IsUnavailable(status) &&
         status.GetPayload(kMayHaveRunPayload).has_value();
}

}  // namespace vigil::internal
