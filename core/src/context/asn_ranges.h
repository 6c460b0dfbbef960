// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// AsnRanges: IP range -> autonomous system, from the range CSVs of the
// ip-location-db project ("first_ip,last_ip,asn,organisation", one range
// per line, RFC 4180 quoting: `1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."`).

#ifndef VIGIL_CORE_SRC_CONTEXT_ASN_RANGES_H_
#define VIGIL_CORE_SRC_CONTEXT_ASN_RANGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/ip_address.h"

namespace vigil {

// An immutable table of disjoint IPv4 and IPv6 ranges, searched by binary
// search. Thread-safe for concurrent Find calls.
class AsnRanges {
 public:
  // What a range says about an address. `org` points into the table and
  // lives as long as it.
  struct Match {
    uint32_t asn = 0;
    absl::string_view org;
  };

  // Parses CSV text. IPv4 and IPv6 ranges may be mixed and in any order;
  // lines may end in "\r\n"; blank lines are skipped; there is no header
  // line. Any bad line (wrong field count, bad quoting, bad address, mixed
  // families, first after last, an ASN that is not a 32-bit decimal number)
  // fails the whole call with "<source_name>:<line>: <reason>".
  //
  // Ranges may overlap (the real files have a few): where they do, the
  // range that starts later answers, and of two that start at the same
  // address the shorter one; so a range nested in another wins over it.
  static absl::StatusOr<AsnRanges> ParseCsv(absl::string_view text,
                                            absl::string_view source_name);
  // Reads and parses a CSV file; InvalidArgument naming the file if it
  // cannot be read.
  static absl::StatusOr<AsnRanges> LoadCsv(const std::string& path);

  AsnRanges() = default;

  // The range containing `ip`, if any.
  bool Find(const IpAddress& ip, Match* match) const;

  // Number of ranges.
  size_t size() const { return v4_.size() + v6_.size(); }

 private:
  struct V4Range {
    uint32_t first;
    uint32_t last;
    uint32_t asn;
    uint32_t org;  // index into org_offsets_
  };
  struct V6Range {
    absl::uint128 first;
    absl::uint128 last;
    uint32_t asn;
    uint32_t org;
  };

  absl::string_view Org(uint32_t index) const;

  // Sorted by first address and disjoint (overlaps resolved at load).
  std::vector<V4Range> v4_;
  std::vector<V6Range> v6_;
  // Distinct organisation names, concatenated; name i is
  // org_text_[org_offsets_[i], org_offsets_[i + 1]).
  std::string org_text_;
  std::vector<uint32_t> org_offsets_;
};

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_ASN_RANGES_H_
