// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Exact lookups against MaxMind's test databases: every network listed in
// the JSON each database was built from is looked up at its first address
// and must yield exactly the JSON record's fields.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/context/geo_test_util.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using ::vigil::testing::AnonymousIpDbs;
using ::vigil::testing::AsnDbs;
using ::vigil::testing::AsV4;
using ::vigil::testing::CityDbs;
using ::vigil::testing::ExpectedCity;
using ::vigil::testing::JsonAt;
using ::vigil::testing::JsonNetwork;
using ::vigil::testing::JsonString;
using ::vigil::testing::LoadJsonNetworks;
using ::vigil::testing::TestDataPath;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

std::unique_ptr<GeoResolver> MakeResolver(const GeoOptions& options) {
  absl::StatusOr<std::unique_ptr<GeoResolver>> r = CreateGeoResolver(options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(r).value() : nullptr;
}

void ExpectSameLocation(const GeoInfo& got, const GeoInfo& want) {
  EXPECT_EQ(got.country, want.country);
  EXPECT_EQ(got.city, want.city);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.time_zone, want.time_zone);
  EXPECT_EQ(got.has_location, want.has_location);
  EXPECT_DOUBLE_EQ(got.latitude, want.latitude);
  EXPECT_DOUBLE_EQ(got.longitude, want.longitude);
  EXPECT_EQ(got.accuracy_radius_km, want.accuracy_radius_km);
}

class CityJsonTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CityJsonTest, EveryNetworkMatchesTheJson) {
  const std::string name = GetParam();
  std::unique_ptr<GeoResolver> resolver =
      MakeResolver(CityDbs({TestDataPath("maxmind/" + name + ".mmdb")}));
  ASSERT_NE(resolver, nullptr);
  const std::vector<JsonNetwork> networks =
      LoadJsonNetworks(TestDataPath("maxmind/" + name + ".json"));
  ASSERT_GT(networks.size(), 200u);
  int v4 = 0, v6 = 0, with_city = 0;
  for (const JsonNetwork& n : networks) {
    SCOPED_TRACE(n.network);
    const GeoInfo want = ExpectedCity(n.record);
    GeoInfo got;
    ASSERT_OK(resolver->Lookup(n.cidr.network, &got));
    ExpectSameLocation(got, want);
    EXPECT_EQ(got.asn, 0u);
    EXPECT_FALSE(got.is_anonymous);
    (n.cidr.network.is_v4() ? v4 : v6)++;
    if (!want.city.empty()) ++with_city;
    // The same network as a plain IPv4 address, through the v4 subtree.
    IpAddress as_v4;
    if (AsV4(n.cidr, &as_v4)) {
      SCOPED_TRACE(as_v4.ToString());
      GeoInfo got4;
      ASSERT_OK(resolver->Lookup(as_v4, &got4));
      ExpectSameLocation(got4, want);
      ++v4;
    }
  }
  EXPECT_GT(v4, 5);
  EXPECT_GT(v6, 100);
  EXPECT_GT(with_city, 5);
}

INSTANTIATE_TEST_SUITE_P(MaxMind, CityJsonTest,
                         ::testing::Values("GeoIP2-City-Test",
                                           "GeoLite2-City-Test"));

TEST(MaxMindGeoTest, AsnMatchesJson) {
  std::unique_ptr<GeoResolver> resolver =
      MakeResolver(AsnDbs({TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")}));
  ASSERT_NE(resolver, nullptr);
  const std::vector<JsonNetwork> networks =
      LoadJsonNetworks(TestDataPath("maxmind/GeoLite2-ASN-Test.json"));
  ASSERT_GT(networks.size(), 700u);
  int with_org = 0;
  for (const JsonNetwork& n : networks) {
    SCOPED_TRACE(n.network);
    GeoInfo got;
    ASSERT_OK(resolver->Lookup(n.cidr.network, &got));
    const boost::json::value* asn =
        JsonAt(n.record, {"autonomous_system_number"});
    ASSERT_NE(asn, nullptr);
    EXPECT_EQ(got.asn, asn->to_number<uint32_t>());
    const std::string org =
        JsonString(n.record, {"autonomous_system_organization"});
    EXPECT_EQ(got.asn_org, org);
    if (!org.empty()) ++with_org;
    EXPECT_TRUE(got.country.empty());
  }
  EXPECT_GT(with_org, 500);
}

TEST(MaxMindGeoTest, AnonymousIpMatchesJson) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver(
      AnonymousIpDbs({TestDataPath("maxmind/GeoIP2-Anonymous-IP-Test.mmdb")}));
  ASSERT_NE(resolver, nullptr);
  const std::vector<JsonNetwork> networks =
      LoadJsonNetworks(TestDataPath("maxmind/GeoIP2-Anonymous-IP-Test.json"));
  ASSERT_GE(networks.size(), 12u);
  auto flag = [](const boost::json::object& r, const char* key) {
    const boost::json::value* v = r.if_contains(key);
    return v != nullptr && v->as_bool();
  };
  for (const JsonNetwork& n : networks) {
    SCOPED_TRACE(n.network);
    std::vector<IpAddress> addresses = {n.cidr.network};
    IpAddress as_v4;
    if (AsV4(n.cidr, &as_v4)) addresses.push_back(as_v4);
    for (const IpAddress& ip : addresses) {
      SCOPED_TRACE(ip.ToString());
      GeoInfo got;
      ASSERT_OK(resolver->Lookup(ip, &got));
      EXPECT_EQ(got.is_anonymous, flag(n.record, "is_anonymous"));
      EXPECT_EQ(got.is_anonymous_vpn, flag(n.record, "is_anonymous_vpn"));
      EXPECT_EQ(got.is_hosting_provider, flag(n.record, "is_hosting_provider"));
      EXPECT_EQ(got.is_public_proxy, flag(n.record, "is_public_proxy"));
      EXPECT_EQ(got.is_residential_proxy,
                flag(n.record, "is_residential_proxy"));
      EXPECT_EQ(got.is_tor_exit_node, flag(n.record, "is_tor_exit_node"));
    }
  }
}

GeoOptions AllTestDbs() {
  GeoOptions o;
  o.city_dbs = {TestDataPath("maxmind/GeoIP2-City-Test.mmdb")};
  o.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  o.anonymous_ip_dbs = {TestDataPath("maxmind/GeoIP2-Anonymous-IP-Test.mmdb")};
  return o;
}

TEST(MaxMindGeoTest, ExplicitV4Lookup) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver(AllTestDbs());
  ASSERT_NE(resolver, nullptr);
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("81.2.69.160"), &got));
  EXPECT_EQ(got.country, "GB");
  EXPECT_EQ(got.city, "London");
  EXPECT_EQ(got.region, "England");
  EXPECT_EQ(got.time_zone, "Europe/London");
  EXPECT_TRUE(got.has_location);
  EXPECT_DOUBLE_EQ(got.latitude, 51.5142);
  EXPECT_DOUBLE_EQ(got.longitude, -0.0931);
  EXPECT_EQ(got.accuracy_radius_km, 100);
  // 81.2.69.0/24 is in the Anonymous IP test database with every flag.
  EXPECT_TRUE(got.is_anonymous);
  EXPECT_TRUE(got.is_anonymous_vpn);
  EXPECT_TRUE(got.is_hosting_provider);
  EXPECT_TRUE(got.is_public_proxy);
  EXPECT_TRUE(got.is_residential_proxy);
  EXPECT_TRUE(got.is_tor_exit_node);

  ASSERT_OK(resolver->Lookup(Ip("1.128.0.1"), &got));
  EXPECT_EQ(got.asn, 1221u);
  EXPECT_EQ(got.asn_org, "Telstra Pty Ltd");
  EXPECT_FALSE(got.is_anonymous);
}

TEST(MaxMindGeoTest, ExplicitV6Lookup) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver(AllTestDbs());
  ASSERT_NE(resolver, nullptr);
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("2001:218::1"), &got));
  EXPECT_EQ(got.country, "JP");
  EXPECT_EQ(got.city, "");
  EXPECT_EQ(got.time_zone, "Asia/Tokyo");
  EXPECT_TRUE(got.has_location);
  EXPECT_DOUBLE_EQ(got.latitude, 35.68536);
  EXPECT_DOUBLE_EQ(got.longitude, 139.75309);
  EXPECT_EQ(got.accuracy_radius_km, 100);
  ASSERT_OK(resolver->Lookup(Ip("2001:480:3a::1"), &got));
  EXPECT_TRUE(got.is_public_proxy);
  EXPECT_FALSE(got.is_tor_exit_node);
}

TEST(MaxMindGeoTest, AddressNoDatabaseCoversIsOkAndEmpty) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver(AllTestDbs());
  ASSERT_NE(resolver, nullptr);
  for (const char* text :
       {"10.0.0.1", "127.0.0.1", "0.0.0.0", "fd00::1", "::1", "ffff:ffff::1"}) {
    SCOPED_TRACE(text);
    GeoInfo got;
    // Stale content from an earlier lookup must be cleared.
    got.country = "XX";
    got.city = "Stale";
    got.asn = 7;
    got.has_location = true;
    got.is_tor_exit_node = true;
    ASSERT_OK(resolver->Lookup(Ip(text), &got));
    EXPECT_EQ(got.country, "");
    EXPECT_EQ(got.city, "");
    EXPECT_EQ(got.region, "");
    EXPECT_EQ(got.time_zone, "");
    EXPECT_FALSE(got.has_location);
    EXPECT_EQ(got.asn, 0u);
    EXPECT_EQ(got.asn_org, "");
    EXPECT_FALSE(got.is_tor_exit_node);
  }
}

TEST(MaxMindGeoTest, NoDatabasesIsAnEmptyResolver) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver({});
  ASSERT_NE(resolver, nullptr);
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("81.2.69.160"), &got));
  EXPECT_EQ(got.country, "");
}

TEST(MaxMindGeoTest, FirstDatabaseWithARecordAnswers) {
  // MaxMind-DB-test-ipv4-24 is an IPv4-only tree with records for
  // 1.1.1.0/24 and a few more that hold no city fields.
  std::unique_ptr<GeoResolver> resolver = MakeResolver(
      CityDbs({TestDataPath("maxmind/MaxMind-DB-test-ipv4-24.mmdb"),
               TestDataPath("maxmind/GeoIP2-City-Test.mmdb")}));
  ASSERT_NE(resolver, nullptr);
  GeoInfo got;
  // Not in the first: the second answers.
  ASSERT_OK(resolver->Lookup(Ip("81.2.69.160"), &got));
  EXPECT_EQ(got.city, "London");
  // An IPv6 address in an IPv4-only database is "not found", not an error.
  ASSERT_OK(resolver->Lookup(Ip("2001:218::1"), &got));
  EXPECT_EQ(got.country, "JP");
  // In the first: it answers, even with nothing useful.
  ASSERT_OK(resolver->Lookup(Ip("1.1.1.1"), &got));
  EXPECT_EQ(got.country, "");
  EXPECT_FALSE(got.has_location);
}

TEST(MaxMindGeoTest, CountryDatabaseWorksAsCityDatabase) {
  std::unique_ptr<GeoResolver> resolver =
      MakeResolver(CityDbs({TestDataPath("maxmind/GeoIP2-Country-Test.mmdb")}));
  ASSERT_NE(resolver, nullptr);
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("81.2.69.160"), &got));
  EXPECT_EQ(got.country, "GB");
  EXPECT_EQ(got.city, "");
}

TEST(MaxMindGeoTest, ConcurrentLookupsAgree) {
  std::unique_ptr<GeoResolver> resolver = MakeResolver(AllTestDbs());
  ASSERT_NE(resolver, nullptr);
  const std::vector<JsonNetwork> networks =
      LoadJsonNetworks(TestDataPath("maxmind/GeoIP2-City-Test.json"));
  std::vector<GeoInfo> want(networks.size());
  for (size_t i = 0; i < networks.size(); ++i) {
    ASSERT_OK(resolver->Lookup(networks[i].cidr.network, &want[i]));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      GeoInfo got;
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < networks.size(); ++i) {
          if (!resolver->Lookup(networks[i].cidr.network, &got).ok() ||
              got.country != want[i].country || got.city != want[i].city ||
              got.latitude != want[i].latitude || got.asn != want[i].asn) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace vigil
