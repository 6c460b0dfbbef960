// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "signals/signal.h"

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
