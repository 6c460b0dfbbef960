// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/simulate/world.h"

#include <cmath>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "context/hosting_names.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil::tools {
namespace {

struct Range {
  uint32_t first, last, asn;
  bool hosting;
};

bool ParseIpv4(absl::string_view s, uint32_t* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(s, '.');
  if (parts.size() != 4) return false;
  uint32_t v = 0;
  for (absl::string_view p : parts) {
    uint32_t b;
    if (!absl::SimpleAtoi(p, &b) || b > 255) return false;
    v = v << 8 | b;
  }
  *out = v;
  return true;
}

}  // namespace

std::string Ipv4ToString(uint32_t ip) {
  return absl::StrCat(ip >> 24, ".", (ip >> 16) & 255, ".", (ip >> 8) & 255, ".",
                      ip & 255);
}

double DistanceKm(const Place& a, const Place& b) {
  constexpr double kR = 6371.0, kRad = M_PI / 180;
  const double dlat = (b.latitude - a.latitude) * kRad;
  const double dlon = (b.longitude - a.longitude) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * kRad) * std::cos(b.latitude * kRad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

absl::StatusOr<World> BuildWorld(const WorldOptions& options) {
  std::ifstream in(options.asn_csv);
  if (!in) return absl::NotFoundError(absl::StrCat(options.asn_csv, ": cannot open"));
  std::vector<Range> ranges;
  std::vector<double> cumulative;
  double total = 0;
  std::string line;
  while (std::getline(in, line)) {
    // first_ip,last_ip,asn,organisation (organisation may be quoted)
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::MaxSplits(',', 3));
    if (f.size() < 4) continue;
    Range r;
    if (!ParseIpv4(f[0], &r.first) || !ParseIpv4(f[1], &r.last) ||
        !absl::SimpleAtoi(f[2], &r.asn) || r.last < r.first) {
      continue;
    }
    if (r.last - r.first < 255) continue;  // smaller than a /24
    // The shipped model's words for a hosting or VPN provider's name
    // ([signals.ip_reputation] hosting_organisations).
    r.hosting = internal::HostingNames::Default().Matches(0, f[3]);
    ranges.push_back(r);
    // Capped at a /16, so that a few huge legacy blocks do not dominate.
    total += std::min(65536.0, static_cast<double>(r.last - r.first + 1));
    cumulative.push_back(total);
  }
  if (ranges.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(options.asn_csv, ": no ranges"));
  }
  GeoOptions go;
  go.city_dbs = {options.city_mmdb};
  absl::StatusOr<std::unique_ptr<GeoResolver>> geo = CreateGeoResolver(go);
  if (!geo.ok()) return geo.status();

  World w;
  absl::flat_hash_map<std::string, int> place_index;
  absl::flat_hash_map<uint32_t, bool> seen;
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> u(0, total);
  for (int i = 0; i < options.samples; ++i) {
    const double x = u(rng);
    const size_t k = std::lower_bound(cumulative.begin(), cumulative.end(), x) -
                     cumulative.begin();
    const Range& r = ranges[std::min(k, ranges.size() - 1)];
    const uint32_t span = (r.last - r.first) >> 8;
    const uint32_t base =
        (r.first & 0xffffff00u) + (static_cast<uint32_t>(rng() % (span + 1)) << 8);
    if (seen.contains(base)) continue;
    seen[base] = true;
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(Ipv4ToString(base + 1));
    if (!ip.ok()) continue;
    GeoInfo g;
    if (!(*geo)->Lookup(*ip, &g).ok() || !g.has_location || g.city.empty() ||
        g.country.empty()) {
      continue;
    }
    const std::string key = absl::StrCat(g.country, "/", g.city);
    auto [it, added] = place_index.try_emplace(key, static_cast<int>(w.places.size()));
    if (added) {
      w.places.push_back({g.country, g.city, g.latitude, g.longitude, {}});
    }
    const int n = static_cast<int>(w.networks.size());
    w.networks.push_back({base, r.asn, it->second, r.hosting});
    if (r.hosting) {
      w.hosting.push_back(n);
      w.hosting_by_country[g.country].push_back(n);
    } else {
      w.places[it->second].networks.push_back(n);
      w.by_country[g.country].push_back(n);
      w.home_places.push_back(it->second);
    }
  }
  if (w.home_places.empty() || w.hosting.empty()) {
    return absl::InvalidArgumentError("world: no usable networks in the data");
  }
  return w;
}

}  // namespace vigil::tools
