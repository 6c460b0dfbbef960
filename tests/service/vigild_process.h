// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Runs the real vigild binary for end-to-end tests: a temporary data folder,
// a config with the MaxMind test databases, port 0; waits for its
// "listening on HOST:PORT" line.

#ifndef VIGIL_TESTS_SERVICE_VIGILD_PROCESS_H_
#define VIGIL_TESTS_SERVICE_VIGILD_PROCESS_H_

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/http_client.h"

namespace vigil::testing {

// A key with every scope, one with evaluate only, one with admin only, and
// the TOML for them.
inline constexpr char kEvaluateKey[] = "vgl_test-evaluate-key";
inline constexpr char kAdminKey[] = "vgl_test-admin-key";
inline constexpr char kMfaKey[] = "vgl_test-mfa-key";
std::string TestApiKeysToml();

// The store the end-to-end tests run vigild on, from the environment
// variable VIGIL_TEST_STORE: "rocksdb" (the default, also when unset or
// empty) or "memory". CTest runs the end-to-end suites once with each
// (tests/CMakeLists.txt; label e2e-memory). Any other value aborts the test
// binary with a message.
bool TestStoreIsMemory();
// The store URL of a test whose data folder is `data_dir`:
// "rocksdb:<data_dir>", or "memory:" (data_dir unused) under
// VIGIL_TEST_STORE=memory.
std::string TestStoreUrl(const std::string& data_dir);
// "[storage]\nurl = \"<TestStoreUrl(data_dir)>\"\n": the head of the
// [storage] table as TestConfigToml writes it (for tests that add keys).
std::string TestStorageToml(const std::string& data_dir);

// A config for tests: listen 127.0.0.1:0, short timeouts, the store of
// TestStoreUrl(data_dir) and the given model, the MaxMind test city and ASN
// databases. `extra_server` is appended to the [server] table (e.g.
// "read_timeout_ms = 1000\n").
std::string TestConfigToml(const std::string& data_dir,
                           const std::string& model_path,
                           const std::string& extra_server = "");

class VigildProcess {
 public:
  // Writes `config_toml` to `dir`/vigild.toml, starts vigild with it, and
  // waits (up to 30 s) for the listening line.
  static absl::StatusOr<std::unique_ptr<VigildProcess>> Start(
      const std::string& dir, const std::string& config_toml);
  // Starts vigild with the flags `args` in `working_dir` ("": the test's),
  // its stderr in `dir`/vigild.stderr, and waits as Start() does.
  static absl::StatusOr<std::unique_ptr<VigildProcess>> StartWithArgs(
      const std::string& dir, const std::vector<std::string>& args,
      const std::string& working_dir = "");
  ~VigildProcess();

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  // Resident set size in kB, from /proc.
  int64_t RssKb() const;
  // Peak resident set size (VmHWM) in kB, from /proc.
  int64_t PeakRssKb() const;
  // Sends `signal` and waits for the exit; returns the exit code (or -1).
  int Stop(int signal, absl::Duration timeout = absl::Seconds(30));
  // What vigild wrote to stderr so far (the access log).
  std::string Stderr() const;
  // Stderr once it contains `needle` (the access log is written in batches a
  // few milliseconds behind the responses), or as it is after `timeout`.
  std::string WaitForStderr(absl::string_view needle,
                            absl::Duration timeout = absl::Seconds(5)) const;

 private:
  int64_t StatusKb(absl::string_view field) const;

  pid_t pid_ = -1;
  std::string address_;
  std::string stderr_path_;
};

// Every line of `log` (vigild's stderr: access and operational lines) parsed
// as a JSON object; lines that are not one go to *bad (if given).
std::vector<boost::json::object> ParseLogLines(
    const std::string& log, std::vector<std::string>* bad = nullptr);
// The lines of `lines` whose "event" is `event` (the operational log,
// service/op_log.h), in order.
std::vector<boost::json::object> LogEvents(
    const std::vector<boost::json::object>& lines, absl::string_view event);
// o[key] if it is a string, else "".
std::string LogString(const boost::json::object& o, absl::string_view key);

// Writes `config_toml` to `dir`/vigild.toml and runs vigild with it for a
// start that must fail: its exit code once it exits (-1 if a signal ended it,
// e.g. SIGABRT; -2 if it was still running after `timeout`, then killed), and
// what it wrote to stdout and stderr into *output.
int RunVigildUntilExit(const std::string& dir, const std::string& config_toml,
                       std::string* output,
                       absl::Duration timeout = absl::Seconds(30));

// Starts vigild as VigildProcess::Start(dir, config_toml) and connects an
// HttpClient to it, into *vigild and *client. A failure of either is a fatal
// test failure: call it inside ASSERT_NO_FATAL_FAILURE.
void StartVigildAndConnect(const std::string& dir,
                           const std::string& config_toml,
                           std::unique_ptr<VigildProcess>* vigild,
                           std::unique_ptr<HttpClient>* client);

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVICE_VIGILD_PROCESS_H_
