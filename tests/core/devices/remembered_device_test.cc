// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Remembered devices: issued on a passed challenge, suppress the challenge at
// the levels the policy lists, expire, are capped per user, and are
// forgotten on a password change.

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/mfa.h"

namespace vigil::testing {
namespace {

constexpr char kUser[] = "alice";

// Thresholds that put an unfamiliar country at medium and an impossible
// journey at high.
std::string Model(const std::string& extra_from = "", const std::string& extra_to = "") {
  std::vector<std::pair<std::string, std::string>> edits = {
      {"low = 0.30\nmedium = 0.45\nhigh = 0.80",
       "low = 0.05\nmedium = 0.10\nhigh = 0.90"}};
  if (!extra_from.empty()) edits.emplace_back(extra_from, extra_to);
  return EditedDefaultModel(edits);
}

class RememberedDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(Model()); }
  void Open(const std::string& model) {
    MfaOptions o;
    o.email_sender = email_;
    f_ = std::make_unique<EngineFixture>(model, false, o);
    f_->BuildBaseline(kUser, kLondon, kChromeWindows, "fp-laptop", 12,
                      absl::Hours(24));
    MfaSettings s;
    s.enabled = {MfaMethod::kEmail};
    s.email = "alice@example.com";
    ASSERT_OK(mfa().SetSettings(kUser, s));
  }
  MfaService& mfa() { return *f_->engine().mfa(); }

  Decision SignIn(const std::string& ip, const std::string& device_key,
                  Outcome outcome = Outcome::kUnknown,
                  EventType type = EventType::kSignIn) {
    Attempt a = f_->MakeAttempt(kUser, ip, kSafariIphone, "fp-phone", outcome);
    a.device_key = device_key;
    a.event_type = type;
    return f_->Evaluate(a);
  }

  // Passes `d`'s challenge by e-mail; returns the device key if `remember`.
  std::string Pass(const Decision& d, bool remember = true) {
    EXPECT_TRUE(d.challenge.has_value());
    if (!d.challenge) return "";
    EXPECT_OK(mfa().SendCode(d.challenge->id, MfaMethod::kEmail));
    VerifyOptions o;
    o.remember_device = remember;
    o.device_name = "Alice's iPhone";
    absl::StatusOr<VerifyOutcome> r =
        mfa().VerifyChallenge(d.challenge->id, email_->LastCode(), o);
    EXPECT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->result, ChallengeResult::kPassed);
    return std::string(r->device_key.reveal());
  }

  // A first trip: a medium-risk sign-in from Sweden, challenged and passed
  // with remember_device. Returns the device key.
  std::string RememberInSweden() {
    f_->clock().Advance(absl::Hours(72));
    Decision d = SignIn(kLinkoping, "");
    EXPECT_EQ(d.level, RiskLevel::kMedium) << d.score;
    EXPECT_EQ(d.verdict, Verdict::kChallenge);
    const std::string key = Pass(d);
    EXPECT_FALSE(key.empty());
    return key;
  }

  std::shared_ptr<RecordingSender> email_ = std::make_shared<RecordingSender>();
  std::unique_ptr<EngineFixture> f_;
};

TEST_F(RememberedDeviceTest, MediumRiskFromRememberedDeviceIsAllowed) {
  const std::string key = RememberInSweden();
  f_->clock().Advance(absl::Hours(72));
  Decision d = SignIn(kMilton, key);  // a new country: medium
  EXPECT_EQ(d.level, RiskLevel::kMedium) << d.score;
  EXPECT_EQ(d.context.device, "remembered");
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_FALSE(d.challenge);
  // Without the key, the same attempt is challenged.
  Decision without = SignIn(kMilton, "");
  EXPECT_EQ(without.level, RiskLevel::kMedium);
  EXPECT_EQ(without.verdict, Verdict::kChallenge);
  // A key that vigil never issued is just a new device.
  Decision forged = SignIn(kMilton, "not-a-key-vigil-issued");
  EXPECT_NE(forged.context.device, "remembered");
  EXPECT_EQ(forged.verdict, Verdict::kChallenge);
}

TEST_F(RememberedDeviceTest, HighRiskFromRememberedDeviceIsChallenged) {
  const std::string key = RememberInSweden();
  f_->clock().Advance(absl::Minutes(30));
  Decision d = SignIn(kMelbourne, key);  // Sweden -> Australia in 30 min
  EXPECT_EQ(d.level, RiskLevel::kHigh) << d.score;
  EXPECT_EQ(d.context.device, "remembered");
  EXPECT_EQ(d.verdict, Verdict::kChallenge);
  EXPECT_TRUE(d.challenge);
}

TEST_F(RememberedDeviceTest, ExpiredAfterTtl) {
  const std::string key = RememberInSweden();
  f_->clock().Advance(absl::Hours(24 * 89));
  Decision before = SignIn(kMilton, key);
  EXPECT_EQ(before.context.device, "remembered");
  EXPECT_EQ(before.verdict, Verdict::kAllow);
  f_->clock().Advance(absl::Hours(24 * 2));  // 91 days after remembering
  Decision after = SignIn(kChangchun, key);
  EXPECT_EQ(after.level, RiskLevel::kMedium) << after.score;
  EXPECT_NE(after.context.device, "remembered");
  EXPECT_EQ(after.verdict, Verdict::kChallenge);
  absl::StatusOr<std::vector<DeviceInfo>> list = mfa().ListDevices(kUser);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].remembered);
}

TEST_F(RememberedDeviceTest, PasswordChangeForgetsDevices) {
  const std::string key = RememberInSweden();
  f_->clock().Advance(absl::Hours(1));
  Decision change = SignIn(kLinkoping, key, Outcome::kSuccess,
                           EventType::kPasswordChange);
  EXPECT_EQ(change.verdict, Verdict::kAllow);
  f_->clock().Advance(absl::Hours(72));
  Decision d = SignIn(kMilton, key);
  EXPECT_EQ(d.level, RiskLevel::kMedium) << d.score;
  EXPECT_NE(d.context.device, "remembered");
  EXPECT_EQ(d.verdict, Verdict::kChallenge);
}

TEST(RememberedDevicePolicyTest, PasswordChangeKeepsDevicesIfConfigured) {
  auto email = std::make_shared<RecordingSender>();
  MfaOptions o;
  o.email_sender = email;
  EngineFixture f(Model("forget_devices_on_password_change = true",
                        "forget_devices_on_password_change = false"),
                  false, o);
  f.BuildBaseline(kUser, kLondon, kChromeWindows, "fp-laptop", 12, absl::Hours(24));
  MfaSettings s;
  s.enabled = {MfaMethod::kEmail};
  s.email = "alice@example.com";
  ASSERT_OK(f.engine().mfa()->SetSettings(kUser, s));
  f.clock().Advance(absl::Hours(72));
  Attempt a = f.MakeAttempt(kUser, kLinkoping, kSafariIphone, "fp-phone",
                            Outcome::kUnknown);
  Decision d = f.Evaluate(a);
  ASSERT_TRUE(d.challenge);
  ASSERT_OK(f.engine().mfa()->SendCode(d.challenge->id, MfaMethod::kEmail));
  VerifyOptions vo;
  vo.remember_device = true;
  auto r = f.engine().mfa()->VerifyChallenge(d.challenge->id, email->LastCode(), vo);
  ASSERT_OK(r);
  Attempt change = a;
  change.event_type = EventType::kPasswordChange;
  change.outcome = Outcome::kSuccess;
  change.device_key = std::string(r->device_key.reveal());
  f.Evaluate(change);
  f.clock().Advance(absl::Hours(72));
  Attempt later = f.MakeAttempt(kUser, kMilton, kSafariIphone, "fp-phone",
                                Outcome::kUnknown);
  later.device_key = std::string(r->device_key.reveal());
  EXPECT_EQ(f.Evaluate(later).context.device, "remembered");
}

TEST_F(RememberedDeviceTest, ListRenameForgetRememberDelete) {
  const std::string key = RememberInSweden();
  f_->clock().Advance(absl::Hours(2));
  SignIn(kMilton, key);  // updates last seen and place
  absl::StatusOr<std::vector<DeviceInfo>> list = mfa().ListDevices(kUser);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  const DeviceInfo d = (*list)[0];
  EXPECT_EQ(d.name, "Alice's iPhone");
  EXPECT_TRUE(d.remembered);
  EXPECT_EQ(d.last_country, "US");
  EXPECT_EQ(d.last_ip, kMilton);
  EXPECT_EQ(d.last_seen - d.first_seen, absl::Hours(2));
  EXPECT_EQ(d.expires_at, d.first_seen + absl::Hours(24 * 90));
  EXPECT_EQ(d.id.size(), 32u);
  EXPECT_EQ(d.id.find(key), std::string::npos);

  DeviceUpdate rename;
  rename.name = "Work phone";
  ASSERT_OK(mfa().UpdateDevice(kUser, d.id, rename));
  DeviceUpdate forget;
  forget.remembered = false;
  ASSERT_OK(mfa().UpdateDevice(kUser, d.id, forget));
  list = mfa().ListDevices(kUser);
  EXPECT_EQ((*list)[0].name, "Work phone");
  EXPECT_FALSE((*list)[0].remembered);
  f_->clock().Advance(absl::Hours(72));
  EXPECT_EQ(SignIn(kChangchun, key).verdict, Verdict::kChallenge);

  DeviceUpdate remember;
  remember.remembered = true;
  ASSERT_OK(mfa().UpdateDevice(kUser, d.id, remember));
  EXPECT_EQ(SignIn(kChangchun, key).context.device, "remembered");

  ASSERT_OK(mfa().DeleteDevice(kUser, d.id));
  EXPECT_TRUE(mfa().ListDevices(kUser)->empty());
  EXPECT_TRUE(absl::IsNotFound(mfa().DeleteDevice(kUser, d.id)));
  EXPECT_TRUE(absl::IsNotFound(mfa().UpdateDevice(kUser, d.id, rename)));
  // Another user cannot see or touch it.
  EXPECT_TRUE(mfa().ListDevices("mallory")->empty());
}

TEST_F(RememberedDeviceTest, AtMostNPerUserOldestEvicted) {
  Open(Model("max_remembered_devices = 10", "max_remembered_devices = 2"));
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    f_->clock().Advance(absl::Hours(1));
    Decision d = SignIn(kLinkoping, "");
    if (d.verdict != Verdict::kChallenge) {
      // Sweden became familiar; a fresh country per round keeps it medium.
      d = SignIn(i == 1 ? kMilton : kChangchun, "");
    }
    ASSERT_EQ(d.verdict, Verdict::kChallenge) << i << " " << d.score;
    f_->clock().Advance(absl::Seconds(31));
    keys.push_back(Pass(d));
  }
  absl::StatusOr<std::vector<DeviceInfo>> list = mfa().ListDevices(kUser);
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 2u);
  f_->clock().Advance(absl::Hours(1));
  EXPECT_NE(SignIn(kMelbourne, keys[0]).context.device, "remembered");
  EXPECT_EQ(SignIn(kMelbourne, keys[2]).context.device, "remembered");
}

}  // namespace
}  // namespace vigil::testing
