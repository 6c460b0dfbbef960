// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Geo test helpers: GeoOptions for one kind of database, and readers for
// MaxMind's test-data JSON (an array of one-key objects, network -> record)
// that derive the GeoInfo vigil should report for a record.

#ifndef VIGIL_TESTS_CORE_CONTEXT_GEO_TEST_UTIL_H_
#define VIGIL_TESTS_CORE_CONTEXT_GEO_TEST_UTIL_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "boost/json.hpp"
#include "testing/test_util.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil::testing {

inline GeoOptions CityDbs(std::vector<std::string> paths) {
  GeoOptions o;
  o.city_dbs = std::move(paths);
  return o;
}
inline GeoOptions AsnDbs(std::vector<std::string> paths) {
  GeoOptions o;
  o.asn_dbs = std::move(paths);
  return o;
}
inline GeoOptions AnonymousIpDbs(std::vector<std::string> paths) {
  GeoOptions o;
  o.anonymous_ip_dbs = std::move(paths);
  return o;
}

struct JsonNetwork {
  std::string network;  // as written, e.g. "::81.2.69.160/123"
  Cidr cidr;
  boost::json::object record;
};

// Every network of a MaxMind test-data JSON file, in file order. Fails the
// test (and returns what it has) on a malformed file.
inline std::vector<JsonNetwork> LoadJsonNetworks(const std::string& path) {
  std::vector<JsonNetwork> out;
  boost::json::error_code ec;
  boost::json::value doc = boost::json::parse(ReadFileOrDie(path), ec);
  if (ec) {
    ADD_FAILURE() << path << ": " << ec.message();
    return out;
  }
  for (const boost::json::value& item : doc.as_array()) {
    for (const auto& [key, record] : item.as_object()) {
      JsonNetwork n;
      n.network = std::string(key);
      absl::StatusOr<Cidr> cidr = Cidr::Parse(n.network);
      if (!cidr.ok()) {
        ADD_FAILURE() << path << ": " << cidr.status();
        continue;
      }
      n.cidr = *cidr;
      n.record = record.as_object();
      out.push_back(std::move(n));
    }
  }
  return out;
}

// The value at a path of object keys (and "0" for the first array element),
// or nullptr.
inline const boost::json::value* JsonAt(
    const boost::json::object& record,
    std::initializer_list<const char*> path) {
  const boost::json::value* v = nullptr;
  const boost::json::object* obj = &record;
  for (const char* key : path) {
    if (v != nullptr) {
      if (v->is_array() && std::string(key) == "0") {
        if (v->as_array().empty()) return nullptr;
        v = &v->as_array()[0];
        obj = v->if_object();
        continue;
      }
      obj = v->if_object();
    }
    if (obj == nullptr) return nullptr;
    v = obj->if_contains(key);
    if (v == nullptr) return nullptr;
  }
  return v;
}

inline std::string JsonString(const boost::json::object& record,
                              std::initializer_list<const char*> path) {
  const boost::json::value* v = JsonAt(record, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

// The GeoInfo fields a GeoIP2/GeoLite2 City record should yield.
inline GeoInfo ExpectedCity(const boost::json::object& record) {
  GeoInfo g;
  g.country = JsonString(record, {"country", "iso_code"});
  g.city = JsonString(record, {"city", "names", "en"});
  g.region = JsonString(record, {"subdivisions", "0", "names", "en"});
  g.time_zone = JsonString(record, {"location", "time_zone"});
  const boost::json::value* lat = JsonAt(record, {"location", "latitude"});
  const boost::json::value* lon = JsonAt(record, {"location", "longitude"});
  if (lat != nullptr && lon != nullptr) {
    g.has_location = true;
    g.latitude = lat->to_number<double>();
    g.longitude = lon->to_number<double>();
  }
  if (const boost::json::value* r =
          JsonAt(record, {"location", "accuracy_radius"})) {
    g.accuracy_radius_km = r->to_number<int>();
  }
  return g;
}

// The first address of a network given in MaxMind's "::a.b.c.d/len" form
// as a plain IPv4 address, if it is one (prefix of at least 96 bits inside
// ::/96).
inline bool AsV4(const Cidr& cidr, IpAddress* v4) {
  if (cidr.network.is_v4() || cidr.prefix_len < 96) return false;
  const auto& b = cidr.network.bytes();
  for (int i = 0; i < 12; ++i) {
    if (b[i] != 0) return false;
  }
  *v4 = IpAddress::FromV4((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                          (uint32_t{b[14]} << 8) | b[15]);
  return true;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_CORE_CONTEXT_GEO_TEST_UTIL_H_
