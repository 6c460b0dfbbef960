// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/flags.h: the small flag parser the analyst commands share.
// "--name value" or "--name=value"; a flag may repeat; boolean flags take no
// value.

#ifndef VIGIL_TOOLS_REPLAY_FLAGS_H_
#define VIGIL_TOOLS_REPLAY_FLAGS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vigil/geo.h"

namespace vigil::tools {

class Flags {
 public:
  // `valued` and `booleans` list the accepted names without "--".
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::vector<std::string>& valued,
                                     const std::vector<std::string>& booleans);

  bool Has(const std::string& name) const { return values_.contains(name); }
  // The last value, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& All(const std::string& name) const;
  // InvalidArgument "--name: ..." when present but not a number.
  absl::Status GetInt(const std::string& name, int64_t* out) const;
  absl::Status GetDouble(const std::string& name, double* out) const;

 private:
  absl::flat_hash_map<std::string, std::vector<std::string>> values_;
};

// Sorts GeoIP files by name: *.csv are ASN range CSVs; *.mmdb files with
// "asn" in their name are ASN databases, with "anonymous" anonymizer
// databases, and any other a city database.
GeoOptions GeoOptionsFromFiles(const std::vector<std::string>& files);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_FLAGS_H_
