// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Signal interface: one risk factor, scored from what the engine knows
// of an attempt. Signals are stateless; their knobs come from the model in
// SignalInput, so one instance of each serves every thread and model.

#ifndef VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_
#define VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "context/user_agent.h"
#include "model/model_config.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "vigil/attempt.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil::internal {

// Everything a signal may read. All pointers are non-null.
struct SignalInput {
  const Attempt* attempt;
  const IpAddress* ip;
  const GeoInfo* geo;
  bool geo_failed = false;  // the lookup failed (not merely "unknown")
  const UserAgentInfo* user_agent;
  const UserProfile* profile;  // empty for a user never seen
  const LearnableFeatures* features;  // this attempt's feature hashes
  const CounterRecord* ip_counters;
  const CounterRecord* asn_counters;
  bool counters_failed = false;
  absl::Time now;
  const ModelConfig* model;
};

struct SignalResult {
  double score = 0;  // in [0,1]
  std::string detail;
  // The signal could not be evaluated (missing data or a failed dependency);
  // `score` then holds what its on_error setting says.
  bool failed = false;
};

class Signal {
 public:
  virtual ~Signal() = default;
  // Stable name, as it appears in reasons.
  virtual absl::string_view name() const = 0;
  // The signal's weight in `model`.
  virtual double weight(const ModelConfig& model) const = 0;
  // Whether the contribution is scaled by baseline maturity (familiarity
  // signals are; attack signals are not).
  virtual bool scaled_by_maturity() const { return false; }
  virtual SignalResult Evaluate(const SignalInput& in) const = 0;
};

// The built-in signals, in evaluation order.
const std::vector<std::unique_ptr<Signal>>& BuiltinSignals();

// Signal factories (one per file).
std::unique_ptr<Signal> NewDeviceSignal();
std::unique_ptr<Signal> UnfamiliarSignal();
std::unique_ptr<Signal> GeoVelocitySignal();
std::unique_ptr<Signal> IpReputationSignal();
std::unique_ptr<Signal> VelocitySignal();
std::unique_ptr<Signal> UserRiskSignal();

// Clamps to [0,1].
inline double Clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_
