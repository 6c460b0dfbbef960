// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil replay: the golden file to exact decisions, the RBA fixture, bad rows
// with their line numbers, the summary's metrics.

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/test_util.h"
#include "tools/replay/event_reader.h"
#include "tools/replay/metrics.h"
#include "tools/replay/replay_command.h"
#include "tools/replay/replayer.h"
#include "vigil/model.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;
using ::vigil::testing::TestDataPath;
using ::vigil::testing::WriteFileOrDie;

std::string Golden(const std::string& name) {
  return SourcePath("tests/tools/testdata/" + name);
}

std::vector<std::string> GeoArgs() {
  return {"--geoip", TestDataPath("maxmind/GeoLite2-City-Test.mmdb"), "--geoip",
          TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
}

// Event ids are random: replace them by "*" after checking their shape.
std::string NormalizeEventIds(const std::string& text) {
  static const std::regex kId("\"event_id\":\"[0-9a-f]{48}\"");
  return std::regex_replace(text, kId, "\"event_id\":\"*\"");
}

int ReplayCli(const std::vector<std::string>& args, std::string* out,
              std::string* err) {
  std::ostringstream o, e;
  const int rc = RunReplay(args, o, e);
  *out = o.str();
  *err = e.str();
  return rc;
}

TEST(ReplayGoldenTest, SmallJsonlToExactDecisions) {
  TempDir dir;
  const std::string out_path = dir.path() + "/decisions.jsonl";
  std::vector<std::string> args = {
      "--events", Golden("golden.jsonl"),
      "--model",  SourcePath("models/default.toml"),
      "--out",    out_path};
  for (const std::string& a : GeoArgs()) args.push_back(a);
  std::string out, err;
  ASSERT_EQ(ReplayCli(args, &out, &err), 0) << err;
  const std::string got = NormalizeEventIds(ReadFileOrDie(out_path));
  const std::string want = ReadFileOrDie(Golden("golden.decisions.jsonl"));
  EXPECT_EQ(got, want) << "regenerate with: vigil replay --events "
                          "tests/tools/testdata/golden.jsonl ... and review";
  // One line per input line, same order.
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 27);
  EXPECT_NE(out.find("detection rate of account takeovers"), std::string::npos);
}

// The default model with probation off ([learning] probation = false): a
// passed challenge is learned at once, which is what the two tests below
// follow through the golden file (with probation on, a challenge passed at
// medium or above is learned on probation: RiskMemoryTest).
absl::StatusOr<std::shared_ptr<const Model>> ModelWithoutProbation() {
  return Model::FromString(
      testing::EditedDefaultModel(
          {{"probation = true\n", "probation = false\n"}}),
      "models/default.toml without probation");
}

TEST(ReplayGoldenTest, LearningFollowsTheDocumentedAssumptions) {
  absl::StatusOr<std::shared_ptr<const Model>> model =
      ModelWithoutProbation();
  ASSERT_OK(model);
  ReplayOptions o;
  o.events_path = Golden("golden.jsonl");
  o.model = *model;
  o.geo.city_dbs = {TestDataPath("maxmind/GeoLite2-City-Test.mmdb")};
  o.geo.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  std::ostringstream err;
  absl::StatusOr<ReplayResult> r = Replay(o, err);
  ASSERT_OK(r);
  ASSERT_EQ(r->rows.size(), 27u);
  // Row 8: alice's new phone is challenged (a mature baseline), and being
  // legitimate the challenge counts as passed: row 9 knows the phone.
  EXPECT_EQ(r->rows[8].verdict, Verdict::kChallenge);
  EXPECT_EQ(r->rows[9].verdict, Verdict::kAllow);
  EXPECT_EQ(r->rows[9].prior_sign_ins, r->rows[8].prior_sign_ins + 1);
  // Row 10: the takeover from Changchun is challenged and, labelled as an
  // attack, never learned: alice's count does not move.
  EXPECT_EQ(r->rows[10].verdict, Verdict::kChallenge);
  EXPECT_TRUE(r->rows[10].takeover);
  EXPECT_EQ(r->rows[26].prior_sign_ins, r->rows[10].prior_sign_ins);
  // The failure (row 6) is not learned either.
  EXPECT_EQ(r->rows[7].prior_sign_ins, r->rows[6].prior_sign_ins);
}

// --label-blind: the engine sees no label, so the challenged takeover of
// row 10 counts as passed and is learned, as in a replay of the same file
// without labels (identical decisions), while the summary still has them.
TEST(ReplayGoldenTest, LabelBlindGivesTheEngineNoLabel) {
  TempDir dir;
  absl::StatusOr<std::shared_ptr<const Model>> model =
      ModelWithoutProbation();
  ASSERT_OK(model);
  std::string stripped;
  for (absl::string_view line : absl::StrSplit(
           ReadFileOrDie(Golden("golden.jsonl")), '\n', absl::SkipEmpty())) {
    const size_t at = line.find(",\"label\":");
    ASSERT_NE(at, absl::string_view::npos) << line;
    absl::StrAppend(&stripped, line.substr(0, at), "}\n");
  }
  WriteFileOrDie(dir.path() + "/unlabelled.jsonl", stripped);
  auto replay = [&](const std::string& events, bool blind,
                    const std::string& out) {
    ReplayOptions o;
    o.events_path = events;
    o.model = *model;
    o.geo.city_dbs = {TestDataPath("maxmind/GeoLite2-City-Test.mmdb")};
    o.geo.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
    o.label_blind = blind;
    o.out_path = out;
    std::ostringstream err;
    absl::StatusOr<ReplayResult> r = Replay(o, err);
    EXPECT_TRUE(r.ok()) << r.status();
    return *std::move(r);
  };
  const ReplayResult blind =
      replay(Golden("golden.jsonl"), true, dir.path() + "/blind.out");
  const ReplayResult none =
      replay(dir.path() + "/unlabelled.jsonl", false, dir.path() + "/none.out");
  const ReplayResult oracle =
      replay(Golden("golden.jsonl"), false, dir.path() + "/oracle.out");
  ASSERT_EQ(blind.rows.size(), 27u);
  EXPECT_EQ(NormalizeEventIds(ReadFileOrDie(dir.path() + "/blind.out")),
            NormalizeEventIds(ReadFileOrDie(dir.path() + "/none.out")));
  EXPECT_NE(NormalizeEventIds(ReadFileOrDie(dir.path() + "/blind.out")),
            NormalizeEventIds(ReadFileOrDie(dir.path() + "/oracle.out")));
  // The takeover is challenged in both protocols; only the oracle fails it.
  EXPECT_EQ(blind.rows[10].verdict, Verdict::kChallenge);
  EXPECT_EQ(blind.rows[26].prior_sign_ins, blind.rows[10].prior_sign_ins + 1);
  EXPECT_EQ(oracle.rows[26].prior_sign_ins, oracle.rows[10].prior_sign_ins);
  // The labels still feed the metrics.
  EXPECT_TRUE(blind.rows[10].takeover);
  EXPECT_FALSE(none.rows[10].takeover);
  EXPECT_TRUE(Summarize(blind, 5).has_labels);
  EXPECT_EQ(Summarize(blind, 5).detection.total,
            Summarize(oracle, 5).detection.total);
}

TEST(ReplayRbaTest, FixtureReplays) {
  std::string out, err;
  TempDir dir;
  const std::string out_path = dir.path() + "/rba.jsonl";
  ASSERT_EQ(ReplayCli({"--events", TestDataPath("rba/rba-dataset-head19.csv"),
                       "--model", SourcePath("models/default.toml"), "--out",
                       out_path},
                      &out, &err),
            0)
      << err;
  const std::string got = ReadFileOrDie(out_path);
  std::vector<std::string> lines = absl::StrSplit(got, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 19u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind("{\"i\":" + std::to_string(i) + ",", 0), 0u)
        << lines[i];
  }
  EXPECT_NE(out.find("19 rows replayed"), std::string::npos) << out;
  EXPECT_NE(out.find("confusion"), std::string::npos);
}

TEST(ReplayRbaTest, CountryAndAsnColumnsStandInForGeoIp) {
  absl::StatusOr<std::unique_ptr<EventReader>> reader =
      EventReader::Open(TestDataPath("rba/rba-dataset-head19.csv"));
  ASSERT_OK(reader);
  EXPECT_EQ((*reader)->format(), InputFormat::kRbaCsv);
  ReplayRow row;
  std::string error;
  ASSERT_EQ((*reader)->Next(&row, &error), EventReader::Result::kRow) << error;
  EXPECT_EQ(row.index, 0);
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.attempt.user_id, "-4324475583306591935");
  EXPECT_EQ(row.attempt.ip, "10.0.65.171");
  EXPECT_EQ(row.attempt.outcome, Outcome::kFailure);
  ASSERT_TRUE(row.geo.has_value());
  EXPECT_EQ(row.geo->country, "NO");
  EXPECT_EQ(row.geo->asn, 29695u);
  EXPECT_EQ(row.geo->city, "");
  ASSERT_TRUE(row.attempt.label.has_value());
  EXPECT_FALSE(row.attempt.label->attack);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M:%E3S", *row.attempt.timestamp,
                             absl::UTCTimeZone()),
            "2020-02-03 12:43:30.772");
  EXPECT_EQ(row.attempt.device_fingerprint,
            "Firefox 20.0.0.1618|iOS 13.4|mobile");
}

TEST(ReplayBadRowsTest, FatalByDefaultNamingTheLine) {
  std::string out, err;
  EXPECT_EQ(ReplayCli({"--events", Golden("bad_rows.jsonl"), "--model",
                       SourcePath("models/default.toml")},
                      &out, &err),
            1);
  EXPECT_NE(err.find("line 2: timestamp"), std::string::npos) << err;
}

TEST(ReplayBadRowsTest, SkippedByFlagEachWithItsLine) {
  TempDir dir;
  const std::string out_path = dir.path() + "/d.jsonl";
  std::string out, err;
  ASSERT_EQ(ReplayCli({"--events", Golden("bad_rows.jsonl"), "--model",
                       SourcePath("models/default.toml"), "--skip-bad-rows",
                       "--out", out_path},
                      &out, &err),
            0)
      << err;
  EXPECT_NE(err.find("line 2: timestamp"), std::string::npos) << err;
  EXPECT_NE(err.find("line 3: ip: not an IPv4 or IPv6 address"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("line 4: user_id"), std::string::npos) << err;
  EXPECT_NE(err.find("line 6: timestamp: out of time order"), std::string::npos)
      << err;
  EXPECT_NE(err.find("line 7: body"), std::string::npos) << err;
  EXPECT_NE(out.find("5 bad rows skipped"), std::string::npos) << out;
  // The output keeps one line per input line, errors in place.
  const std::string got = ReadFileOrDie(out_path);
  std::vector<std::string> lines = absl::StrSplit(got, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1].rfind("{\"i\":1,\"error\":\"line 2: timestamp", 0), 0u)
      << lines[1];
  EXPECT_EQ(lines[4].rfind("{\"i\":4,\"event_id\"", 0), 0u) << lines[4];
}

TEST(ReplayBadRowsTest, RbaRowWithBadFields) {
  TempDir dir;
  std::string csv = ReadFileOrDie(TestDataPath("rba/rba-dataset-head19.csv"));
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  // Line 3: a bad timestamp; line 4: a bad IP.
  lines[2] = std::regex_replace(lines[2], std::regex("2020-02-03 12:43:43.549"),
                                "yesterday");
  lines[3] = std::regex_replace(lines[3], std::regex("81\\.167\\.144\\.58"),
                                "81.167.144");
  const std::string path = dir.path() + "/rba.csv";
  WriteFileOrDie(path, absl::StrJoin(lines, "\n"));
  std::string out, err;
  ASSERT_EQ(ReplayCli({"--events", path, "--model",
                       SourcePath("models/default.toml"), "--skip-bad-rows"},
                      &out, &err),
            0);
  EXPECT_NE(err.find("line 3: timestamp"), std::string::npos) << err;
  EXPECT_NE(err.find("line 4: ip"), std::string::npos) << err;
}

TEST(ReplayInputTest, UnknownFormatIsRefused) {
  TempDir dir;
  WriteFileOrDie(dir.path() + "/x.csv", "a,b,c\n1,2,3\n");
  std::string out, err;
  EXPECT_EQ(ReplayCli({"--events", dir.path() + "/x.csv", "--model",
                       SourcePath("models/default.toml")},
                      &out, &err),
            1);
  EXPECT_NE(err.find("neither JSON Lines"), std::string::npos) << err;
}

TEST(ReplayArgsTest, BadArguments) {
  std::string out, err;
  EXPECT_EQ(ReplayCli({"--events"}, &out, &err), 2);
  EXPECT_EQ(ReplayCli({"--model", "m"}, &out, &err), 2);
  EXPECT_EQ(
      ReplayCli({"--events", "e", "--model", "m", "--bogus", "1"}, &out, &err),
      2);
}

TEST(CsvTest, QuotedFields) {
  std::vector<std::string> f;
  ASSERT_TRUE(SplitCsvLine("a,\"b, c\",\"d \"\"e\"\"\",", &f));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], "b, c");
  EXPECT_EQ(f[2], "d \"e\"");
  EXPECT_EQ(f[3], "");
  EXPECT_FALSE(SplitCsvLine("a,\"b", &f));
}

TEST(MetricsTest, AucAndThreshold) {
  EXPECT_DOUBLE_EQ(RocAuc({0.9f, 0.8f}, {0.1f, 0.2f}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.1f}, {0.9f}), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.5f}, {0.5f}), 0.5);
  // 1 in 4 may be challenged: the threshold lies just above the 2nd highest.
  const double t = ThresholdForRate({0.1f, 0.2f, 0.3f, 0.4f}, 0.25);
  EXPECT_GT(t, 0.3);
  EXPECT_LE(t, 0.4);
}

TEST(MetricsTest, SummaryCountsAndRates) {
  ReplayResult r;
  r.kinds = {"ato_same_city"};
  auto row = [](float score, Verdict v, bool attack, bool takeover, int prior) {
    RowResult x;
    x.score = score;
    x.verdict = v;
    x.labelled = true;
    x.attack = attack;
    x.takeover = takeover;
    x.success = true;
    x.prior_sign_ins = prior;
    x.kind = takeover ? 0 : -1;
    return x;
  };
  r.rows = {row(0.9f, Verdict::kChallenge, true, true, 9),
            row(0.1f, Verdict::kAllow, true, true, 9),
            row(0.6f, Verdict::kChallenge, false, false, 9),
            row(0.0f, Verdict::kAllow, false, false, 9),
            row(0.7f, Verdict::kChallenge, false, false, 1)};
  const Summary s = Summarize(r, 5);
  EXPECT_EQ(s.detection.hits, 1);
  EXPECT_EQ(s.detection.total, 2);
  EXPECT_EQ(s.challenge_mature.hits, 1);
  EXPECT_EQ(s.challenge_mature.total, 2);
  EXPECT_EQ(s.challenge_all.total, 3);
  EXPECT_EQ(s.confusion[static_cast<int>(Verdict::kChallenge)][kTakeover], 1);
  ASSERT_EQ(s.kinds.size(), 1u);
  EXPECT_EQ(s.kinds[0].caught.hits, 1);
  // 0.9 ranks above both legitimate scores, 0.1 above one of them.
  EXPECT_DOUBLE_EQ(s.auc, 0.75);
}

// The operating points on a labelled set computed by hand: 200 legitimate
// sign-ins scored 0, 0.005, ..., 0.995 (the first 100 of users with 1 prior
// trusted sign-in, the others with 20), six takeovers of two kinds.
TEST(MetricsTest, OperatingPointsPerKindAndHistory) {
  ReplayResult r;
  r.kinds = {"ato_a", "ato_b"};
  auto row = [](int64_t time, float score, bool takeover, int prior,
                int16_t kind) {
    RowResult x;
    x.time = time;
    x.score = score;
    x.labelled = true;
    x.attack = takeover;
    x.takeover = takeover;
    x.success = true;
    x.prior_sign_ins = prior;
    x.kind = kind;
    return x;
  };
  for (int i = 0; i < 200; ++i) {
    r.rows.push_back(row(1000 + i, static_cast<float>(i) / 200, false,
                         i < 100 ? 1 : 20, -1));
  }
  r.rows.push_back(row(1300, 0.999f, true, 1, 0));
  r.rows.push_back(row(1301, 0.988f, true, 3, 0));
  r.rows.push_back(row(1302, 0.98f, true, 25, 0));
  r.rows.push_back(row(1303, 0.5f, true, 7, 0));
  r.rows.push_back(row(1304, 0.992f, true, 12, 1));
  r.rows.push_back(row(1305, 0.1f, true, 1, 1));
  // Not in the population: no prior sign-in, a failure, a password change.
  r.rows.push_back(row(1306, 0.0f, true, 0, 0));
  RowResult failure = row(1307, 1.0f, false, 5, -1);
  failure.success = false;
  r.rows.push_back(failure);
  RowResult change = row(1308, 1.0f, false, 5, -1);
  change.sign_in = false;
  r.rows.push_back(change);

  const OperatingPoints op = Summarize(r, 5).operating;
  EXPECT_EQ(op.positives, 6);
  EXPECT_EQ(op.negatives, 200);
  // floor(0.005 * 200) = 1, 2, 4: the 2nd, 3rd and 5th highest legitimate
  // scores.
  EXPECT_FLOAT_EQ(op.thresholds[0], 0.99f);
  EXPECT_FLOAT_EQ(op.thresholds[1], 0.985f);
  EXPECT_FLOAT_EQ(op.thresholds[2], 0.975f);
  const int64_t caught[3] = {
      2, 3, 4};  // above 0.99: 0.999, 0.992; then 0.988; then 0.98
  const int64_t legit[3] = {1, 2, 4};  // 0.995; 0.99; 0.98 and 0.985
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(op.caught[i].hits, caught[i]) << i;
    EXPECT_EQ(op.caught[i].total, 6);
    EXPECT_EQ(op.legit[i].hits, legit[i]) << i;
    EXPECT_EQ(op.legit[i].total, 200);
  }
  ASSERT_EQ(op.kinds.size(), 2u);
  EXPECT_EQ(op.kinds[0].name, "ato_a");
  EXPECT_EQ(op.kinds[0].caught[0].hits, 1);  // 0.999
  EXPECT_EQ(op.kinds[0].caught[2].hits, 3);  // and 0.988, 0.98
  EXPECT_EQ(op.kinds[0].caught[2].total, 4);
  EXPECT_EQ(op.kinds[1].caught[2].hits, 1);  // 0.992
  EXPECT_EQ(op.kinds[1].caught[2].total, 2);
  // At 2 %: history 1 catches 0.999 but not 0.1; 2-4: 0.988; 5-9: not 0.5;
  // 10-19: 0.992; 20+: 0.98. The four legitimate challenges are all 20+.
  const int64_t bucket_hits[5] = {1, 1, 0, 1, 1},
                bucket_total[5] = {2, 1, 1, 1, 1};
  for (int b = 0; b < 5; ++b) {
    EXPECT_EQ(op.history[b].caught[2].hits, bucket_hits[b]) << b;
    EXPECT_EQ(op.history[b].caught[2].total, bucket_total[b]) << b;
  }
  EXPECT_EQ(op.history[0].legit[2].hits, 0);
  EXPECT_EQ(op.history[0].legit[2].total, 100);
  EXPECT_EQ(op.history[4].legit[2].hits, 4);
  EXPECT_EQ(op.history[4].legit[2].total, 100);
  // Means 4.559 / 6 and 99.5 / 200; medians (0.98 + 0.988) / 2 and
  // (0.495 + 0.5) / 2.
  EXPECT_NEAR(op.mean_attacker, 4.559 / 6, 1e-6);
  EXPECT_NEAR(op.mean_legit, 0.4975, 1e-6);
  EXPECT_NEAR(op.mean_ratio(), (4.559 / 6) / 0.4975, 1e-5);
  EXPECT_NEAR(op.median_attacker, 0.984, 1e-6);
  EXPECT_NEAR(op.median_ratio(), 0.984 / 0.4975, 1e-5);

  // A warm-up of half the span (1000..1308) leaves out the first 154 rows.
  EXPECT_EQ(Summarize(r, 5, 0.5).operating.negatives, 200 - 154);
  EXPECT_EQ(Summarize(r, 5, 0.5).operating.positives, 6);

  // The summary prints them.
  std::ostringstream out;
  PrintSummary(Summarize(r, 5), out);
  EXPECT_NE(out.str().find("detection at a legitimate challenge rate"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("risk-score ratio"), std::string::npos);
  EXPECT_NE(out.str().find("20+ (1 takeovers)"), std::string::npos)
      << out.str();
}

TEST(MetricsTest, RiskScoreRatioIsNotANumberWhenLegitimateScoresAreZero) {
  ReplayResult r;
  for (int i = 0; i < 3; ++i) {
    RowResult x;
    x.labelled = true;
    x.success = true;
    x.prior_sign_ins = 2;
    x.score = i == 0 ? 0.8f : 0.0f;
    x.attack = x.takeover = i == 0;
    r.rows.push_back(x);
  }
  const OperatingPoints op = Summarize(r, 5).operating;
  EXPECT_TRUE(std::isnan(op.mean_ratio()));
  EXPECT_TRUE(std::isnan(op.median_ratio()));
  // With every legitimate score 0, any score above 0 is caught at any rate.
  EXPECT_EQ(op.caught[0].hits, 1);
}

}  // namespace
}  // namespace vigil::tools
