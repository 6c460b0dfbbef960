// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Child processes for end-to-end tests: a peer server (SMTP, SMS receiver,
// ...) that prints the port it listens on as its first line, the files such
// a peer writes, and shell commands whose output a test reads.

#ifndef VIGIL_TESTS_SERVICE_CHILD_PROCESS_H_
#define VIGIL_TESTS_SERVICE_CHILD_PROCESS_H_

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "testing/test_util.h"

namespace vigil::testing {

// Runs `args` (argv[0] is a path) as a child; reads the port from the first
// line it prints. SIGTERM and waits on destruction.
class Peer {
 public:
  explicit Peer(const std::vector<std::string>& args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[64] = {};
    if (fgets(line, sizeof line, f) != nullptr) port_ = atoi(line);
    fclose(f);
  }
  ~Peer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  // 0 if the peer did not start.
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs `command` with /bin/sh; returns its stdout. `exit_code` (optional)
// gets its exit status, or -1 if it did not exit normally.
inline std::string RunShell(const std::string& command,
                            int* exit_code = nullptr) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) {
    if (exit_code != nullptr) *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  if (exit_code != nullptr) {
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return out;
}

// What a peer wrote into its OUT_DIR: the files of `dir` (finished ones, not
// "*.tmp"), sorted.
inline std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".tmp") names.push_back(e.path().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Waits up to `timeout` for `n` files in `dir`; returns their contents.
inline std::vector<std::string> WaitForFiles(
    const std::string& dir, size_t n,
    absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (Files(dir).size() < n && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::vector<std::string> out;
  for (const std::string& f : Files(dir)) out.push_back(ReadFileOrDie(f));
  return out;
}

// The message in `eml_path` (as the SMTP peer of mfa_peers.py stored it) as
// Python's email package decodes it: JSON (see "decode" in mfa_peers.py).
inline std::string DecodeMailJson(const std::string& eml_path) {
  return RunShell(absl::StrCat("/usr/bin/python3 ",
                               SourcePath("tests/service/mfa_peers.py"),
                               " decode '", eml_path, "'"));
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVICE_CHILD_PROCESS_H_
