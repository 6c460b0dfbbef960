// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Bad databases: every one gives a clear Status naming the file, at open or
// at lookup, and never a crash.

#include <memory>
#include <string>
#include <vector>

#include "core/context/geo_test_util.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using ::vigil::testing::CityDbs;
using ::vigil::testing::LoadJsonNetworks;
using ::vigil::testing::TestDataPath;
using ::vigil::testing::WriteFileOrDie;

bool Mentions(const absl::Status& status, const std::string& text) {
  return status.message().find(text) != absl::string_view::npos;
}

// Addresses across the trees of the test databases: every network of the
// City test JSON, every address of 1.1.1.0/24 and some of 1.1.2.0/23 (the
// MaxMind-DB-test-*-24 trees), 255.255.255.0/24, and a few more.
std::vector<IpAddress> ProbeAddresses() {
  std::vector<IpAddress> out;
  for (const auto& n :
       LoadJsonNetworks(TestDataPath("maxmind/GeoIP2-City-Test.json"))) {
    out.push_back(n.cidr.network);
    IpAddress v4;
    if (testing::AsV4(n.cidr, &v4)) out.push_back(v4);
  }
  for (uint32_t i = 0; i < 256; ++i) {
    out.push_back(IpAddress::FromV4(0x01010100u + i));
  }
  for (uint32_t i = 0; i < 512; i += 3) {
    out.push_back(IpAddress::FromV4(0x01010200u + i));
  }
  // The broken search tree of MaxMind-DB-test-broken-search-tree-24 points
  // past the data section under 255.255.255.0/24.
  for (uint32_t i = 0; i < 256; ++i) {
    out.push_back(IpAddress::FromV4(0xffffff00u + i));
  }
  for (const char* text : {"0.0.0.0", "255.255.255.255", "::", "::1",
                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    out.push_back(IpAddress::Parse(text).value());
  }
  return out;
}

enum class Role { kCity, kAsn, kAnonymousIp };

GeoOptions OptionsFor(Role role, const std::string& path) {
  GeoOptions o;
  switch (role) {
    case Role::kCity:
      o.city_dbs = {path};
      break;
    case Role::kAsn:
      o.asn_dbs = {path};
      break;
    case Role::kAnonymousIp:
      o.anonymous_ip_dbs = {path};
      break;
  }
  return o;
}

struct BrokenCase {
  std::string file;
  bool fails_at_open;
};

class BrokenDbTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenDbTest, ClearErrorNamingTheFile) {
  const std::string path = TestDataPath("maxmind/" + GetParam().file);
  const std::vector<IpAddress> probes = ProbeAddresses();
  for (Role role : {Role::kCity, Role::kAsn, Role::kAnonymousIp}) {
    SCOPED_TRACE(static_cast<int>(role));
    absl::StatusOr<std::unique_ptr<GeoResolver>> resolver =
        CreateGeoResolver(OptionsFor(role, path));
    if (!resolver.ok()) {
      EXPECT_TRUE(GetParam().fails_at_open) << resolver.status();
      EXPECT_EQ(resolver.status().code(), absl::StatusCode::kDataLoss);
      EXPECT_TRUE(Mentions(resolver.status(), path)) << resolver.status();
      continue;
    }
    ASSERT_FALSE(GetParam().fails_at_open);
    int errors = 0;
    for (const IpAddress& ip : probes) {
      GeoInfo info;
      absl::Status status = (*resolver)->Lookup(ip, &info);
      if (status.ok()) continue;
      ++errors;
      EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      EXPECT_TRUE(Mentions(status, path)) << status;
      EXPECT_TRUE(Mentions(status, ip.ToString())) << status;
      // A failed lookup reports nothing.
      EXPECT_EQ(info.country, "");
      EXPECT_FALSE(info.has_location);
    }
    // Each of these files is broken where a city lookup reads.
    if (role == Role::kCity) {
      EXPECT_GT(errors, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    MaxMind, BrokenDbTest,
    ::testing::Values(
        BrokenCase{"GeoIP2-City-Test-Broken-Double-Format.mmdb", false},
        BrokenCase{"GeoIP2-City-Test-Invalid-Node-Count.mmdb", true},
        BrokenCase{"MaxMind-DB-test-broken-pointers-24.mmdb", false},
        BrokenCase{"MaxMind-DB-test-broken-search-tree-24.mmdb", false}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) {
      std::string name;
      for (char c : info.param.file.substr(0, info.param.file.size() - 5)) {
        name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
      }
      return name;
    });

TEST(GeoOpenErrorsTest, MissingFileIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/missing.mmdb";
  for (Role role : {Role::kCity, Role::kAsn, Role::kAnonymousIp}) {
    absl::StatusOr<std::unique_ptr<GeoResolver>> r =
        CreateGeoResolver(OptionsFor(role, path));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Mentions(r.status(), path)) << r.status();
  }
  GeoOptions csv;
  csv.asn_csvs = {dir.path() + "/missing.csv"};
  absl::StatusOr<std::unique_ptr<GeoResolver>> r = CreateGeoResolver(csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(r.status(), "missing.csv")) << r.status();
}

TEST(GeoOpenErrorsTest, NotAnMmdbIsNamed) {
  testing::TempDir dir;
  struct Case {
    std::string name;
    std::string contents;
  };
  const Case kCases[] = {
      {"text.mmdb", "this is a text file, not a MaxMind DB\n"},
      {"empty.mmdb", ""},
      {"marker-only.mmdb", std::string("\xab\xcd\xefMaxMind.com")},
      {"json.mmdb", "{\"country\": \"DE\"}"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const std::string path = dir.path() + "/" + c.name;
    WriteFileOrDie(path, c.contents);
    absl::StatusOr<std::unique_ptr<GeoResolver>> r =
        CreateGeoResolver(CityDbs({path}));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().code() == absl::StatusCode::kDataLoss ||
                r.status().code() == absl::StatusCode::kInvalidArgument)
        << r.status();
    EXPECT_TRUE(Mentions(r.status(), path)) << r.status();
  }
  // A directory.
  absl::StatusOr<std::unique_ptr<GeoResolver>> r =
      CreateGeoResolver(CityDbs({dir.path()}));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r.status(), dir.path())) << r.status();
}

TEST(GeoOpenErrorsTest, OneBadFileFailsTheWholeResolver) {
  GeoOptions options = testing::CityDbs(
      {TestDataPath("maxmind/GeoIP2-City-Test.mmdb"),
       TestDataPath("maxmind/GeoIP2-City-Test-Invalid-Node-Count.mmdb")});
  options.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  absl::StatusOr<std::unique_ptr<GeoResolver>> r = CreateGeoResolver(options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r.status(), "Invalid-Node-Count")) << r.status();
}

}  // namespace
}  // namespace vigil
