// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The caller's address behind reverse proxies (service/client_address.h):
// the rule on its own, [server] trusted_proxies in the config, and the
// access log of a real vigild.

#include "service/client_address.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

IpAddress Ip(absl::string_view text) { return *IpAddress::Parse(text); }

CidrSet Trusted(const std::vector<std::string>& cidrs) {
  return *CidrSet::FromStrings(cidrs);
}

std::string Resolve(absl::string_view peer, const CidrSet& trusted,
                    absl::string_view forwarded, absl::string_view xff) {
  return ResolveClientAddress(Ip(peer), trusted, forwarded, xff).ToString();
}

TEST(ForwardedNodeTest, AddressesWithOrWithoutPorts) {
  IpAddress ip;
  for (const auto& [text, want] :
       std::vector<std::pair<std::string, std::string>>{
           {"192.0.2.1", "192.0.2.1"},
           {" 192.0.2.1 ", "192.0.2.1"},
           {"192.0.2.1:8080", "192.0.2.1"},
           {"2001:db8::1", "2001:db8::1"},
           {"[2001:db8::1]", "2001:db8::1"},
           {"[2001:db8::1]:443", "2001:db8::1"},
           {"\"[2001:db8::1]:443\"", "2001:db8::1"},
           {"::ffff:192.0.2.9", "192.0.2.9"},
       }) {
    ASSERT_TRUE(ParseForwardedNode(text, &ip)) << text;
    EXPECT_EQ(ip.ToString(), want) << text;
  }
  for (const std::string text :
       {"", "unknown", "_hidden", "192.0.2.1:", "192.0.2.1:99999",
        "192.0.2.1:+80", "[2001:db8::1", "[2001:db8::1]x", "300.1.1.1",
        "192.0.2.1 192.0.2.2", "[192.0.2.1]:80x"}) {
    EXPECT_FALSE(ParseForwardedNode(text, &ip)) << text;
  }
}

TEST(ClientAddressTest, OnlyATrustedPeerIsBelievedAndOnlyFromTheRight) {
  const CidrSet none;
  const CidrSet proxies = Trusted({"10.0.0.0/8", "2001:db8:aa::/48"});
  // No trusted proxies, or a peer that is not one: the peer, whatever the
  // headers say.
  EXPECT_EQ(Resolve("198.51.100.7", none, "", "203.0.113.9"), "198.51.100.7");
  EXPECT_EQ(Resolve("198.51.100.7", proxies, "for=203.0.113.9", "203.0.113.9"),
            "198.51.100.7");
  // From a trusted proxy: the right-most address that is not a proxy.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "203.0.113.9, 10.1.2.3"),
            "203.0.113.9");
  // What the client wrote itself, left of it, is never read.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "1.2.3.4, 203.0.113.9, 10.1.2.3"),
            "203.0.113.9");
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "garbage, 203.0.113.9"),
            "203.0.113.9");
  // Every hop a proxy: the left-most.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "10.9.9.9, 10.1.2.3"), "10.9.9.9");
  // No header: the proxy itself.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", ""), "10.0.0.2");
  // Not an address where the walk needs one: the last address reached.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "203.0.113.9, unknown"),
            "10.0.0.2");
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", "203.0.113.9, garbage, 10.1.2.3"),
            "10.1.2.3");
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "", " , "), "10.0.0.2");
  // IPv6 and ports.
  EXPECT_EQ(Resolve("2001:db8:aa::5", proxies, "",
                    "[2001:db8:bb::1]:5555, 2001:db8:aa::9"),
            "2001:db8:bb::1");
}

TEST(ClientAddressTest, ForwardedWinsOverXForwardedFor) {
  const CidrSet proxies = Trusted({"10.0.0.0/8"});
  EXPECT_EQ(Resolve("10.0.0.2", proxies,
                    "for=192.0.2.60;proto=http;by=10.0.0.2, "
                    "For=\"[2001:db8:cafe::17]:4711\"",
                    "203.0.113.9"),
            "2001:db8:cafe::17");
  EXPECT_EQ(Resolve("10.0.0.2", proxies,
                    "for=192.0.2.60, for=10.3.3.3;proto=https", ""),
            "192.0.2.60");
  // An obfuscated or unknown node ends the walk.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "for=192.0.2.60, for=_gazonk", ""),
            "10.0.0.2");
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "for=unknown, for=10.3.3.3", ""),
            "10.3.3.3");
  // An element without for=.
  EXPECT_EQ(Resolve("10.0.0.2", proxies, "proto=https", "203.0.113.9"),
            "10.0.0.2");
}

TEST(ClientAddressTest, TrustedProxiesConfig) {
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(
      "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"2001:db8::1\"]\n",
      "v.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->trusted_proxies.Contains(Ip("10.200.0.1")));
  EXPECT_TRUE(c->trusted_proxies.Contains(Ip("2001:db8::1")));
  EXPECT_FALSE(c->trusted_proxies.Contains(Ip("2001:db8::2")));
  EXPECT_TRUE(ServiceConfig().trusted_proxies.empty());
  for (const std::string bad :
       {"[\"10.0.0.1/8\"]", "[\"nope\"]", "\"10.0.0.0/8\"", "[\"\"]"}) {
    absl::StatusOr<ServiceConfig> r = ParseServiceConfig(
        absl::StrCat("[server]\ntrusted_proxies = ", bad, "\n"), "v.toml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(absl::StartsWith(r.status().message(),
                                 "v.toml: server.trusted_proxies: "))
        << r.status();
  }
}

// The access log names the client: the peer, or behind a trusted proxy
// the address its header gives.
TEST(ClientAddressE2eTest, TheAccessLogNamesTheClient) {
  for (const bool trusted : {false, true}) {
    SCOPED_TRACE(trusted ? "trusted" : "not trusted");
    testing::TempDir dir;
    std::unique_ptr<testing::VigildProcess> vigild;
    std::unique_ptr<testing::HttpClient> client;
    ASSERT_NO_FATAL_FAILURE(testing::StartVigildAndConnect(
        dir.path(),
        testing::TestConfigToml(
            dir.path() + "/data", testing::SourcePath("models/default.toml"),
            trusted ? "trusted_proxies = [\"127.0.0.0/8\"]\n" : ""),
        &vigild, &client));
    // Two lines of the header are one list (a raw request: the test client
    // sends each header once).
    auto raw = testing::RawConnection::Connect(vigild->address());
    ASSERT_TRUE(raw.ok()) << raw.status();
    ASSERT_TRUE((*raw)
                    ->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                            "X-Forwarded-For: 1.2.3.4, 203.0.113.9\r\n"
                            "X-Forwarded-For: 127.0.0.5\r\n"
                            "Connection: close\r\n\r\n")
                    .ok());
    bool closed = false;
    const std::string answer =
        (*raw)->ReadUntilClose(absl::Seconds(5), &closed);
    ASSERT_TRUE(absl::StartsWith(answer, "HTTP/1.1 200")) << answer;
    const std::string want =
        trusted ? R"("client":"203.0.113.9")" : R"("client":"127.0.0.1")";
    const std::string log = vigild->WaitForStderr(want);
    EXPECT_TRUE(absl::StrContains(log, want)) << log;
    EXPECT_FALSE(absl::StrContains(log, "1.2.3.4")) << log;
  }
}

}  // namespace
}  // namespace vigil::service
