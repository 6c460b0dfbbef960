// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// user_risk: the risk the user carries from a recent risky success with the
// right password (see UpdateUserRisk in engine/learning.h), applied to the
// sensitive events that follow it, as identity platforms keep a user risk
// beside the sign-in risk. An attacker's password change minutes after a
// risky sign-in is scored with that sign-in's risk; it halves every
// half_life_hours, and a device the user had trusted at least twice counts
// for less (the user's own secure password change remediates).

#include "absl/strings/str_format.h"
#include "engine/learning.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

class UserRisk final : public Signal {
 public:
  absl::string_view name() const override { return "user_risk"; }
  double weight(const ModelConfig& m) const override {
    return m.user_risk.weight;
  }

  SignalResult Evaluate(const SignalInput& in) const override {
    SignalResult r;
    const UserRiskConfig& c = in.model->user_risk;
    if (!c.event_types[static_cast<int>(in.attempt->event_type)]) return r;
    const UserProfile& p = *in.profile;
    const int64_t now = absl::ToUnixSeconds(in.now);
    const double carried = CarriedUserRisk(p, c, now);
    if (carried <= 0) return r;
    const uint64_t device =
        in.features->hashes[static_cast<int>(Feature::kDevice)];
    const bool established =
        p.DeviceCount(device, in.features->fingerprint) >= 2;
    r.score = carried * (established ? c.established_device_factor : 1.0);
    const int64_t minutes = std::max<int64_t>(0, now - p.user_risk_time) / 60;
    r.detail = absl::StrFormat(
        "user risk %.2f from a risky success %s ago%s", carried,
        minutes < 120 ? absl::StrFormat("%d minutes", minutes)
                      : absl::StrFormat("%d hours", minutes / 60),
        established ? ", on an established device" : "");
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> UserRiskSignal() {
  return std::make_unique<UserRisk>();
}

}  // namespace vigil::internal
