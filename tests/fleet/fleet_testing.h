// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A fleet for end-to-end tests: several real vigild processes on the real
// local Redis Cluster (core/redis/redis_test_cluster.h), all on one store
// namespace of their own (a fresh random one per test, so tests do not see
// each other's state), with the same TOTP key file and one-click link key.
// Each test starts on a healthy cluster (RedisClusterTest); its vigild
// processes are killed, its folders removed and its namespace's keys deleted
// when it ends, also when it fails.

#ifndef VIGIL_TESTS_FLEET_FLEET_TESTING_H_
#define VIGIL_TESTS_FLEET_FLEET_TESTING_H_

#include <signal.h>

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/redis/redis_test_cluster.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::testing {

// "127.0.0.1:<base>,...,127.0.0.1:<base+5>": every node of the test cluster.
std::string ClusterSeeds();
// "fleet-<16 hex digits>", new at each call.
std::string UniqueNamespace();
// "redis://<ClusterSeeds()>/<name_space>"
std::string RedisStoreUrl(const std::string& name_space);

// `request` sent on `client` with the bearer `key` (none if empty) and a JSON
// content type if `body` is not empty. A transport failure is status 0 with
// the error as body.
HttpResponse SendRequest(HttpClient& client, absl::string_view method,
                         const std::string& target, const std::string& body,
                         absl::string_view key);
// The body parsed as JSON; null if it is empty or not JSON.
boost::json::value ParseJson(const std::string& body);
// A /v1/evaluate body: `user` from `ip` with `user_agent` and the device
// fingerprint "fp-<user_agent length>", "outcome" if not empty, and `extra`
// (",\"key\":value...") appended.
std::string EvaluateBody(const std::string& user, const std::string& ip,
                         const std::string& user_agent,
                         const std::string& outcome,
                         const std::string& extra = "");
// The first reason's signal of a decision; "" if there is none.
std::string FirstReason(const boost::json::value& decision);

// What a node's config holds beside the fleet's common part.
struct NodeOptions {
  // The model file; empty: models/default.toml.
  std::string model_path;
  // [smtp] to 127.0.0.1:smtp_port, with [notify] email on; 0: no e-mail.
  int smtp_port = 0;
  int smtp_timeout_ms = 3000;
  // The store namespace; empty: the test's (FleetTest::name_space()).
  std::string name_space;
};

class FleetTest : public redis_testing::RedisClusterTest {
 protected:
  // The outbox claim lease of every node.
  static constexpr int kClaimLeaseMs = 2000;
  // One-click link key of every node.
  static constexpr char kFeedbackKey[] = "fleet-feedback-key-0123456789abcdef";

  void SetUp() override;
  void TearDown() override;

  const std::string& name_space() const { return name_space_; }
  // One more namespace for this test (UniqueNamespace), cleaned up with the
  // test's.
  std::string OtherNamespace();
  const std::string& dir() const { return dir_.path(); }

  // The config of a fleet node: listen on 127.0.0.1:0, 4 threads, the store
  // RedisStoreUrl(namespace), the MaxMind test databases, the test API keys,
  // the fleet's [mfa] key_file, client timestamps trusted, the outbox polling
  // every 100 ms with a kClaimLeaseMs lease, and `options`' e-mail.
  std::string NodeConfig(const NodeOptions& options) const;
  // Starts one more vigild with NodeConfig(options), in a folder of its own;
  // a fatal failure if it does not start. Its index in node().
  int StartNode(const NodeOptions& options = {});
  // `n` nodes with the same options.
  void StartNodes(int n, const NodeOptions& options = {});
  VigildProcess& node(int i) { return *nodes_.at(i); }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  // Sends `signal` to node i and waits for it to end (kill -9 if it did not
  // within 30 s); its main-thread connection is dropped.
  void StopNode(int i, int signal);
  void KillNode(int i) { StopNode(i, SIGKILL); }
  // A new connection to node i; null (and a test failure) if it fails.
  std::unique_ptr<HttpClient> Connect(int i);
  // The main thread's connection to node i, made on first use; null (and a
  // test failure) if it cannot be made.
  HttpClient* client(int i);

  // A call through node i on the main thread's connection; expects
  // `want_status` and returns the body as JSON.
  boost::json::value Call(int i, absl::string_view method,
                          const std::string& target, const std::string& body,
                          absl::string_view key, int want_status = 200);
  // POST /v1/evaluate through node i; expects 200.
  boost::json::value Evaluate(int i, const std::string& user,
                              const std::string& ip,
                              const std::string& user_agent,
                              const std::string& outcome,
                              const std::string& extra = "");
  // PUT /v1/users/{user}/mfa through node i: no factor, the e-mail address
  // <user>@example.com (where notifications go).
  void SetEmail(int i, const std::string& user);
  // Trusted sign-ins of `user` from London over the past days (client
  // timestamps), the last 30 minutes ago, then one from Melbourne now, all
  // through node i: impossible travel, high risk, blocked, and an e-mail if
  // the user has an address and the node sends mail. The last decision.
  boost::json::value RiskySignIn(int i, const std::string& user);

  // The user's whole history (GET /v1/users/{user}/events, page by page of
  // `page_size`, following next_cursor) through `client`; newest first.
  // A test failure if a page is not answered 200.
  std::vector<boost::json::value> History(HttpClient& client,
                                          const std::string& user,
                                          int page_size = 25);

 private:
  TempDir dir_;
  std::string name_space_;
  std::vector<std::string> other_namespaces_;
  std::string mfa_key_file_, feedback_key_file_;
  int started_ = 0;
  std::vector<std::unique_ptr<VigildProcess>> nodes_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_FLEET_FLEET_TESTING_H_
