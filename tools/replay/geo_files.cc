// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/geo_files.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace vigil::tools {

GeoOptions GeoOptionsFromFiles(const std::vector<std::string>& files) {
  GeoOptions g;
  for (const std::string& f : files) {
    const std::string lower = absl::AsciiStrToLower(f);
    const std::string base = lower.substr(lower.find_last_of('/') + 1);
    if (absl::EndsWith(lower, ".csv")) {
      g.asn_csvs.push_back(f);
    } else if (absl::StrContains(base, "anonymous")) {
      g.anonymous_ip_dbs.push_back(f);
    } else if (absl::StrContains(base, "asn")) {
      g.asn_dbs.push_back(f);
    } else {
      g.city_dbs.push_back(f);
    }
  }
  return g;
}

}  // namespace vigil::tools
