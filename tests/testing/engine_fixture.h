// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A real engine for tests: RocksDB in a temporary folder, the MaxMind test
// databases of tests/data, a simulated clock, and the shipped default
// model (optionally edited).

#ifndef VIGIL_TESTS_TESTING_ENGINE_FIXTURE_H_
#define VIGIL_TESTS_TESTING_ENGINE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "engine/replay_options.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/engine.h"

namespace vigil::testing {

// Real user agents used across tests.
inline constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0.0.0 Safari/537.36";
inline constexpr char kSafariIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
inline constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

// Addresses in the MaxMind test databases.
inline constexpr char kLondon[] = "81.2.69.160";      // GB, accuracy 100 km
inline constexpr char kLondon2[] = "81.2.69.161";     // same /24
inline constexpr char kMelbourne[] = "214.0.1.5";     // AU
inline constexpr char kLinkoping[] = "89.160.20.130"; // SE
inline constexpr char kChangchun[] = "175.16.199.10"; // CN
inline constexpr char kMilton[] = "216.160.83.57";    // US

// The default model's text with each (from, to) replacement applied once;
// fails the test if a `from` is not found.
std::string EditedDefaultModel(
    const std::vector<std::pair<std::string, std::string>>& edits);

class EngineFixture {
 public:
  // `model_toml` empty: the shipped default. `anonymizer_db`: also load the
  // GeoIP2 Anonymous IP test database (which flags all of 81.2.69.0/24, so
  // it is off by default).
  // `mfa`: the engine's MFA options (key file, senders). `notify`: its
  // notification options (senders, key, outbox). `edit_options`: changes the
  // engine's options last. `replay`: a replay's engine options.
  explicit EngineFixture(
      const std::string& model_toml = "", bool anonymizer_db = false,
      MfaOptions mfa = {}, NotifyOptions notify = {},
      const std::function<void(EngineOptions*)>& edit_options = nullptr,
      const internal::ReplayEngineOptions& replay = {});
  ~EngineFixture();

  Engine& engine() { return *engine_; }
  SimulatedClock& clock() { return clock_; }
  const std::string& data_dir() const { return dir_.path(); }
  // Closes the engine (and the database).
  void Close() { engine_.reset(); }

  Attempt MakeAttempt(const std::string& user, const std::string& ip,
                      const std::string& user_agent,
                      const std::string& fingerprint, Outcome outcome) const;

  // Evaluates at the clock's time; fails the test on error.
  Decision Evaluate(const Attempt& attempt);

  // `count` successful sign-ins of `user` from `ip` with `user_agent` and
  // `fingerprint`, one every `spacing`, advancing the clock.
  void BuildBaseline(const std::string& user, const std::string& ip,
                     const std::string& user_agent,
                     const std::string& fingerprint, int count,
                     absl::Duration spacing);

 private:
  TempDir dir_;
  SimulatedClock clock_{absl::FromUnixSeconds(1767225600)};  // 2026-01-01
  std::unique_ptr<Engine> engine_;
};

// Reason names of a decision, in order.
std::vector<std::string> ReasonNames(const Decision& d);
bool HasReason(const Decision& d, const std::string& signal);

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TESTING_ENGINE_FIXTURE_H_
