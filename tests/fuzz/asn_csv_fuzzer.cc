// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the ASN range CSV loader (core/src/context/asn_ranges.h), the
// other IP-range list vigil reads from files ("first_ip,last_ip,asn,org").
//
// Invariants:
//   - errors are InvalidArgument "<source>:<line>: <reason>";
//   - a loaded table has at most two ranges per line (a range nested in
//     another splits it), and for every line whose first two fields are
//     plain addresses both ends of its range are found (overlaps are
//     resolved, never dropped).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "context/asn_ranges.h"
#include "fuzz_check.h"
#include "vigil/ip_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<vigil::AsnRanges> table =
      vigil::AsnRanges::ParseCsv(text, "fuzz");
  if (!table.ok()) {
    FUZZ_CHECK(table.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StartsWith(table.status().message(), "fuzz:"),
               "message '%s'", std::string(table.status().message()).c_str());
    return 0;
  }
  size_t lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<absl::string_view> f = absl::StrSplit(line, ',');
    if (f.size() < 2) continue;
    absl::StatusOr<vigil::IpAddress> first = vigil::IpAddress::Parse(f[0]);
    absl::StatusOr<vigil::IpAddress> last = vigil::IpAddress::Parse(f[1]);
    if (!first.ok() || !last.ok()) continue;
    for (const vigil::IpAddress& ip : {*first, *last}) {
      vigil::AsnRanges::Match m;
      FUZZ_CHECK(table->Find(ip, &m), "%s of line '%s' not found",
                 ip.ToString().c_str(), std::string(line).c_str());
    }
  }
  // A range nested in another splits it in two: at most 2 per line.
  FUZZ_CHECK(table->size() <= 2 * lines, "%zu ranges from %zu lines",
             table->size(), lines);
  return 0;
}
