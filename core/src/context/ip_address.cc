// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// IpAddress and Cidr. Parsing is delegated to inet_pton(3), which glibc
// implements strictly (no octal or hex IPv4 parts, no leading zeros, no
// trailing junk); this file adds the checks inet_pton cannot make on a
// string_view (length, embedded NUL, allowed characters) and the
// IPv4-mapped normalisation. Printing is hand-written so that IPv6 text
// follows RFC 5952 regardless of the C library.

#include "vigil/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace vigil {
namespace {

// Longest textual IPv6 address: 8 groups of 4 hex digits with an embedded
// dotted quad ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") is 45 chars.
constexpr size_t kMaxAddressText = 45;

bool IsV4Mapped(const std::array<uint8_t, 16>& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

// Quotes user text for error messages: printable ASCII as is, everything
// else escaped, and long inputs shortened so a hostile value cannot flood a
// log line.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  const size_t shown = std::min(text.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    }
  }
  out.push_back('"');
  if (text.size() > kMaxShown) {
    absl::StrAppend(&out, "... (", text.size(), " bytes)");
  }
  return out;
}

absl::Status BadAddress(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid IP address ", Quote(text), ": ", why));
}

absl::Status BadCidr(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid CIDR ", Quote(text), ": ", why));
}

}  // namespace

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.empty()) return BadAddress(text, "empty");
  if (text.size() > kMaxAddressText) return BadAddress(text, "too long");
  bool has_colon = false;
  for (char c : text) {
    if (c == ':') {
      has_colon = true;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) &&
               c != '.') {
      if (c == '[' || c == ']') {
        return BadAddress(text, "brackets are not allowed");
      }
      if (c == '%') return BadAddress(text, "zone ids are not allowed");
      if (c == '/') return BadAddress(text, "a prefix length is not allowed");
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        return BadAddress(text, "whitespace is not allowed");
      }
      return BadAddress(text, "unexpected character");
    }
  }
  char buf[kMaxAddressText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';

  IpAddress ip;
  if (!has_colon) {
    uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) != 1) {
      return BadAddress(text, "not a dotted-quad IPv4 address");
    }
    std::memcpy(&ip.bytes_[12], v4, 4);
    return ip;
  }
  std::array<uint8_t, 16> v6;
  if (inet_pton(AF_INET6, buf, v6.data()) != 1) {
    // A host:port pair is the most common mistake; name it.
    const size_t colon = text.find(':');
    if (colon != absl::string_view::npos &&
        text.find(':', colon + 1) == absl::string_view::npos &&
        text.substr(0, colon).find('.') != absl::string_view::npos) {
      return BadAddress(text, "ports are not allowed");
    }
    return BadAddress(text, "not an IPv6 address");
  }
  return FromV6(v6);
}

IpAddress IpAddress::FromV4(uint32_t host_order) {
  IpAddress ip;
  ip.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
  ip.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
  ip.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
  ip.bytes_[15] = static_cast<uint8_t>(host_order);
  return ip;
}

IpAddress IpAddress::FromV6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  // ::ffff:a.b.c.d is a.b.c.d, however it was obtained.
  ip.v4_ = IsV4Mapped(bytes);
  return ip;
}

uint32_t IpAddress::v4() const {
  return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) |
         (uint32_t{bytes_[14]} << 8) | uint32_t{bytes_[15]};
}

std::string IpAddress::ToString() const {
  if (v4_) {
    return absl::StrCat(int{bytes_[12]}, ".", int{bytes_[13]}, ".",
                        int{bytes_[14]}, ".", int{bytes_[15]});
  }
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<uint16_t>((bytes_[2 * i] << 8) | bytes_[2 * i + 1]);
  }
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the
  // first one on a tie.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  std::string out;
  out.reserve(39);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    absl::StrAppend(&out, absl::Hex(groups[i]));
  }
  return out;
}

IpAddress IpAddress::Masked(int prefix_len) const {
  const int bits = bit_length();
  if (prefix_len < 0) prefix_len = 0;
  if (prefix_len > bits) prefix_len = bits;
  // Position of the first bit to clear within the 128-bit storage.
  const int keep = prefix_len + (128 - bits);
  IpAddress out = *this;
  for (int i = 0; i < 16; ++i) {
    const int byte_start = i * 8;
    if (byte_start >= keep) {
      out.bytes_[i] = 0;
    } else if (byte_start + 8 > keep) {
      const int keep_bits = keep - byte_start;
      out.bytes_[i] &= static_cast<uint8_t>(0xff << (8 - keep_bits));
    }
  }
  return out;
}

std::string IpAddress::NetworkKey() const {
  if (v4_) return absl::StrCat(Masked(24).ToString(), "/24");
  return absl::StrCat(Masked(48).ToString(), "/48");
}

absl::StatusOr<Cidr> Cidr::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  absl::string_view addr_text = text.substr(0, slash);
  absl::StatusOr<IpAddress> addr = IpAddress::Parse(addr_text);
  if (!addr.ok()) {
    return BadCidr(text, addr.status().message());
  }
  Cidr cidr;
  cidr.network = *addr;
  if (slash == absl::string_view::npos) {
    cidr.prefix_len = addr->bit_length();
    return cidr;
  }
  absl::string_view len_text = text.substr(slash + 1);
  int len = 0;
  if (len_text.empty() || len_text.size() > 3 ||
      !std::all_of(len_text.begin(), len_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(len_text, &len)) {
    return BadCidr(text, "the prefix length must be a decimal number");
  }
  // "::ffff:10.0.0.0/104" names an IPv4 network in IPv6 notation.
  if (addr->is_v4() && addr_text.find(':') != absl::string_view::npos) {
    if (len < 96) {
      return BadCidr(text,
                     "an IPv4-mapped network needs a prefix length of at "
                     "least 96");
    }
    len -= 96;
  }
  if (len > addr->bit_length()) {
    return BadCidr(text, absl::StrCat("prefix length ", len, " is longer than ",
                                      addr->bit_length()));
  }
  if (addr->Masked(len) != *addr) {
    return BadCidr(
        text, absl::StrCat("host bits are set below /", len, " (network is ",
                           addr->Masked(len).ToString(), ")"));
  }
  cidr.prefix_len = len;
  return cidr;
}

bool Cidr::Contains(const IpAddress& ip) const {
  return ip.is_v4() == network.is_v4() && ip.Masked(prefix_len) == network;
}

std::string Cidr::ToString() const {
  return absl::StrCat(network.ToString(), "/", prefix_len);
}

}  // namespace vigil
