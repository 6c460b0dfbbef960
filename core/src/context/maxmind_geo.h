// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MaxMindGeoResolver: the default GeoResolver (see vigil/geo.h), over
// MaxMind DB files (GeoIP2/GeoLite2 City and Country, DB-IP City Lite,
// GeoLite2-ASN, GeoIP2 Anonymous IP) and ip-location-db ASN range CSVs.

#ifndef VIGIL_CORE_SRC_CONTEXT_MAXMIND_GEO_H_
#define VIGIL_CORE_SRC_CONTEXT_MAXMIND_GEO_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "context/asn_ranges.h"
#include "context/mmdb_file.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil {

// Record readers. `offset` is where MmdbFile::Lookup found the record.
//
// Reads the location fields of a city record into `out`, detecting the
// layout from the record (one pass over its top-level keys): GeoIP2 nested
// (country.iso_code, city.names.en, subdivisions.0.names.en,
// location.{latitude,longitude,accuracy_radius, time_zone}) or DB-IP flat
// (country_code, city, state1, latitude, longitude, timezone; coordinates
// stored as FLOAT). Fields the record does not have, or has with an unexpected
// type, are left alone. DataLoss naming the file if the record is corrupt.
absl::Status ReadCityRecord(const MmdbFile& db, uint32_t offset,
                            const IpAddress& ip, GeoInfo* out);

// Reads autonomous_system_number and autonomous_system_organization
// (GeoLite2-ASN layout) into out->asn and out->asn_org. Sets *has_asn when
// the record holds an ASN.
absl::Status ReadAsnRecord(const MmdbFile& db, uint32_t offset,
                           const IpAddress& ip, GeoInfo* out, bool* has_asn);

// Reads the is_* flags of a GeoIP2 Anonymous IP record; absent flags are
// false.
absl::Status ReadAnonymousIpRecord(const MmdbFile& db, uint32_t offset,
                                   const IpAddress& ip, GeoInfo* out);

class MaxMindGeoResolver final : public GeoResolver {
 public:
  // Opens every file of `options` (see CreateGeoResolver in vigil/geo.h).
  static absl::StatusOr<std::unique_ptr<MaxMindGeoResolver>> Create(
      const GeoOptions& options, Logger* logger = nullptr);

  // For each kind, the first source with a record for `ip` answers. For the
  // ASN, the ASN mmdb files are asked before the CSVs.
  absl::Status Lookup(const IpAddress& ip, GeoInfo* out) const override;

 private:
  MaxMindGeoResolver() = default;
  absl::Status LookupInto(const IpAddress& ip, GeoInfo* out) const;

  std::vector<std::unique_ptr<MmdbFile>> city_dbs_;
  std::vector<std::unique_ptr<MmdbFile>> asn_dbs_;
  std::vector<AsnRanges> asn_csvs_;
  std::vector<std::unique_ptr<MmdbFile>> anonymous_ip_dbs_;
};

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_MAXMIND_GEO_H_
