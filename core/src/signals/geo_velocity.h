// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// geo_velocity: the speed a person would have needed to travel from the last
// trusted sign-in to this one ("impossible travel"). Its settings are
// [signals.geo_velocity] in the model file; the defaults below are those of
// models/default.toml.

#ifndef VIGIL_CORE_SRC_SIGNALS_GEO_VELOCITY_H_
#define VIGIL_CORE_SRC_SIGNALS_GEO_VELOCITY_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "model/model_config.h"
#include "signals/signal.h"

namespace vigil::internal {

struct GeoVelocitySettings : SignalSettings {
  static constexpr absl::string_view kSignal = "geo_velocity";

  double weight = 0.95;
  double max_speed_kmh = 1000;
  double min_distance_km = 100;
  // Speed (as a multiple of max_speed_kmh) at which the sub-score is 1.
  double full_score_speed_factor = 2.0;
  // Trusted sign-ins older than this are not used.
  double max_age_hours = 24 * 30;
  // The sub-score is multiplied by this when the attempt comes from an ASN
  // the user has signed in from before: mobile carriers' (and roaming)
  // addresses geolocate far from the person. 1 scores such travel in full.
  double known_asn_factor = 0.0;
  OnError on_error = OnError::kOpen;
};

std::unique_ptr<Signal> GeoVelocitySignal();

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_SIGNALS_GEO_VELOCITY_H_
