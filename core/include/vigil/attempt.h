// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/attempt.h: one authentication attempt, as an auth server hands it to
// the engine (and as one line of a replay file).
//
// An Attempt is plain data; the engine validates it in Evaluate() and refuses
// a bad one with InvalidArgument whose message starts with the JSON name of
// the offending field, e.g. "ip: not an IPv4 or IPv6 address".

#ifndef VIGIL_ATTEMPT_H_
#define VIGIL_ATTEMPT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil {

enum class EventType { kSignIn, kSignUp, kPasswordChange, kForgotPassword };
inline constexpr int kEventTypeCount = 4;

// "sign_in", "sign_up", "password_change", "forgot_password".
absl::string_view EventTypeName(EventType type);
// The inverse of EventTypeName; false for anything else.
bool ParseEventType(absl::string_view name, EventType* type);

// Whether the credentials were valid.
enum class Outcome { kUnknown, kSuccess, kFailure };
// "unknown", "success", "failure".
absl::string_view OutcomeName(Outcome outcome);
// Accepts "success" and "failure" only.
bool ParseOutcome(absl::string_view name, Outcome* outcome);

// Ground truth attached to replayed attempts. Never read by the model.
struct AttemptLabel {
  bool account_takeover = false;
  bool attack = false;
  std::string kind;
};

struct Attempt {
  EventType event_type = EventType::kSignIn;
  std::string user_id;  // required, 1..256 bytes
  std::string ip;       // required, IPv4 or IPv6 text
  std::string user_agent;
  std::string device_key;          // a remembered-device key vigil issued
  std::string device_fingerprint;  // the client's fingerprint hash
  // When the client says the attempt happened. A live engine decides by its
  // own clock and records this as the client's claim only
  // (Event::client_time); a replay (EngineOptions::trust_attempt_timestamps)
  // uses it as the event's time. Refused if before 1970, after 9999, or more
  // than 5 minutes ahead of the engine's clock. Required in replay.
  std::optional<absl::Time> timestamp;
  // SHA-1 of the password, 40 hex digits, for the compromised-credential
  // check. Never stored, never logged, never part of an error message.
  std::string password_sha1;
  Outcome outcome = Outcome::kUnknown;
  // Selected request headers (lower-case names), e.g. accept-language.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<AttemptLabel> label;
};

inline constexpr size_t kMaxUserIdBytes = 256;

// The one check of a user id, wherever one enters vigil: Engine::Evaluate and
// ListEvents, every MfaService method that takes one (settings, TOTP,
// devices), and vigild's /v1/users/{user}/... paths after percent-decoding.
// A user id is 1..256 bytes of valid UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF) without control characters (U+0000-U+001F,
// U+007F-U+009F). OK, or InvalidArgument "user_id: <reason>"; the message
// never quotes the id.
absl::Status ValidateUserId(absl::string_view user_id);

}  // namespace vigil

#endif  // VIGIL_ATTEMPT_H_
