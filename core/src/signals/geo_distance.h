// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#ifndef VIGIL_CORE_SRC_SIGNALS_GEO_DISTANCE_H_
#define VIGIL_CORE_SRC_SIGNALS_GEO_DISTANCE_H_

#include <cmath>

namespace vigil::internal {

// Great-circle distance in km between two points given in degrees, on a
// sphere of the Earth's mean radius (6371.0088 km).
inline double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180.0;
  constexpr double kEarthKm = 6371.0088;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_SIGNALS_GEO_DISTANCE_H_
