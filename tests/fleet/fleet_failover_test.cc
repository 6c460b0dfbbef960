// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A fleet through Redis failures: three real vigild processes under load
// while a primary of the real local cluster is killed (kill -9), and across
// a restart of the whole cluster. Requests fail only while the cluster fails
// over, then succeed again without restarting vigild; nothing answered 200
// is lost from the history.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "fleet/fleet_testing.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using redis_testing::ClusterHealthy;
using redis_testing::ClusterScript;

constexpr int kFleet = 3;

// One evaluation under load.
struct Answer {
  int node = 0;
  std::string user;
  absl::Time sent, answered;
  int status = 0;  // 0: no HTTP answer
  std::string event_id;
  std::string body;  // of a failure
};

class FleetFailoverTest : public FleetTest {
 protected:
  // The event ids of `user`'s history through `client`.
  std::set<std::string> EventIds(HttpClient& client, const std::string& user) {
    std::set<std::string> ids;
    for (const json::value& e : History(client, user, 100)) {
      ids.insert(std::string(e.at("event_id").as_string()));
    }
    return ids;
  }
};

TEST_F(FleetFailoverTest, AKilledPrimaryFailsRequestsOnlyDuringTheFailover) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet));
  // Two client threads per node, each signing in its own 5 users in turn
  // (30 users: their records lie on every primary).
  constexpr int kThreadsPerNode = 2, kUsersPerThread = 5;
  constexpr int kThreads = kFleet * kThreadsPerNode;
  const absl::Duration kBeforeKill = absl::Milliseconds(2500);
  // Redis Cluster promotes the replica within a few seconds, or, when its
  // first election gets too few votes in time (seen under a loaded CI
  // machine), after a retry 2 x 2 x node timeout later: up to ~14 s.
  const absl::Duration kPromotionBound = absl::Seconds(20);
  // vigild's part: its failures are over this long after the promotion
  // (the other nodes learn of it by gossip; a request under way retries
  // with backoff before it refreshes the slot map: 3.2 s seen under a
  // parallel ctest), and the load goes on 3 s longer.
  const absl::Duration kRecovery = absl::Seconds(6);
  const absl::Duration kAfterPromotion = kRecovery + absl::Seconds(3);
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.push_back(Connect(t % kFleet));
    ASSERT_NE(clients.back(), nullptr);
  }
  std::mutex mu;
  std::vector<Answer> answers;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  // The load ends, and its threads are joined, however the test ends.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (std::thread& th : threads) {
        if (th.joinable()) th.join();
      }
    }
  } joiner{stop, threads};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int node_index = t % kFleet;
      for (int i = 0; !stop.load(); ++i) {
        Answer a;
        a.node = node_index;
        a.user = absl::StrCat("load-", t, "-", i % kUsersPerThread);
        a.sent = absl::Now();
        if (clients[t] == nullptr) {
          absl::StatusOr<std::unique_ptr<HttpClient>> c =
              HttpClient::Connect(node(node_index).address());
          if (c.ok()) clients[t] = *std::move(c);
        }
        HttpResponse r;
        if (clients[t] != nullptr) {
          r = SendRequest(
              *clients[t], "POST", "/v1/evaluate",
              EvaluateBody(a.user, kLondon, kChromeWindows, "success"),
              kEvaluateKey);
        }
        a.answered = absl::Now();
        a.status = r.status;
        if (r.status == 0) clients[t].reset();  // connect again
        const json::value d = ParseJson(r.body);
        if (r.status == 200 && d.is_object()) {
          a.event_id = std::string(d.at("event_id").as_string());
        } else {
          a.body = r.body.substr(0, 300);
          absl::SleepFor(absl::Milliseconds(20));
        }
        std::lock_guard<std::mutex> lock(mu);
        answers.push_back(std::move(a));
      }
    });
  }
  absl::SleepFor(kBeforeKill);

  // kill -9 of the primary that serves the first primary's slots.
  std::unique_ptr<redis_testing::RedisCluster> cluster =
      redis_testing::NewClient(redis_testing::TestOptions());
  ASSERT_NE(cluster, nullptr);
  const std::vector<std::string> primaries = cluster->Primaries();
  ASSERT_EQ(primaries.size(), 3u);
  const std::string victim = primaries[0];
  const pid_t pid = redis_testing::NodePid(*cluster, victim);
  ASSERT_GT(pid, 0);
  // The victim's replica (CLUSTER NODES: "<id> <ip:port@cport> slave
  // <primary id> ..."), whose ROLE says when it took over.
  const std::string victim_id = redis_testing::NodeId(*cluster, victim);
  std::string replica;
  const redis_testing::RedisReply nodes =
      redis_testing::OnNode(*cluster, primaries[1], {"CLUSTER", "NODES"});
  for (absl::string_view line : absl::StrSplit(nodes.str(), '\n')) {
    const std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() > 3 && f[3] == victim_id) {
      replica = f[1].substr(0, f[1].find('@'));
    }
  }
  ASSERT_FALSE(replica.empty()) << nodes.str();
  const absl::Time killed_at = absl::Now();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  absl::Time promoted_at = absl::InfiniteFuture();
  while (absl::Now() < killed_at + kPromotionBound) {
    const redis_testing::RedisReply role =
        redis_testing::OnNode(*cluster, replica, {"ROLE"});
    if (role.is_array() && !role.elements().empty() &&
        role.elements()[0].str() == "master") {
      promoted_at = absl::Now();
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  absl::SleepFor(kAfterPromotion);
  stop = true;
  for (std::thread& th : threads) th.join();
  threads.clear();
  const absl::Time stopped_at = absl::Now();

  // Failures: none answered before the kill; each a 503 from vigild (the
  // store was unavailable), within one window after it.
  int ok = 0;
  std::vector<const Answer*> failures;
  std::map<int, int> ok_after;  // per node, after the last failure
  for (const Answer& a : answers) {
    if (a.status == 200) {
      ++ok;
    } else {
      failures.push_back(&a);
    }
  }
  std::map<int, int> statuses;
  absl::Time first_failure = absl::InfiniteFuture();
  absl::Time last_failure = absl::InfinitePast();
  for (const Answer* f : failures) {
    ++statuses[f->status];
    // (A request in flight at the kill may fail: it counts from the kill.)
    first_failure = std::min(first_failure, std::max(f->sent, killed_at));
    last_failure = std::max(last_failure, f->answered);
    EXPECT_GE(f->answered, killed_at)
        << "a failure before the kill: " << f->body;
    EXPECT_EQ(f->status, 503) << f->body;
    // The client is told the store failed, not the cluster's nodes or
    // slots (those are in vigild's log).
    EXPECT_EQ(f->body.find("127.0.0.1"), std::string::npos) << f->body;
    EXPECT_EQ(f->body.find("slot"), std::string::npos) << f->body;
  }
  for (const Answer& a : answers) {
    if (a.status == 200 && a.sent > last_failure) ++ok_after[a.node];
  }
  const absl::Duration window =
      failures.empty() ? absl::ZeroDuration() : last_failure - first_failure;
  std::cout << "[ failover ] kill -9 of primary " << victim << ": "
            << answers.size() << " evaluations, " << ok << " answered 200, "
            << failures.size() << " failed";
  for (const auto& [status, n] : statuses) {
    std::cout << " (" << n << " with status " << status << ")";
  }
  if (!failures.empty()) {
    std::cout << "; failover window (first failure to last failure) "
              << absl::FormatDuration(window) << ", first failure "
              << absl::FormatDuration(first_failure - killed_at)
              << " after the kill, last one "
              << absl::FormatDuration(last_failure - killed_at) << " after it";
  }
  std::cout << std::endl;
  if (!failures.empty()) {
    std::cout << "[ failover ] e.g. " << failures[0]->status << " "
              << failures[0]->body << std::endl;
  }
  // The cluster's node timeout is 2 s (scripts/redis-cluster.sh): the
  // replica takes over within a few seconds (one election retry at most).
  // vigild's part: failures end within kRecovery of the promotion (it finds
  // the new primary), then every node answers again.
  std::cout << "[ failover ] replica " << replica << " promoted "
            << absl::FormatDuration(promoted_at - killed_at)
            << " after the kill" << std::endl;
  ASSERT_LT(promoted_at, killed_at + kPromotionBound)
      << "Redis Cluster did not promote the replica";
  EXPECT_LE(last_failure, promoted_at + kRecovery);
  EXPECT_LE(last_failure, stopped_at - absl::Seconds(2));
  for (int n = 0; n < kFleet; ++n) {
    EXPECT_GE(ok_after[n], 10) << "node " << n << " did not recover";
  }

  // Every evaluation answered 200 is in its user's history.
  std::map<std::string, std::vector<std::string>> by_user;
  for (const Answer& a : answers) {
    if (a.status == 200) by_user[a.user].push_back(a.event_id);
  }
  int missing = 0;
  for (const auto& [user, ids] : by_user) {
    const std::set<std::string> history =
        EventIds(*client(user.size() % 3), user);
    for (const std::string& id : ids) {
      if (history.count(id) == 0) {
        ++missing;
        ADD_FAILURE() << "event " << id << " of " << user
                      << " answered 200, not in the history";
      }
    }
  }
  EXPECT_EQ(missing, 0);

  // The killed node comes back (as a replica) and the cluster is healthy.
  EXPECT_EQ(ClusterScript("start"), 0);
  EXPECT_TRUE(ClusterHealthy());
}

TEST_F(FleetFailoverTest, ARestartOfTheWholeClusterKeepsEveryHistory) {
  ASSERT_NO_FATAL_FAILURE(StartNodes(kFleet));
  // 12 users, 3 sign-ins each, spread round-robin over the nodes.
  std::map<std::string, std::set<std::string>> written;
  int k = 0;
  for (int round = 0; round < 3; ++round) {
    for (int u = 0; u < 12; ++u) {
      const std::string user = absl::StrCat("kept-", u);
      const json::value d =
          Evaluate(k++ % kFleet, user, kLondon, kChromeWindows, "success");
      ASSERT_TRUE(d.is_object());
      written[user].insert(std::string(d.at("event_id").as_string()));
    }
  }
  // Nodes 1 and 2 stop; node 0 stays up through the restart.
  for (int n = 1; n < kFleet; ++n) StopNode(n, SIGTERM);

  ASSERT_EQ(ClusterScript("stop"), 0);
  EXPECT_FALSE(ClusterHealthy());
  ASSERT_EQ(ClusterScript("start"), 0);  // from each node's AOF
  ASSERT_TRUE(ClusterHealthy());

  // A vigild connected afterwards reads every event written before.
  const int fresh = StartNode();
  ASSERT_GE(fresh, 0);
  for (const auto& [user, ids] : written) {
    EXPECT_EQ(EventIds(*client(fresh), user), ids) << user;
  }
  // And the baselines: the next sign-in knows the 3 before it.
  const json::value d =
      Evaluate(fresh, "kept-0", kLondon, kChromeWindows, "success");
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d.at("risk").at("baseline").at("successful_sign_ins"), 3)
      << json::serialize(d);
  // The vigild that stayed up answers again, without a restart, and reads
  // the same.
  const json::value again =
      Evaluate(0, "kept-1", kLondon, kChromeWindows, "success");
  ASSERT_TRUE(again.is_object());
  EXPECT_EQ(again.at("risk").at("baseline").at("successful_sign_ins"), 3)
      << json::serialize(again);
  EXPECT_EQ(EventIds(*client(0), "kept-2"), written["kept-2"]);
}

}  // namespace
}  // namespace vigil::testing
