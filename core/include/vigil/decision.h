// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/decision.h: what the engine answers for one attempt, and why.

#ifndef VIGIL_DECISION_H_
#define VIGIL_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil {

// The answer to the caller.
enum class Verdict { kAllow, kChallenge, kBlock };
// "allow", "challenge", "block".
absl::string_view VerdictName(Verdict verdict);

enum class RiskLevel { kNone, kLow, kMedium, kHigh };
inline constexpr int kRiskLevelCount = 4;
// "none", "low", "medium", "high".
absl::string_view RiskLevelName(RiskLevel level);
bool ParseRiskLevel(absl::string_view name, RiskLevel* level);

// enforced: the verdict is the policy's; audit: always allow, and record what
// enforcement would have answered.
enum class Mode { kEnforced, kAudit };
absl::string_view ModeName(Mode mode);

// One signal's part in a decision.
struct Reason {
  std::string signal;         // stable name, e.g. "geo_velocity"
  double score = 0;           // the signal's own sub-score in [0,1]
  double contribution = 0;    // its weighted part of the total score;
                              // negative for a discount ("known_device")
  std::string detail;         // for a person, e.g. "Berlin DE -> Sydney AU, ..."
};

struct Baseline {
  int64_t successful_sign_ins = 0;
  bool mature = false;
};

struct ChallengeInfo {
  std::string id;
  std::vector<std::string> methods;  // "totp", "sms", "email"
  absl::Time expires_at;
};

// Where and what the attempt came from, as the engine saw it.
struct DecisionContext {
  std::string country;
  std::string city;
  uint32_t asn = 0;
  std::string device;  // "remembered", "known" or "new"
};

struct Decision {
  std::string event_id;
  Verdict verdict = Verdict::kAllow;
  // What enforcement answers ("would_be" in JSON); equal to `verdict` in
  // enforced mode.
  Verdict enforced_verdict = Verdict::kAllow;
  Mode mode = Mode::kEnforced;
  RiskLevel level = RiskLevel::kNone;
  double score = 0;  // in [0,1]
  // Never empty. The signals that contributed (at least 0.005), largest
  // contribution first; then, with contribution 0, what decided the verdict
  // where the score does not say it alone: "compromised_password",
  // "mfa_required_no_factor", "mfa_if_configured_no_factor",
  // "remembered_device", or "ip_reputation" for an always-allow range. With
  // none of these, one "baseline" reason says what was found ordinary.
  std::vector<Reason> reasons;
  bool compromised_credentials = false;
  // The pool must force a password reset before this user signs in again.
  bool password_reset_required = false;
  Baseline baseline;
  std::string model;  // "name@version"
  // Whether the policy asks for a notification of this event.
  bool notify = false;
  std::optional<ChallengeInfo> challenge;
  DecisionContext context;
  // Names of signals whose data was missing or whose dependency failed.
  std::vector<std::string> signal_failures;
};

}  // namespace vigil

#endif  // VIGIL_DECISION_H_
