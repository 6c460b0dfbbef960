// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Names of the public enums, as they appear in JSON and model files.

#include "absl/strings/string_view.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/store.h"

namespace vigil {
namespace {

template <typename E, size_t N>
bool ParseByName(absl::string_view name, const absl::string_view (&names)[N],
                 E* out) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

constexpr absl::string_view kEventTypeNames[] = {
    "sign_in", "sign_up", "password_change", "forgot_password"};
constexpr absl::string_view kOutcomeNames[] = {"unknown", "success", "failure"};
constexpr absl::string_view kVerdictNames[] = {"allow", "challenge", "block"};
constexpr absl::string_view kLevelNames[] = {"none", "low", "medium", "high"};
constexpr absl::string_view kModeNames[] = {"enforced", "audit"};
constexpr absl::string_view kFeedbackNames[] = {"valid", "invalid"};
constexpr absl::string_view kResponseNames[] = {"pass", "fail", "block",
                                                "in_progress"};
constexpr absl::string_view kTableNames[] = {
    "users", "devices", "events", "counters", "challenges",
    "totp",  "pwned",   "outbox", "meta",       "passkeys"};

}  // namespace

absl::string_view EventTypeName(EventType type) {
  return kEventTypeNames[static_cast<int>(type)];
}
bool ParseEventType(absl::string_view name, EventType* type) {
  return ParseByName(name, kEventTypeNames, type);
}

absl::string_view OutcomeName(Outcome outcome) {
  return kOutcomeNames[static_cast<int>(outcome)];
}
bool ParseOutcome(absl::string_view name, Outcome* outcome) {
  if (name == "unknown") return false;
  return ParseByName(name, kOutcomeNames, outcome);
}

absl::string_view VerdictName(Verdict verdict) {
  return kVerdictNames[static_cast<int>(verdict)];
}

absl::string_view RiskLevelName(RiskLevel level) {
  return kLevelNames[static_cast<int>(level)];
}
bool ParseRiskLevel(absl::string_view name, RiskLevel* level) {
  return ParseByName(name, kLevelNames, level);
}

absl::string_view ModeName(Mode mode) {
  return kModeNames[static_cast<int>(mode)];
}

absl::string_view FeedbackValueName(FeedbackValue value) {
  return kFeedbackNames[static_cast<int>(value)];
}
bool ParseFeedbackValue(absl::string_view name, FeedbackValue* value) {
  return ParseByName(name, kFeedbackNames, value);
}

absl::string_view EventResponseName(EventResponse response) {
  return kResponseNames[static_cast<int>(response)];
}

EventResponse ResponseOf(const Event& e) {
  switch (e.decision.verdict) {
    case Verdict::kBlock:
      return EventResponse::kBlock;
    case Verdict::kAllow:
      return e.outcome == Outcome::kSuccess   ? EventResponse::kPass
             : e.outcome == Outcome::kFailure ? EventResponse::kFail
                                              : EventResponse::kInProgress;
    case Verdict::kChallenge:
      break;
  }
  if (e.outcome == Outcome::kFailure) return EventResponse::kFail;
  for (const ChallengeResponse& r : e.challenge_responses) {
    if (r.result == "passed") return EventResponse::kPass;
  }
  if (!e.challenge_responses.empty() &&
      (e.challenge_responses.back().result == "locked" ||
       e.challenge_responses.back().result == "expired")) {
    return EventResponse::kFail;
  }
  return EventResponse::kInProgress;
}

absl::string_view TableName(Table table) {
  return kTableNames[static_cast<int>(table)];
}

}  // namespace vigil
