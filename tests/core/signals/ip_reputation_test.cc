// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ip_reputation: FireHOL blocklist hits (naming the matched range) and the
// anonymizer flags of a GeoIP2 Anonymous IP database, scored as the model
// says.

#include <string>
#include <vector>

#include "core/signals/signal_test_util.h"
#include "gtest/gtest.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::TestInput;

enum Flag : unsigned {
  kTor = 1 << 0,
  kProxy = 1 << 1,
  kVpn = 1 << 2,
  kResidential = 1 << 3,
  kHosting = 1 << 4,
  kAnonymous = 1 << 5,
};

TestInput From(const char* ip, unsigned flags) {
  TestInput in;
  in.attempt.ip = ip;
  in.ip = *IpAddress::Parse(ip);
  in.geo.is_tor_exit_node = flags & kTor;
  in.geo.is_public_proxy = flags & kProxy;
  in.geo.is_anonymous_vpn = flags & kVpn;
  in.geo.is_residential_proxy = flags & kResidential;
  in.geo.is_hosting_provider = flags & kHosting;
  in.geo.is_anonymous = flags & kAnonymous;
  absl::StatusOr<CidrSet> blocklist = CidrSet::FromStrings(
      {"192.0.2.0/24", "192.0.2.128/25", "198.51.100.7", "2001:db8:bad::/48"});
  in.config.ip_reputation.blocklist = *blocklist;
  return in;
}

SignalResult Evaluate(const TestInput& in) {
  return IpReputationSignal()->Evaluate(in.Get());
}

TEST(IpReputationTest, BlocklistAndAnonymizerFlags) {
  struct Case {
    const char* name;
    const char* ip;
    unsigned flags;
    double score;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"clean", "203.0.113.7", 0, 0, ""},
      {"blocklist hit names the most specific range", "192.0.2.200", 0, 1.0,
       "in blocklist range 192.0.2.128/25"},
      {"blocklist hit in the wider range", "192.0.2.5", 0, 1.0,
       "in blocklist range 192.0.2.0/24"},
      {"single-address entry", "198.51.100.7", 0, 1.0,
       "in blocklist range 198.51.100.7/32"},
      {"next to a single-address entry", "198.51.100.8", 0, 0, ""},
      {"above every entry", "203.0.113.250", 0, 0, ""},
      {"IPv6 range", "2001:db8:bad::1", 0, 1.0,
       "in blocklist range 2001:db8:bad::/48"},
      {"Tor exit node", "203.0.113.7", kTor, 0.9, "Tor exit node"},
      {"public proxy", "203.0.113.7", kProxy, 0.7, "public proxy"},
      {"anonymous VPN", "203.0.113.7", kVpn, 0.5, "anonymous VPN"},
      {"residential proxy", "203.0.113.7", kResidential, 0.5,
       "residential proxy"},
      {"hosting provider", "203.0.113.7", kHosting, 0.4, "hosting provider"},
      {"anonymizer", "203.0.113.7", kAnonymous, 0.5, "anonymizer"},
      {"several flags: the highest score, every reason", "203.0.113.7",
       kHosting | kTor | kAnonymous, 0.9,
       "Tor exit node, hosting provider, anonymizer"},
      {"blocklist and a flag", "192.0.2.1", kVpn, 1.0,
       "in blocklist range 192.0.2.0/24, anonymous VPN"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const SignalResult r = Evaluate(From(c.ip, c.flags));
    EXPECT_DOUBLE_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, c.detail);
    EXPECT_FALSE(r.failed);
  }
}

TEST(IpReputationTest, ScoresComeFromTheModel) {
  TestInput in = From("203.0.113.7", kHosting | kVpn);
  in.config.ip_reputation.anonymous_vpn_score = 0.25;
  in.config.ip_reputation.hosting_score = 0.35;
  SignalResult r = Evaluate(in);
  EXPECT_DOUBLE_EQ(r.score, 0.35);
  EXPECT_EQ(r.detail, "anonymous VPN, hosting provider");
  // A flag scored 0 is neither scored nor given as a reason.
  in.config.ip_reputation.hosting_score = 0;
  r = Evaluate(in);
  EXPECT_DOUBLE_EQ(r.score, 0.25);
  EXPECT_EQ(r.detail, "anonymous VPN");

  TestInput listed = From("192.0.2.1", 0);
  listed.config.ip_reputation.blocklist_score = 0.6;
  EXPECT_DOUBLE_EQ(Evaluate(listed).score, 0.6);
  listed.config.ip_reputation.blocklist = CidrSet();
  EXPECT_DOUBLE_EQ(Evaluate(listed).score, 0);
}

TEST(IpReputationTest, GeoLookupFailureFollowsOnError) {
  struct Case {
    OnError on_error;
    const char* ip;
    double score;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {OnError::kOpen, "203.0.113.7", 0, "GeoIP lookup failed"},
      {OnError::kClosed, "203.0.113.7", 1, "GeoIP lookup failed"},
      // The blocklist needs no lookup and still answers.
      {OnError::kOpen, "192.0.2.1", 1,
       "in blocklist range 192.0.2.0/24, GeoIP lookup failed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.detail);
    TestInput in = From(c.ip, 0);
    in.geo_failed = true;
    in.config.ip_reputation.on_error = c.on_error;
    const SignalResult r = Evaluate(in);
    EXPECT_TRUE(r.failed);
    EXPECT_DOUBLE_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, c.detail);
  }
}

}  // namespace
}  // namespace vigil::internal
