// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/geo.h: what vigil knows about where an IP address is.
//
// GeoResolver is the interface signals use; CreateGeoResolver() builds the
// default one over MaxMind DB (.mmdb) files and ASN range CSVs. Tests inject
// their own resolvers.

#ifndef VIGIL_GEO_H_
#define VIGIL_GEO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vigil/ip_address.h"
#include "vigil/log.h"

namespace vigil {

// Enrichment of one IP address. Empty strings and zero mean "unknown".
struct GeoInfo {
  std::string country;     // ISO 3166-1 alpha-2, e.g. "DE"
  std::string city;        // English name, e.g. "Berlin"
  std::string region;      // first subdivision, English name
  std::string time_zone;   // IANA name, e.g. "Europe/Berlin"
  bool has_location = false;
  double latitude = 0;
  double longitude = 0;
  int accuracy_radius_km = 0;  // 0: unknown
  uint32_t asn = 0;
  std::string asn_org;
  // Anonymizer flags (GeoIP2 Anonymous IP layout).
  bool is_anonymous = false;
  bool is_anonymous_vpn = false;
  bool is_hosting_provider = false;
  bool is_public_proxy = false;
  bool is_residential_proxy = false;
  bool is_tor_exit_node = false;
};

// Thread-safe: Lookup may be called from any number of threads at once.
class GeoResolver {
 public:
  virtual ~GeoResolver() = default;

  // Fills `out` (which it first resets) with what the databases know of
  // `ip`. An address no database covers is not an error: it returns OK with
  // the fields left unknown. A database that is corrupt at the looked-up
  // record returns DataLoss naming the file.
  virtual absl::Status Lookup(const IpAddress& ip, GeoInfo* out) const = 0;
};

// Files for the default resolver. Every listed file must open; each kind of
// database may be given several times (e.g. the DB-IP IPv4 and IPv6 files):
// the first one that has a record for an address answers.
struct GeoOptions {
  // City databases: GeoIP2/GeoLite2 City layout (nested: city.names.en,
  // country.iso_code, location.latitude, ...) or the DB-IP flat layout
  // (city, country_code, state1, latitude, longitude, timezone); detected per
  // record.
  std::vector<std::string> city_dbs;
  // GeoLite2-ASN layout mmdb files (autonomous_system_number, ..._organization).
  std::vector<std::string> asn_dbs;
  // ASN range CSVs: "first_ip,last_ip,asn,organisation" (ip-location-db).
  std::vector<std::string> asn_csvs;
  // GeoIP2 Anonymous IP layout mmdb files.
  std::vector<std::string> anonymous_ip_dbs;
};

// Opens every file of `options`. A missing, unreadable or corrupt file is an
// error naming the file (InvalidArgument or DataLoss); nothing is half-open.
// Each file opened is reported to `logger` (null: DefaultLogger()) as
// geo_file_loaded: kind, path, and its build time and nodes (mmdb) or its
// ranges (CSV).
absl::StatusOr<std::unique_ptr<GeoResolver>> CreateGeoResolver(
    const GeoOptions& options, Logger* logger = nullptr);

}  // namespace vigil

#endif  // VIGIL_GEO_H_
