// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The one place in the library that reads the wall clock.

#include "vigil/clock.h"

#include "absl/time/clock.h"

namespace vigil {
namespace {

class RealClockImpl final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock* RealClock() {
  static RealClockImpl* const clock = new RealClockImpl();
  return clock;
}

}  // namespace vigil
