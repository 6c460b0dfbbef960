// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// velocity: credential stuffing and password spraying (many users failing
// from one IP or ASN) and brute force (one user failing again and again).
// Its settings are [signals.velocity] in the model file; the defaults below
// are those of models/default.toml.

#ifndef VIGIL_CORE_SRC_SIGNALS_VELOCITY_H_
#define VIGIL_CORE_SRC_SIGNALS_VELOCITY_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "model/model_config.h"
#include "signals/signal.h"

namespace vigil::internal {

struct VelocitySettings : SignalSettings {
  static constexpr absl::string_view kSignal = "velocity";

  double weight = 0.95;
  int ip_window_minutes = 60;
  // Distinct failing users from one IP tolerated before it scores...
  double ip_failed_users = 5;
  // ...plus this many per distinct user who signed in successfully from the
  // IP over the trust window (a shared NAT or office earns tolerance).
  double ip_trust_per_success_user = 0.5;
  int ip_trust_days = 7;
  // Further failing users over the tolerance until the sub-score is 1.
  double ip_ramp_users = 10;
  // Failed attempts from one IP tolerated (plus one per success) and ramp.
  double ip_failures = 20;
  double ip_ramp_failures = 30;
  // Per ASN.
  double asn_failed_users = 40;
  double asn_ramp_users = 60;
  // Consecutive failures of one user (brute force).
  double user_failure_streak = 5;
  double user_ramp_failures = 5;
  OnError on_error = OnError::kOpen;
};

std::unique_ptr<Signal> VelocitySignal();

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_SIGNALS_VELOCITY_H_
