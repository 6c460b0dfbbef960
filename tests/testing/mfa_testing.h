// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Helpers for MFA tests: a Sender that keeps what it was given, key files,
// codes from `oathtool` (an independent TOTP implementation), and a model
// that challenges every sign-in of a user with a factor.

#ifndef VIGIL_TESTS_TESTING_MFA_TESTING_H_
#define VIGIL_TESTS_TESTING_MFA_TESTING_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "vigil/sender.h"

namespace vigil::testing {

class RecordingSender final : public Sender {
 public:
  absl::Status Send(const OutgoingMessage& m) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fail_.ok()) return fail_;
    messages_.push_back(m);
    return absl::OkStatus();
  }
  std::vector<OutgoingMessage> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  // The 6-digit code of the last message; "" if none.
  std::string LastCode() {
    std::lock_guard<std::mutex> lock(mu_);
    if (messages_.empty()) return "";
    std::smatch m;
    const std::string& text = messages_.back().text;
    if (!std::regex_search(text, m, std::regex("\\b([0-9]{6})\\b"))) return "";
    return m[1];
  }
  void FailWith(absl::Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = std::move(s);
  }

 private:
  std::mutex mu_;
  std::vector<OutgoingMessage> messages_;
  absl::Status fail_;
};

// A key file with one key "k1" in `dir`; returns its path.
inline std::string WriteKeyFile(const std::string& dir) {
  const std::string path = dir + "/keys";
  WriteFileOrDie(path,
                 "# test key\nk1 000102030405060708090a0b0c0d0e0f"
                 "101112131415161718191a1b1c1d1e1f\n");
  return path;
}

// `oathtool --totp` for the base32 `secret` at unix time `t`.
inline std::string OathtoolCode(const std::string& secret, int64_t t,
                                const std::string& extra = "") {
  const std::string cmd = absl::StrCat("oathtool --totp -b ", extra, " -N @", t,
                                       " ", secret, " 2>&1");
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  char buf[128] = {};
  std::string out;
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  return std::string(absl::StripAsciiWhitespace(out));
}

// The default model, but every sign-in of a user with a factor is
// challenged (none and low are mfa_if_configured too).
inline std::string ChallengeAllModel() {
  return EditedDefaultModel(
      {{"[policy.sign_in]\nnone = \"allow\"\nlow = \"allow\"",
        "[policy.sign_in]\nnone = \"mfa_if_configured\"\nlow = "
        "\"mfa_if_configured\""}});
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TESTING_MFA_TESTING_H_
