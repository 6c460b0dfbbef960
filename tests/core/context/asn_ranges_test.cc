// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "context/asn_ranges.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using ::vigil::testing::TempDir;
using ::vigil::testing::WriteFileOrDie;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

// Shaped like ip-location-db's asn-ipv4.csv / asn-ipv6.csv.
constexpr char kV4Csv[] =
    "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
    "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
    "1.0.64.0,1.0.127.255,18144,\"Enecom,Inc.\"\n"
    "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\n"
    "8.8.8.0,8.8.8.255,15169,Google LLC\n"
    "9.9.9.0,9.9.9.255,19281,\n"
    "255.255.255.255,255.255.255.255,64512,Top\n";
constexpr char kV6Csv[] =
    "2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\r\n"
    "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\r\n"
    "2001:200:1ba::,2001:200:1ba:ffff:ffff:ffff:ffff:ffff,24047,"
    "\"Internet Systems Consortium, Inc.\"\r\n";

TEST(AsnRangesTest, ParsesQuotedOrganisationsAndBothFamilies) {
  ASSERT_OK_AND_ASSIGN(AsnRanges v4, AsnRanges::ParseCsv(kV4Csv, "v4.csv"));
  ASSERT_OK_AND_ASSIGN(AsnRanges v6, AsnRanges::ParseCsv(kV6Csv, "v6.csv"));
  EXPECT_EQ(v4.size(), 7u);
  EXPECT_EQ(v6.size(), 3u);
  struct Case {
    const AsnRanges* table;
    const char* ip;
    uint32_t asn;  // 0: no range
    const char* org;
  };
  const Case kCases[] = {
      {&v4, "1.0.0.0", 13335, "Cloudflare, Inc."},
      {&v4, "1.0.0.255", 13335, "Cloudflare, Inc."},
      {&v4, "1.0.1.0", 0, ""},
      {&v4, "0.255.255.255", 0, ""},
      {&v4, "1.0.5.9", 38803, "Gtelecom Pty Ltd"},
      {&v4, "1.0.100.1", 18144, "Enecom,Inc."},
      {&v4, "2.26.210.1", 201907, "LLC \"SPUTNIK\""},
      {&v4, "8.8.8.8", 15169, "Google LLC"},
      {&v4, "::ffff:8.8.4.4", 0, ""},
      {&v4, "9.9.9.9", 19281, ""},
      {&v4, "255.255.255.255", 64512, "Top"},
      {&v4, "2001:4860::1", 0, ""},
      {&v6, "2001:4860:4860::8888", 15169, "Google LLC"},
      {&v6, "2001::1", 6939, "Hurricane Electric LLC"},
      {&v6, "2001:200:1ba:1::", 24047, "Internet Systems Consortium, Inc."},
      {&v6, "2001:200:1bb::", 0, ""},
      {&v6, "8.8.8.8", 0, ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ip);
    AsnRanges::Match match;
    const bool found = c.table->Find(Ip(c.ip), &match);
    ASSERT_EQ(found, c.asn != 0);
    if (found) {
      EXPECT_EQ(match.asn, c.asn);
      EXPECT_EQ(match.org, c.org);
    }
  }
}

TEST(AsnRangesTest, UnsortedInputIsSorted) {
  ASSERT_OK_AND_ASSIGN(AsnRanges t,
                       AsnRanges::ParseCsv("10.0.0.0,10.0.0.255,3,C\n"
                                           "2001:db8::,2001:db8::ff,4,D\n"
                                           "1.0.0.0,1.0.0.255,1,A\n"
                                           "5.0.0.0,5.0.0.255,2,B\n",
                                           "mixed"));
  AsnRanges::Match m;
  ASSERT_TRUE(t.Find(Ip("1.0.0.7"), &m));
  EXPECT_EQ(m.asn, 1u);
  ASSERT_TRUE(t.Find(Ip("5.0.0.7"), &m));
  EXPECT_EQ(m.org, "B");
  ASSERT_TRUE(t.Find(Ip("10.0.0.7"), &m));
  EXPECT_EQ(m.asn, 3u);
  ASSERT_TRUE(t.Find(Ip("2001:db8::7"), &m));
  EXPECT_EQ(m.asn, 4u);
}

TEST(AsnRangesTest, OverlapsResolveToTheLaterStartingRange) {
  // Shaped like the real overlap in asn-ipv4.csv (AS749 / AS721), plus a
  // nested range, a duplicate start and a range reaching the top.
  ASSERT_OK_AND_ASSIGN(
      AsnRanges t,
      AsnRanges::ParseCsv("214.95.0.0,215.0.255.255,749,DoD\n"
                          "215.0.0.0,215.1.3.255,721,DoD NIC\n"
                          "10.0.0.0,10.255.255.255,1,Outer\n"
                          "10.1.0.0,10.1.255.255,2,Inner\n"
                          "10.1.0.0,10.1.0.255,3,Innermost\n"
                          "255.0.0.0,255.255.255.255,4,Top\n"
                          "255.255.0.0,255.255.255.255,5,Top inner\n"
                          "2001:db8::,2001:db8::ffff,6,V6 outer\n"
                          "2001:db8::100,2001:db8::1ff,7,V6 inner\n",
                          "overlaps.csv"));
  struct Case {
    const char* ip;
    uint32_t asn;
  };
  const Case kCases[] = {
      {"214.95.0.0", 749},    {"214.255.255.255", 749}, {"215.0.0.0", 721},
      {"215.0.255.255", 721}, {"215.1.3.255", 721},     {"215.1.4.0", 0},
      {"10.0.0.0", 1},        {"10.0.255.255", 1},      {"10.1.0.0", 3},
      {"10.1.0.255", 3},      {"10.1.1.0", 2},          {"10.1.255.255", 2},
      {"10.2.0.0", 1},        {"10.255.255.255", 1},    {"11.0.0.0", 0},
      {"255.0.0.1", 4},       {"255.254.255.255", 4},   {"255.255.0.0", 5},
      {"255.255.255.255", 5}, {"2001:db8::ff", 6},      {"2001:db8::100", 7},
      {"2001:db8::1ff", 7},   {"2001:db8::200", 6},     {"2001:db8::1:0", 0},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ip);
    AsnRanges::Match m;
    const bool found = t.Find(Ip(c.ip), &m);
    ASSERT_EQ(found, c.asn != 0);
    if (found) {
      EXPECT_EQ(m.asn, c.asn);
    }
  }
  AsnRanges::Match m;
  ASSERT_TRUE(t.Find(Ip("10.1.0.7"), &m));
  EXPECT_EQ(m.org, "Innermost");
}

TEST(AsnRangesTest, EmptyInputIsAnEmptyTable) {
  ASSERT_OK_AND_ASSIGN(AsnRanges t, AsnRanges::ParseCsv("", "empty"));
  EXPECT_EQ(t.size(), 0u);
  AsnRanges::Match m;
  EXPECT_FALSE(t.Find(Ip("1.2.3.4"), &m));
  EXPECT_FALSE(t.Find(Ip("::1"), &m));
}

TEST(AsnRangesTest, MalformedLineIsAnErrorWithItsLineNumber) {
  struct Case {
    std::string third_line;
    std::string reason;  // part of the message
  };
  const Case kCases[] = {
      {"3.0.0.0,3.0.0.255,64500", "expected 4 fields"},
      {"3.0.0.0,3.0.0.255,64500,Org,extra", "more than 4 fields"},
      {"3.0.0.0,3.0.0.255,64500,\"Unterminated", "unterminated quote"},
      {"3.0.0.0,3.0.0.255,64500,\"Org\"x", "after the closing quote"},
      {"3.0.0.0,3.0.0.255,64500,Or\"g", "quote inside"},
      {"3.0.0.0,3.0.0.999,64500,Org", "invalid IP address"},
      {"3.0.0.0 ,3.0.0.255,64500,Org", "invalid IP address"},
      {"3.0.0.0,3.0.0.255,AS64500,Org", "not a 32-bit decimal number"},
      {"3.0.0.0,3.0.0.255,-1,Org", "not a 32-bit decimal number"},
      {"3.0.0.0,3.0.0.255,4294967296,Org", "not a 32-bit decimal number"},
      {"3.0.0.0,3.0.0.255,,Org", "not a 32-bit decimal number"},
      {"3.0.0.255,3.0.0.0,64500,Org", "first address after last"},
      {"3.0.0.0,2001:db8::,64500,Org", "different families"},
      {"garbage", "expected 4 fields"},
  };
  TempDir dir;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.third_line);
    const std::string text =
        "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
        "2.0.0.0,2.0.0.255,3215,Orange\n" +
        c.third_line + "\n4.0.0.0,4.0.0.255,3356,L\n";
    absl::StatusOr<AsnRanges> t = AsnRanges::ParseCsv(text, "asn.csv");
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().message().substr(0, 10), "asn.csv:3:") << t.status();
    EXPECT_NE(t.status().message().find(c.reason), std::string::npos)
        << t.status();

    // The same through a file: the message names the file and line.
    const std::string path = dir.path() + "/asn-ipv4.csv";
    WriteFileOrDie(path, text);
    absl::StatusOr<AsnRanges> loaded = AsnRanges::LoadCsv(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.status().message().find(path + ":3:"), std::string::npos)
        << loaded.status();
  }
}

TEST(AsnRangesTest, MissingFileIsNamed) {
  TempDir dir;
  absl::StatusOr<AsnRanges> t = AsnRanges::LoadCsv(dir.path() + "/nope.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("nope.csv"), std::string::npos);
}

TEST(AsnRangesTest, ResolverUsesCsvsAfterAsnDatabases) {
  TempDir dir;
  const std::string v4 = dir.path() + "/asn-ipv4.csv";
  const std::string v6 = dir.path() + "/asn-ipv6.csv";
  WriteFileOrDie(v4,
                 std::string(kV4Csv) + "1.128.0.0,1.128.0.255,65000,Mine\n");
  WriteFileOrDie(v6, kV6Csv);
  GeoOptions options;
  options.asn_csvs = {v4, v6};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<GeoResolver> resolver,
                       CreateGeoResolver(options));
  GeoInfo got;
  ASSERT_OK(resolver->Lookup(Ip("1.0.0.1"), &got));
  EXPECT_EQ(got.asn, 13335u);
  EXPECT_EQ(got.asn_org, "Cloudflare, Inc.");
  ASSERT_OK(resolver->Lookup(Ip("2001:4860:4860::8844"), &got));
  EXPECT_EQ(got.asn, 15169u);
  EXPECT_EQ(got.asn_org, "Google LLC");
  ASSERT_OK(resolver->Lookup(Ip("1.128.0.1"), &got));
  EXPECT_EQ(got.asn, 65000u);

  // With the GeoLite2-ASN test database in front, it answers first
  // (1.128.0.0/11 is AS1221 there) and the CSVs fill the gaps.
  options.asn_dbs = {testing::TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  ASSERT_OK_AND_ASSIGN(resolver, CreateGeoResolver(options));
  ASSERT_OK(resolver->Lookup(Ip("1.128.0.1"), &got));
  EXPECT_EQ(got.asn, 1221u);
  EXPECT_EQ(got.asn_org, "Telstra Pty Ltd");
  ASSERT_OK(resolver->Lookup(Ip("8.8.8.8"), &got));
  EXPECT_EQ(got.asn, 15169u);
  EXPECT_EQ(got.asn_org, "Google LLC");

  // A malformed CSV fails the resolver, naming file and line.
  WriteFileOrDie(v6, std::string(kV6Csv) + "2001:db8::,oops,1,X\n");
  absl::StatusOr<std::unique_ptr<GeoResolver>> bad = CreateGeoResolver(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(v6 + ":4:"), std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace vigil
