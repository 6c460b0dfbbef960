// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/client_address.h: the address a request really came from, when
// vigild sits behind reverse proxies ([server] trusted_proxies).
//
// The rule: the TCP peer is the client unless it is a trusted proxy. From a
// trusted proxy, the proxies' header is read from its right end (the hop
// nearest vigild) towards its left, skipping every address that is itself a
// trusted proxy; the first one that is not is the client. Entries left of it
// were written by the client or by proxies vigild does not trust, and are
// never read, so a client cannot choose its address by sending the header
// itself. If every entry is a trusted proxy, the left-most is the client.
//
// The header: `Forwarded` (RFC 7239, its for= parameters) if the request has
// one, else `X-Forwarded-For`; several lines of one header are one list, in
// order. An entry is an IPv4 or IPv6 address, optionally with a port
// ("192.0.2.1:443", "[2001:db8::1]:443"; Forwarded quotes these). An entry
// that is not one (RFC 7239's "unknown" or an obfuscated "_node", or
// garbage) ends the walk: the client is then the last address before it
// that the walk reached (the proxy that could not name its own client).
// A header is never an error: at worst the peer is the client.

#ifndef VIGIL_SERVICE_CLIENT_ADDRESS_H_
#define VIGIL_SERVICE_CLIENT_ADDRESS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "vigil/ip_address.h"

namespace vigil::service {

// `forwarded` and `x_forwarded_for` are the headers' values, several lines
// joined with ", " (empty: absent).
IpAddress ResolveClientAddress(const IpAddress& peer, const CidrSet& trusted,
                               absl::string_view forwarded,
                               absl::string_view x_forwarded_for);

// One entry of either header ("192.0.2.1", "[2001:db8::1]:8080",
// "\"[2001:db8::1]\"", "192.0.2.1:80"); false if it is not an address.
bool ParseForwardedNode(absl::string_view text, IpAddress* out);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_CLIENT_ADDRESS_H_
