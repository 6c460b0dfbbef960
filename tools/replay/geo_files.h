// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/geo_files.h: the --geoip files of the analyst commands.

#ifndef VIGIL_TOOLS_REPLAY_GEO_FILES_H_
#define VIGIL_TOOLS_REPLAY_GEO_FILES_H_

#include <string>
#include <vector>

#include "vigil/geo.h"

namespace vigil::tools {

// Sorts GeoIP files by name: *.csv are ASN range CSVs; *.mmdb files with
// "asn" in their name are ASN databases, with "anonymous" anonymizer
// databases, and any other a city database.
GeoOptions GeoOptionsFromFiles(const std::vector<std::string>& files);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_GEO_FILES_H_
