// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/client_address.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace vigil::service {
namespace {

bool IsPort(absl::string_view text) {
  uint32_t port = 0;
  return !text.empty() && text.size() <= 5 && absl::SimpleAtoi(text, &port) &&
         port <= 65535 && std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isdigit(c);
         });
}

// The for= value of one Forwarded element ("for=a;proto=b"), or "" if it
// has none.
absl::string_view ForwardedFor(absl::string_view element) {
  for (absl::string_view pair : absl::StrSplit(element, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(pair.substr(0, eq)),
                               "for")) {
      return absl::StripAsciiWhitespace(pair.substr(eq + 1));
    }
  }
  return "";
}

}  // namespace

bool ParseForwardedNode(absl::string_view text, IpAddress* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  absl::string_view host = text;
  if (absl::ConsumePrefix(&host, "[")) {
    // [IPv6] or [IPv6]:port
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    absl::string_view rest = host.substr(close + 1);
    host = host.substr(0, close);
    if (!rest.empty() && !(absl::ConsumePrefix(&rest, ":") && IsPort(rest))) {
      return false;
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    // IPv4:port
    const size_t colon = text.find(':');
    if (!IsPort(text.substr(colon + 1))) return false;
    host = text.substr(0, colon);
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(host);
  if (!ip.ok()) return false;
  *out = *ip;
  return true;
}

IpAddress ResolveClientAddress(const IpAddress& peer, const CidrSet& trusted,
                               absl::string_view forwarded,
                               absl::string_view x_forwarded_for) {
  if (trusted.empty() || !trusted.Contains(peer)) return peer;
  const bool use_forwarded = !absl::StripAsciiWhitespace(forwarded).empty();
  std::vector<absl::string_view> hops =
      absl::StrSplit(use_forwarded ? forwarded : x_forwarded_for, ',');
  IpAddress client = peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    const absl::string_view entry = absl::StripAsciiWhitespace(*it);
    if (entry.empty() && !use_forwarded && hops.size() == 1) break;  // absent
    IpAddress hop;
    if (!ParseForwardedNode(use_forwarded ? ForwardedFor(entry) : entry,
                            &hop)) {
      break;  // not an address: the last hop reached is all that is known
    }
    client = hop;
    if (!trusted.Contains(hop)) break;
  }
  return client;
}

}  // namespace vigil::service
