// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The [mfa] table of a model file.

#include <string>

#include "gtest/gtest.h"
#include "model/model_config.h"
#include "testing/engine_fixture.h"
#include "vigil/model.h"

namespace vigil::testing {
namespace {

TEST(ModelMfaTest, ShippedDefaults) {
  absl::StatusOr<std::shared_ptr<const Model>> m =
      Model::LoadFile(SourcePath("models/default.toml"));
  ASSERT_TRUE(m.ok()) << m.status();
  const internal::MfaPolicyConfig& c = (*m)->config().mfa;
  const internal::MfaPolicyConfig d;
  EXPECT_EQ(c.remembered_suppresses, d.remembered_suppresses);
  EXPECT_FALSE(c.remembered_suppresses[static_cast<int>(RiskLevel::kHigh)]);
  EXPECT_EQ(c.remembered_device_ttl_days, 90);
  EXPECT_EQ(c.max_remembered_devices, d.max_remembered_devices);
  EXPECT_TRUE(c.forget_devices_on_password_change);
  EXPECT_EQ(c.challenge_ttl_seconds, d.challenge_ttl_seconds);
  EXPECT_EQ(c.totp_window, 1);
  EXPECT_EQ(c.max_code_attempts, 5);
  EXPECT_EQ(c.code_ttl_seconds, 300);
  EXPECT_EQ(c.resend_interval_seconds, 30);
  EXPECT_EQ(c.max_sends_per_hour, 5);
  EXPECT_EQ(c.max_user_failures_15min, d.max_user_failures_15min);
}

TEST(ModelMfaTest, EditsAndErrors) {
  auto m = Model::FromString(
      EditedDefaultModel({{"remembered_device_suppresses = [\"none\", \"low\", \"medium\"]",
                           "remembered_device_suppresses = [\"low\"]"},
                          {"totp_window = 1", "totp_window = 2"}}),
      "m.toml");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE((*m)->config().mfa.remembered_suppresses[1]);
  EXPECT_FALSE((*m)->config().mfa.remembered_suppresses[2]);
  EXPECT_EQ((*m)->config().mfa.totp_window, 2);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"totp_window = 1", "totp_window = 11"},
           {"totp_window = 1", "totp_windw = 1"},
           {"max_code_attempts = 5", "max_code_attempts = 0"},
           {"forget_devices_on_password_change = true",
            "forget_devices_on_password_change = 1"},
           {"remembered_device_suppresses = [\"none\", \"low\", \"medium\"]",
            "remembered_device_suppresses = [\"severe\"]"},
       }) {
    auto bad = Model::FromString(EditedDefaultModel({{from, to}}), "m.toml");
    EXPECT_FALSE(bad.ok()) << to;
  }
}

}  // namespace
}  // namespace vigil::testing
