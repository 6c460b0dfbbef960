// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/event.h: the recorded history of one attempt, as analysts and the
// event-history API read it.

#ifndef VIGIL_EVENT_H_
#define VIGIL_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"

namespace vigil {

enum class FeedbackValue { kValid, kInvalid };
// "valid", "invalid".
absl::string_view FeedbackValueName(FeedbackValue value);
bool ParseFeedbackValue(absl::string_view name, FeedbackValue* value);

struct Feedback {
  FeedbackValue value = FeedbackValue::kValid;
  std::string source;  // e.g. "admin", "email"
  absl::Time time;
};

// One answer to the event's MFA challenge.
struct ChallengeResponse {
  absl::Time time;
  std::string method;  // "totp", "sms", "email", or "" if none matched
  std::string result;  // "passed", "failed", "expired", "locked"
};

struct Event {
  std::string event_id;
  std::string user_id;
  // When the engine evaluated the attempt (its clock), or in a replay the
  // attempt's timestamp.
  absl::Time time;
  // The attempt's timestamp as the client sent it, when the engine's clock
  // decided `time` (live); absent if none was sent, and in replays.
  std::optional<absl::Time> client_time;
  EventType event_type = EventType::kSignIn;
  // Request facts. The password hash is never part of an event.
  std::string ip;
  std::string user_agent;
  std::string device_name;  // e.g. "Chrome 120 on Windows 10"
  std::string time_zone;
  // The decision as answered (reasons, level, score, verdicts, model).
  Decision decision;
  // Whether the credentials (and challenge, if any) succeeded; kUnknown while
  // in progress.
  Outcome outcome = Outcome::kUnknown;
  std::optional<Feedback> feedback;
  // Answers to the event's challenge, oldest first.
  std::vector<ChallengeResponse> challenge_responses;
};

// What became of an attempt, as support staff read the history. Apart from
// the decision's risk (level, score, reasons) and the password's outcome.
enum class EventResponse {
  kPass,        // the user got in: allowed with valid credentials, or the
                // challenge passed
  kFail,        // the credentials failed, or the challenge locked or expired
  kBlock,       // the answer was block, whatever the password
  kInProgress,  // no outcome yet, or a challenge not answered (or only with
                // wrong codes so far)
};
// "pass", "fail", "block", "in_progress".
absl::string_view EventResponseName(EventResponse response);
// From the decision as answered (in audit mode: allow), the outcome and the
// challenge responses. Stored events of every version give their response.
EventResponse ResponseOf(const Event& event);

// One page of a user's history, newest first.
struct EventPage {
  std::vector<Event> events;
  // Pass to the next call to continue; empty when there is no more.
  std::string next_cursor;
};

}  // namespace vigil

#endif  // VIGIL_EVENT_H_
