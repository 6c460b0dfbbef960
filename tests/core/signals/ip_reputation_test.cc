// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ip_reputation: FireHOL blocklist hits (naming the matched range) and the
// anonymizer flags of a GeoIP2 Anonymous IP database, scored as the model
// says.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "context/hosting_names.h"
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

// The shipped model's hosting words, on real organisation names of the ASN
// files (data/fetch.sh), as a deployment without an Anonymous IP database
// sees them.
TEST(IpReputationTest, HostingProvidersAreKnownByTheirOrganisationsName) {
  struct Case {
    uint32_t asn;
    const char* org;
    double score;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {24940, "Hetzner Online GmbH", 0.4,
       "hosting provider by its name (AS24940 Hetzner Online GmbH)"},
      {16509, "Amazon.com, Inc.", 0.4,
       "hosting provider by its name (AS16509 Amazon.com, Inc.)"},
      {9009, "M247 Europe SRL", 0.4,
       "hosting provider by its name (AS9009 M247 Europe SRL)"},
      {14061, "DigitalOcean, LLC", 0.4,
       "hosting provider by its name (AS14061 DigitalOcean, LLC)"},
      {7922, "Comcast Cable Communications, LLC", 0, ""},
      {3320, "Deutsche Telekom AG", 0, ""},
      {0, "", 0, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.org);
    TestInput in = From("203.0.113.7", 0);
    in.geo.asn = c.asn;
    in.geo.asn_org = c.org;
    const SignalResult r = Evaluate(in);
    EXPECT_DOUBLE_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, c.detail);
  }
  // The database's flag is the same finding: one reason, not two.
  TestInput flagged = From("203.0.113.7", kHosting);
  flagged.geo.asn = 24940;
  flagged.geo.asn_org = "Hetzner Online GmbH";
  EXPECT_EQ(Evaluate(flagged).detail, "hosting provider");
  // No words: no names.
  TestInput off = From("203.0.113.7", 0);
  off.geo.asn = 24940;
  off.geo.asn_org = "Hetzner Online GmbH";
  off.config.ip_reputation.hosting_names = HostingNames();
  EXPECT_DOUBLE_EQ(Evaluate(off).score, 0);
}

// A VPN user's own exit is their network: a hosting provider's autonomous
// system the user has trusted sign-ins from scores nothing, by name or flag;
// another one does.
TEST(IpReputationTest, AHostingNetworkTheUserTrustsIsTheirs) {
  for (const unsigned flags : {0u, static_cast<unsigned>(kHosting)}) {
    SCOPED_TRACE(flags);
    TestInput in = From("203.0.113.7", flags);
    in.geo.asn = 9009;
    in.geo.asn_org = "M247 Europe SRL";
    in.features.hashes[static_cast<int>(Feature::kAsn)] = 0x9009;
    EXPECT_DOUBLE_EQ(Evaluate(in).score, 0.4);
    in.profile.Observe(Feature::kAsn, 0x9009, testing::kDay0);
    EXPECT_DOUBLE_EQ(Evaluate(in).score, 0);
    EXPECT_EQ(Evaluate(in).detail, "");
    in.features.hashes[static_cast<int>(Feature::kAsn)] = 0x24940;
    EXPECT_DOUBLE_EQ(Evaluate(in).score, 0.4);
  }
}

TEST(HostingNamesTest, WordsAreMatchedIgnoringCaseAndRemembered) {
  absl::StatusOr<HostingNames> names = HostingNames::Create({"Hosting", "vpn"});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(names->words(), (std::vector<std::string>{"hosting", "vpn"}));
  EXPECT_TRUE(names->Matches(1, "Example HOSTING Ltd"));
  EXPECT_TRUE(names->Matches(0, "NordVPN"));  // no number: read each time
  EXPECT_FALSE(names->Matches(2, "Example Telecom"));
  // The answer for a network number is kept per thread for this list.
  EXPECT_FALSE(names->Matches(2, "Example Hosting"));
  absl::StatusOr<HostingNames> other = HostingNames::Create({"hosting"});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->Matches(2, "Example Hosting"));

  for (const std::string& bad : {std::string(), std::string(65, 'a')}) {
    absl::StatusOr<HostingNames> refused = HostingNames::Create({"vpn", bad});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(HostingNames().Matches(1, "Example Hosting"));
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
