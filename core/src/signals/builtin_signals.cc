// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The registry of signals: one line per signal, in evaluation order.
// Explicit on purpose: vigil_core is a static library, and the linker would
// drop a signal file that registered itself from a static initializer and
// that nothing else referenced.

#include "signals/geo_velocity.h"
#include "signals/signal.h"
#include "signals/velocity.h"

namespace vigil::internal {

const std::vector<std::unique_ptr<Signal>>& BuiltinSignals() {
  static const auto* const signals = [] {
    auto* v = new std::vector<std::unique_ptr<Signal>>();
    v->push_back(IpReputationSignal());
    v->push_back(VelocitySignal());
    v->push_back(GeoVelocitySignal());
    v->push_back(NewDeviceSignal());
    v->push_back(UnfamiliarSignal());
    v->push_back(UserRiskSignal());
    return v;
  }();
  return *signals;
}

}  // namespace vigil::internal
