// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// new_device: device key, else fingerprint, else browser and OS, compared
// with the devices of the user's trusted sign-ins. Features are extracted
// with the engine's own ExtractFeatures, so the fallback order is the real
// one.

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/signals/signal_test_util.h"
#include "engine/features.h"
#include "gtest/gtest.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::TestInput;

constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0.0.0 Safari/537.36";
constexpr char kChrome119Windows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/119.0.0.0 Safari/537.36";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

struct Device {
  std::string key;
  std::string fingerprint;
  std::string user_agent;
};

LearnableFeatures FeaturesOf(const Device& d, Attempt* attempt,
                             UserAgentInfo* ua) {
  attempt->device_key = d.key;
  attempt->device_fingerprint = d.fingerprint;
  attempt->user_agent = d.user_agent;
  *ua = ParseUserAgent(d.user_agent);
  IpAddress ip = *IpAddress::Parse("203.0.113.7");
  return ExtractFeatures(*attempt, ip, GeoInfo(), *ua);
}

TEST(NewDeviceTest, KeyThenFingerprintThenBrowserAndOs) {
  struct Case {
    const char* name;
    std::vector<Device> learned;  // trusted sign-ins of the user
    Device now;
    double score;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"remembered key seen",
       {{"k1", "fp1", kChromeWindows}},
       {"k1", "fp-other", kFirefoxLinux},
       0,
       ""},
      {"key never seen",
       {{"k1", "fp1", kChromeWindows}},
       {"k2", "fp1", kChromeWindows},
       1,
       "device key never seen for this user"},
      {"fingerprint seen",
       {{"", "fp1", kChromeWindows}},
       {"", "fp1", kFirefoxLinux},
       0,
       ""},
      {"fingerprint never seen",
       {{"", "fp1", kChromeWindows}},
       {"", "fp2", kChromeWindows},
       1,
       "device fingerprint never seen for this user"},
      {"fingerprint seen only under a key",
       {{"k1", "fp1", kChromeWindows}},
       {"", "fp1", kChromeWindows},
       1,
       "device fingerprint never seen for this user"},
      {"browser and OS seen (other version)",
       {{"", "", kChrome119Windows}},
       {"", "", kChromeWindows},
       0,
       ""},
      {"browser and OS never seen",
       {{"", "", kChromeWindows}},
       {"", "", kFirefoxLinux},
       1,
       "Firefox on Linux never seen for this user"},
      {"new user, nothing learned",
       {},
       {"", "", kChromeWindows},
       1,
       "Chrome on Windows never seen for this user"},
      {"nothing known about the device",
       {{"k1", "fp1", kChromeWindows}},
       {"", "", ""},
       0,
       ""},
  };
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestInput in;
    in.config.new_device.novelty_strength = 0;  // rate: NewDevicesOfAUser...
    int64_t t = testing::kDay0;
    for (const Device& d : c.learned) {
      Attempt a;
      UserAgentInfo ua;
      const LearnableFeatures f = FeaturesOf(d, &a, &ua);
      in.profile.Observe(Feature::kDevice,
                         f.hashes[static_cast<int>(Feature::kDevice)], t++);
      ++in.profile.successful_sign_ins;
    }
    in.features = FeaturesOf(c.now, &in.attempt, &in.ua);
    const SignalResult r = signal->Evaluate(in.Get());
    EXPECT_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, c.detail);
    EXPECT_FALSE(r.failed);
  }
}

// A user with one trusted sign-in, from a Windows PC with Chrome at
// 203.0.113.7, of which the profile keeps `features`; the population's
// novelty off (the new device's sub-score is 1 before the discounts).
TestInput WithTrustedPc(std::initializer_list<Feature> features) {
  TestInput in;
  in.config.new_device.novelty_strength = 0;
  Attempt a;
  UserAgentInfo ua;
  const LearnableFeatures pc = FeaturesOf({"", "fp1", kChromeWindows}, &a, &ua);
  for (Feature f : features) {
    in.profile.Observe(f, pc.hashes[static_cast<int>(f)], testing::kDay0);
  }
  ++in.profile.successful_sign_ins;
  return in;
}

TEST(NewDeviceTest, NewDeviceOnAKnownIpOrNetworkScoresLess) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  TestInput in =
      WithTrustedPc({Feature::kDevice, Feature::kIp, Feature::kNetwork});
  // The kind of device has tests of its own.
  in.config.new_device.new_kind_factor = 1;
  // A new phone on the same IP: a new phone at home.
  in.features = FeaturesOf({"", "fp2", kChromeWindows}, &in.attempt, &in.ua);
  SignalResult r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 0.25);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user, on a known IP");
  // From another IP of the same /24: the neighbourhood, the user's ISP.
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 0.85);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user, on a known network");
  // The model sets how much less.
  in.config.new_device.known_network_score = 0.25;
  r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 0.25);
  // Elsewhere: in full.
  in.features.hashes[static_cast<int>(Feature::kNetwork)] ^= 1;
  r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 1);
}

// Without a key, a new device whose browser and OS families the user has both
// trusted (the kind of device they own: what an impostor copying them
// brings) scores same_kind_factor times more, capped at 1; a new kind, a
// kind half known, or a new key, does not (a new kind on the user's /24
// scores new_kind_factor times less: the next test).
TEST(NewDeviceTest, ANewDeviceOfTheUsersOwnKindScoresMore) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  TestInput in =
      WithTrustedPc({Feature::kDevice, Feature::kIp, Feature::kNetwork,
                     Feature::kBrowser, Feature::kOs});
  // Another Chrome on Windows on the home /24: 0.85 x 1.15.
  in.features = FeaturesOf({"", "fp2", kChromeWindows}, &in.attempt, &in.ua);
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  SignalResult r = signal->Evaluate(in.Get());
  EXPECT_DOUBLE_EQ(r.score, 0.85 * 1.15);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user, of a kind the user "
            "has (Chrome on Windows), on a known network");
  // Elsewhere: capped at 1.
  in.features.hashes[static_cast<int>(Feature::kNetwork)] ^= 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 1);
  // Off.
  in.config.new_device.same_kind_factor = 1;
  in.features.hashes[static_cast<int>(Feature::kNetwork)] ^= 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85);
  in.config.new_device.same_kind_factor = 1.15;
  in.config.new_device.new_kind_factor = 1;
  // Firefox on Linux: a new kind. Firefox on Windows would be half known.
  for (const char* other :
       {kFirefoxLinux,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
        "Firefox/121.0"}) {
    SCOPED_TRACE(other);
    in.features = FeaturesOf({"", "fp3", other}, &in.attempt, &in.ua);
    in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
    r = signal->Evaluate(in.Get());
    EXPECT_DOUBLE_EQ(r.score, 0.85);
    EXPECT_EQ(
        r.detail,
        "device fingerprint never seen for this user, on a known network");
  }
  // A key never seen: no impostor has one.
  in.features =
      FeaturesOf({"k-new", "fp4", kChromeWindows}, &in.attempt, &in.ua);
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85);
}

// Without a key, on a /24 the user has trusted from another IP, a new device
// whose browser family or OS family the user has never trusted (a person's
// new device at home; an impostor next door copies the victim's kind) scores
// new_kind_factor times less; not on the user's own IP, not elsewhere, not
// with a key, not for a user agent nobody can read.
TEST(NewDeviceTest, ANewDeviceOfANewKindOnTheUsersSlash24ScoresLess) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  TestInput in =
      WithTrustedPc({Feature::kDevice, Feature::kIp, Feature::kNetwork,
                     Feature::kBrowser, Feature::kOs});
  ASSERT_EQ(in.config.new_device.new_kind_factor, 0.5);
  // Firefox on Linux (a new kind) and Firefox on Windows (half known: a new
  // browser family), from another IP of the home /24: 0.85 x 0.5.
  for (const auto& [agent, kind] :
       {std::pair<const char*, const char*>{kFirefoxLinux, "Firefox on Linux"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
         "Firefox/121.0",
         "Firefox on Windows"}}) {
    SCOPED_TRACE(agent);
    in.features = FeaturesOf({"", "fp3", agent}, &in.attempt, &in.ua);
    in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
    const SignalResult r = signal->Evaluate(in.Get());
    EXPECT_DOUBLE_EQ(r.score, 0.85 * 0.5);
    EXPECT_EQ(r.detail,
              absl::StrCat("device fingerprint never seen for this user, of a "
                           "kind new to the user (",
                           kind, "), on a known network"));
  }
  // The model sets how much; 1 turns it off.
  in.config.new_device.new_kind_factor = 0.2;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85 * 0.2);
  in.config.new_device.new_kind_factor = 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85);
  in.config.new_device.new_kind_factor = 0.5;
  // On the user's own IP: the known IP's score alone.
  in.features = FeaturesOf({"", "fp3", kFirefoxLinux}, &in.attempt, &in.ua);
  SignalResult r = signal->Evaluate(in.Get());
  EXPECT_DOUBLE_EQ(r.score, 0.25);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user, on a known IP");
  // On a network the user never used: in full.
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  in.features.hashes[static_cast<int>(Feature::kNetwork)] ^= 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 1);
  // With a key never seen, on the /24: the network's score alone.
  in.features =
      FeaturesOf({"k-new", "fp4", kFirefoxLinux}, &in.attempt, &in.ua);
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85);
  // A user agent of no known browser: no kind, no discount.
  in.features = FeaturesOf({"", "fp5", kFirefoxLinux}, &in.attempt, &in.ua);
  in.features.hashes[static_cast<int>(Feature::kIp)] ^= 1;
  in.features.hashes[static_cast<int>(Feature::kBrowser)] = 0;
  EXPECT_DOUBLE_EQ(signal->Evaluate(in.Get()).score, 0.85);
}

// A user's own rate of bringing new devices, shrunk toward the
// population's: one device for twenty sign-ins is surprised by a second, a
// browser that randomizes its fingerprint at every other sign-in is not.
TEST(NewDeviceTest, NewDevicesOfAUserWhoOftenBringsOneScoreLess) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  TestInput in;
  in.features = FeaturesOf({"", "fp-new", kChromeWindows}, &in.attempt, &in.ua);
  // First sign-in's device only: the population's rate, 5%.
  in.profile.successful_sign_ins = 1;
  in.profile.new_device_sign_ins = 1;
  SignalResult r = signal->Evaluate(in.Get());
  EXPECT_DOUBLE_EQ(r.score, 0.95);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user (the user brings a "
            "new one 5% of the time)");
  // One device in 20 sign-ins: (0 + 4 * 0.05) / (19 + 4).
  in.profile.successful_sign_ins = 20;
  r = signal->Evaluate(in.Get());
  EXPECT_NEAR(r.score, 1 - 0.2 / 23, 1e-12);
  // A new fingerprint every other sign-in: (9 + 0.2) / 23 = 40%.
  in.profile.new_device_sign_ins = 10;
  r = signal->Evaluate(in.Get());
  EXPECT_NEAR(r.score, 1 - 9.2 / 23, 1e-12);
  EXPECT_EQ(r.detail,
            "device fingerprint never seen for this user (the user brings a "
            "new one 40% of the time)");
  // Off: in full.
  in.config.new_device.novelty_strength = 0;
  EXPECT_EQ(signal->Evaluate(in.Get()).score, 1);
}

TEST(NewDeviceTest, NameWeightAndMaturityScaling) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  EXPECT_EQ(signal->name(), "new_device");
  EXPECT_EQ(signal->weight(testing::DefaultConfig()), 0.60);
  EXPECT_TRUE(signal->scaled_by_maturity());
}

}  // namespace
}  // namespace vigil::internal
