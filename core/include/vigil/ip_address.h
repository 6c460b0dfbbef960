// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/ip_address.h: an IPv4 or IPv6 address, and sets of CIDR ranges.
//
// IpAddress is a value type, valid by construction: the only way to get one
// from text is IpAddress::Parse(), which refuses anything that is not a
// complete IPv4 dotted quad or IPv6 address (RFC 4291 text forms, including
// embedded IPv4). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the same
// address as a.b.c.d: both parse to the IPv4 family.

#ifndef VIGIL_IP_ADDRESS_H_
#define VIGIL_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil {

class IpAddress {
 public:
  // The unspecified IPv4 address 0.0.0.0.
  IpAddress() = default;

  // Parses "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1". No ports, no
  // brackets, no zone ids, no surrounding spaces. InvalidArgument otherwise,
  // with the offending text in the message.
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);

  // From 4 bytes (network order) or 16 bytes.
  static IpAddress FromV4(uint32_t host_order);
  static IpAddress FromV6(const std::array<uint8_t, 16>& bytes);

  bool is_v4() const { return v4_; }
  // 16 bytes; an IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d).
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // The IPv4 address in host order; only meaningful when is_v4().
  uint32_t v4() const;
  // Bits in this family: 32 or 128.
  int bit_length() const { return v4_ ? 32 : 128; }

  // Canonical text: dotted quad, or RFC 5952 IPv6.
  std::string ToString() const;

  // The address with all but the first `prefix_len` bits (of its family)
  // cleared. prefix_len is clamped to [0, bit_length()].
  IpAddress Masked(int prefix_len) const;

  // The network used for familiarity: "a.b.c.0/24" for IPv4, the /48 for
  // IPv6.
  std::string NetworkKey() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.v4_ == b.v4_ && a.bytes_ == b.bytes_;
  }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) {
    return !(a == b);
  }
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& ip) {
    return H::combine(std::move(h), ip.v4_, ip.bytes_);
  }

 private:
  bool v4_ = true;
  std::array<uint8_t, 16> bytes_ = {0, 0, 0, 0, 0, 0, 0, 0,
                                    0, 0, 0xff, 0xff, 0, 0, 0, 0};
};

// A network: address and prefix length, with host bits cleared.
struct Cidr {
  IpAddress network;
  int prefix_len = 0;

  // Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128).
  // Host bits set below the prefix are an error ("10.0.0.1/8" is refused),
  // as is a prefix longer than the family allows.
  static absl::StatusOr<Cidr> Parse(absl::string_view text);
  bool Contains(const IpAddress& ip) const;
  std::string ToString() const;
};

// An immutable set of CIDR ranges with fast membership tests. Build with
// CidrSet::Builder, or parse a FireHOL netset.
class CidrSet {
 public:
  CidrSet();
  ~CidrSet();
  CidrSet(CidrSet&&) noexcept;
  CidrSet& operator=(CidrSet&&) noexcept;
  CidrSet(const CidrSet&);
  CidrSet& operator=(const CidrSet&);

  // Builds a set from CIDR strings; the first bad entry fails the whole
  // call with its index and text.
  static absl::StatusOr<CidrSet> FromStrings(
      const std::vector<std::string>& cidrs);

  // Parses FireHOL netset text: one address or CIDR per line, `#` starts a
  // comment, blank lines ignored, surrounding whitespace trimmed. A bad line
  // fails the whole call with "<source_name>:<line>: <reason>".
  static absl::StatusOr<CidrSet> ParseFireHol(absl::string_view text,
                                              absl::string_view source_name);
  // Reads and parses a FireHOL netset file.
  static absl::StatusOr<CidrSet> LoadFireHolFile(const std::string& path);

  // Adds every range of `other`.
  void Merge(const CidrSet& other);

  bool Contains(const IpAddress& ip) const;
  // The most specific range that contains ip, if any.
  bool Find(const IpAddress& ip, Cidr* match) const;
  size_t size() const;
  bool empty() const { return size() == 0; }

 private:
  void Add(const Cidr& cidr);
  void Finish();
  // Every distinct range, IPv4 first, then by network and prefix length.
  std::vector<Cidr> ranges_;
  // The prefix lengths present per family, longest first (for Find).
  std::vector<int> v4_prefix_lens_;
  std::vector<int> v6_prefix_lens_;
  // Sorted, merged [first,last] intervals per family for binary search.
  std::vector<std::pair<uint32_t, uint32_t>> v4_;
  std::vector<std::pair<std::array<uint8_t, 16>, std::array<uint8_t, 16>>> v6_;
};

}  // namespace vigil

#endif  // VIGIL_IP_ADDRESS_H_
