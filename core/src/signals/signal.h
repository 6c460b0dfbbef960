// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Signal interface: one risk factor, scored from what the engine knows
// of an attempt. Signals are stateless; their knobs come from the model in
// SignalInput, so one instance of each serves every thread and model.
//
// A signal owns its settings: a struct derived from SignalSettings (with
// its defaults and `static constexpr absl::string_view kSignal`, the
// signal's name), parsed from the model's [signals.<name>] table by
// LoadSettings and read back with SettingsOf<T>(model). Adding a signal:
// its header and file in core/src/signals/, one line in
// builtin_signals.cc, its test (docs/architecture.md, "Adding a signal").

#ifndef VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_
#define VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_

#include <cassert>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
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

class TableReader;  // model/table_reader.h

// The settings a signal owns (its weight among them). Immutable once
// loaded; shared by every evaluation under the model that loaded them.
struct SignalSettings {
  virtual ~SignalSettings() = default;
};

// The settings of T's signal (T::kSignal) in `model`: the loaded ones, or
// T's defaults when `model` holds none (a hand-built ModelConfig). A loaded
// model holds the settings of every registered signal that owns settings.
template <typename T>
const T& SettingsOf(const ModelConfig& model) {
  static_assert(std::is_base_of_v<SignalSettings, T>);
  auto it = model.signal_settings.find(T::kSignal);
  if (it == model.signal_settings.end() || it->second == nullptr) {
    static const T* const defaults = new T();
    return *defaults;
  }
  assert(dynamic_cast<const T*>(it->second.get()) != nullptr);
  return static_cast<const T&>(*it->second);
}

// Everything a signal may read. All pointers are non-null.
struct SignalInput {
  const Attempt* attempt;
  const IpAddress* ip;
  const GeoInfo* geo;
  bool geo_failed = false;  // the lookup failed (not merely "unknown")
  const UserAgentInfo* user_agent;
  const UserProfile* profile;  // empty for a user never seen
  const LearnableFeatures* features;  // this attempt's feature hashes
  // The attempt's device is in a trusted sign-in of the user (by its hash
  // or the fingerprint beside its key: UserProfile::KnowsDevice).
  bool device_known = false;
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
  // Parses the signal's settings from its [signals.<name>] table (a reader
  // of an absent table when the file has none: then the defaults). Reads
  // each key with `table`'s typed readers, so errors read
  // "<file>: signals.<name>.<key>: <reason>"; the loader then refuses the
  // keys it did not read. nullptr: the signal owns no settings (those not
  // yet moved keep a typed struct in ModelConfig that the loader reads).
  virtual absl::StatusOr<std::shared_ptr<const SignalSettings>> LoadSettings(
      TableReader& table) const {
    (void)table;
    return nullptr;
  }
  // Whether the contribution is scaled by baseline maturity (familiarity
  // signals are; attack signals are not).
  virtual bool scaled_by_maturity() const { return false; }
  virtual SignalResult Evaluate(const SignalInput& in) const = 0;
};

// The built-in signals, in evaluation order (registered, one line each, in
// builtin_signals.cc; names are unique).
const std::vector<std::unique_ptr<Signal>>& BuiltinSignals();

// Factories of the signals whose settings are still typed in ModelConfig
// (one per file). A signal that owns its settings declares its factory in
// its own header (signals/velocity.h, signals/geo_velocity.h).
std::unique_ptr<Signal> NewDeviceSignal();
std::unique_ptr<Signal> UnfamiliarSignal();
std::unique_ptr<Signal> IpReputationSignal();
std::unique_ptr<Signal> UserRiskSignal();

// Clamps to [0,1].
inline double Clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_SIGNALS_SIGNAL_H_
