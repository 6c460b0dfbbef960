// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Each record is read in one pass over its top-level map with MmdbDecoder
// (see mmdb_decoder.h for why not MMDB_aget_value); the GeoIP2 sub-maps
// (country, city, location, subdivisions) are then read once each.

#include "context/maxmind_geo.h"

#include <memory>
#include <string>
#include <utility>

#include "common/status_macros.h"

namespace vigil {
namespace {

void Assign(absl::string_view value, std::string* out) {
  out->assign(value.data(), value.size());
}

// GeoIP2 nested fields below the top-level maps.
absl::Status ReadNested(const MmdbDecoder& dec, const MmdbItem& country,
                        const MmdbItem& city, const MmdbItem& location,
                        const MmdbItem& subdivisions, GeoInfo* out) {
  MmdbItem v;
  absl::string_view text;
  bool found = false;
  if (country.type == MmdbType::kMap) {
    VIGIL_RETURN_IF_ERROR(dec.Find(country, "iso_code", &v, &found));
    if (found && dec.String(v, &text)) Assign(text, &out->country);
  }
  if (city.type == MmdbType::kMap) {
    VIGIL_RETURN_IF_ERROR(dec.Find(city, "names", &v, &found));
    if (found) VIGIL_RETURN_IF_ERROR(dec.Find(v, "en", &v, &found));
    if (found && dec.String(v, &text)) Assign(text, &out->city);
  }
  if (subdivisions.type == MmdbType::kArray && subdivisions.size > 0) {
    VIGIL_RETURN_IF_ERROR(dec.Resolve(subdivisions.offset, &v));
    VIGIL_RETURN_IF_ERROR(dec.Find(v, "names", &v, &found));
    if (found) VIGIL_RETURN_IF_ERROR(dec.Find(v, "en", &v, &found));
    if (found && dec.String(v, &text)) Assign(text, &out->region);
  }
  if (location.type == MmdbType::kMap) {
    bool has_lat = false, has_lon = false;
    double lat = 0, lon = 0;
    VIGIL_RETURN_IF_ERROR(dec.ForEachEntry(
        location, [&](absl::string_view key, const MmdbItem& value) {
          absl::string_view s;
          uint32_t radius;
          if (key == "latitude") {
            has_lat = dec.Number(value, &lat);
          } else if (key == "longitude") {
            has_lon = dec.Number(value, &lon);
          } else if (key == "accuracy_radius") {
            if (dec.Uint32(value, &radius) && radius <= INT32_MAX) {
              out->accuracy_radius_km = static_cast<int>(radius);
            }
          } else if (key == "time_zone") {
            if (dec.String(value, &s)) Assign(s, &out->time_zone);
          }
        }));
    if (has_lat && has_lon) {
      out->has_location = true;
      out->latitude = lat;
      out->longitude = lon;
    }
  }
  return absl::OkStatus();
}

// Calls visit(key, value) for each top-level entry of the record at
// `offset`. A record that is not a map holds nothing these readers know.
template <typename Visit>
absl::Status VisitRecord(const MmdbDecoder& dec, uint32_t offset,
                         Visit& visit) {
  MmdbItem record;
  VIGIL_RETURN_IF_ERROR(dec.Resolve(offset, &record));
  if (record.type != MmdbType::kMap) return absl::OkStatus();
  return dec.ForEachEntry(record, visit);
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
                     absl::string_view kind, Logger* log,
                     std::vector<std::unique_ptr<MmdbFile>>* out) {
  for (const std::string& path : paths) {
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<MmdbFile> db, MmdbFile::Open(path));
    log->Log(LogLevel::kInfo, "geo_file_loaded", "",
             {{"kind", kind},
              {"path", path},
              {"database_type", db->database_type()},
              {"build_time",
               absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                absl::FromUnixSeconds(db->build_epoch()),
                                absl::UTCTimeZone())},
              {"nodes", db->node_count()}});
    out->push_back(std::move(db));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadCityRecord(const MmdbFile& db, uint32_t offset,
                            const IpAddress& ip, GeoInfo* out) {
  const MmdbDecoder& dec = db.decoder();
  // The nested and the flat layout use different top-level keys, except
  // "city" (a map in one, a string in the other), so one pass reads both.
  MmdbItem country, city, location, subdivisions;
  bool has_lat = false, has_lon = false;
  double lat = 0, lon = 0;
  auto visit = [&](absl::string_view key, const MmdbItem& value) {
    absl::string_view text;
    if (key == "city") {
      city = value;
      if (dec.String(value, &text)) Assign(text, &out->city);
    } else if (key == "country") {
      country = value;
    } else if (key == "location") {
      location = value;
    } else if (key == "subdivisions") {
      subdivisions = value;
    } else if (key == "country_code") {
      if (dec.String(value, &text)) Assign(text, &out->country);
    } else if (key == "state1") {
      if (dec.String(value, &text)) Assign(text, &out->region);
    } else if (key == "latitude") {
      has_lat = dec.Number(value, &lat);
    } else if (key == "longitude") {
      has_lon = dec.Number(value, &lon);
    } else if (key == "timezone") {
      if (dec.String(value, &text)) Assign(text, &out->time_zone);
    }
  };
  absl::Status s = VisitRecord(dec, offset, visit);
  if (s.ok()) {
    if (has_lat && has_lon) {
      out->has_location = true;
      out->latitude = lat;
      out->longitude = lon;
    }
    s = ReadNested(dec, country, city, location, subdivisions, out);
  }
  return s.ok() ? s : db.CorruptRecord(ip, s);
}

absl::Status ReadAsnRecord(const MmdbFile& db, uint32_t offset,
                           const IpAddress& ip, GeoInfo* out, bool* has_asn) {
  const MmdbDecoder& dec = db.decoder();
  uint32_t asn = 0;
  bool asn_ok = false;
  absl::string_view org;
  bool org_ok = false;
  auto visit = [&](absl::string_view key, const MmdbItem& value) {
    if (key == "autonomous_system_number") {
      asn_ok = dec.Uint32(value, &asn);
    } else if (key == "autonomous_system_organization") {
      org_ok = dec.String(value, &org);
    }
  };
  *has_asn = false;
  absl::Status s = VisitRecord(dec, offset, visit);
  if (!s.ok()) return db.CorruptRecord(ip, s);
  if (asn_ok) {
    *has_asn = true;
    out->asn = asn;
    if (org_ok) Assign(org, &out->asn_org);
  }
  return absl::OkStatus();
}

absl::Status ReadAnonymousIpRecord(const MmdbFile& db, uint32_t offset,
                                   const IpAddress& ip, GeoInfo* out) {
  struct Flag {
    absl::string_view key;
    bool GeoInfo::*field;
  };
  static constexpr Flag kFlags[] = {
      {"is_anonymous", &GeoInfo::is_anonymous},
      {"is_anonymous_vpn", &GeoInfo::is_anonymous_vpn},
      {"is_hosting_provider", &GeoInfo::is_hosting_provider},
      {"is_public_proxy", &GeoInfo::is_public_proxy},
      {"is_residential_proxy", &GeoInfo::is_residential_proxy},
      {"is_tor_exit_node", &GeoInfo::is_tor_exit_node},
  };
  const MmdbDecoder& dec = db.decoder();
  auto visit = [&](absl::string_view key, const MmdbItem& value) {
    for (const Flag& flag : kFlags) {
      bool b = false;
      if (key == flag.key && dec.Bool(value, &b)) out->*flag.field = b;
    }
  };
  absl::Status s = VisitRecord(dec, offset, visit);
  return s.ok() ? s : db.CorruptRecord(ip, s);
}

absl::StatusOr<std::unique_ptr<MaxMindGeoResolver>> MaxMindGeoResolver::Create(
    const GeoOptions& options, Logger* logger) {
  Logger* log = OrDefault(logger);
  std::unique_ptr<MaxMindGeoResolver> resolver(new MaxMindGeoResolver());
  VIGIL_RETURN_IF_ERROR(
      OpenAll(options.city_dbs, "city", log, &resolver->city_dbs_));
  VIGIL_RETURN_IF_ERROR(
      OpenAll(options.asn_dbs, "asn", log, &resolver->asn_dbs_));
  VIGIL_RETURN_IF_ERROR(OpenAll(options.anonymous_ip_dbs, "anonymous_ip", log,
                                &resolver->anonymous_ip_dbs_));
  for (const std::string& path : options.asn_csvs) {
    VIGIL_ASSIGN_OR_RETURN(AsnRanges ranges, AsnRanges::LoadCsv(path));
    log->Log(LogLevel::kInfo, "geo_file_loaded", "",
             {{"kind", "asn_csv"},
              {"path", path},
              {"ranges", static_cast<int64_t>(ranges.size())}});
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
  uint32_t entry = 0;
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
    const GeoOptions& options, Logger* logger) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<MaxMindGeoResolver> resolver,
                         MaxMindGeoResolver::Create(options, logger));
  return std::unique_ptr<GeoResolver>(std::move(resolver));
}

}  // namespace vigil
