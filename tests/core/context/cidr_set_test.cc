// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

TEST(CidrSetTest, EmptySetContainsNothing) {
  CidrSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains(Ip("1.2.3.4")));
  EXPECT_FALSE(set.Contains(Ip("::1")));
  Cidr match;
  EXPECT_FALSE(set.Find(Ip("1.2.3.4"), &match));
}

TEST(CidrSetTest, MixedFamiliesAndBoundaries) {
  ASSERT_OK_AND_ASSIGN(
      CidrSet set,
      CidrSet::FromStrings({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1",
                            "0.0.0.0/32", "255.255.255.0/24", "ffff::/16"}));
  EXPECT_EQ(set.size(), 7u);
  struct Case {
    const char* ip;
    bool in;
  };
  const Case kCases[] = {
      {"10.0.0.0", true},
      {"10.255.255.255", true},
      {"9.255.255.255", false},
      {"11.0.0.0", false},
      {"192.0.2.7", true},
      {"192.0.2.6", false},
      {"192.0.2.8", false},
      {"0.0.0.0", true},
      {"0.0.0.1", false},
      {"255.255.255.255", true},
      {"255.255.254.255", false},
      {"::ffff:10.9.8.7", true},
      {"2001:db8::", true},
      {"2001:db8:ffff:ffff::1", true},
      {"2001:db9::", false},
      {"2001:db7:ffff::", false},
      {"::1", true},
      {"::2", false},
      {"::", false},
      {"ffff:ffff:ffff:ffff::", true},
      {"::10.0.0.1", false},  // IPv4-compatible is IPv6, not 10.0.0.1
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(set.Contains(Ip(c.ip)), c.in) << c.ip;
  }
}

TEST(CidrSetTest, MergesOverlappingAndAdjacentRanges) {
  ASSERT_OK_AND_ASSIGN(
      CidrSet set,
      CidrSet::FromStrings({"10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25",
                            "10.0.0.0/23", "10.0.3.0/24", "2001:db8::/33",
                            "2001:db8:8000::/33", "2001:db8:1234::/48",
                            "10.0.0.0/24"}));
  // Exact duplicates count once; nested and adjacent ranges are kept for
  // Find but merged for Contains.
  EXPECT_EQ(set.size(), 8u);
  EXPECT_TRUE(set.Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(set.Contains(Ip("10.0.1.255")));
  EXPECT_FALSE(set.Contains(Ip("10.0.2.0")));
  EXPECT_TRUE(set.Contains(Ip("10.0.3.0")));
  EXPECT_TRUE(set.Contains(Ip("2001:db8:7fff:ffff::")));
  EXPECT_TRUE(set.Contains(Ip("2001:db8:8000::")));
  EXPECT_TRUE(set.Contains(Ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(set.Contains(Ip("2001:db9::")));
}

TEST(CidrSetTest, WholeAddressSpace) {
  ASSERT_OK_AND_ASSIGN(CidrSet set,
                       CidrSet::FromStrings({"0.0.0.0/0", "::/0"}));
  EXPECT_TRUE(set.Contains(Ip("0.0.0.0")));
  EXPECT_TRUE(set.Contains(Ip("255.255.255.255")));
  EXPECT_TRUE(set.Contains(Ip("::")));
  EXPECT_TRUE(set.Contains(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
}

TEST(CidrSetTest, FindReturnsMostSpecificRange) {
  ASSERT_OK_AND_ASSIGN(
      CidrSet set,
      CidrSet::FromStrings({"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
                            "10.1.2.3", "2001:db8::/32", "2001:db8:1::/48"}));
  struct Case {
    const char* ip;
    const char* want;  // nullptr: no match
  };
  const Case kCases[] = {
      {"10.1.2.3", "10.1.2.3/32"},
      {"10.1.2.4", "10.1.2.0/24"},
      {"10.1.3.4", "10.1.0.0/16"},
      {"10.2.0.0", "10.0.0.0/8"},
      {"11.0.0.0", nullptr},
      {"2001:db8:1::5", "2001:db8:1::/48"},
      {"2001:db8:2::5", "2001:db8::/32"},
      {"2001:db9::", nullptr},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ip);
    Cidr match;
    const bool found = set.Find(Ip(c.ip), &match);
    ASSERT_EQ(found, c.want != nullptr);
    if (found) {
      EXPECT_EQ(match.ToString(), c.want);
    }
  }
}

TEST(CidrSetTest, FromStringsNamesTheBadEntry) {
  absl::StatusOr<CidrSet> set =
      CidrSet::FromStrings({"10.0.0.0/8", "10.0.0.1/8", "::1"});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(set.status().message().find("entry 1"), std::string::npos)
      << set.status();
  EXPECT_NE(set.status().message().find("10.0.0.1/8"), std::string::npos);
}

TEST(CidrSetTest, MergeAddsRanges) {
  ASSERT_OK_AND_ASSIGN(CidrSet a, CidrSet::FromStrings({"10.0.0.0/8"}));
  ASSERT_OK_AND_ASSIGN(
      CidrSet b,
      CidrSet::FromStrings({"192.0.2.0/24", "2001:db8::/32", "10.0.0.0/8"}));
  a.Merge(b);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_TRUE(a.Contains(Ip("10.1.1.1")));
  EXPECT_TRUE(a.Contains(Ip("192.0.2.200")));
  EXPECT_TRUE(a.Contains(Ip("2001:db8::1")));
  // Copies are independent.
  CidrSet copy = a;
  copy.Merge(*CidrSet::FromStrings({"172.16.0.0/12"}));
  EXPECT_TRUE(copy.Contains(Ip("172.16.0.1")));
  EXPECT_FALSE(a.Contains(Ip("172.16.0.1")));
}

TEST(CidrSetTest, ParsesFireHolNetset) {
  const std::string kNetset =
      "#\n"
      "# firehol_level1 (example)\n"
      "#\n"
      "\n"
      "0.0.0.0/8\n"
      "  10.0.0.0/8   \n"
      "192.0.2.1 # a single host\n"
      "\t2001:db8::/32\r\n"
      "   \n"
      "# trailing comment\n";
  ASSERT_OK_AND_ASSIGN(CidrSet set, CidrSet::ParseFireHol(kNetset, "level1"));
  EXPECT_EQ(set.size(), 4u);
  EXPECT_TRUE(set.Contains(Ip("0.1.2.3")));
  EXPECT_TRUE(set.Contains(Ip("10.20.30.40")));
  EXPECT_TRUE(set.Contains(Ip("192.0.2.1")));
  EXPECT_FALSE(set.Contains(Ip("192.0.2.2")));
  EXPECT_TRUE(set.Contains(Ip("2001:db8::dead:beef")));
}

TEST(CidrSetTest, FireHolBadLineReportsLineNumber) {
  const std::string kNetset =
      "# header\n"
      "10.0.0.0/8\n"
      "\n"
      "10.0.0.1/8\n"
      "192.0.2.0/24\n";
  absl::StatusOr<CidrSet> set = CidrSet::ParseFireHol(kNetset, "bad.netset");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(set.status().message().substr(0, 13), "bad.netset:4:")
      << set.status();
  EXPECT_NE(set.status().message().find("host bits"), std::string::npos);

  const std::string kGarbage = "1.2.3.4\nnot an address\n";
  set = CidrSet::ParseFireHol(kGarbage, "x");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().message().substr(0, 4), "x:2:") << set.status();
}

TEST(CidrSetTest, EmptyFireHolIsAnEmptySet) {
  ASSERT_OK_AND_ASSIGN(CidrSet set, CidrSet::ParseFireHol("", "empty"));
  EXPECT_TRUE(set.empty());
  ASSERT_OK_AND_ASSIGN(set, CidrSet::ParseFireHol("# only\n\n", "c"));
  EXPECT_TRUE(set.empty());
}

TEST(CidrSetTest, LoadsFireHolFile) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/list.netset";
  testing::WriteFileOrDie(path, "# list\n198.51.100.0/24\n2001:db8::/48\n");
  ASSERT_OK_AND_ASSIGN(CidrSet set, CidrSet::LoadFireHolFile(path));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.Contains(Ip("198.51.100.99")));

  testing::WriteFileOrDie(path, "198.51.100.0/24\n198.51.100.1/24\n");
  absl::StatusOr<CidrSet> bad = CidrSet::LoadFireHolFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path + ":2:"), std::string::npos)
      << bad.status();
}

TEST(CidrSetTest, LoadFireHolFileMissingFileNamesIt) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/does-not-exist.netset";
  absl::StatusOr<CidrSet> set = CidrSet::LoadFireHolFile(path);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(set.status().message().find(path), std::string::npos)
      << set.status();
  // A directory is not a netset either.
  set = CidrSet::LoadFireHolFile(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find(dir.path()), std::string::npos);
}

}  // namespace
}  // namespace vigil
