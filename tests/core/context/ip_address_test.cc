// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "vigil/ip_address.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"

namespace vigil {
namespace {

struct ParseCase {
  std::string text;
  bool v4;
  std::string canonical;
};

TEST(IpAddressTest, ParsesAndPrintsCanonically) {
  const ParseCase kCases[] = {
      {"192.0.2.1", true, "192.0.2.1"},
      {"0.0.0.0", true, "0.0.0.0"},
      {"255.255.255.255", true, "255.255.255.255"},
      {"10.0.0.1", true, "10.0.0.1"},
      {"::ffff:192.0.2.1", true, "192.0.2.1"},
      {"::FFFF:192.0.2.1", true, "192.0.2.1"},
      {"::ffff:c000:201", true, "192.0.2.1"},
      {"0:0:0:0:0:ffff:192.0.2.1", true, "192.0.2.1"},
      {"2001:db8::1", false, "2001:db8::1"},
      {"2001:DB8::1", false, "2001:db8::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", false, "2001:db8::1"},
      {"::", false, "::"},
      {"::1", false, "::1"},
      {"1::", false, "1::"},
      // RFC 5952 4.2.2: a single zero group is not compressed.
      {"2001:db8:0:1:1:1:1:1", false, "2001:db8:0:1:1:1:1:1"},
      // RFC 5952 4.2.3: the longest run, the first one on a tie.
      {"2001:0:0:1:0:0:0:1", false, "2001:0:0:1::1"},
      {"2001:db8:0:0:1:0:0:1", false, "2001:db8::1:0:0:1"},
      {"fe80::1:2:3:4", false, "fe80::1:2:3:4"},
      {"2001:4860:4860::8888", false, "2001:4860:4860::8888"},
      // IPv4-compatible (deprecated) addresses stay IPv6, printed in hex.
      {"::1.2.3.4", false, "::102:304"},
      {"64:ff9b::192.0.2.33", false, "64:ff9b::c000:221"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false,
       "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };
  for (const ParseCase& c : kCases) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(IpAddress ip, IpAddress::Parse(c.text));
    EXPECT_EQ(ip.is_v4(), c.v4);
    EXPECT_EQ(ip.bit_length(), c.v4 ? 32 : 128);
    EXPECT_EQ(ip.ToString(), c.canonical);
    // Round trip.
    ASSERT_OK_AND_ASSIGN(IpAddress again, IpAddress::Parse(ip.ToString()));
    EXPECT_EQ(again, ip);
  }
}

TEST(IpAddressTest, RejectsBadInputWithInvalidArgument) {
  const std::string kBad[] = {
      "",
      " ",
      " 1.2.3.4",
      "1.2.3.4 ",
      "1.2.3.4\n",
      "\t::1",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.-1",
      "01.2.3.4",
      "1.2.3.04",
      "0x1.2.3.4",
      "1.2.3.4:80",
      "[::1]",
      "[::1]:443",
      "fe80::1%eth0",
      "fe80::1%1",
      "1.2.3.4/32",
      "::1/128",
      "1::2::3",
      ":::",
      ":1::",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "1::00001",
      "g::1",
      "::ffff:1.2.3.04",
      "1:2:3:4:5:6:7:1.2.3.4",
      "localhost",
      "abc",
      "-1",
      ".",
      "..",
      "1..2.3",
      std::string("1.2.3.4\0", 8),
      std::string("1.2\0.3.4", 8),
      "\xff\xfe",
      "1.2.3.\xc3\xa9",
      std::string(1000, '1'),
      std::string(46, ':'),
  };
  for (const std::string& text : kBad) {
    SCOPED_TRACE(::testing::PrintToString(text));
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
    ASSERT_FALSE(ip.ok()) << ip->ToString();
    EXPECT_EQ(ip.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(ip.status().message().find("invalid IP address"),
              std::string::npos)
        << ip.status();
  }
}

TEST(IpAddressTest, ErrorNamesTheProblem) {
  EXPECT_NE(IpAddress::Parse("1.2.3.4:80").status().message().find("port"),
            absl::string_view::npos);
  EXPECT_NE(IpAddress::Parse("[::1]").status().message().find("bracket"),
            absl::string_view::npos);
  EXPECT_NE(IpAddress::Parse("fe80::1%eth0").status().message().find("zone"),
            absl::string_view::npos);
  EXPECT_NE(IpAddress::Parse(" 1.2.3.4").status().message().find("whitespace"),
            absl::string_view::npos);
  EXPECT_NE(IpAddress::Parse("").status().message().find("empty"),
            absl::string_view::npos);
  // The text is quoted and non-printable bytes are escaped.
  EXPECT_NE(IpAddress::Parse("1.2\x01").status().message().find("\\x01"),
            absl::string_view::npos);
}

TEST(IpAddressTest, DefaultIsUnspecifiedV4) {
  IpAddress ip;
  EXPECT_TRUE(ip.is_v4());
  EXPECT_EQ(ip.ToString(), "0.0.0.0");
  EXPECT_EQ(ip.v4(), 0u);
}

TEST(IpAddressTest, FromV4AndFromV6) {
  IpAddress a = IpAddress::FromV4(0xC0000201);
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.ToString(), "192.0.2.1");
  EXPECT_EQ(a.v4(), 0xC0000201u);
  const std::array<uint8_t, 16> mapped = {0, 0, 0,    0,    0,   0, 0, 0,
                                          0, 0, 0xff, 0xff, 192, 0, 2, 1};
  // The same address, however it was built.
  EXPECT_EQ(IpAddress::FromV6(mapped), a);
  EXPECT_EQ(a.bytes(), mapped);
  const std::array<uint8_t, 16> v6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                      0,    0,    0,    0,    0, 0, 0, 1};
  IpAddress b = IpAddress::FromV6(v6);
  EXPECT_FALSE(b.is_v4());
  EXPECT_EQ(b.ToString(), "2001:db8::1");
  EXPECT_EQ(b.bytes(), v6);
}

TEST(IpAddressTest, EqualityAndHash) {
  ASSERT_OK_AND_ASSIGN(IpAddress a, IpAddress::Parse("192.0.2.1"));
  ASSERT_OK_AND_ASSIGN(IpAddress b, IpAddress::Parse("::ffff:192.0.2.1"));
  ASSERT_OK_AND_ASSIGN(IpAddress c, IpAddress::Parse("::192.0.2.1"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  absl::flat_hash_set<IpAddress> set = {a, b, c};
  EXPECT_EQ(set.size(), 2u);
}

TEST(IpAddressTest, Masked) {
  struct Case {
    std::string ip;
    int len;
    std::string want;
  };
  const Case kCases[] = {
      {"192.0.2.129", 24, "192.0.2.0"},
      {"192.0.2.129", 25, "192.0.2.128"},
      {"192.0.2.129", 0, "0.0.0.0"},
      {"192.0.2.129", 32, "192.0.2.129"},
      {"192.0.2.129", 99, "192.0.2.129"},  // clamped
      {"192.0.2.129", -5, "0.0.0.0"},      // clamped
      {"255.255.255.255", 1, "128.0.0.0"},
      {"2001:db8:abcd:1234::1", 48, "2001:db8:abcd::"},
      {"2001:db8:abcd:1234::1", 52, "2001:db8:abcd:1000::"},
      {"2001:db8:abcd:1234::1", 0, "::"},
      {"2001:db8:abcd:1234::1", 128, "2001:db8:abcd:1234::1"},
      {"2001:db8:abcd:1234::1", 200, "2001:db8:abcd:1234::1"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ip + "/" + std::to_string(c.len));
    ASSERT_OK_AND_ASSIGN(IpAddress ip, IpAddress::Parse(c.ip));
    IpAddress masked = ip.Masked(c.len);
    EXPECT_EQ(masked.ToString(), c.want);
    EXPECT_EQ(masked.is_v4(), ip.is_v4());
  }
}

TEST(IpAddressTest, NetworkKey) {
  const std::pair<std::string, std::string> kCases[] = {
      {"192.0.2.77", "192.0.2.0/24"},
      {"::ffff:10.1.2.3", "10.1.2.0/24"},
      {"2001:db8:abcd:1234::1", "2001:db8:abcd::/48"},
      {"2001:0:1:ffff::", "2001:0:1::/48"},
      {"::1", "::/48"},
  };
  for (const auto& [text, key] : kCases) {
    ASSERT_OK_AND_ASSIGN(IpAddress ip, IpAddress::Parse(text));
    EXPECT_EQ(ip.NetworkKey(), key) << text;
  }
}

TEST(CidrTest, Parses) {
  struct Case {
    std::string text;
    std::string canonical;
    int len;
  };
  const Case kCases[] = {
      {"10.0.0.0/8", "10.0.0.0/8", 8},
      {"0.0.0.0/0", "0.0.0.0/0", 0},
      {"192.0.2.1", "192.0.2.1/32", 32},
      {"192.0.2.1/32", "192.0.2.1/32", 32},
      {"2001:db8::/32", "2001:db8::/32", 32},
      {"::/0", "::/0", 0},
      {"2001:db8::1", "2001:db8::1/128", 128},
      {"::ffff:10.0.0.0/104", "10.0.0.0/8", 8},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(Cidr cidr, Cidr::Parse(c.text));
    EXPECT_EQ(cidr.ToString(), c.canonical);
    EXPECT_EQ(cidr.prefix_len, c.len);
  }
}

TEST(CidrTest, RejectsBadInput) {
  const std::string kBad[] = {
      "10.0.0.1/8",         // host bits
      "2001:db8::1/32",     // host bits
      "10.0.0.0/33",        // too long
      "2001:db8::/129",     // too long
      "10.0.0.0/",          // empty prefix
      "10.0.0.0/-1",        //
      "10.0.0.0/+8",        //
      "10.0.0.0/ 8",        //
      "10.0.0.0/8 ",        //
      "10.0.0.0/08x",       //
      "10.0.0.0/0008",      // more than 3 digits
      "10.0.0.0/8/8",       //
      "/8",                 //
      "",                   //
      "10.0.0/8",           //
      "::ffff:10.0.0.0/8",  // mapped needs >= 96
      "foo/8",
  };
  for (const std::string& text : kBad) {
    SCOPED_TRACE(text);
    absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
    ASSERT_FALSE(cidr.ok()) << cidr->ToString();
    EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(cidr.status().message().find("invalid CIDR"), std::string::npos)
        << cidr.status();
  }
  EXPECT_NE(Cidr::Parse("10.0.0.1/8").status().message().find("host bits"),
            absl::string_view::npos);
}

TEST(CidrTest, Contains) {
  ASSERT_OK_AND_ASSIGN(Cidr v4, Cidr::Parse("10.1.0.0/16"));
  ASSERT_OK_AND_ASSIGN(Cidr v6, Cidr::Parse("2001:db8::/32"));
  ASSERT_OK_AND_ASSIGN(Cidr all4, Cidr::Parse("0.0.0.0/0"));
  auto ip = [](const char* text) { return IpAddress::Parse(text).value(); };
  EXPECT_TRUE(v4.Contains(ip("10.1.0.0")));
  EXPECT_TRUE(v4.Contains(ip("10.1.255.255")));
  EXPECT_TRUE(v4.Contains(ip("::ffff:10.1.2.3")));
  EXPECT_FALSE(v4.Contains(ip("10.2.0.0")));
  EXPECT_FALSE(v4.Contains(ip("::10.1.2.3")));
  EXPECT_TRUE(v6.Contains(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(v6.Contains(ip("2001:db9::")));
  EXPECT_FALSE(v6.Contains(ip("10.1.2.3")));
  EXPECT_TRUE(all4.Contains(ip("255.255.255.255")));
  EXPECT_FALSE(all4.Contains(ip("::")));
}

}  // namespace
}  // namespace vigil
