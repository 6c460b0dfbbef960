// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/vigild_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "service/auth.h"
#include "testing/test_util.h"

namespace vigil::testing {

namespace {

// This process's environment with TMPDIR set to `dir`, for a vigild child:
// the folder vigild on memory: makes for its TOTP key goes under the test's
// own folder, removed with it even when the test kills vigild with SIGKILL
// (which leaves vigild no chance to remove it). Built before fork: the child
// only calls execve.
class ChildEnvironment {
 public:
  explicit ChildEnvironment(const std::string& dir) {
    for (char** e = environ; *e != nullptr; ++e) {
      if (!absl::StartsWith(*e, "TMPDIR=")) strings_.emplace_back(*e);
    }
    strings_.push_back(absl::StrCat("TMPDIR=", dir));
    for (std::string& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

}  // namespace


std::string TestApiKeysToml() {
  auto entry = [](absl::string_view name, absl::string_view key,
                  absl::string_view scopes) {
    return absl::StrCat("[[api_keys]]\nname = \"", name, "\"\nsha256 = \"",
                        service::HashApiKey(service::SecretString(key)),
                        "\"\nscopes = ", scopes, "\n");
  };
  return absl::StrCat(entry("test-evaluate", kEvaluateKey, "[\"evaluate\"]"),
                      entry("test-admin", kAdminKey, "[\"admin\"]"),
                      entry("test-mfa", kMfaKey, "[\"mfa\"]"));
}

bool TestStoreIsMemory() {
  static const bool memory = [] {
    const char* env = std::getenv("VIGIL_TEST_STORE");
    const std::string store = env != nullptr ? env : "";
    if (store.empty() || store == "rocksdb") return false;
    if (store == "memory") return true;
    std::fprintf(stderr,
                 "VIGIL_TEST_STORE=%s: must be rocksdb (the default) or "
                 "memory\n",
                 store.c_str());
    std::abort();
  }();
  return memory;
}

std::string TestStoreUrl(const std::string& data_dir) {
  return TestStoreIsMemory() ? "memory:" : absl::StrCat("rocksdb:", data_dir);
}

std::string TestStorageToml(const std::string& data_dir) {
  return absl::StrCat("[storage]\nurl = \"", TestStoreUrl(data_dir), "\"\n");
}

std::string TestConfigToml(const std::string& data_dir,
                           const std::string& model_path,
                           const std::string& extra_server) {
  return absl::StrCat(
      "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n", extra_server, "\n",
      TestStorageToml(data_dir), "[model]\npath = \"", model_path,
      "\"\n[geo]\ncity_dbs = [\"",
      TestDataPath("maxmind/GeoIP2-City-Test.mmdb"), "\"]\nasn_dbs = [\"",
      TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb"), "\"]\nasn_csvs = []\n",
      TestApiKeysToml());
}

absl::StatusOr<std::unique_ptr<VigildProcess>> VigildProcess::Start(
    const std::string& dir, const std::string& config_toml) {
  std::string config_path = dir + "/vigild.toml";
  WriteFileOrDie(config_path, config_toml);
  return StartWithArgs(dir, {"--config", config_path});
}

absl::StatusOr<std::unique_ptr<VigildProcess>> VigildProcess::StartWithArgs(
    const std::string& dir, const std::vector<std::string>& args,
    const std::string& working_dir) {
  std::vector<char*> argv = {const_cast<char*>(VIGILD_PATH)};
  for (const std::string& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  auto p = std::unique_ptr<VigildProcess>(new VigildProcess);
  p->stderr_path_ = dir + "/vigild.stderr";
  ChildEnvironment env(dir);
  int out[2];
  if (pipe(out) != 0) return absl::InternalError("pipe");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork");
  if (pid == 0) {
    int err = open(p->stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out[1], STDOUT_FILENO);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(out[0]);
    if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(126);
    execve(VIGILD_PATH, argv.data(), env.get());
    _exit(127);
  }
  close(out[1]);
  p->pid_ = pid;
  std::string line;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && !absl::StrContains(line, "\n")) {
    pollfd fd{out[0], POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char c[256];
    ssize_t n = read(out[0], c, sizeof(c));
    if (n <= 0) break;
    line.append(c, static_cast<size_t>(n));
  }
  close(out[0]);
  absl::string_view first = absl::StripSuffix(
      absl::string_view(line).substr(0, line.find('\n')), "\r");
  if (!absl::ConsumePrefix(&first, "listening on ")) {
    return absl::UnavailableError(absl::StrCat(
        "vigild did not start; stdout: ", line, "; stderr: ", p->Stderr()));
  }
  p->address_ = std::string(first);
  return p;
}

VigildProcess::~VigildProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

int VigildProcess::Stop(int signal, absl::Duration timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int64_t VigildProcess::RssKb() const { return StatusKb("VmRSS:"); }

int64_t VigildProcess::PeakRssKb() const { return StatusKb("VmHWM:"); }

int64_t VigildProcess::StatusKb(absl::string_view field) const {
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view v = line;
    if (absl::ConsumePrefix(&v, field)) {
      std::vector<absl::string_view> parts =
          absl::StrSplit(v, ' ', absl::SkipWhitespace());
      int64_t kb = 0;
      if (!parts.empty() && absl::SimpleAtoi(parts[0], &kb)) return kb;
    }
  }
  return -1;
}

std::string VigildProcess::Stderr() const {
  std::ifstream in(stderr_path_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string VigildProcess::WaitForStderr(absl::string_view needle,
                                         absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  std::string text = Stderr();
  while (!absl::StrContains(text, needle) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
    text = Stderr();
  }
  return text;
}

int RunVigildUntilExit(const std::string& dir, const std::string& config_toml,
                       std::string* output, absl::Duration timeout) {
  const std::string config_path = dir + "/vigild.toml";
  const std::string output_path = dir + "/vigild.output";
  WriteFileOrDie(config_path, config_toml);
  ChildEnvironment env(dir);
  const char* argv[] = {VIGILD_PATH, "--config", config_path.c_str(), nullptr};
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int out = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    execve(VIGILD_PATH, const_cast<char* const*>(argv), env.get());
    _exit(127);
  }
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  int result = -2;
  while (true) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::ifstream in(output_path);
  std::ostringstream text;
  text << in.rdbuf();
  *output = text.str();
  return result;
}

void StartVigildAndConnect(const std::string& dir,
                           const std::string& config_toml,
                           std::unique_ptr<VigildProcess>* vigild,
                           std::unique_ptr<HttpClient>* client) {
  absl::StatusOr<std::unique_ptr<VigildProcess>> p =
      VigildProcess::Start(dir, config_toml);
  ASSERT_TRUE(p.ok()) << p.status();
  *vigild = *std::move(p);
  absl::StatusOr<std::unique_ptr<HttpClient>> c =
      HttpClient::Connect((*vigild)->address());
  ASSERT_TRUE(c.ok()) << c.status();
  *client = *std::move(c);
}

std::vector<boost::json::object> ParseLogLines(const std::string& log,
                                               std::vector<std::string>* bad) {
  std::vector<boost::json::object> out;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(
        boost::json::string_view(line.data(), line.size()), ec);
    if (!ec && v.is_object()) {
      out.push_back(std::move(v.as_object()));
    } else if (bad != nullptr) {
      bad->emplace_back(line);
    }
  }
  return out;
}

std::vector<boost::json::object> LogEvents(
    const std::vector<boost::json::object>& lines, absl::string_view event) {
  std::vector<boost::json::object> out;
  for (const boost::json::object& o : lines) {
    if (LogString(o, "event") == event) out.push_back(o);
  }
  return out;
}

std::string LogString(const boost::json::object& o, absl::string_view key) {
  const boost::json::value* v =
      o.if_contains(boost::json::string_view(key.data(), key.size()));
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace vigil::testing
