// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "fleet/fleet_testing.h"

#include <signal.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "store/redis/hash_slot.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"

namespace vigil::testing {

namespace json = boost::json;

std::string ClusterSeeds() {
  return absl::StrJoin(redis_testing::AllNodeAddresses(), ",");
}

std::string UniqueNamespace() {
  static std::mt19937_64 rng(std::random_device{}());
  return absl::StrCat("fleet-", absl::Hex(rng(), absl::kZeroPad16));
}

std::string RedisStoreUrl(const std::string& name_space) {
  return absl::StrCat("redis://", ClusterSeeds(), "/", name_space);
}

HttpResponse SendRequest(HttpClient& client, absl::string_view method,
                         const std::string& target, const std::string& body,
                         absl::string_view key) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!key.empty()) {
    headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
  }
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  absl::StatusOr<HttpResponse> r = client.Send(method, target, body, headers);
  if (!r.ok()) {
    HttpResponse failed;
    failed.body = r.status().ToString();
    return failed;
  }
  return *std::move(r);
}

json::value ParseJson(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

std::string EvaluateBody(const std::string& user, const std::string& ip,
                         const std::string& user_agent,
                         const std::string& outcome, const std::string& extra) {
  return absl::StrCat(
      R"({"user_id":")", user, R"(","ip":")", ip, R"(","user_agent":")",
      user_agent, R"(","device_fingerprint":"fp-)", user_agent.size(), "\"",
      outcome.empty() ? "" : absl::StrCat(R"(,"outcome":")", outcome, "\""),
      extra, "}");
}

std::string FirstReason(const json::value& decision) {
  if (!decision.is_object()) return "";
  const json::value* risk = decision.as_object().if_contains("risk");
  if (risk == nullptr || !risk->is_object()) return "";
  const json::value* reasons = risk->as_object().if_contains("reasons");
  if (reasons == nullptr || !reasons->is_array() ||
      reasons->as_array().empty()) {
    return "";
  }
  const json::value& first = reasons->as_array()[0];
  const json::value* signal =
      first.is_object() ? first.as_object().if_contains("signal") : nullptr;
  return signal != nullptr && signal->is_string()
             ? std::string(signal->as_string())
             : "";
}

void FleetTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(RedisClusterTest::SetUp());
  name_space_ = UniqueNamespace();
  mfa_key_file_ = WriteKeyFile(dir());
  ASSERT_EQ(chmod(mfa_key_file_.c_str(), 0600), 0);
  feedback_key_file_ = dir() + "/feedback.key";
  WriteFileOrDie(feedback_key_file_, absl::StrCat(kFeedbackKey, "\n"));
  ASSERT_EQ(chmod(feedback_key_file_.c_str(), 0600), 0);
}

void FleetTest::TearDown() {
  if (HasFailure()) {
    // What the nodes said about it (their operational log lines).
    for (int i = 0; i < node_count(); ++i) {
      const std::string err = nodes_[i]->Stderr();
      std::vector<std::string> ops;
      for (const json::object& line : ParseLogLines(err)) {
        if (!LogString(line, "event").empty() &&
            LogString(line, "level") != "info") {
          ops.push_back(json::serialize(line));
        }
      }
      const size_t from = ops.size() > 15 ? ops.size() - 15 : 0;
      std::cout << "--- node " << i << ": last warnings of " << ops.size()
                << "\n";
      for (size_t k = from; k < ops.size(); ++k) std::cout << ops[k] << "\n";
    }
  }
  clients_.clear();
  nodes_.clear();  // kill -9 of each
  // The namespace's keys, from every primary (best effort: a test that left
  // the cluster broken fails by itself).
  redis_testing::RedisClusterOptions options = redis_testing::TestOptions();
  options.max_attempts = 2;
  auto cluster = redis_testing::RedisCluster::Create(options);
  if (!cluster.ok()) return;
  std::vector<std::string> spaces = other_namespaces_;
  spaces.push_back(name_space_);
  for (const std::string& primary : (*cluster)->Primaries()) {
    for (const std::string& space : spaces) {
      std::string cursor = "0";
      for (int rounds = 0; rounds < 10000; ++rounds) {
        auto reply = (*cluster)->RunOnNode(
            primary, {"SCAN", cursor, "MATCH", space + "{*", "COUNT", "1000"});
        if (!reply.ok() || !reply->is_array() ||
            reply->elements().size() != 2) {
          break;
        }
        cursor = reply->elements()[0].str();
        // One UNLINK per slot: the keys of one command must share it.
        std::map<uint16_t, std::vector<std::string>> by_slot;
        for (const auto& key : reply->elements()[1].elements()) {
          std::vector<std::string>& argv =
              by_slot[internal::RedisHashSlot(key.str())];
          if (argv.empty()) argv.push_back("UNLINK");
          argv.push_back(key.str());
        }
        for (const auto& [slot, argv] : by_slot) {
          (void)(*cluster)->RunOnNode(primary, argv);
        }
        if (cursor == "0") break;
      }
    }
  }
}

std::string FleetTest::NodeConfig(const NodeOptions& options) const {
  std::string config = absl::StrCat(
      "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 4\n"
      "[storage]\nurl = \"",
      RedisStoreUrl(options.name_space.empty() ? name_space_
                                               : options.name_space),
      "\"\n[model]\npath = \"",
      options.model_path.empty() ? SourcePath("models/default.toml")
                                 : options.model_path,
      "\"\n[geo]\ncity_dbs = [\"",
      TestDataPath("maxmind/GeoIP2-City-Test.mmdb"), "\"]\nasn_dbs = [\"",
      TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb"),
      "\"]\nasn_csvs = []\n"
      "[mfa]\nkey_file = \"",
      mfa_key_file_,
      "\"\nissuer = \"Vigil Fleet\"\n"
      // Histories of RiskySignIn-style tests are dated days back.
      "[evaluate]\nclient_timestamps = \"trust\"\n"
      "[outbox]\ninitial_backoff_ms = 200\nmax_backoff_ms = 1000\n"
      "poll_interval_ms = 100\nmax_attempts = 100\nclaim_lease_ms = ",
      kClaimLeaseMs, "\n");
  if (options.smtp_port > 0) {
    absl::StrAppend(&config,
                    "[smtp]\nhost = \"127.0.0.1\"\nport = ", options.smtp_port,
                    "\nfrom = \"security@vigil.test\"\ntimeout_ms = ",
                    options.smtp_timeout_ms,
                    "\n[notify]\nemail = true\n"
                    "link_base_url = \"http://vigil.test\"\n"
                    "feedback_key_file = \"",
                    feedback_key_file_, "\"\n");
  }
  absl::StrAppend(&config, TestApiKeysToml());
  return config;
}

int FleetTest::StartNode(const NodeOptions& options) {
  const std::string folder = absl::StrCat(dir(), "/node", started_++);
  std::filesystem::create_directories(folder);
  absl::StatusOr<std::unique_ptr<VigildProcess>> p =
      VigildProcess::Start(folder, NodeConfig(options));
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return -1;
  nodes_.push_back(*std::move(p));
  clients_.emplace_back();
  return node_count() - 1;
}

void FleetTest::StartNodes(int n, const NodeOptions& options) {
  for (int i = 0; i < n; ++i) {
    ASSERT_GE(StartNode(options), 0);
  }
}

void FleetTest::StopNode(int i, int signal) {
  clients_.at(i).reset();
  nodes_.at(i)->Stop(signal);
}

std::string FleetTest::OtherNamespace() {
  other_namespaces_.push_back(UniqueNamespace());
  return other_namespaces_.back();
}

void FleetTest::SetEmail(int i, const std::string& user) {
  Call(i, "PUT", absl::StrCat("/v1/users/", user, "/mfa"),
       absl::StrCat(R"({"enabled":[],"email":")", user, R"(@example.com"})"),
       kMfaKey);
}

json::value FleetTest::RiskySignIn(int i, const std::string& user) {
  const absl::Time now = absl::Now();
  for (int k = 12; k >= 0; --k) {
    const absl::Time t =
        k == 0 ? now - absl::Minutes(30) : now - absl::Hours(20 * k);
    const json::value d = Evaluate(
        i, user, kLondon, kChromeWindows, "success",
        absl::StrCat(
            R"(,"timestamp":")",
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
            "\""));
    EXPECT_EQ(d.is_object() ? d.at("decision") : json::value(), "allow")
        << json::serialize(d);
  }
  json::value d = Evaluate(i, user, kMelbourne, kFirefoxLinux, "");
  EXPECT_TRUE(d.is_object() && d.at("risk").at("level") == "high")
      << json::serialize(d);
  return d;
}

std::unique_ptr<HttpClient> FleetTest::Connect(int i) {
  absl::StatusOr<std::unique_ptr<HttpClient>> c =
      HttpClient::Connect(node(i).address());
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

HttpClient* FleetTest::client(int i) {
  if (clients_.at(i) == nullptr) clients_[i] = Connect(i);
  return clients_[i].get();
}

json::value FleetTest::Call(int i, absl::string_view method,
                            const std::string& target, const std::string& body,
                            absl::string_view key, int want_status) {
  HttpClient* c = client(i);
  if (c == nullptr) return nullptr;  // Connect failed the test
  HttpResponse r = SendRequest(*c, method, target, body, key);
  if (r.status == 0) clients_.at(i).reset();  // connect again next time
  EXPECT_EQ(r.status, want_status)
      << "node " << i << ": " << method << " " << target << ": " << r.body;
  return ParseJson(r.body);
}

json::value FleetTest::Evaluate(int i, const std::string& user,
                                const std::string& ip,
                                const std::string& user_agent,
                                const std::string& outcome,
                                const std::string& extra) {
  return Call(i, "POST", "/v1/evaluate",
              EvaluateBody(user, ip, user_agent, outcome, extra), kEvaluateKey);
}

namespace {

std::string UrlEncode(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace

std::vector<json::value> FleetTest::History(HttpClient& client,
                                            const std::string& user,
                                            int page_size) {
  std::vector<json::value> events;
  std::string cursor;
  for (int pages = 0; pages < 10000; ++pages) {
    std::string target =
        absl::StrCat("/v1/users/", user, "/events?limit=", page_size);
    if (!cursor.empty())
      absl::StrAppend(&target, "&cursor=", UrlEncode(cursor));
    HttpResponse r = SendRequest(client, "GET", target, "", kEvaluateKey);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    const json::value page = ParseJson(r.body);
    if (r.status != 200 || !page.is_object()) break;
    for (const json::value& e : page.at("events").as_array()) {
      events.push_back(e);
    }
    const json::value& next = page.at("next_cursor");
    if (!next.is_string() || next.as_string().empty()) break;
    cursor = std::string(next.as_string());
  }
  return events;
}

}  // namespace vigil::testing
