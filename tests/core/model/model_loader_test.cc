// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Loading model files: the shipped default with its documented values, bad
// files refused as a whole with "<file>: <dotted key>: <reason>", and
// FireHOL blocklists resolved next to the model file.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/model_config.h"
#include "signals/geo_velocity.h"
#include "signals/signal.h"
#include "signals/velocity.h"
#include "testing/test_util.h"
#include "vigil/ip_address.h"
#include "vigil/model.h"

namespace vigil {
namespace {

using internal::LevelPolicy;
using internal::ModelConfig;
using internal::OnError;
using internal::PolicyAction;
using ::testing::HasSubstr;
using testing::SourcePath;
using testing::TempDir;
using testing::WriteFileOrDie;

constexpr char kMinimal[] = "[model]\nname = \"m\"\nversion = 1\n";

std::shared_ptr<const Model> LoadDefault() {
  absl::StatusOr<std::shared_ptr<const Model>> m =
      Model::LoadFile(SourcePath("models/default.toml"));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

// velocity and geo_velocity own their settings (signals/velocity.h,
// signals/geo_velocity.h).
const internal::VelocitySettings& Velocity(const ModelConfig& c) {
  return internal::SettingsOf<internal::VelocitySettings>(c);
}
const internal::GeoVelocitySettings& GeoVelocity(const ModelConfig& c) {
  return internal::SettingsOf<internal::GeoVelocitySettings>(c);
}

IpAddress Ip(const char* text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << ip.status();
  return ip.ok() ? *ip : IpAddress();
}

TEST(DefaultModelTest, LoadsWithTheDocumentedValues) {
  std::shared_ptr<const Model> model = LoadDefault();
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->name(), "default");
  EXPECT_EQ(model->version(), 1);
  EXPECT_EQ(model->id(), "default@1");
  const ModelConfig& c = model->config();
  EXPECT_EQ(c.id, "default@1");

  EXPECT_DOUBLE_EQ(c.low, 0.30);
  EXPECT_DOUBLE_EQ(c.medium, 0.45);
  EXPECT_DOUBLE_EQ(c.high, 0.80);
  EXPECT_EQ(c.mature_after, 5);
  EXPECT_DOUBLE_EQ(c.maturity_prior, 1.0);
  EXPECT_EQ(c.mode, Mode::kEnforced);

  EXPECT_DOUBLE_EQ(c.new_device.weight, 0.60);
  EXPECT_DOUBLE_EQ(c.new_device.known_ip_score, 0.25);
  EXPECT_DOUBLE_EQ(c.new_device.known_network_score, 0.85);
  EXPECT_DOUBLE_EQ(c.new_device.novelty_rate, 0.05);
  EXPECT_DOUBLE_EQ(c.new_device.novelty_strength, 4);
  EXPECT_DOUBLE_EQ(c.new_device.known_key_factor, 0.3);
  EXPECT_DOUBLE_EQ(c.new_device.unknown_key_factor, 0.5);
  EXPECT_DOUBLE_EQ(c.new_device.known_fingerprint_factor, 0.5);
  EXPECT_DOUBLE_EQ(c.new_device.keyless_browser_factor, 0.5);
  EXPECT_EQ(c.new_device.keyless_browser_min_sign_ins, 2);
  EXPECT_DOUBLE_EQ(c.new_device.same_kind_factor, 1.15);
  EXPECT_DOUBLE_EQ(c.new_device.new_kind_factor, 0.5);
  EXPECT_DOUBLE_EQ(c.unfamiliar.user_agent_new_device_factor, 0);
  EXPECT_DOUBLE_EQ(c.target_challenge_rate, 0.0);
  EXPECT_EQ(c.target_window, 50000);
  EXPECT_EQ(c.target_min_samples, 2000);
  EXPECT_DOUBLE_EQ(c.unfamiliar.novelty_strength, 4.0);
  EXPECT_DOUBLE_EQ(c.unfamiliar.novelty_network, 0.3);
  EXPECT_DOUBLE_EQ(c.unfamiliar.novelty_country, 0.03);
  EXPECT_DOUBLE_EQ(c.unfamiliar.novelty_device_type, 0.05);
  EXPECT_DOUBLE_EQ(GeoVelocity(c).known_asn_factor, 0.0);

  EXPECT_DOUBLE_EQ(c.unfamiliar.weight, 1.0);
  EXPECT_DOUBLE_EQ(c.unfamiliar.network_weight, 0.55);
  EXPECT_DOUBLE_EQ(c.unfamiliar.user_agent_weight, 0.20);
  EXPECT_DOUBLE_EQ(c.unfamiliar.alpha, 1.0);
  EXPECT_DOUBLE_EQ(c.unfamiliar.scale, 1.5);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_ip, 1e-6);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_network, 1e-5);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_asn, 1e-3);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_country, 0.02);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_user_agent, 0.01);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_browser, 0.1);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_os, 0.15);
  EXPECT_DOUBLE_EQ(c.unfamiliar.prior_device_type, 0.3);
  EXPECT_TRUE(c.unfamiliar.country_share.empty());

  EXPECT_DOUBLE_EQ(GeoVelocity(c).weight, 0.95);
  EXPECT_DOUBLE_EQ(GeoVelocity(c).max_speed_kmh, 1000);
  EXPECT_DOUBLE_EQ(GeoVelocity(c).min_distance_km, 100);
  EXPECT_DOUBLE_EQ(GeoVelocity(c).full_score_speed_factor, 2.0);
  EXPECT_DOUBLE_EQ(GeoVelocity(c).max_age_hours, 720);
  EXPECT_EQ(GeoVelocity(c).on_error, OnError::kOpen);

  EXPECT_DOUBLE_EQ(c.ip_reputation.weight, 0.60);
  EXPECT_TRUE(c.ip_reputation.always_allow.empty());
  EXPECT_TRUE(c.ip_reputation.always_block.empty());
  EXPECT_TRUE(c.ip_reputation.blocklist.empty());
  EXPECT_DOUBLE_EQ(c.ip_reputation.blocklist_score, 1.0);
  EXPECT_DOUBLE_EQ(c.ip_reputation.tor_score, 0.9);
  EXPECT_DOUBLE_EQ(c.ip_reputation.public_proxy_score, 0.7);
  EXPECT_DOUBLE_EQ(c.ip_reputation.anonymous_vpn_score, 0.5);
  EXPECT_DOUBLE_EQ(c.ip_reputation.hosting_score, 0.4);
  EXPECT_EQ(c.ip_reputation.hosting_names.words().size(), 26u);
  EXPECT_EQ(c.ip_reputation.hosting_names.words().front(), "hosting");
  EXPECT_DOUBLE_EQ(c.ip_reputation.residential_proxy_score, 0.5);
  EXPECT_DOUBLE_EQ(c.ip_reputation.anonymous_score, 0.5);
  EXPECT_EQ(c.ip_reputation.on_error, OnError::kOpen);

  EXPECT_DOUBLE_EQ(Velocity(c).weight, 0.95);
  EXPECT_EQ(Velocity(c).ip_window_minutes, 60);
  EXPECT_DOUBLE_EQ(Velocity(c).ip_failed_users, 5);
  EXPECT_DOUBLE_EQ(Velocity(c).ip_trust_per_success_user, 0.5);
  EXPECT_EQ(Velocity(c).ip_trust_days, 7);
  EXPECT_DOUBLE_EQ(Velocity(c).ip_ramp_users, 10);
  EXPECT_DOUBLE_EQ(Velocity(c).ip_failures, 20);
  EXPECT_DOUBLE_EQ(Velocity(c).ip_ramp_failures, 30);
  EXPECT_DOUBLE_EQ(Velocity(c).asn_failed_users, 40);
  EXPECT_DOUBLE_EQ(Velocity(c).asn_ramp_users, 60);
  EXPECT_DOUBLE_EQ(Velocity(c).user_failure_streak, 5);
  EXPECT_DOUBLE_EQ(Velocity(c).user_ramp_failures, 5);

  EXPECT_DOUBLE_EQ(c.user_risk.weight, 1.0);
  EXPECT_EQ(c.user_risk.from_level, RiskLevel::kMedium);
  EXPECT_DOUBLE_EQ(c.user_risk.half_life_hours, 24);
  EXPECT_DOUBLE_EQ(c.user_risk.established_device_factor, 0.5);
  EXPECT_EQ(c.user_risk.event_types,
            (std::array<bool, kEventTypeCount>{false, false, true, false}));
  EXPECT_TRUE(c.learning.probation);
  EXPECT_EQ(c.learning.probation_level, RiskLevel::kLow);
  EXPECT_EQ(c.learning.quiet_days, 7);
  EXPECT_EQ(Velocity(c).on_error, OnError::kOpen);
}

TEST(DefaultModelTest, PolicyPerEventTypeAndLevel) {
  std::shared_ptr<const Model> model = LoadDefault();
  ASSERT_NE(model, nullptr);
  using A = PolicyAction;
  struct Row {
    EventType type;
    A none, low, medium, high;
    bool notify[kRiskLevelCount];
  };
  const Row rows[] = {
      {EventType::kSignIn,
       A::kAllow,
       A::kAllow,
       A::kMfaIfConfigured,
       A::kMfaRequired,
       {false, false, true, true}},
      {EventType::kSignUp,
       A::kAllow,
       A::kAllow,
       A::kMfaIfConfigured,
       A::kBlock,
       {false, false, false, false}},
      {EventType::kPasswordChange,
       A::kAllow,
       A::kAllow,
       A::kMfaIfConfigured,
       A::kMfaRequired,
       {false, false, true, true}},
      {EventType::kForgotPassword,
       A::kAllow,
       A::kAllow,
       A::kMfaIfConfigured,
       A::kMfaRequired,
       {false, false, true, true}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(EventTypeName(row.type));
    const auto& p = model->config().policy[static_cast<int>(row.type)];
    const A actions[] = {row.none, row.low, row.medium, row.high};
    for (int l = 0; l < kRiskLevelCount; ++l) {
      SCOPED_TRACE(RiskLevelName(static_cast<RiskLevel>(l)));
      EXPECT_EQ(p[l].action, actions[l]);
      EXPECT_EQ(p[l].notify, row.notify[l]);
    }
  }
}

// default.toml says: "Keys left out take the defaults shown here." A model
// that sets only [model] must therefore equal the shipped default in every
// other value.
void ExpectSameScalars(const ModelConfig& a, const ModelConfig& b) {
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.medium, b.medium);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.mature_after, b.mature_after);
  EXPECT_EQ(a.maturity_prior, b.maturity_prior);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.new_device.weight, b.new_device.weight);
  EXPECT_EQ(a.unfamiliar.weight, b.unfamiliar.weight);
  EXPECT_EQ(a.unfamiliar.network_weight, b.unfamiliar.network_weight);
  EXPECT_EQ(a.unfamiliar.user_agent_weight, b.unfamiliar.user_agent_weight);
  EXPECT_EQ(a.unfamiliar.alpha, b.unfamiliar.alpha);
  EXPECT_EQ(a.unfamiliar.scale, b.unfamiliar.scale);
  EXPECT_EQ(a.unfamiliar.prior_ip, b.unfamiliar.prior_ip);
  EXPECT_EQ(a.unfamiliar.prior_network, b.unfamiliar.prior_network);
  EXPECT_EQ(a.unfamiliar.prior_asn, b.unfamiliar.prior_asn);
  EXPECT_EQ(a.unfamiliar.prior_country, b.unfamiliar.prior_country);
  EXPECT_EQ(a.unfamiliar.prior_user_agent, b.unfamiliar.prior_user_agent);
  EXPECT_EQ(a.unfamiliar.prior_browser, b.unfamiliar.prior_browser);
  EXPECT_EQ(a.unfamiliar.prior_os, b.unfamiliar.prior_os);
  EXPECT_EQ(a.unfamiliar.prior_device_type, b.unfamiliar.prior_device_type);
  EXPECT_EQ(GeoVelocity(a).weight, GeoVelocity(b).weight);
  EXPECT_EQ(GeoVelocity(a).max_speed_kmh, GeoVelocity(b).max_speed_kmh);
  EXPECT_EQ(GeoVelocity(a).min_distance_km, GeoVelocity(b).min_distance_km);
  EXPECT_EQ(GeoVelocity(a).full_score_speed_factor,
            GeoVelocity(b).full_score_speed_factor);
  EXPECT_EQ(GeoVelocity(a).max_age_hours, GeoVelocity(b).max_age_hours);
  EXPECT_EQ(GeoVelocity(a).on_error, GeoVelocity(b).on_error);
  EXPECT_EQ(a.ip_reputation.weight, b.ip_reputation.weight);
  EXPECT_EQ(a.ip_reputation.blocklist_score, b.ip_reputation.blocklist_score);
  EXPECT_EQ(a.ip_reputation.tor_score, b.ip_reputation.tor_score);
  EXPECT_EQ(a.ip_reputation.public_proxy_score,
            b.ip_reputation.public_proxy_score);
  EXPECT_EQ(a.ip_reputation.anonymous_vpn_score,
            b.ip_reputation.anonymous_vpn_score);
  EXPECT_EQ(a.ip_reputation.hosting_score, b.ip_reputation.hosting_score);
  EXPECT_EQ(a.new_device.same_kind_factor, b.new_device.same_kind_factor);
  EXPECT_EQ(a.new_device.new_kind_factor, b.new_device.new_kind_factor);
  EXPECT_EQ(a.new_device.known_key_factor, b.new_device.known_key_factor);
  EXPECT_EQ(a.ip_reputation.hosting_names.words(),
            b.ip_reputation.hosting_names.words());
  EXPECT_EQ(a.ip_reputation.residential_proxy_score,
            b.ip_reputation.residential_proxy_score);
  EXPECT_EQ(a.ip_reputation.anonymous_score, b.ip_reputation.anonymous_score);
  EXPECT_EQ(a.ip_reputation.on_error, b.ip_reputation.on_error);
  EXPECT_EQ(Velocity(a).weight, Velocity(b).weight);
  EXPECT_EQ(Velocity(a).ip_window_minutes, Velocity(b).ip_window_minutes);
  EXPECT_EQ(Velocity(a).ip_failed_users, Velocity(b).ip_failed_users);
  EXPECT_EQ(Velocity(a).ip_trust_per_success_user,
            Velocity(b).ip_trust_per_success_user);
  EXPECT_EQ(Velocity(a).ip_trust_days, Velocity(b).ip_trust_days);
  EXPECT_EQ(Velocity(a).ip_ramp_users, Velocity(b).ip_ramp_users);
  EXPECT_EQ(Velocity(a).ip_failures, Velocity(b).ip_failures);
  EXPECT_EQ(Velocity(a).ip_ramp_failures, Velocity(b).ip_ramp_failures);
  EXPECT_EQ(Velocity(a).asn_failed_users, Velocity(b).asn_failed_users);
  EXPECT_EQ(Velocity(a).asn_ramp_users, Velocity(b).asn_ramp_users);
  EXPECT_EQ(Velocity(a).user_failure_streak, Velocity(b).user_failure_streak);
  EXPECT_EQ(Velocity(a).user_ramp_failures, Velocity(b).user_ramp_failures);
  EXPECT_EQ(a.user_risk.weight, b.user_risk.weight);
  EXPECT_EQ(a.user_risk.from_level, b.user_risk.from_level);
  EXPECT_EQ(a.user_risk.half_life_hours, b.user_risk.half_life_hours);
  EXPECT_EQ(a.user_risk.established_device_factor,
            b.user_risk.established_device_factor);
  EXPECT_EQ(a.user_risk.event_types, b.user_risk.event_types);
  EXPECT_EQ(a.learning.probation, b.learning.probation);
  EXPECT_EQ(a.learning.probation_level, b.learning.probation_level);
  EXPECT_EQ(a.learning.quiet_days, b.learning.quiet_days);
  EXPECT_EQ(Velocity(a).on_error, Velocity(b).on_error);
}

TEST(DefaultModelTest, OmittedScalarKeysTakeTheValuesShownInDefaultToml) {
  std::shared_ptr<const Model> shipped = LoadDefault();
  ASSERT_NE(shipped, nullptr);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Model> minimal,
                       Model::FromString(kMinimal, "minimal.toml"));
  EXPECT_EQ(minimal->id(), "m@1");
  ExpectSameScalars(minimal->config(), shipped->config());
}

// The policy too: DefaultPolicy() in model_loader.cc must match default.toml
// event type by event type (sign_up differs from the others: high = block,
// notify = []). Regression test: the two once disagreed on sign_up.
TEST(DefaultModelTest, OmittedPolicyTakesThePolicyShownInDefaultToml) {
  std::shared_ptr<const Model> shipped = LoadDefault();
  ASSERT_NE(shipped, nullptr);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Model> minimal,
                       Model::FromString(kMinimal, "minimal.toml"));
  for (int t = 0; t < kEventTypeCount; ++t) {
    SCOPED_TRACE(EventTypeName(static_cast<EventType>(t)));
    for (int l = 0; l < kRiskLevelCount; ++l) {
      SCOPED_TRACE(RiskLevelName(static_cast<RiskLevel>(l)));
      EXPECT_EQ(minimal->config().policy[t][l].action,
                shipped->config().policy[t][l].action);
      EXPECT_EQ(minimal->config().policy[t][l].notify,
                shipped->config().policy[t][l].notify);
    }
  }
}

TEST(ModelLoaderTest, GoodVariationsLoad) {
  struct Case {
    const char* name;
    std::string text;
    void (*check)(const ModelConfig& c);
  };
  const std::vector<Case> cases = {
      {"integers where numbers are expected",
       absl::StrCat(kMinimal, "[signals.new_device]\nweight = 1\n"),
       [](const ModelConfig& c) { EXPECT_EQ(c.new_device.weight, 1.0); }},
      {"audit mode and custom policy",
       absl::StrCat(kMinimal,
                    "[policy]\nmode = \"audit\"\n[policy.sign_in]\n"
                    "low = \"mfa_required\"\nnotify = [\"low\", \"none\"]\n"),
       [](const ModelConfig& c) {
         EXPECT_EQ(c.mode, Mode::kAudit);
         const auto& p = c.policy[static_cast<int>(EventType::kSignIn)];
         EXPECT_EQ(p[1].action, PolicyAction::kMfaRequired);
         EXPECT_TRUE(p[0].notify);
         EXPECT_TRUE(p[1].notify);
         EXPECT_FALSE(p[2].notify);  // notify replaces the default list
         EXPECT_FALSE(p[3].notify);
         EXPECT_EQ(p[3].action, PolicyAction::kMfaRequired);  // default kept
       }},
      {"country shares and closed on_error",
       absl::StrCat(kMinimal,
                    "[signals.unfamiliar.country_share]\nUS = 0.21\nDE = 3e-2\n"
                    "[signals.velocity]\non_error = \"closed\"\n"
                    "ip_window_minutes = 10\n"),
       [](const ModelConfig& c) {
         EXPECT_EQ(c.unfamiliar.country_share.size(), 2u);
         EXPECT_DOUBLE_EQ(c.unfamiliar.country_share.at("US"), 0.21);
         EXPECT_DOUBLE_EQ(c.unfamiliar.country_share.at("DE"), 0.03);
         EXPECT_EQ(Velocity(c).on_error, OnError::kClosed);
         EXPECT_EQ(Velocity(c).ip_window_minutes, 10);
       }},
      {"always lists",
       absl::StrCat(kMinimal,
                    "[signals.ip_reputation]\n"
                    "always_allow = [\"10.0.0.0/8\", \"2001:db8::/32\"]\n"
                    "always_block = [\"192.0.2.7\"]\n"),
       [](const ModelConfig& c) {
         EXPECT_TRUE(c.ip_reputation.always_allow.Contains(Ip("10.9.8.7")));
         EXPECT_TRUE(c.ip_reputation.always_allow.Contains(Ip("2001:db8::5")));
         EXPECT_FALSE(c.ip_reputation.always_allow.Contains(Ip("11.0.0.1")));
         EXPECT_TRUE(c.ip_reputation.always_block.Contains(Ip("192.0.2.7")));
         EXPECT_FALSE(c.ip_reputation.always_block.Contains(Ip("192.0.2.6")));
         Cidr match;
         EXPECT_TRUE(
             c.ip_reputation.always_block.Find(Ip("192.0.2.7"), &match));
         EXPECT_EQ(match.ToString(), "192.0.2.7/32");
         EXPECT_FALSE(
             c.ip_reputation.always_block.Find(Ip("192.0.2.8"), &match));
       }},
      {"threshold high at 1", absl::StrCat(kMinimal, "[levels]\nhigh = 1\n"),
       [](const ModelConfig& c) { EXPECT_EQ(c.high, 1.0); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<std::shared_ptr<const Model>> m =
        Model::FromString(c.text, "good.toml");
    ASSERT_TRUE(m.ok()) << m.status();
    if (c.check != nullptr) c.check((*m)->config());
  }
}

struct BadCase {
  const char* name;
  std::string text;
  // Substrings of the message: the dotted key (as "bad.toml: <key>: ") and
  // the reason.
  std::string key;
  std::string reason;
};

std::vector<BadCase> BadCases() {
  const std::string m = kMinimal;
  return {
      {"TOML syntax error names the line", m + "[levels]\nlow = = 0.3\n", "",
       "bad.toml:5:"},
      {"unterminated string", "[model]\nname = \"m\nversion = 1\n", "",
       "bad.toml:2:"},
      {"duplicate key", m + "[levels]\nlow = 0.1\nlow = 0.2\n", "",
       "bad.toml:6:"},
      {"unknown top-level key", "colour = \"blue\"\n" + m, "colour",
       "unknown key"},
      {"unknown key in [signals.velocity]",
       m + "[signals.velocity]\nip_window = 5\n", "signals.velocity.ip_window",
       "unknown key"},
      {"typo'd signal section", m + "[signals.velocty]\nweight = 0.5\n",
       "signals.velocty", "unknown key"},
      {"typo'd top-level section", m + "[signal.velocity]\nweight = 0.5\n",
       "signal", "unknown key"},
      {"unknown key in [model]", m + "author = \"me\"\n", "model.author",
       "unknown key"},
      {"unknown key in a policy",
       m + "[policy.sign_in]\ncritical = \"block\"\n",
       "policy.sign_in.critical", "unknown key"},
      {"unknown event type", m + "[policy.sign_on]\nhigh = \"block\"\n",
       "policy.sign_on", "unknown key"},
      {"unknown prior", m + "[signals.unfamiliar.prior]\ncity = 0.1\n",
       "signals.unfamiliar.prior.city", "unknown key"},
      {"string for a number", m + "[levels]\nlow = \"0.3\"\n", "levels.low",
       "must be a number"},
      {"bool for a number", m + "[signals.new_device]\nweight = true\n",
       "signals.new_device.weight", "must be a number"},
      {"float for an integer",
       m + "[signals.velocity]\nip_window_minutes = 7.5\n",
       "signals.velocity.ip_window_minutes", "must be an integer"},
      {"number for a table", "signals = 3\n" + m, "signals", "must be a table"},
      {"number for a string", "[model]\nname = 7\nversion = 1\n", "model.name",
       "must be a string"},
      {"out of range weight", m + "[signals.geo_velocity]\nweight = 1.5\n",
       "signals.geo_velocity.weight", "must be in [0, 1], is 1.5"},
      {"negative weight", m + "[signals.unfamiliar]\nweight = -0.1\n",
       "signals.unfamiliar.weight", "must be in [0, 1], is -0.1"},
      {"NaN weight", m + "[signals.velocity]\nweight = nan\n",
       "signals.velocity.weight", "must be in [0, 1]"},
      {"window out of range",
       m + "[signals.velocity]\nip_window_minutes = 61\n",
       "signals.velocity.ip_window_minutes", "must be in [5, 60], is 61"},
      {"prior of zero", m + "[signals.unfamiliar.prior]\nip = 0\n",
       "signals.unfamiliar.prior.ip", "must be in"},
      {"novelty rate of zero", m + "[signals.unfamiliar.novelty]\nasn = 0\n",
       "signals.unfamiliar.novelty.asn", "must be in"},
      {"no IP novelty", m + "[signals.unfamiliar.novelty]\nip = 0.5\n",
       "signals.unfamiliar.novelty.ip", "unknown key"},
      {"target rate above one half",
       m + "[levels]\nlow = 0.3\nmedium = 0.55\nhigh = 0.8\n"
           "target_challenge_rate = 0.7\n",
       "levels.target_challenge_rate", "must be in [0, 0.5], is 0.7"},
      {"more samples than the window",
       m + "[levels]\nlow = 0.3\nmedium = 0.55\nhigh = 0.8\n"
           "target_window = 1000\ntarget_min_samples = 2000\n",
       "levels.target_min_samples", "must not exceed target_window"},
      {"key factor above 1", m + "[signals.new_device]\nknown_key_factor = 2\n",
       "signals.new_device.known_key_factor", "must be in [0, 1], is 2"},
      {"unknown key factor below 0",
       m + "[signals.new_device]\nunknown_key_factor = -0.5\n",
       "signals.new_device.unknown_key_factor", "must be in [0, 1], is -0.5"},
      {"keyless browser count below 1",
       m + "[signals.new_device]\nkeyless_browser_min_sign_ins = 0\n",
       "signals.new_device.keyless_browser_min_sign_ins", "must be in [1, "},
      {"same-kind factor below 1",
       m + "[signals.new_device]\nsame_kind_factor = 0.9\n",
       "signals.new_device.same_kind_factor", "must be in [1, 4], is 0.9"},
      {"new-kind factor above 1",
       m + "[signals.new_device]\nnew_kind_factor = 1.5\n",
       "signals.new_device.new_kind_factor", "must be in [0, 1], is 1.5"},
      {"novelty rate above 1", m + "[signals.new_device]\nnovelty_rate = 1.5\n",
       "signals.new_device.novelty_rate", "must be in [0, 1], is 1.5"},
      {"thresholds not increasing",
       m + "[levels]\nlow = 0.6\nmedium = 0.5\nhigh = 0.8\n", "levels.low",
       "0 < low < medium < high"},
      {"thresholds equal", m + "[levels]\nmedium = 0.8\n", "levels.low",
       "0 < low < medium < high"},
      {"threshold low at zero", m + "[levels]\nlow = 0.0\n", "levels.low",
       "0 < low < medium < high"},
      {"threshold above one", m + "[levels]\nhigh = 1.01\n", "levels.high",
       "must be in [0, 1]"},
      {"unknown action", m + "[policy.sign_in]\nhigh = \"maybe\"\n",
       "policy.sign_in.high", "unknown action \"maybe\""},
      {"unknown notify level",
       m + "[policy.password_change]\nnotify = [\"high\", \"urgent\"]\n",
       "policy.password_change.notify", "unknown level \"urgent\""},
      {"notify not a list", m + "[policy.sign_in]\nnotify = \"high\"\n",
       "policy.sign_in.notify", "must be an array of strings"},
      {"empty hosting word",
       m + "[signals.ip_reputation]\nhosting_organisations = [\"vpn\", \"\"]\n",
       "signals.ip_reputation.hosting_organisations",
       "a word must have 1 to 64 characters (got 0)"},
      {"notify list of numbers", m + "[policy.sign_in]\nnotify = [3]\n",
       "policy.sign_in.notify[0]", "must be a string"},
      {"bad mode", m + "[policy]\nmode = \"strict\"\n", "policy.mode",
       "must be \"enforced\" or \"audit\", is \"strict\""},
      {"bad on_error", m + "[signals.geo_velocity]\non_error = \"ajar\"\n",
       "signals.geo_velocity.on_error",
       "must be \"open\" or \"closed\", is \"ajar\""},
      {"bad on_error in ip_reputation",
       m + "[signals.ip_reputation]\non_error = \"Open\"\n",
       "signals.ip_reputation.on_error", "must be \"open\" or \"closed\""},
      {"missing [model].name", "[model]\nversion = 1\n", "model.name",
       "is required"},
      {"missing [model]", "[levels]\nlow = 0.2\n", "model.name", "is required"},
      {"empty file", "", "model.name", "is required"},
      {"missing [model].version", "[model]\nname = \"m\"\n", "model.version",
       "is required"},
      {"bad model name", "[model]\nname = \"de fault\"\nversion = 1\n",
       "model.name", "must be 1-64 characters"},
      {"negative version", "[model]\nname = \"m\"\nversion = -1\n",
       "model.version", "must be in"},
      {"bad CIDR in always_block",
       m + "[signals.ip_reputation]\nalways_block = [\"10.0.0.1/8\"]\n",
       "signals.ip_reputation.always_block", "10.0.0.1/8"},
      {"not an address in always_allow",
       m + "[signals.ip_reputation]\nalways_allow = [\"10.0.0.0/8\", "
           "\"localhost\"]\n",
       "signals.ip_reputation.always_allow", "entry 1"},
      {"lower-case country code",
       m + "[signals.unfamiliar.country_share]\nus = 0.2\n",
       "signals.unfamiliar.country_share.us", "ISO 3166-1 alpha-2"},
      {"country share out of range",
       m + "[signals.unfamiliar.country_share]\nUS = 2\n",
       "signals.unfamiliar.country_share.US", "must be in"},
      {"negative maturity prior", m + "[baseline]\nmaturity_prior = -1\n",
       "baseline.maturity_prior", "must be in [0, 1000], is -1"},
      {"unknown probation level",
       m + "[learning]\nprobation_level = \"severe\"\n",
       "learning.probation_level", "unknown level \"severe\""},
      {"probation from level none",
       m + "[learning]\nprobation_level = \"none\"\n",
       "learning.probation_level", "must be low, medium or high"},
      {"probation not a bool", m + "[learning]\nprobation = \"yes\"\n",
       "learning.probation", "must be true or false"},
      {"quiet days of zero", m + "[learning]\nquiet_days = 0\n",
       "learning.quiet_days", "must be in [1, 365], is 0"},
      {"unknown key in [learning]", m + "[learning]\nquiet = 3\n",
       "learning.quiet", "unknown key"},
      {"user risk for an unknown event type",
       m + "[signals.user_risk]\nevent_types = [\"mfa_change\"]\n",
       "signals.user_risk.event_types", "unknown event type \"mfa_change\""},
      {"user risk from level none",
       m + "[signals.user_risk]\nfrom_level = \"none\"\n",
       "signals.user_risk.from_level", "must be low, medium or high"},
      {"user risk half-life of zero",
       m + "[signals.user_risk]\nhalf_life_hours = 0\n",
       "signals.user_risk.half_life_hours", "must be in"},
      {"full-score speed factor of 1",
       m + "[signals.geo_velocity]\nfull_score_speed_factor = 1\n",
       "signals.geo_velocity.full_score_speed_factor", "must be in"},
  };
}

TEST(ModelLoaderTest, BadModelsAreRefusedWithFileKeyAndReason) {
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<std::shared_ptr<const Model>> m =
        Model::FromString(c.text, "bad.toml");
    ASSERT_FALSE(m.ok()) << "loaded:\n" << c.text;
    EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << m.status();
    const std::string message(m.status().message());
    EXPECT_THAT(message, HasSubstr("bad.toml"));
    if (!c.key.empty()) {
      EXPECT_THAT(message, HasSubstr(absl::StrCat("bad.toml: ", c.key, ": ")));
    }
    EXPECT_THAT(message, HasSubstr(c.reason));
  }
}

// An unknown key names the keys of its table; an unknown signal section
// names the registered signals (those that own their settings included).
TEST(ModelLoaderTest, UnknownKeysNameTheKnownOnes) {
  const std::string m = kMinimal;
  absl::StatusOr<std::shared_ptr<const Model>> typo =
      Model::FromString(m + "[signals.velocty]\nweight = 0.5\n", "bad.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(),
            "bad.toml: signals.velocty: unknown key (known: geo_velocity, "
            "ip_reputation, new_device, unfamiliar, user_risk, velocity)");
  absl::StatusOr<std::shared_ptr<const Model>> key =
      Model::FromString(m + "[signals.velocity]\nip_window = 5\n", "bad.toml");
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(),
              HasSubstr("bad.toml: signals.velocity.ip_window: unknown key "
                        "(known: asn_failed_users, asn_ramp_users, "
                        "ip_failed_users, ip_failures, ip_ramp_failures, "
                        "ip_ramp_users, ip_trust_days, "
                        "ip_trust_per_success_user, ip_window_minutes, "
                        "on_error, user_failure_streak, user_ramp_failures, "
                        "weight)"));
  absl::StatusOr<std::shared_ptr<const Model>> mfa = Model::FromString(
      m + "[mfa]\nremembered_device = [\"low\"]\n", "bad.toml");
  ASSERT_FALSE(mfa.ok());
  EXPECT_THAT(mfa.status().message(),
              HasSubstr("known: challenge_ttl_seconds, code_ttl_seconds"));
  EXPECT_THAT(mfa.status().message(),
              HasSubstr("remembered_device_suppresses"));
}

// A signal that owns its settings (velocity, geo_velocity) has them in every
// loaded model: parsed from its section, or its defaults when the file has
// none.
TEST(ModelLoaderTest, SignalSettingsAreLoadedWithOrWithoutASection) {
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Model> minimal,
                       Model::FromString(kMinimal, "minimal.toml"));
  ASSERT_TRUE(minimal->config().signal_settings.contains("velocity"));
  ASSERT_TRUE(minimal->config().signal_settings.contains("geo_velocity"));
  EXPECT_EQ(Velocity(minimal->config()).ip_window_minutes,
            internal::VelocitySettings().ip_window_minutes);
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> tuned,
      Model::FromString(
          absl::StrCat(kMinimal, "[signals.velocity]\nweight = 0.5\n"),
          "tuned.toml"));
  EXPECT_EQ(Velocity(tuned->config()).weight, 0.5);
  for (const auto& signal : internal::BuiltinSignals()) {
    if (signal->name() == "velocity") {
      EXPECT_EQ(signal->weight(tuned->config()), 0.5);
    }
  }
  // A hand-built config holds no settings: the signal's defaults.
  EXPECT_EQ(Velocity(ModelConfig()).weight,
            internal::VelocitySettings().weight);
}

// The hosting providers' name words: a model's own list replaces the shipped
// one (lower-cased), and an empty list turns the names off.
TEST(ModelLoaderTest, HostingOrganisationsReplaceTheShippedWords) {
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> own,
      Model::FromString(absl::StrCat(kMinimal,
                                     "[signals.ip_reputation]\n"
                                     "hosting_organisations = [\"Example "
                                     "Cloud\", \"exitnode\"]\n"),
                        "own.toml"));
  const internal::HostingNames& names = own->config().ip_reputation.hosting_names;
  EXPECT_EQ(names.words(),
            (std::vector<std::string>{"example cloud", "exitnode"}));
  EXPECT_TRUE(names.Matches(64500, "EXAMPLE CLOUD GmbH"));
  EXPECT_FALSE(names.Matches(64501, "Hetzner Online GmbH"));
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> off,
      Model::FromString(absl::StrCat(kMinimal,
                                     "[signals.ip_reputation]\n"
                                     "hosting_organisations = []\n"),
                        "off.toml"));
  EXPECT_TRUE(off->config().ip_reputation.hosting_names.empty());
  EXPECT_FALSE(off->config().ip_reputation.hosting_names.Matches(
      24940, "Hetzner Online GmbH"));
}

TEST(ModelLoaderTest, MissingModelFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.path() + "/absent.toml";
  absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(path);
  EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << m.status();
  EXPECT_THAT(std::string(m.status().message()), HasSubstr(path));
}

TEST(ModelLoaderTest, ErrorsOfALoadedFileNameThatFile) {
  TempDir dir;
  const std::string path = dir.path() + "/model.toml";
  WriteFileOrDie(path, absl::StrCat(kMinimal, "[levels]\nlow = 2\n"));
  absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(path);
  EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << m.status();
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr(absl::StrCat(path, ": levels.low: must be in")));
}

std::string ModelWithBlocklists(const std::string& list) {
  return absl::StrCat(kMinimal, "[signals.ip_reputation]\nblocklists = [", list,
                      "]\n");
}

TEST(ModelLoaderTest, MissingBlocklistIsResolvedNextToTheModelAndNamed) {
  TempDir dir;
  const std::string path = dir.path() + "/model.toml";
  WriteFileOrDie(path, ModelWithBlocklists("\"lists/missing.netset\""));
  absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(path);
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << m.status();
  const std::string message(m.status().message());
  EXPECT_THAT(message, HasSubstr(absl::StrCat(
                           path, ": signals.ip_reputation.blocklists: ")));
  EXPECT_THAT(message, HasSubstr(dir.path() + "/lists/missing.netset"));
}

TEST(ModelLoaderTest, FireHolBlocklistsLoadAndMerge) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/lists");
  WriteFileOrDie(dir.path() + "/lists/firehol_level1.netset",
                 "#\n# firehol_level1\n#\n\n"
                 "192.0.2.0/24\n"
                 "  198.51.100.7  # one address\n"
                 "2001:db8:bad::/48\n");
  const std::string other = dir.path() + "/other.netset";
  WriteFileOrDie(other, "203.0.113.128/25\n");
  const std::string path = dir.path() + "/model.toml";
  WriteFileOrDie(path,
                 ModelWithBlocklists(absl::StrCat(
                     "\"lists/firehol_level1.netset\", \"", other, "\"")));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Model> model,
                       Model::LoadFile(path));
  const CidrSet& blocklist = model->config().ip_reputation.blocklist;
  struct Case {
    const char* ip;
    bool blocked;
  };
  const Case cases[] = {
      {"192.0.2.0", true},        {"192.0.2.255", true},
      {"192.0.1.255", false},     {"198.51.100.7", true},
      {"198.51.100.6", false},    {"2001:db8:bad::1", true},
      {"2001:db8:bae::1", false}, {"203.0.113.200", true},
      {"::ffff:192.0.2.9", true}, {"10.0.0.1", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ip);
    EXPECT_EQ(blocklist.Contains(Ip(c.ip)), c.blocked);
  }
  // Find names the most specific range, as the ip_reputation detail does.
  Cidr match;
  ASSERT_TRUE(blocklist.Find(Ip("198.51.100.7"), &match));
  EXPECT_EQ(match.ToString(), "198.51.100.7/32");
  ASSERT_TRUE(blocklist.Find(Ip("203.0.113.255"), &match));
  EXPECT_EQ(match.ToString(), "203.0.113.128/25");
  EXPECT_FALSE(blocklist.Find(Ip("203.0.113.127"), &match));
  EXPECT_FALSE(blocklist.Find(Ip("198.51.100.8"), &match));
  EXPECT_EQ(blocklist.size(), 4u);
  // Blocklists do not leak into the always-block list.
  EXPECT_TRUE(model->config().ip_reputation.always_block.empty());
}

TEST(ModelLoaderTest, ABadLineInABlocklistRefusesTheModel) {
  TempDir dir;
  WriteFileOrDie(dir.path() + "/bad.netset",
                 "# comment\n192.0.2.0/24\n192.0.2.300\n");
  const std::string path = dir.path() + "/model.toml";
  WriteFileOrDie(path, ModelWithBlocklists("\"bad.netset\""));
  absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(path);
  ASSERT_FALSE(m.ok());
  const std::string message(m.status().message());
  EXPECT_THAT(message, HasSubstr(absl::StrCat(
                           path, ": signals.ip_reputation.blocklists: ")));
  EXPECT_THAT(message, HasSubstr("bad.netset:3"));
}

// Single-address (/32) entries cover exactly one address. Regression test:
// LastV4() in core/src/context/cidr_set.cc once shifted 0xffffffff by 32
// (undefined; a no-op on x86-64), so "192.0.2.7" covered every IPv4 address
// from it up to 255.255.255.255 in CidrSet::Contains.
TEST(ModelLoaderTest, SingleAddressEntriesDoNotCoverTheirNeighbours) {
  TempDir dir;
  WriteFileOrDie(dir.path() + "/single.netset", "198.51.100.7\n");
  const std::string path = dir.path() + "/model.toml";
  WriteFileOrDie(path, absl::StrCat(kMinimal,
                                    "[signals.ip_reputation]\n"
                                    "blocklists = [\"single.netset\"]\n"
                                    "always_block = [\"192.0.2.7\"]\n"
                                    "always_allow = [\"10.1.2.3/32\"]\n"));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Model> model,
                       Model::LoadFile(path));
  const internal::IpReputationConfig& r = model->config().ip_reputation;
  EXPECT_TRUE(r.blocklist.Contains(Ip("198.51.100.7")));
  EXPECT_FALSE(r.blocklist.Contains(Ip("198.51.100.8")));
  EXPECT_FALSE(r.blocklist.Contains(Ip("203.0.113.1")));
  EXPECT_TRUE(r.always_block.Contains(Ip("192.0.2.7")));
  EXPECT_FALSE(r.always_block.Contains(Ip("192.0.2.8")));
  EXPECT_TRUE(r.always_allow.Contains(Ip("10.1.2.3")));
  EXPECT_FALSE(r.always_allow.Contains(Ip("10.1.2.4")));
  EXPECT_FALSE(r.always_allow.Contains(Ip("255.255.255.255")));
}

}  // namespace
}  // namespace vigil
