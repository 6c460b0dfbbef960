// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/simulate/world.h: where simulated users live and attackers come
// from, sampled from the real DB-IP data.
//
// The world is a set of /24 networks, each with the ASN and organisation of
// the ip-location-db ASN range it lies in and the place the DB-IP city
// database gives for it. Ranges are drawn at random weighted by size (so
// places are roughly as common as their address space), from a seeded
// generator: the same files and seed give the same world. Networks whose
// organisation looks like a hosting or VPN provider form the hosting pool.

#ifndef VIGIL_TOOLS_SIMULATE_WORLD_H_
#define VIGIL_TOOLS_SIMULATE_WORLD_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace vigil::tools {

struct Network {
  uint32_t base = 0;  // the /24, host byte order
  uint32_t asn = 0;
  int place = 0;      // index into World::places
  bool hosting = false;
};

struct Place {
  std::string country;
  std::string city;
  double latitude = 0;
  double longitude = 0;
  std::vector<int> networks;  // residential / business networks here
};

struct World {
  std::vector<Place> places;
  std::vector<Network> networks;
  // Networks by country (not hosting), and hosting networks by country.
  absl::flat_hash_map<std::string, std::vector<int>> by_country;
  absl::flat_hash_map<std::string, std::vector<int>> hosting_by_country;
  std::vector<int> hosting;  // all hosting networks
  // Places with at least one network, weighted by their number of networks.
  std::vector<int> home_places;
};

struct WorldOptions {
  std::string city_mmdb;  // DB-IP city lite, IPv4
  std::string asn_csv;    // ip-location-db asn-ipv4.csv
  int samples = 60000;    // /24 networks drawn
  uint64_t seed = 1;
};

absl::StatusOr<World> BuildWorld(const WorldOptions& options);

// Great-circle distance in km.
double DistanceKm(const Place& a, const Place& b);

// Dotted quad of `ip` (host byte order).
std::string Ipv4ToString(uint32_t ip);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_SIMULATE_WORLD_H_
