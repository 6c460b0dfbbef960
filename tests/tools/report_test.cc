// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The replay report: self-contained HTML that headless Chromium renders
// (skipped where Debian's `chromium` is not installed).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "tools/replay/metrics.h"
#include "tools/replay/replayer.h"
#include "tools/replay/report_html.h"
#include "vigil/model.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::ReadFileOrDie;
using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;
using ::vigil::testing::TestDataPath;

ReplayResult ReplayGolden() {
  absl::StatusOr<std::shared_ptr<const Model>> model =
      Model::LoadFile(SourcePath("models/default.toml"));
  EXPECT_TRUE(model.ok());
  ReplayOptions o;
  o.events_path = SourcePath("tests/tools/testdata/golden.jsonl");
  o.model = *model;
  o.geo.city_dbs = {TestDataPath("maxmind/GeoLite2-City-Test.mmdb")};
  std::ostringstream err;
  absl::StatusOr<ReplayResult> r = Replay(o, err);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ReplayResult();
}

TEST(ReportTest, SelfContainedWithEveryPlot) {
  const ReplayResult r = ReplayGolden();
  const std::string html = HtmlReport(Summarize(r, 5), r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* part :
       {"Score distribution", "ROC curve", "Threshold sweep",
        "Decisions over time", "Top reasons", "Confusion", "Per attack kind",
        "Detection at a legitimate challenge rate", "Risk-score ratio"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  EXPECT_GE(std::count(html.begin(), html.end(), '<'), 100);
  // Nothing is fetched: no script, no link, no URL but the SVG namespace.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  size_t pos = 0, urls = 0, svgs = 0;
  while ((pos = html.find("http", pos)) != std::string::npos) {
    ++urls;
    if (html.compare(pos, 26, "http://www.w3.org/2000/svg") == 0) ++svgs;
    ++pos;
  }
  EXPECT_EQ(urls, svgs);
  EXPECT_EQ(svgs, 5u);
}

std::string Chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

TEST(ReportTest, HeadlessChromiumRendersIt) {
  const std::string chromium = Chromium();
  if (chromium.empty()) GTEST_SKIP() << "Debian package chromium not installed";
  TempDir dir;
  const ReplayResult r = ReplayGolden();
  const std::string html = dir.path() + "/report.html";
  ASSERT_OK(WriteHtmlReport(html, Summarize(r, 5), r));
  const std::string png = dir.path() + "/report.png";
  // TMPDIR: Chromium's singleton socket folder goes with `dir`.
  const std::string env = "TMPDIR=" + dir.path() + " ";
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --hide-scrollbars"
      " --user-data-dir=" +
      dir.path() + "/profile --window-size=1280,1600 ";
  const std::string shot = env + chromium + flags + "--screenshot=" + png +
                           " file://" + html + " >" + dir.path() +
                           "/shot.log 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0)
      << ReadFileOrDie(dir.path() + "/shot.log");
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 10000u);
  EXPECT_EQ(ReadFileOrDie(png).substr(1, 3), "PNG");
  // The DOM Chromium built holds every chart.
  const std::string dom_path = dir.path() + "/dom.html";
  const std::string dump = env + chromium + flags + "--dump-dom file://" + html +
                           " >" + dom_path + " 2>" + dir.path() + "/dom.log";
  ASSERT_EQ(std::system(dump.c_str()), 0)
      << ReadFileOrDie(dir.path() + "/dom.log");
  const std::string dom = ReadFileOrDie(dom_path);
  size_t svgs = 0, pos = 0;
  while ((pos = dom.find("</svg>", pos)) != std::string::npos) {
    ++svgs;
    ++pos;
  }
  EXPECT_EQ(svgs, 5u);
}

}  // namespace
}  // namespace vigil::tools
