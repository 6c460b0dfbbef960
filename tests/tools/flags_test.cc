// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// cli/flags.h: parsing, errors and help from one CommandSpec; and
// cli/progress.h's line.

#include "cli/flags.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "cli/progress.h"
#include "gtest/gtest.h"
#include "vigil/version.h"

namespace vigil::flags {
namespace {

const CommandSpec& Spec() {
  static const auto* const spec =
      new CommandSpec{.path = "vigil demo",
                      .summary = "a command for the tests",
                      .flags = {{.name = "in",
                                 .value_name = "FILE",
                                 .help = "input",
                                 .required = true},
                                {.name = "n",
                                 .kind = Kind::kInt,
                                 .value_name = "N",
                                 .help = "a count",
                                 .default_value = "5",
                                 .min = 1,
                                 .max = 10},
                                {.name = "rate",
                                 .kind = Kind::kDouble,
                                 .help = "a rate",
                                 .min = 0,
                                 .max = 1},
                                {.name = "tag",
                                 .value_name = "T",
                                 .help = "a tag",
                                 .repeatable = true},
                                {.name = "mode",
                                 .kind = Kind::kChoice,
                                 .help = "how",
                                 .default_value = "fast",
                                 .choices = {"fast", "slow"}},
                                {.name = "dry-run",
                                 .kind = Kind::kSwitch,
                                 .help = "change nothing"}},
                      .positional = "FILE...",
                      .details = "More words.\n"};
  return *spec;
}

std::string ErrorOf(const std::vector<std::string>& args) {
  absl::StatusOr<Values> v = Parse(Spec(), args);
  return v.ok() ? "" : std::string(v.status().message());
}

TEST(FlagsTest, ParsesValuesDefaultsAndPositionals) {
  absl::StatusOr<Values> v =
      Parse(Spec(), {"--in", "a.txt", "--n=7", "--tag", "x", "--tag=y",
                     "--dry-run", "p1", "--", "--p2"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Get("in"), "a.txt");
  EXPECT_EQ(v->GetInt("n"), 7);
  EXPECT_EQ(v->All("tag"), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(v->Has("dry-run"));
  EXPECT_FALSE(v->Has("mode"));
  EXPECT_EQ(v->Get("mode"), "fast");  // the default
  EXPECT_FALSE(v->Has("rate"));
  EXPECT_EQ(v->positional(), (std::vector<std::string>{"p1", "--p2"}));
  EXPECT_FALSE(v->help());
}

TEST(FlagsTest, RefusesBadCommandLinesWithOneClearMessage) {
  EXPECT_EQ(ErrorOf({"--in", "a", "--x"}), "unknown flag --x");
  EXPECT_EQ(ErrorOf({"--in", "a", "-x"}), "unknown flag -x");
  EXPECT_EQ(ErrorOf({"--in"}), "--in: needs a value");
  // A forgotten value does not swallow the next flag.
  EXPECT_EQ(ErrorOf({"--in", "--dry-run"}), "--in: needs a value");
  EXPECT_EQ(ErrorOf({"--in", "a", "--dry-run=yes"}),
            "--dry-run: takes no value");
  EXPECT_EQ(ErrorOf({"--in", "a", "--in", "b"}), "--in: given twice");
  EXPECT_EQ(ErrorOf({"--in", "a", "--n", "x"}), "--n: \"x\" is not an integer");
  EXPECT_EQ(ErrorOf({"--in", "a", "--n", "11"}),
            "--n: must be between 1 and 10");
  EXPECT_EQ(ErrorOf({"--in", "a", "--rate", "nan"}),
            "--rate: \"nan\" is not a number");
  EXPECT_EQ(ErrorOf({"--in", "a", "--rate", "1.5"}),
            "--rate: must be between 0 and 1");
  EXPECT_EQ(ErrorOf({"--in", "a", "--mode", "medium"}),
            "--mode: must be one of fast, slow");
  EXPECT_EQ(ErrorOf({}), "--in is required");
  CommandSpec two{.path = "t",
                  .flags = {{.name = "a", .required = true},
                            {.name = "b", .required = true},
                            {.name = "c", .required = true}}};
  EXPECT_EQ(Parse(two, {}).status().message(), "--a, --b and --c are required");
  EXPECT_EQ(Parse(two, {"--a", "1", "x"}).status().message(),
            "unexpected argument \"x\"");
}

TEST(FlagsTest, HelpAndVersionWinAndExitZero) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"--in", "--help"}, {"--bogus", "--help"}}) {
    std::ostringstream out, err;
    Values v;
    EXPECT_EQ(ParseOrExit(Spec(), args, out, err, &v), 0);
    EXPECT_EQ(out.str(), Help(Spec()));
    EXPECT_TRUE(err.str().empty());
  }
  std::ostringstream out, err;
  Values v;
  EXPECT_EQ(ParseOrExit(Spec(), {"--version"}, out, err, &v), 0);
  EXPECT_EQ(out.str(), std::string("vigil ") + VersionString() + "\n");
  EXPECT_EQ(ParseOrExit(Spec(), {"--in", "a", "--x"}, out, err, &v), 2);
  EXPECT_EQ(err.str(), "vigil demo: unknown flag --x; see vigil demo --help\n");
  EXPECT_EQ(ParseOrExit(Spec(), {"--in", "a"}, out, err, &v), std::nullopt);
  EXPECT_EQ(v.Get("in"), "a");
}

TEST(FlagsTest, HelpShowsEveryFlagFromTheSpec) {
  const std::string help = Help(Spec());
  EXPECT_TRUE(absl::StartsWith(
      help,
      "usage: vigil demo --in FILE [--n N] [--rate VALUE] [--tag T]... "
      "[--mode fast|slow] [--dry-run] FILE...\na command for the tests\n"))
      << help;
  EXPECT_TRUE(absl::StrContains(help, "--in FILE  ")) << help;
  EXPECT_TRUE(absl::StrContains(help, "input (required)")) << help;
  EXPECT_TRUE(absl::StrContains(help, "a count (default: 5)")) << help;
  EXPECT_TRUE(absl::StrContains(help, "a tag (repeatable)")) << help;
  EXPECT_TRUE(absl::StrContains(help, "--help ")) << help;
  EXPECT_TRUE(absl::StrContains(help, "--version ")) << help;
  EXPECT_TRUE(absl::EndsWith(help, "\nMore words.\n")) << help;
}

TEST(FlagsTest, DispatchFindsCommandsAndListsThem) {
  std::vector<std::string> seen;
  auto run = [&seen](const std::vector<std::string>& args, std::ostream&,
                     std::ostream&) {
    seen = args;
    return 7;
  };
  static const CommandSpec a{.path = "p g a", .summary = "first"};
  static const CommandSpec b{.path = "p solo", .summary = "second"};
  const std::vector<Command> commands = {{{"g", "a"}, &a, run},
                                         {{"solo"}, &b, run}};
  std::ostringstream out, err;
  EXPECT_EQ(Dispatch("p", commands, {"g", "a", "--x", "1"}, out, err), 7);
  EXPECT_EQ(seen, (std::vector<std::string>{"--x", "1"}));
  EXPECT_EQ(Dispatch("p", commands, {"solo"}, out, err), 7);
  EXPECT_TRUE(seen.empty());

  EXPECT_EQ(Dispatch("p", commands, {"--help"}, out, err), 0);
  EXPECT_TRUE(absl::StrContains(out.str(), "  g a   first\n")) << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "  solo  second\n")) << out.str();
  out.str("");
  EXPECT_EQ(Dispatch("p", commands, {"g", "--help"}, out, err), 0);
  EXPECT_TRUE(absl::StrContains(out.str(), "g a  first")) << out.str();
  EXPECT_FALSE(absl::StrContains(out.str(), "solo")) << out.str();
  EXPECT_EQ(Dispatch("p", commands, {"--version"}, out, err), 0);

  EXPECT_EQ(Dispatch("p", commands, {}, out, err), 2);
  err.str("");
  EXPECT_EQ(Dispatch("p", commands, {"nope"}, out, err), 2);
  EXPECT_EQ(err.str(), "p: unknown command \"nope\"; see p --help\n");
  err.str("");
  EXPECT_EQ(Dispatch("p", commands, {"g", "b"}, out, err), 2);
  EXPECT_EQ(err.str(), "p g: unknown command \"b\"; see p g --help\n");
  EXPECT_EQ(Dispatch("p", commands, {"g"}, out, err), 2);
}

TEST(ProgressTest, DrawsOnlyWhenEnabledAndEndsTheLine) {
  std::ostringstream quiet;
  {
    Progress p(quiet, "replay", "rows");  // not std::cerr: never draws
    EXPECT_FALSE(p.enabled());
    p.Update(10);
  }
  EXPECT_TRUE(quiet.str().empty());

  std::ostringstream os;
  {
    Progress p(os, true, "simulate", "users");
    p.SetTotal(200);
    p.Update(50);  // the first update draws at once
    EXPECT_TRUE(absl::StartsWith(os.str(), "\rsimulate: 50/200 users (25%), "))
        << os.str();
    p.Update(200);
  }  // the destructor draws the final line
  EXPECT_TRUE(absl::StrContains(os.str(), "\rsimulate: 200/200 users, "))
      << os.str();
  EXPECT_TRUE(absl::StrContains(os.str(), "users/s, done in 0:00")) << os.str();
  EXPECT_TRUE(absl::EndsWith(os.str(), "\n"));
}

}  // namespace
}  // namespace vigil::flags
