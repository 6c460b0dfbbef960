// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: IP address and CIDR parsing, and the FireHOL netset loader
// (vigil/ip_address.h, core/src/context/ip_address.cc and cidr_set.cc).
// The input is netset text; every line is also parsed on its own.
//
// Invariants:
//   - IpAddress::Parse: what it accepts, inet_pton accepts too, with the same
//     bytes; ToString() parses back to the same address and is a fixed
//     point; Masked() is idempotent and stays within the network.
//   - Cidr::Parse: ToString() parses back to the same network; the network
//     has no host bits and contains itself.
//   - CidrSet::ParseFireHol: fails exactly when some line fails Cidr::Parse,
//     naming "<source>:<line>: "; otherwise Contains() agrees with a brute
//     force over the ranges at each range's first and last address and their
//     neighbours, Find() returns a range at least as specific as each line's,
//     and merging the set into itself changes nothing.

#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "vigil/ip_address.h"

namespace {

using vigil::Cidr;
using vigil::CidrSet;
using vigil::IpAddress;

void CheckAddress(absl::string_view text, const IpAddress& ip) {
  // Differential: the C library agrees on what the address is.
  const std::string z(text);
  if (text.find(':') != absl::string_view::npos) {
    std::array<uint8_t, 16> b{};
    FUZZ_CHECK(inet_pton(AF_INET6, z.c_str(), b.data()) == 1,
               "accepted '%s', inet_pton refuses", z.c_str());
    FUZZ_CHECK(b == ip.bytes(), "'%s': bytes differ from inet_pton", z.c_str());
  } else {
    uint8_t b[4];
    FUZZ_CHECK(inet_pton(AF_INET, z.c_str(), b) == 1,
               "accepted '%s', inet_pton refuses", z.c_str());
    FUZZ_CHECK(ip.is_v4() && std::memcmp(b, ip.bytes().data() + 12, 4) == 0,
               "'%s': bytes differ from inet_pton", z.c_str());
  }
  const std::string s = ip.ToString();
  absl::StatusOr<IpAddress> back = IpAddress::Parse(s);
  FUZZ_CHECK(back.ok() && *back == ip, "'%s' -> '%s' does not parse back",
             z.c_str(), s.c_str());
  FUZZ_CHECK(back->ToString() == s, "ToString not canonical: %s", s.c_str());
  const int len = static_cast<int>(text.size()) % (ip.bit_length() + 1);
  const IpAddress masked = ip.Masked(len);
  FUZZ_CHECK(masked.Masked(len) == masked && masked.is_v4() == ip.is_v4());
  FUZZ_CHECK((Cidr{masked, len}.Contains(ip)), "/%d of %s", len, s.c_str());
  FUZZ_CHECK(ip.Masked(ip.bit_length()) == ip && ip.Masked(-5) == ip.Masked(0));
}

void CheckCidr(const Cidr& c) {
  FUZZ_CHECK(c.prefix_len >= 0 && c.prefix_len <= c.network.bit_length());
  FUZZ_CHECK(c.network.Masked(c.prefix_len) == c.network, "host bits");
  FUZZ_CHECK(c.Contains(c.network));
  const std::string s = c.ToString();
  absl::StatusOr<Cidr> back = Cidr::Parse(s);
  FUZZ_CHECK(back.ok() && back->network == c.network &&
                 back->prefix_len == c.prefix_len,
             "'%s' does not parse back", s.c_str());
}

// The last address of a range.
IpAddress Last(const Cidr& c) {
  if (c.network.is_v4()) {
    uint32_t host = 0;  // the host bits, set
    if (c.prefix_len == 0) host = 0xffffffffu;
    if (c.prefix_len > 0 && c.prefix_len < 32)
      host = 0xffffffffu >> c.prefix_len;
    return IpAddress::FromV4(c.network.v4() | host);
  }
  std::array<uint8_t, 16> b = c.network.bytes();
  for (int bit = c.prefix_len; bit < 128; ++bit) {
    b[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
  }
  return IpAddress::FromV6(b);
}

// ip + delta (delta = +1 or -1) within its family, wrapping.
IpAddress Step(const IpAddress& ip, int delta) {
  if (ip.is_v4())
    return IpAddress::FromV4(ip.v4() + static_cast<uint32_t>(delta));
  std::array<uint8_t, 16> b = ip.bytes();
  for (int i = 15; i >= 0; --i) {
    const uint8_t before = b[i];
    b[i] = static_cast<uint8_t>(b[i] + delta);
    if ((delta > 0 && b[i] != 0) || (delta < 0 && before != 0)) break;
  }
  IpAddress out = IpAddress::FromV6(b);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<Cidr> ranges;
  bool all_lines_ok = true;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(raw);
    if (ip.ok()) CheckAddress(raw, *ip);
    absl::StatusOr<Cidr> cidr = Cidr::Parse(raw);
    if (cidr.ok()) CheckCidr(*cidr);

    // As the netset loader reads the line.
    absl::string_view line = raw.substr(0, raw.find('#'));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<Cidr> entry = Cidr::Parse(line);
    if (!entry.ok()) {
      FUZZ_CHECK(entry.status().code() == absl::StatusCode::kInvalidArgument);
      all_lines_ok = false;
      continue;
    }
    ranges.push_back(*entry);
  }

  absl::StatusOr<CidrSet> set = CidrSet::ParseFireHol(text, "fuzz");
  FUZZ_CHECK(set.ok() == all_lines_ok, "ParseFireHol ok=%d, lines ok=%d",
             set.ok(), all_lines_ok);
  if (!set.ok()) {
    FUZZ_CHECK(absl::StartsWith(set.status().message(), "fuzz:"),
               "message '%s'", std::string(set.status().message()).c_str());
    return 0;
  }
  FUZZ_CHECK(set->size() <= ranges.size());
  FUZZ_CHECK(set->empty() == ranges.empty());

  // Brute force: probes around (a bounded number of) ranges, each against
  // every range.
  const size_t n = std::min<size_t>(ranges.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    const Cidr& c = ranges[i];
    Cidr match;
    FUZZ_CHECK(set->Find(c.network, &match), "own network %s not found",
               c.ToString().c_str());
    FUZZ_CHECK(match.prefix_len >= c.prefix_len && match.Contains(c.network),
               "Find(%s) gave %s", c.ToString().c_str(),
               match.ToString().c_str());
    const IpAddress last = Last(c);
    // (An IPv6 range over ::ffff:0:0/96 ends in an IPv4-mapped address,
    // which is the IPv4 address and so not in the IPv6 range.)
    FUZZ_CHECK(c.Contains(last) || last.is_v4() != c.network.is_v4(),
               "Last(%s)", c.ToString().c_str());
    for (const IpAddress& probe :
         {c.network, last, Step(c.network, -1), Step(last, +1)}) {
      bool expected = false;
      for (const Cidr& r : ranges) expected = expected || r.Contains(probe);
      FUZZ_CHECK(set->Contains(probe) == expected,
                 "Contains(%s) = %d, brute force %d", probe.ToString().c_str(),
                 set->Contains(probe), expected);
      Cidr m;
      FUZZ_CHECK(set->Find(probe, &m) == expected);
    }
  }

  CidrSet twice = *set;
  twice.Merge(*set);
  FUZZ_CHECK(twice.size() == set->size(), "Merge with itself changed size");
  return 0;
}
