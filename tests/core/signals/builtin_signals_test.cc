// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The registry (builtin_signals.cc): the signals in evaluation order (a new
// signal gets its line here too), unique names, and every signal that owns
// its settings loads its defaults from an absent section, with a weight in
// [0, 1] that is the one the shipped model gives it.

#include <iterator>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/signals/signal_test_util.h"
#include "gtest/gtest.h"
#include "model/model_config.h"
#include "model/table_reader.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::TestInput;

TEST(BuiltinSignalsTest, OrderNamesWeightsAndScaling) {
  struct Want {
    const char* name;
    double weight;
    bool scaled;
  };
  const Want want[] = {{"ip_reputation", 0.60, false},
                       {"velocity", 0.95, false},
                       {"geo_velocity", 0.95, false},
                       {"new_device", 0.60, true},
                       {"unfamiliar", 1.0, true},
                       {"user_risk", 1.0, false}};
  const auto& signals = BuiltinSignals();
  ASSERT_EQ(signals.size(), std::size(want));
  for (size_t i = 0; i < signals.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(signals[i]->name(), want[i].name);
    EXPECT_EQ(signals[i]->weight(testing::DefaultConfig()), want[i].weight);
    EXPECT_EQ(signals[i]->scaled_by_maturity(), want[i].scaled);
  }
  // The same instances every time: signals are stateless and shared.
  EXPECT_EQ(&BuiltinSignals(), &signals);
}

TEST(BuiltinSignalsTest, AnEmptyAttemptScoresZeroEverywhere) {
  // A user never seen, from an IP nothing is known about, with no device
  // data: every signal must say 0 without failing.
  TestInput in;
  in.attempt.user_agent.clear();
  for (const auto& signal : BuiltinSignals()) {
    SCOPED_TRACE(signal->name());
    const SignalResult r = signal->Evaluate(in.Get());
    EXPECT_EQ(r.score, 0);
    EXPECT_EQ(r.detail, "");
    EXPECT_FALSE(r.failed);
  }
}

TEST(BuiltinSignalsTest, NamesAreUnique) {
  absl::flat_hash_set<std::string> names;
  for (const auto& signal : BuiltinSignals()) {
    EXPECT_TRUE(names.insert(std::string(signal->name())).second)
        << signal->name();
  }
  EXPECT_GE(names.size(), 6u);
}

TEST(BuiltinSignalsTest, OwnedSettingsDefaultFromAnAbsentSection) {
  const ModelConfig& shipped = testing::DefaultConfig();
  int owning = 0;
  for (const auto& signal : BuiltinSignals()) {
    SCOPED_TRACE(signal->name());
    TableReader absent(nullptr, absl::StrCat("signals.", signal->name()),
                       "absent.toml");
    absl::StatusOr<std::shared_ptr<const SignalSettings>> settings =
        signal->LoadSettings(absent);
    ASSERT_TRUE(settings.ok()) << settings.status();
    EXPECT_TRUE(absent.Finish().ok());
    if (*settings == nullptr) continue;  // settings still typed in ModelConfig
    ++owning;
    ModelConfig only_defaults;
    only_defaults.signal_settings[signal->name()] = *settings;
    const double weight = signal->weight(only_defaults);
    EXPECT_GE(weight, 0);
    EXPECT_LE(weight, 1);
    // models/default.toml shows the defaults.
    EXPECT_EQ(weight, signal->weight(shipped));
    EXPECT_TRUE(shipped.signal_settings.contains(signal->name()));
  }
  EXPECT_GE(owning, 2);  // velocity, geo_velocity
}

}  // namespace
}  // namespace vigil::internal
