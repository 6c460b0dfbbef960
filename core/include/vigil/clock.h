// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/clock.h: the engine's only source of time. Nothing else in the
// library reads the wall clock, so tests and replays run on simulated time.

#ifndef VIGIL_CLOCK_H_
#define VIGIL_CLOCK_H_

#include <atomic>

#include "absl/time/time.h"

namespace vigil {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock. Never null, never destroyed.
Clock* RealClock();

// A clock that moves only when told to. Thread-safe.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_relaxed));
  }
  void SetTime(absl::Time t) {
    nanos_.store(absl::ToUnixNanos(t), std::memory_order_relaxed);
  }
  void Advance(absl::Duration d) {
    nanos_.fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace vigil

#endif  // VIGIL_CLOCK_H_
