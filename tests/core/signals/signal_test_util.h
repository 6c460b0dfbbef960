// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A hand-built SignalInput that owns everything it points to, over the
// shipped default model (or a copy of it a test edits).

#ifndef VIGIL_TESTS_CORE_SIGNALS_SIGNAL_TEST_UTIL_H_
#define VIGIL_TESTS_CORE_SIGNALS_SIGNAL_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "context/user_agent.h"
#include "gtest/gtest.h"
#include "model/model_config.h"
#include "signals/signal.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "testing/test_util.h"
#include "vigil/attempt.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"
#include "vigil/model.h"

namespace vigil::internal::testing {

// 2023-11-14 00:00:00 UTC, aligned to a day.
inline constexpr int64_t kDay0 = 1699920000;

// The default model's config, loaded once from models/default.toml.
inline const ModelConfig& DefaultConfig() {
  static const std::shared_ptr<const Model>* const model = [] {
    absl::StatusOr<std::shared_ptr<const Model>> m =
        Model::LoadFile(vigil::testing::SourcePath("models/default.toml"));
    if (!m.ok()) {
      ADD_FAILURE() << m.status();
      return new std::shared_ptr<const Model>(nullptr);
    }
    return new std::shared_ptr<const Model>(*m);
  }();
  if (*model == nullptr) {
    static const ModelConfig* const fallback = new ModelConfig();
    return *fallback;
  }
  return (*model)->config();
}

// The settings of T's signal in `config`, replaced by a copy of the current
// ones (the model's, or T's defaults) that the caller may edit.
template <typename T>
T& MutableSettings(ModelConfig* config) {
  auto copy = std::make_shared<T>(SettingsOf<T>(*config));
  T& settings = *copy;
  config->signal_settings[T::kSignal] = std::move(copy);
  return settings;
}

struct TestInput {
  TestInput() : config(DefaultConfig()) {
    absl::StatusOr<IpAddress> parsed = IpAddress::Parse("203.0.113.7");
    ip = *parsed;
    attempt.user_id = "alice";
    attempt.ip = "203.0.113.7";
  }

  // Sets the attempt's user agent and parses it.
  void SetUserAgent(const std::string& text) {
    attempt.user_agent = text;
    ua = ParseUserAgent(text);
  }

  SignalInput Get() const {
    SignalInput in;
    in.attempt = &attempt;
    in.ip = &ip;
    in.geo = &geo;
    in.geo_failed = geo_failed;
    in.user_agent = &ua;
    in.profile = &profile;
    in.features = &features;
    in.device_known = profile.KnowsDevice(
        features.hashes[static_cast<int>(Feature::kDevice)],
        features.fingerprint);
    in.ip_counters = &ip_counters;
    in.asn_counters = &asn_counters;
    in.counters_failed = counters_failed;
    in.now = now;
    in.model = &config;
    return in;
  }

  // A copy of the default model's config that a test may edit.
  ModelConfig config;
  Attempt attempt;
  IpAddress ip;
  GeoInfo geo;
  bool geo_failed = false;
  UserAgentInfo ua;
  UserProfile profile;
  LearnableFeatures features;
  CounterRecord ip_counters;
  CounterRecord asn_counters;
  bool counters_failed = false;
  absl::Time now = absl::FromUnixSeconds(kDay0 + 12 * 3600);
};

}  // namespace vigil::internal::testing

#endif  // VIGIL_TESTS_CORE_SIGNALS_SIGNAL_TEST_UTIL_H_
