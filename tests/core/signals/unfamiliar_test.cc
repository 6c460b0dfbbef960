// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// unfamiliar: likelihood ratios along the network (IP -> network -> ASN ->
// country) and user-agent (UA -> browser -> OS -> device type) hierarchies,
// as documented in models/default.toml:
//   seen at a level:  LR = prior / (count / (n + alpha))
//   seen nowhere:     LR = (n + alpha) / (distinct + alpha)
//                     (novelty_strength = 0, which HomeUser sets), or
//   novelty:          LR = (n - 1 + s) / (distinct - 1 + s rate) at the most
//                     general level not seen (novelty_strength s > 0: the
//                     NoveltyTest cases below)
//   sub-score:        s = 1 - exp(-max(0, ln LR) / scale)
//   score:            1 - (1 - network_weight s_net) (1 - ua_weight s_ua)

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/signals/signal_test_util.h"
#include "gtest/gtest.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::TestInput;

// This attempt's value of every feature; history entries use other hashes
// unless a test says the value was seen.
uint64_t Current(Feature f) { return 1000 + static_cast<uint64_t>(f); }
uint64_t Other(Feature f, int i) {
  return 5000 + 100 * static_cast<int>(f) + i;
}

constexpr Feature kNetworkLevels[] = {Feature::kIp, Feature::kNetwork,
                                      Feature::kAsn, Feature::kCountry};
constexpr Feature kAgentLevels[] = {Feature::kUserAgent, Feature::kBrowser,
                                    Feature::kOs, Feature::kDeviceType};

// The sub-score of a likelihood ratio under the default scale (1.5).
double SubScore(double lr) {
  return 1 - std::exp(-std::max(0.0, std::log(lr)) / 1.5);
}

// An attempt from DE / AS3320 with Chrome on Windows, every feature known,
// by a user with `n` trusted sign-ins, all from one other IP, network, ASN,
// country, UA, browser, OS and device type (one distinct value per level).
TestInput HomeUser(int n) {
  TestInput in;
  in.config.unfamiliar.novelty_strength = 0;
  in.geo.country = "DE";
  in.geo.asn = 3320;
  in.ua.browser = "Chrome";
  in.ua.os = "Windows";
  in.attempt.user_agent = "Chrome on Windows";
  for (int f = 0; f < kFeatureCount; ++f) {
    in.features.hashes[f] = Current(static_cast<Feature>(f));
  }
  in.profile.successful_sign_ins = n;
  if (n > 0) {
    for (int f = 0; f < kFeatureCount; ++f) {
      in.profile.features[f].push_back(
          FeatureEntry{Other(static_cast<Feature>(f), 0),
                       static_cast<uint32_t>(n), testing::kDay0});
    }
    // The attempt's device is the user's (a new device drops the user-agent
    // part: UserAgentOfANewDeviceAddsNothing).
    in.profile.features[static_cast<int>(Feature::kDevice)].push_back(
        FeatureEntry{Current(Feature::kDevice), 1, testing::kDay0});
  }
  return in;
}

// Marks this attempt's value of `f` as seen `count` times.
void Seen(TestInput* in, Feature f, uint32_t count) {
  in->profile.features[static_cast<int>(f)].push_back(
      FeatureEntry{Current(f), count, testing::kDay0});
}

SignalResult Evaluate(const TestInput& in) {
  return UnfamiliarSignal()->Evaluate(in.Get());
}

TEST(UnfamiliarTest, FamiliarNetworkLevelsScoreZero) {
  struct Case {
    const char* name;
    Feature seen;
  };
  const Case cases[] = {{"same IP", Feature::kIp},
                        {"new IP, same /24", Feature::kNetwork},
                        {"new IP, same ASN", Feature::kAsn}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestInput in = HomeUser(20);
    Seen(&in, c.seen, 20);
    Seen(&in, Feature::kUserAgent, 20);
    const SignalResult r = Evaluate(in);
    EXPECT_EQ(r.score, 0);
    EXPECT_EQ(r.detail, "");
    EXPECT_FALSE(r.failed);
  }
}

TEST(UnfamiliarTest, NothingSeenUsesTheUsersOwnSpread) {
  // n = 20, distinct = 1: LR = (20 + 1) / (1 + 1) = 21/2.
  TestInput in = HomeUser(20);
  Seen(&in, Feature::kUserAgent, 20);  // isolate the network part
  const SignalResult r = Evaluate(in);
  const double s_net = 1 - std::exp(-std::log(21.0 / 2) / 1.5);
  EXPECT_NEAR(s_net, 1 - std::pow(21.0 / 2, -2.0 / 3), 1e-12);
  EXPECT_NEAR(r.score, 0.55 * s_net, 1e-12);
  EXPECT_NEAR(r.score, 0.4353, 1e-4);
  EXPECT_EQ(r.detail, "network: country DE, AS3320 never seen (LR 10.5)");

  // Without an ASN the country is named alone.
  in.geo.asn = 0;
  in.features.hashes[static_cast<int>(Feature::kAsn)] = 0;
  EXPECT_EQ(Evaluate(in).detail, "network: country DE never seen (LR 10.5)");
}

TEST(UnfamiliarTest, ANewUserIsNotSurprising) {
  TestInput in = HomeUser(0);
  const SignalResult r = Evaluate(in);
  EXPECT_EQ(r.score, 0);  // LR = (0 + 1) / (0 + 1) = 1
  EXPECT_EQ(r.detail, "");
}

TEST(UnfamiliarTest, ARoamingUserScoresLowerThanAStayAtHomeUser) {
  TestInput home = HomeUser(20);
  Seen(&home, Feature::kUserAgent, 20);
  TestInput roaming = HomeUser(20);
  Seen(&roaming, Feature::kUserAgent, 20);
  // Ten countries, twice each.
  auto& countries =
      roaming.profile.features[static_cast<int>(Feature::kCountry)];
  countries.clear();
  for (int i = 0; i < 10; ++i) {
    countries.push_back(
        FeatureEntry{Other(Feature::kCountry, i), 2, testing::kDay0});
  }
  const double s_home = Evaluate(home).score;
  const double s_roaming = Evaluate(roaming).score;
  EXPECT_LT(s_roaming, s_home);
  EXPECT_GT(s_roaming, 0);
  EXPECT_NEAR(s_roaming, 0.55 * SubScore(21.0 / 11), 1e-12);
  EXPECT_NEAR(s_home, 0.55 * SubScore(21.0 / 2), 1e-12);
  EXPECT_EQ(Evaluate(roaming).detail,
            "network: country DE, AS3320 never seen (LR 1.9)");
}

TEST(UnfamiliarTest, RarelySeenLevelsUseThePrior) {
  struct Case {
    const char* name;
    Feature seen;
    uint32_t count;
    double lr;  // prior * (n + alpha) / count with n = 19
    std::string label;
  };
  const std::vector<Case> cases = {
      {"IP seen once", Feature::kIp, 1, 1e-6 * 20, ""},
      {"network seen once", Feature::kNetwork, 1, 1e-5 * 20, ""},
      {"ASN seen once", Feature::kAsn, 1, 1e-3 * 20, ""},
      {"country seen once", Feature::kCountry, 1, 0.02 * 20, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestInput in = HomeUser(19);
    Seen(&in, Feature::kUserAgent, 19);
    Seen(&in, c.seen, c.count);
    EXPECT_EQ(Evaluate(in).score, 0) << "LR " << c.lr << " < 1";
  }
  // A learned country share overrides the country prior.
  TestInput in = HomeUser(19);
  Seen(&in, Feature::kUserAgent, 19);
  Seen(&in, Feature::kCountry, 1);
  in.config.unfamiliar.country_share["DE"] = 0.5;  // LR = 0.5 * 20 = 10
  const SignalResult r = Evaluate(in);
  EXPECT_NEAR(r.score, 0.55 * SubScore(10), 1e-12);
  EXPECT_EQ(r.detail, "network: country rarely seen (LR 10.0)");
  in.config.unfamiliar.country_share.clear();
  in.config.unfamiliar.country_share["FR"] = 0.5;  // another country's share
  EXPECT_EQ(Evaluate(in).score, 0);
}

TEST(UnfamiliarTest, UserAgentHierarchyBacksOff) {
  struct Case {
    const char* name;
    Feature seen;  // the most specific level seen once; kCity: none
    double lr;     // with n = 19, alpha = 1
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"exact UA seen once", Feature::kUserAgent, 0.01 * 20, ""},
      {"browser seen once", Feature::kBrowser, 0.1 * 20,
       "user agent: Chrome on Windows, browser rarely seen (LR 2.0)"},
      {"OS seen once", Feature::kOs, 0.15 * 20,
       "user agent: Chrome on Windows, OS rarely seen (LR 3.0)"},
      {"device type seen once", Feature::kDeviceType, 0.3 * 20,
       "user agent: Chrome on Windows, device type rarely seen (LR 6.0)"},
      {"nothing seen", Feature::kCity, 20.0 / 2,
       "user agent: Chrome on Windows never seen (LR 10.0)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestInput in = HomeUser(19);
    Seen(&in, Feature::kIp, 19);  // isolate the user-agent part
    if (c.seen != Feature::kCity) Seen(&in, c.seen, 1);
    const SignalResult r = Evaluate(in);
    EXPECT_NEAR(r.score, 0.20 * SubScore(c.lr), 1e-12);
    EXPECT_EQ(r.detail, c.detail);
  }
}

// A new device brings a new browser or OS as a rule: its user agent adds
// nothing to new_device (user_agent_new_device_factor 0), and a copy of the
// user's own is no comfort either.
TEST(UnfamiliarTest, UserAgentOfANewDeviceAddsNothing) {
  TestInput in = HomeUser(20);
  in.profile.Forget(Feature::kDevice, Current(Feature::kDevice));
  SignalResult r = Evaluate(in);
  EXPECT_NEAR(r.score, 0.55 * SubScore(21.0 / 2), 1e-12);
  EXPECT_EQ(r.detail, "network: country DE, AS3320 never seen (LR 10.5)");
  in.config.unfamiliar.user_agent_new_device_factor = 0.5;
  r = Evaluate(in);
  EXPECT_NEAR(r.score,
              1 - (1 - 0.55 * SubScore(21.0 / 2)) *
                      (1 - 0.20 * 0.5 * SubScore(21.0 / 2)),
              1e-12);
}

TEST(UnfamiliarTest, BothHierarchiesCombine) {
  TestInput in = HomeUser(20);
  const SignalResult r = Evaluate(in);
  const double s = SubScore(21.0 / 2);
  EXPECT_NEAR(r.score, 1 - (1 - 0.55 * s) * (1 - 0.20 * s), 1e-12);
  EXPECT_EQ(r.detail,
            "network: country DE, AS3320 never seen (LR 10.5); "
            "user agent: Chrome on Windows never seen (LR 10.5)");
}

TEST(UnfamiliarTest, WeightsAndScaleComeFromTheModel) {
  TestInput in = HomeUser(20);
  Seen(&in, Feature::kUserAgent, 20);
  in.config.unfamiliar.network_weight = 1.0;
  in.config.unfamiliar.scale = 0.5;
  EXPECT_NEAR(Evaluate(in).score, 1 - std::exp(-std::log(21.0 / 2) / 0.5),
              1e-12);
  in.config.unfamiliar.alpha = 5;  // LR = (20 + 5) / (1 + 5)
  EXPECT_NEAR(Evaluate(in).score, 1 - std::exp(-std::log(25.0 / 6) / 0.5),
              1e-12);
}

// Novelty (novelty_strength > 0, the default model's 4): a value new at the
// most general level the user has not seen counts LR = 1 / p_new with
// p_new = (distinct - 1 + s * rate) / (n - 1 + s).
TestInput NoveltyUser(int n) {
  TestInput in = HomeUser(n);
  in.config.unfamiliar.novelty_strength = 4;
  Seen(&in, Feature::kUserAgent, n);  // isolate the network part
  return in;
}

TEST(UnfamiliarNoveltyTest, AUserWithOneSignInIsJudgedByThePopulation) {
  // n = 1, distinct = 1: p_new = (0 + 4 * 0.03) / (0 + 4) = 0.03.
  TestInput in = NoveltyUser(1);
  const SignalResult r = Evaluate(in);
  EXPECT_NEAR(r.score, 0.55 * SubScore(1 / 0.03), 1e-12);
  EXPECT_EQ(r.detail, "network: country DE, AS3320 never seen (LR 33.3)");
  // The older rule saw nothing: (1 + 1) / (1 + 1) = 1.
  in.config.unfamiliar.novelty_strength = 0;
  EXPECT_EQ(Evaluate(in).score, 0);
}

TEST(UnfamiliarNoveltyTest, ANewAsnInAKnownCountryCountsByTheUsersRecord) {
  // Twenty sign-ins, one ASN: p_new = (0 + 4 * 0.1) / (19 + 4).
  TestInput home = NoveltyUser(20);
  Seen(&home, Feature::kCountry, 20);
  const SignalResult r = Evaluate(home);
  EXPECT_NEAR(r.score, 0.55 * SubScore(23 / 0.4), 1e-12);
  EXPECT_EQ(r.detail, "network: AS3320 never seen (LR 57.5)");
  // A user of ten ASNs: p_new = (9 + 0.4) / 23, far less surprising.
  TestInput roaming = NoveltyUser(20);
  Seen(&roaming, Feature::kCountry, 20);
  auto& asns = roaming.profile.features[static_cast<int>(Feature::kAsn)];
  asns.clear();
  for (int i = 0; i < 10; ++i) {
    asns.push_back(FeatureEntry{Other(Feature::kAsn, i), 2, testing::kDay0});
  }
  EXPECT_NEAR(Evaluate(roaming).score, 0.55 * SubScore(23 / 9.4), 1e-12);
  EXPECT_LT(Evaluate(roaming).score, r.score);
}

TEST(UnfamiliarNoveltyTest, ANewIpInAKnownNetworkIsNoNews) {
  TestInput in = NoveltyUser(20);
  Seen(&in, Feature::kNetwork, 20);  // the /24 is known, the IP is not
  EXPECT_EQ(Evaluate(in).score, 0);
  // A new /24 in a known ASN is: p_new = (0 + 4 * 0.3) / 23.
  TestInput other = NoveltyUser(20);
  Seen(&other, Feature::kAsn, 20);
  const SignalResult r = Evaluate(other);
  EXPECT_NEAR(r.score, 0.55 * SubScore(23 / 1.2), 1e-12);
  EXPECT_EQ(r.detail, "network: network never seen (LR 19.2)");
}

}  // namespace
}  // namespace vigil::internal
