// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The DB-IP flat layout (country_code, city, state1, FLOAT latitude and
// longitude, timezone) and DB-IP's split IPv4/IPv6 files, on small .mmdb
// files written by the test with the shapes of the real ones.

#include <memory>
#include <string>

#include "core/context/geo_test_util.h"
#include "core/context/mmdb_test_writer.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using ::vigil::testing::CityDbs;
using ::vigil::testing::MmdbTestWriter;
using ::vigil::testing::MmdbValue;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }
Cidr Net(const char* text) { return Cidr::Parse(text).value(); }

MmdbValue DbIpRecord(const char* city, const char* country, const char* state,
                     float lat, float lon, const char* tz) {
  return MmdbValue::Map{
      {"city", city},
      {"country_code", country},
      {"latitude", MmdbValue::Float{lat}},
      {"longitude", MmdbValue::Float{lon}},
      {"postcode", ""},
      {"state1", state},
      {"state2", ""},
      {"timezone", tz},
  };
}

class DbIpLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MmdbTestWriter v4(4, "DBIP-City-Lite");
    v4.Insert(Net("8.8.8.0/24"), DbIpRecord("Mountain View", "US", "California",
                                            37.422001f, -122.084999f, ""));
    v4.Insert(Net("81.2.69.0/24"),
              DbIpRecord("London", "GB", "England", 51.5085f, -0.1257f,
                         "Europe/London"));
    v4_path_ = dir_.path() + "/dbip-city-ipv4.mmdb";
    testing::WriteFileOrDie(v4_path_, v4.Build());

    // Like the real IPv6 file: nothing under ::/96, so an IPv4 address is
    // not found there.
    MmdbTestWriter v6(6, "DBIP-City-Lite");
    v6.Insert(Net("2001:4860::/32"),
              DbIpRecord("Montreal", "CA", "Quebec", 45.5019f, -73.5674f,
                         "America/Toronto"));
    v6.Insert(Net("2a00:1450::/32"),
              MmdbValue::Map{{"country_code", "IE"},
                             {"city", ""},
                             {"latitude", "not a number"},
                             {"longitude", MmdbValue::Float{-6.2f}}});
    v6_path_ = dir_.path() + "/dbip-city-ipv6.mmdb";
    testing::WriteFileOrDie(v6_path_, v6.Build());
  }

  testing::TempDir dir_;
  std::string v4_path_;
  std::string v6_path_;
};

TEST_F(DbIpLayoutTest, ReadsFlatRecordsWithFloatCoordinates) {
  for (bool v6_first : {false, true}) {
    SCOPED_TRACE(v6_first ? "v6 file first" : "v4 file first");
    GeoOptions options;
    options.city_dbs = v6_first ? std::vector<std::string>{v6_path_, v4_path_}
                                : std::vector<std::string>{v4_path_, v6_path_};
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<GeoResolver> resolver,
                         CreateGeoResolver(options));
    GeoInfo got;
    ASSERT_OK(resolver->Lookup(Ip("8.8.8.8"), &got));
    EXPECT_EQ(got.country, "US");
    EXPECT_EQ(got.city, "Mountain View");
    EXPECT_EQ(got.region, "California");
    EXPECT_EQ(got.time_zone, "");
    EXPECT_TRUE(got.has_location);
    // FLOAT precision, widened to double.
    EXPECT_DOUBLE_EQ(got.latitude, static_cast<double>(37.422001f));
    EXPECT_DOUBLE_EQ(got.longitude, static_cast<double>(-122.084999f));
    EXPECT_NEAR(got.latitude, 37.422001, 1e-5);
    EXPECT_EQ(got.accuracy_radius_km, 0);

    ASSERT_OK(resolver->Lookup(Ip("::ffff:81.2.69.1"), &got));
    EXPECT_EQ(got.country, "GB");
    EXPECT_EQ(got.city, "London");
    EXPECT_EQ(got.time_zone, "Europe/London");

    ASSERT_OK(resolver->Lookup(Ip("2001:4860:4860::8888"), &got));
    EXPECT_EQ(got.country, "CA");
    EXPECT_EQ(got.city, "Montreal");
    EXPECT_EQ(got.region, "Quebec");
    EXPECT_EQ(got.time_zone, "America/Toronto");
    EXPECT_NEAR(got.longitude, -73.5674, 1e-4);

    ASSERT_OK(resolver->Lookup(Ip("9.9.9.9"), &got));
    EXPECT_EQ(got.country, "");
    ASSERT_OK(resolver->Lookup(Ip("2001:db8::1"), &got));
    EXPECT_EQ(got.country, "");
  }
}

TEST_F(DbIpLayoutTest, FieldOfUnexpectedTypeIsUnknown) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<GeoResolver> resolver,
                       CreateGeoResolver(CityDbs({v6_path_})));
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("2a00:1450::1"), &got));
  EXPECT_EQ(got.country, "IE");
  EXPECT_EQ(got.city, "");
  // latitude is a string: no location rather than half of one.
  EXPECT_FALSE(got.has_location);
  EXPECT_EQ(got.longitude, 0);
}

TEST_F(DbIpLayoutTest, IpV4LookupInIpV6OnlyFileIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<GeoResolver> resolver,
                       CreateGeoResolver(CityDbs({v6_path_})));
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("8.8.8.8"), &got));
  EXPECT_EQ(got.country, "");
  EXPECT_FALSE(got.has_location);
}

}  // namespace
}  // namespace vigil
