// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Record decoding reads each field with MMDB_aget_value. To keep a city
// lookup well under a microsecond, the top-level maps (country, city,
// location, subdivisions) are located once and their fields are read
// relative to them, instead of walking every path from the record's root.

#include "context/maxmind_geo.h"

#include <memory>
#include <string>
#include <utility>

#include "common/status_macros.h"

namespace vigil {
namespace {

// Paths for MMDB_aget_value: nullptr-terminated arrays of keys.
constexpr const char* const kCountry[] = {"country", nullptr};
constexpr const char* const kCity[] = {"city", nullptr};
constexpr const char* const kLocation[] = {"location", nullptr};
constexpr const char* const kSubdivisions[] = {"subdivisions", nullptr};
constexpr const char* const kIsoCode[] = {"iso_code", nullptr};
constexpr const char* const kNamesEn[] = {"names", "en", nullptr};
constexpr const char* const kFirstNameEn[] = {"0", "names", "en", nullptr};
constexpr const char* const kLatitude[] = {"latitude", nullptr};
constexpr const char* const kLongitude[] = {"longitude", nullptr};
constexpr const char* const kAccuracy[] = {"accuracy_radius", nullptr};
constexpr const char* const kTimeZone[] = {"time_zone", nullptr};
// DB-IP flat layout.
constexpr const char* const kCountryCode[] = {"country_code", nullptr};
constexpr const char* const kState1[] = {"state1", nullptr};
constexpr const char* const kTimezoneFlat[] = {"timezone", nullptr};
// GeoLite2-ASN layout.
constexpr const char* const kAsn[] = {"autonomous_system_number", nullptr};
constexpr const char* const kAsnOrg[] = {"autonomous_system_organization",
                                         nullptr};

bool IsMap(const MMDB_entry_data_s& d) {
  return d.has_data && d.type == MMDB_DATA_TYPE_MAP;
}

// Reads latitude/longitude under `entry` (the location map, or the record
// itself in the flat layout).
absl::Status ReadCoordinates(const MmdbFile& db, const MMDB_entry_s& entry,
                             const IpAddress& ip, GeoInfo* out) {
  MMDB_entry_data_s lat, lon;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kLatitude, ip, &lat));
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kLongitude, ip, &lon));
  double latitude = 0, longitude = 0;
  if (MmdbNumber(lat, &latitude) && MmdbNumber(lon, &longitude)) {
    out->has_location = true;
    out->latitude = latitude;
    out->longitude = longitude;
  }
  return absl::OkStatus();
}

absl::Status ReadNestedCity(const MmdbFile& db, const MMDB_entry_s& entry,
                            const IpAddress& ip,
                            const MMDB_entry_data_s& country,
                            const MMDB_entry_data_s& city, GeoInfo* out) {
  MMDB_entry_data_s d;
  if (IsMap(country)) {
    VIGIL_RETURN_IF_ERROR(
        db.Get(MmdbFile::SubEntry(entry, country), kIsoCode, ip, &d));
    MmdbString(d, &out->country);
  }
  if (IsMap(city)) {
    VIGIL_RETURN_IF_ERROR(
        db.Get(MmdbFile::SubEntry(entry, city), kNamesEn, ip, &d));
    MmdbString(d, &out->city);
  }
  MMDB_entry_data_s location;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kLocation, ip, &location));
  if (IsMap(location)) {
    const MMDB_entry_s loc = MmdbFile::SubEntry(entry, location);
    VIGIL_RETURN_IF_ERROR(ReadCoordinates(db, loc, ip, out));
    VIGIL_RETURN_IF_ERROR(db.Get(loc, kAccuracy, ip, &d));
    uint32_t radius = 0;
    if (MmdbUint32(d, &radius) && radius <= INT32_MAX) {
      out->accuracy_radius_km = static_cast<int>(radius);
    }
    VIGIL_RETURN_IF_ERROR(db.Get(loc, kTimeZone, ip, &d));
    MmdbString(d, &out->time_zone);
  }
  MMDB_entry_data_s subdivisions;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kSubdivisions, ip, &subdivisions));
  if (subdivisions.has_data && subdivisions.type == MMDB_DATA_TYPE_ARRAY) {
    VIGIL_RETURN_IF_ERROR(
        db.Get(MmdbFile::SubEntry(entry, subdivisions), kFirstNameEn, ip, &d));
    MmdbString(d, &out->region);
  }
  return absl::OkStatus();
}

absl::Status ReadFlatCity(const MmdbFile& db, const MMDB_entry_s& entry,
                          const IpAddress& ip, const MMDB_entry_data_s& city,
                          GeoInfo* out) {
  MMDB_entry_data_s d;
  MmdbString(city, &out->city);
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kCountryCode, ip, &d));
  MmdbString(d, &out->country);
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kState1, ip, &d));
  MmdbString(d, &out->region);
  VIGIL_RETURN_IF_ERROR(ReadCoordinates(db, entry, ip, out));
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kTimezoneFlat, ip, &d));
  MmdbString(d, &out->time_zone);
  return absl::OkStatus();
}

void Reset(GeoInfo* info) {
  // Clearing (rather than assigning a fresh GeoInfo) keeps the strings'
  // buffers, so a caller that reuses one GeoInfo does not allocate.
  info->country.clear();
  info->city.clear();
  info->region.clear();
  info->time_zone.clear();
  info->has_location = false;
  info->latitude = 0;
  info->longitude = 0;
  info->accuracy_radius_km = 0;
  info->asn = 0;
  info->asn_org.clear();
  info->is_anonymous = false;
  info->is_anonymous_vpn = false;
  info->is_hosting_provider = false;
  info->is_public_proxy = false;
  info->is_residential_proxy = false;
  info->is_tor_exit_node = false;
}

absl::Status OpenAll(const std::vector<std::string>& paths,
                     std::vector<std::unique_ptr<MmdbFile>>* out) {
  for (const std::string& path : paths) {
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<MmdbFile> db, MmdbFile::Open(path));
    out->push_back(std::move(db));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadCityRecord(const MmdbFile& db, const MMDB_entry_s& entry,
                            const IpAddress& ip, GeoInfo* out) {
  MMDB_entry_data_s country, city;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kCountry, ip, &country));
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kCity, ip, &city));
  // A string "city" or the absence of "country" with a "country_code" marks
  // the DB-IP flat layout; anything else is read as GeoIP2.
  if (city.has_data && city.type == MMDB_DATA_TYPE_UTF8_STRING) {
    return ReadFlatCity(db, entry, ip, city, out);
  }
  if (!country.has_data && !city.has_data) {
    MMDB_entry_data_s code;
    VIGIL_RETURN_IF_ERROR(db.Get(entry, kCountryCode, ip, &code));
    if (code.has_data) return ReadFlatCity(db, entry, ip, city, out);
  }
  return ReadNestedCity(db, entry, ip, country, city, out);
}

absl::Status ReadAsnRecord(const MmdbFile& db, const MMDB_entry_s& entry,
                           const IpAddress& ip, GeoInfo* out, bool* has_asn) {
  *has_asn = false;
  MMDB_entry_data_s d;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kAsn, ip, &d));
  uint32_t asn = 0;
  if (!MmdbUint32(d, &asn)) return absl::OkStatus();
  *has_asn = true;
  out->asn = asn;
  VIGIL_RETURN_IF_ERROR(db.Get(entry, kAsnOrg, ip, &d));
  MmdbString(d, &out->asn_org);
  return absl::OkStatus();
}

absl::Status ReadAnonymousIpRecord(const MmdbFile& db,
                                   const MMDB_entry_s& entry,
                                   const IpAddress& ip, GeoInfo* out) {
  struct Flag {
    const char* const path[2];
    bool GeoInfo::*field;
  };
  static constexpr Flag kFlags[] = {
      {{"is_anonymous", nullptr}, &GeoInfo::is_anonymous},
      {{"is_anonymous_vpn", nullptr}, &GeoInfo::is_anonymous_vpn},
      {{"is_hosting_provider", nullptr}, &GeoInfo::is_hosting_provider},
      {{"is_public_proxy", nullptr}, &GeoInfo::is_public_proxy},
      {{"is_residential_proxy", nullptr}, &GeoInfo::is_residential_proxy},
      {{"is_tor_exit_node", nullptr}, &GeoInfo::is_tor_exit_node},
  };
  MMDB_entry_data_s d;
  for (const Flag& flag : kFlags) {
    VIGIL_RETURN_IF_ERROR(db.Get(entry, flag.path, ip, &d));
    bool value = false;
    if (MmdbBool(d, &value)) out->*flag.field = value;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MaxMindGeoResolver>> MaxMindGeoResolver::Create(
    const GeoOptions& options) {
  std::unique_ptr<MaxMindGeoResolver> resolver(new MaxMindGeoResolver());
  VIGIL_RETURN_IF_ERROR(OpenAll(options.city_dbs, &resolver->city_dbs_));
  VIGIL_RETURN_IF_ERROR(OpenAll(options.asn_dbs, &resolver->asn_dbs_));
  VIGIL_RETURN_IF_ERROR(
      OpenAll(options.anonymous_ip_dbs, &resolver->anonymous_ip_dbs_));
  for (const std::string& path : options.asn_csvs) {
    VIGIL_ASSIGN_OR_RETURN(AsnRanges ranges, AsnRanges::LoadCsv(path));
    resolver->asn_csvs_.push_back(std::move(ranges));
  }
  return resolver;
}

absl::Status MaxMindGeoResolver::Lookup(const IpAddress& ip,
                                        GeoInfo* out) const {
  Reset(out);
  absl::Status status = LookupInto(ip, out);
  // A failed lookup answers nothing rather than half a record.
  if (!status.ok()) Reset(out);
  return status;
}

absl::Status MaxMindGeoResolver::LookupInto(const IpAddress& ip,
                                            GeoInfo* out) const {
  MMDB_entry_s entry;
  bool found = false;
  for (const auto& db : city_dbs_) {
    VIGIL_RETURN_IF_ERROR(db->Lookup(ip, &entry, &found));
    if (found) {
      VIGIL_RETURN_IF_ERROR(ReadCityRecord(*db, entry, ip, out));
      break;
    }
  }
  bool has_asn = false;
  for (const auto& db : asn_dbs_) {
    VIGIL_RETURN_IF_ERROR(db->Lookup(ip, &entry, &found));
    if (found) {
      VIGIL_RETURN_IF_ERROR(ReadAsnRecord(*db, entry, ip, out, &has_asn));
      if (has_asn) break;
    }
  }
  if (!has_asn) {
    AsnRanges::Match match;
    for (const AsnRanges& ranges : asn_csvs_) {
      if (ranges.Find(ip, &match)) {
        out->asn = match.asn;
        out->asn_org.assign(match.org.data(), match.org.size());
        break;
      }
    }
  }
  for (const auto& db : anonymous_ip_dbs_) {
    VIGIL_RETURN_IF_ERROR(db->Lookup(ip, &entry, &found));
    if (found) {
      VIGIL_RETURN_IF_ERROR(ReadAnonymousIpRecord(*db, entry, ip, out));
      break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<GeoResolver>> CreateGeoResolver(
    const GeoOptions& options) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<MaxMindGeoResolver> resolver,
                         MaxMindGeoResolver::Create(options));
  return std::unique_ptr<GeoResolver>(std::move(resolver));
}

}  // namespace vigil
