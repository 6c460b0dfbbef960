// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// geo_velocity: the speed a person would have needed to travel from the last
// trusted sign-in to this one ("impossible travel").

#include "signals/geo_velocity.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "model/table_reader.h"
#include "signals/geo_distance.h"

namespace vigil::internal {
namespace {

std::string PlaceName(absl::string_view city, absl::string_view country,
                      double lat, double lon) {
  if (!city.empty() && !country.empty()) return absl::StrCat(city, " ", country);
  if (!country.empty()) return std::string(country);
  return absl::StrFormat("(%.2f, %.2f)", lat, lon);
}

// "16,090"
std::string Thousands(double km) {
  std::string digits = absl::StrFormat("%.0f", km);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    if ((n - i - 1) % 3 == 0 && i != n - 1) out.push_back(',');
  }
  return out;
}

std::string Elapsed(double hours) {
  const double minutes = hours * 60;
  if (minutes < 120) return absl::StrFormat("%.0f min", minutes);
  if (hours < 48) return absl::StrFormat("%.1f h", hours);
  return absl::StrFormat("%.1f days", hours / 24);
}

class GeoVelocity final : public Signal {
 public:
  absl::string_view name() const override {
    return GeoVelocitySettings::kSignal;
  }
  double weight(const ModelConfig& m) const override {
    return SettingsOf<GeoVelocitySettings>(m).weight;
  }

  absl::StatusOr<std::shared_ptr<const SignalSettings>> LoadSettings(
      TableReader& r) const override {
    auto g = std::make_shared<GeoVelocitySettings>();
    VIGIL_RETURN_IF_ERROR(r.Double("weight", 0, 1, &g->weight));
    VIGIL_RETURN_IF_ERROR(r.Double("max_speed_kmh", 1, 1e6, &g->max_speed_kmh));
    VIGIL_RETURN_IF_ERROR(
        r.Double("min_distance_km", 0, 20000, &g->min_distance_km));
    VIGIL_RETURN_IF_ERROR(r.Double("full_score_speed_factor", 1.0001, 1000,
                                   &g->full_score_speed_factor));
    VIGIL_RETURN_IF_ERROR(r.Double("max_age_hours", 0, 1e6, &g->max_age_hours));
    VIGIL_RETURN_IF_ERROR(
        r.Double("known_asn_factor", 0, 1, &g->known_asn_factor));
    VIGIL_RETURN_IF_ERROR(r.OnErrorValue("on_error", &g->on_error));
    return g;
  }

  SignalResult Evaluate(const SignalInput& in) const override {
    const GeoVelocitySettings& c = SettingsOf<GeoVelocitySettings>(*in.model);
    SignalResult r;
    if (in.geo_failed) {
      r.failed = true;
      r.score = c.on_error == OnError::kClosed ? 1 : 0;
      r.detail = "GeoIP lookup failed";
      return r;
    }
    const UserProfile& p = *in.profile;
    if (!in.geo->has_location || !p.has_trusted_location) return r;
    const double hours =
        std::max(0.0, (absl::ToUnixSeconds(in.now) - p.trusted_time) / 3600.0);
    if (hours > c.max_age_hours) return r;
    const double km = HaversineKm(p.trusted_latitude, p.trusted_longitude,
                                  in.geo->latitude, in.geo->longitude);
    const double effective =
        km - p.trusted_accuracy_km - std::max(0, in.geo->accuracy_radius_km);
    if (effective < c.min_distance_km) return r;
    const double speed = hours > 0 ? effective / hours : INFINITY;
    if (speed <= c.max_speed_kmh) return r;
    r.score = Clamp01((speed - c.max_speed_kmh) /
                      (c.max_speed_kmh * (c.full_score_speed_factor - 1)));
    const uint64_t asn = in.features->hashes[static_cast<int>(Feature::kAsn)];
    const bool known_asn = asn != 0 && p.Count(Feature::kAsn, asn) > 0;
    if (known_asn) r.score *= c.known_asn_factor;
    if (r.score <= 0) return SignalResult();
    r.detail = absl::StrCat(
        PlaceName(p.trusted_city, p.trusted_country, p.trusted_latitude,
                  p.trusted_longitude),
        " -> ",
        PlaceName(in.geo->city, in.geo->country, in.geo->latitude,
                  in.geo->longitude),
        ", ", Thousands(km), " km in ", Elapsed(hours),
        std::isinf(speed) ? std::string(" (no time between)")
                          : absl::StrCat(" (", Thousands(speed), " km/h)"),
        known_asn ? ", from a network (ASN) seen before" : "");
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> GeoVelocitySignal() {
  return std::make_unique<GeoVelocity>();
}

}  // namespace vigil::internal
