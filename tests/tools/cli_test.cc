// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The `vigil` binary as a user meets it: every command of tools/commands.h
// answers --help with each of its flags, `vigil --help` lists every command,
// --version everywhere; and long work draws a progress line on a terminal
// and nothing in a pipe.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "tools/commands.h"
#include "vigil/version.h"

namespace vigil::tools {
namespace {

using ::vigil::testing::SourcePath;
using ::vigil::testing::TempDir;

struct Result {
  int code = -1;
  std::string out;  // stdout, or everything on the terminal under a pty
  std::string err;
};

// Runs `args` (argv[0] a path) with stdout and stderr on pipes, or, with
// `pty`, on a pseudo-terminal (both; `err` stays empty).
Result Exec(const std::vector<std::string>& args, bool pty = false) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Result r;
  auto drain = [](int fd, std::string* into) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) into->append(buf, n);
  };
  pid_t pid;
  if (pty) {
    int master = -1;
    pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) {
      execv(argv[0], argv.data());
      _exit(127);
    }
    if (pid < 0) return r;
    drain(master, &r.out);  // ends with EIO once the child has exited
    close(master);
  } else {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return r;
    pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      dup2(err[1], 2);
      close(out[0]);
      close(err[0]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    // stderr first is safe: these commands write little to stdout.
    drain(err[0], &r.err);
    drain(out[0], &r.out);
    close(out[0]);
    close(err[0]);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> Vigil(const std::vector<std::string>& args) {
  std::vector<std::string> all = {VIGIL_CLI_PATH};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

TEST(CliTest, EveryCommandAnswersHelpWithEachOfItsFlags) {
  ASSERT_FALSE(VigilCommands().empty());
  for (const flags::Command& c : VigilCommands()) {
    const std::string name = absl::StrJoin(c.words, " ");
    SCOPED_TRACE(name);
    std::vector<std::string> args = c.words;
    args.push_back("--help");
    Result r = Exec(Vigil(args));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(absl::StartsWith(r.out, absl::StrCat("usage: vigil ", name)))
        << r.out;
    for (const flags::FlagSpec& f : c.spec->flags) {
      EXPECT_TRUE(absl::StrContains(r.out, absl::StrCat("  --", f.name)))
          << "--" << f.name << " missing from:\n"
          << r.out;
    }
    // The same in-process, where the tests call the commands.
    std::ostringstream out, err;
    EXPECT_EQ(c.run({"--help"}, out, err), 0);
    EXPECT_EQ(out.str(), r.out);
    // --help wins over a flag that lacks its value.
    if (!c.spec->flags.empty() &&
        c.spec->flags[0].kind != flags::Kind::kSwitch) {
      args = c.words;
      args.push_back("--" + c.spec->flags[0].name);
      args.push_back("--help");
      EXPECT_EQ(Exec(Vigil(args)).code, 0);
    }
    // An unknown flag: exit 2 and a pointer to the help.
    args = c.words;
    args.push_back("--no-such-flag");
    r = Exec(Vigil(args));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, absl::StrCat("vigil ", name,
                                  ": unknown flag --no-such-flag; see vigil ",
                                  name, " --help\n"));
    EXPECT_TRUE(r.out.empty());
    // --version.
    args = c.words;
    args.push_back("--version");
    r = Exec(Vigil(args));
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, absl::StrCat("vigil ", VersionString(), "\n"));
  }
}

TEST(CliTest, TopLevelHelpListsEveryCommandAndVersionIsTheProjects) {
  Result r = Exec(Vigil({"--help"}));
  EXPECT_EQ(r.code, 0);
  for (const flags::Command& c : VigilCommands()) {
    EXPECT_TRUE(absl::StrContains(
        r.out, absl::StrCat("  ", absl::StrJoin(c.words, " "), " ")))
        << r.out;
  }
  r = Exec(Vigil({"--version"}));
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(absl::StartsWith(r.out, absl::StrCat("vigil ", kVersion)))
      << r.out;
  // A group alone lists its commands.
  r = Exec(Vigil({"backup", "--help"}));
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.out, "backup restore")) << r.out;
  // Nothing, or an unknown command: usage on stderr, exit 2.
  EXPECT_EQ(Exec(Vigil({})).code, 2);
  r = Exec(Vigil({"frobnicate"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "vigil: unknown command \"frobnicate\"; see vigil --help\n");
}

TEST(CliTest, VigildAnswersHelpAndVersion) {
  Result r = Exec({VIGILD_PATH, "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* flag : {"--config FILE", "--listen HOST:PORT",
                           "--data-dir DIR", "--help", "--version"}) {
    EXPECT_TRUE(absl::StrContains(r.out, flag)) << r.out;
  }
  r = Exec({VIGILD_PATH, "--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, absl::StrCat("vigild ", VersionString(), "\n"));
  r = Exec({VIGILD_PATH, "--port", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "vigild: unknown flag --port; see vigild --help\n");
}

// 100,000 sign-ins as JSON Lines, one a minute, spread over 500 users.
std::string WriteRows(const std::string& dir) {
  const std::string path = dir + "/rows.jsonl";
  std::ofstream f(path, std::ios::binary);
  constexpr int64_t kStart = 1767571200;  // 2026-01-05
  char ts[32];
  for (int i = 0; i < 100'000; ++i) {
    const time_t t = kStart + i * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    f << "{\"timestamp\":\"" << ts << "\",\"user_id\":\"u" << i % 500
      << "\",\"ip\":\"10." << i % 7 << "." << (i / 7) % 250 << ".1\","
      << "\"outcome\":\"success\"}\n";
  }
  return path;
}

TEST(CliTest, ReplayDrawsProgressOnATerminalOnlyAndWarnsWithoutGeoIp) {
  TempDir dir;
  const std::string rows = WriteRows(dir.path());
  const std::vector<std::string> args =
      Vigil({"replay", "--events", rows, "--model",
             SourcePath("models/default.toml"), "--temp-dir", dir.path()});
  constexpr char kWarning[] = "vigil replay: warning: no --geoip data";

  // On a terminal: the progress line, redrawn with \r, ending in a summary.
  Result tty = Exec(args, /*pty=*/true);
  ASSERT_EQ(tty.code, 0) << tty.out;
  EXPECT_TRUE(absl::StrContains(tty.out, "\rreplay: ")) << tty.out;
  EXPECT_TRUE(absl::StrContains(tty.out, "\rreplay: 100000 rows, ")) << tty.out;
  EXPECT_TRUE(absl::StrContains(tty.out, " rows/s, done in ")) << tty.out;
  const size_t first = tty.out.find(kWarning);
  EXPECT_NE(first, std::string::npos) << tty.out;
  EXPECT_EQ(tty.out.find(kWarning, first + 1), std::string::npos)
      << "the warning, once:\n"
      << tty.out;

  // In a pipe: the same summary and the warning, no progress at all.
  Result piped = Exec(args);
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_FALSE(absl::StrContains(piped.err, "\r")) << piped.err;
  EXPECT_FALSE(absl::StrContains(piped.err, "rows/s")) << piped.err;
  EXPECT_FALSE(absl::StrContains(piped.out, "\r"));
  EXPECT_TRUE(absl::StartsWith(piped.err, kWarning)) << piped.err;
  EXPECT_EQ(piped.err.find(kWarning, 1), std::string::npos) << piped.err;
  EXPECT_TRUE(absl::StrContains(piped.out, "100000")) << piped.out;

  // With GeoIP files: no warning.
  std::vector<std::string> geo = args;
  geo.push_back("--geoip");
  geo.push_back(
      ::vigil::testing::TestDataPath("maxmind/GeoLite2-City-Test.mmdb"));
  geo.push_back("--limit");
  geo.push_back("10");
  piped = Exec(geo);
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_FALSE(absl::StrContains(piped.err, "warning")) << piped.err;
}

}  // namespace
}  // namespace vigil::tools
