// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// new_device: device key, else fingerprint, else browser and OS, compared
// with the devices of the user's trusted sign-ins. Features are extracted
// with the engine's own ExtractFeatures, so the fallback order is the real
// one.

#include <string>
#include <vector>

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

TEST(NewDeviceTest, NewDeviceOnAKnownNetworkScoresLess) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  TestInput in;
  Attempt a;
  UserAgentInfo ua;
  // The user's PC, learned from 203.0.113.7 (the attempt's /24).
  const LearnableFeatures pc = FeaturesOf({"", "fp1", kChromeWindows}, &a, &ua);
  in.profile.Observe(Feature::kDevice, pc.hashes[static_cast<int>(Feature::kDevice)],
                     testing::kDay0);
  in.profile.Observe(Feature::kNetwork, pc.hashes[static_cast<int>(Feature::kNetwork)],
                     testing::kDay0);
  ++in.profile.successful_sign_ins;
  in.features = FeaturesOf({"", "fp2", kChromeWindows}, &in.attempt, &in.ua);
  SignalResult r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 0.5);
  EXPECT_EQ(r.detail, "device fingerprint never seen for this user, on a known network");
  // The model sets how much less.
  in.config.new_device.known_network_score = 0.25;
  r = signal->Evaluate(in.Get());
  EXPECT_EQ(r.score, 0.25);
}

TEST(NewDeviceTest, NameWeightAndMaturityScaling) {
  const std::unique_ptr<Signal> signal = NewDeviceSignal();
  EXPECT_EQ(signal->name(), "new_device");
  EXPECT_EQ(signal->weight(testing::DefaultConfig()), 0.60);
  EXPECT_TRUE(signal->scaled_by_maturity());
}

}  // namespace
}  // namespace vigil::internal
