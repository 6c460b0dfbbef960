// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/json_codec.h: the v1 JSON shapes (docs/architecture.md) to and from
// the engine's types.
//
// Reading is two steps with two kinds of error, so that the router can tell
// them apart: ParseJsonBody() fails (InvalidArgument "body: ...") when the
// bytes are not JSON at all or nest deeper than allowed (HTTP 400);
// *FromJson() fail with InvalidArgument "<field>: <reason>" when the JSON is
// well-formed but a value is missing, of the wrong type or not allowed
// (HTTP 422).
//
// Strictness: unknown fields are refused ("<field>: unknown field (want
// ...)", UnknownFieldError), so a typo such as "passwordSha1" cannot silently
// switch a check off; JSON null for an optional field means "absent"; types
// are never coerced ("5" is not a number, 5 is not a string). Duplicate
// keys: the last one wins (Boost.JSON). Error messages quote at most a short
// prefix of a bad value and never a password hash.

#ifndef VIGIL_SERVICE_JSON_CODEC_H_
#define VIGIL_SERVICE_JSON_CODEC_H_

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/mfa.h"
#include "vigil/notify.h"
#include "vigil/passkeys.h"

namespace vigil::service {

// InvalidArgument "<field>: unknown field (want a, b or c)", naming the
// fields `allowed` where `field` was found (`field` cut to 64 bytes): every
// refusal of an unknown field says what the caller should have sent.
absl::Status UnknownFieldError(
    absl::string_view field, std::initializer_list<absl::string_view> allowed);

// Parses a request body. `storage` lets the caller put the DOM in a
// per-request arena.
absl::StatusOr<boost::json::value> ParseJsonBody(
    absl::string_view body, int max_depth,
    boost::json::storage_ptr storage = {});

// POST /v1/evaluate and one replay line.
absl::StatusOr<Attempt> AttemptFromJson(const boost::json::value& json);
// POST /v1/events/{id}/outcome: {"outcome":"success|failure"}.
absl::StatusOr<Outcome> OutcomeFromJson(const boost::json::value& json);
// POST /v1/events/{id}/feedback: {"value":"valid|invalid"}.
absl::StatusOr<FeedbackValue> FeedbackFromJson(const boost::json::value& json);

// RFC 3339 in UTC with a "Z", e.g. "2026-01-02T03:04:05.123Z".
std::string FormatTimestamp(absl::Time t);
// Accepts RFC 3339 with "Z" or an offset; fractional seconds optional.
bool ParseTimestamp(absl::string_view text, absl::Time* t);

// An attempt as POST /v1/evaluate and a replay line take it, one line
// without the newline: event_type, user_id, ip, then user_agent, device_key,
// device_fingerprint, timestamp, outcome and label when set. The password
// hash and the headers are never written. AttemptFromJson reads it back.
std::string AttemptToJson(const Attempt& attempt);

// The decision as POST /v1/evaluate answers it.
std::string DecisionToJson(const Decision& decision);
// One event of the history, and a page of them.
std::string EventToJson(const Event& event);
std::string EventPageToJson(const EventPage& page);
// {"dead_letters":[{"id","channel","recipient","created","dead_since",
// "attempts","last_error"},...],"more":bool}: GET
// /v1/admin/outbox/dead-letters and `vigil outbox list --json`.
std::string DeadLettersToJson(const std::vector<DeadLetter>& dead_letters,
                              bool more);
// {"error":{"code":...,"message":...}}
std::string ErrorToJson(absl::string_view code, absl::string_view message);

// Passkeys (service/json_codec_passkeys.cc): the browser's WebAuthn JSON
// forms (WebAuthn L3 5.1.8-5.1.10), byte fields base64url without padding.
// The browser's own objects may carry members vigil does not read
// (authenticatorAttachment, clientExtensionResults, publicKey, ...): they
// are ignored, as the specification asks of relying parties. Errors are
// InvalidArgument "<field>: ..." with the field's path ("credential.response.
// clientDataJSON").

// RegistrationResponseJSON (PublicKeyCredential.toJSON() after create()).
absl::StatusOr<PasskeyRegistrationResponse> RegistrationResponseFromJson(
    const boost::json::value& json, absl::string_view field);
// AuthenticationResponseJSON (toJSON() after get()).
absl::StatusOr<WebAuthnAssertion> AssertionFromJson(
    const boost::json::value& json, absl::string_view field);
// {"registration_id", "expires_at", "public_key": CreationOptionsJSON}.
std::string RegistrationStartToJson(const PasskeyRegistrationStart& start);
// {"public_key": PublicKeyCredentialRequestOptionsJSON, "expires_at"}.
std::string RequestOptionsToJson(const PasskeyRequestOptions& options,
                                 absl::Time expires_at);
std::string PasskeyToJson(const PasskeyInfo& passkey);
std::string PasskeysToJson(const std::vector<PasskeyInfo>& passkeys);


}  // namespace vigil::service

#endif  // VIGIL_SERVICE_JSON_CODEC_H_
