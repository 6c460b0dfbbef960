// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Writing responses in the shapes of docs/architecture.md. Reading is in json_codec.cc.

#include "service/json_codec.h"
#include "service/json_writer.h"

namespace vigil::service {
namespace {

constexpr int kScoreDecimals = 4;

void WriteDecision(const Decision& d, JsonWriter& w) {
  w.BeginObject();
  w.Key("event_id");
  w.String(d.event_id);
  w.Key("decision");
  w.String(VerdictName(d.verdict));
  // What enforcement answers: in audit mode the decision that would have
  // been made; in enforced mode the decision itself.
  w.Key("would_be");
  w.String(VerdictName(d.enforced_verdict));
  w.Key("mode");
  w.String(ModeName(d.mode));

  w.Key("risk");
  w.BeginObject();
  w.Key("level");
  w.String(RiskLevelName(d.level));
  w.Key("score");
  w.Rounded(d.score, kScoreDecimals);
  w.Key("reasons");
  w.BeginArray();
  for (const Reason& r : d.reasons) {
    w.BeginObject();
    w.Key("signal");
    w.String(r.signal);
    w.Key("score");
    w.Rounded(r.score, kScoreDecimals);
    w.Key("contribution");
    w.Rounded(r.contribution, kScoreDecimals);
    w.Key("detail");
    w.String(r.detail);
    w.EndObject();
  }
  w.EndArray();
  w.Key("compromised_credentials");
  w.Bool(d.compromised_credentials);
  w.Key("password_reset_required");
  w.Bool(d.password_reset_required);
  w.Key("baseline");
  w.BeginObject();
  w.Key("successful_sign_ins");
  w.Int(d.baseline.successful_sign_ins);
  w.Key("mature");
  w.Bool(d.baseline.mature);
  w.EndObject();
  w.Key("model");
  w.String(d.model);
  w.EndObject();

  w.Key("challenge");
  if (d.challenge.has_value()) {
    w.BeginObject();
    w.Key("id");
    w.String(d.challenge->id);
    w.Key("methods");
    w.BeginArray();
    for (const std::string& m : d.challenge->methods) w.String(m);
    w.EndArray();
    w.Key("expires_at");
    w.String(FormatTimestamp(d.challenge->expires_at));
    w.EndObject();
  } else {
    w.Null();
  }

  w.Key("context");
  w.BeginObject();
  w.Key("country");
  w.StringOrNull(d.context.country);
  w.Key("city");
  w.StringOrNull(d.context.city);
  w.Key("asn");
  if (d.context.asn == 0) {
    w.Null();
  } else {
    w.Int(d.context.asn);
  }
  w.Key("device");
  w.StringOrNull(d.context.device);
  w.EndObject();
  w.EndObject();
}

void WriteEvent(const Event& e, JsonWriter& w) {
  w.BeginObject();
  w.Key("event_id");
  w.String(e.event_id);
  w.Key("user_id");
  w.String(e.user_id);
  w.Key("time");
  w.String(FormatTimestamp(e.time));
  // The attempt's timestamp as the caller sent it (a claim; "time" is the
  // server's), null if none was sent.
  w.Key("client_timestamp");
  if (e.client_time.has_value()) {
    w.String(FormatTimestamp(*e.client_time));
  } else {
    w.Null();
  }
  w.Key("event_type");
  w.String(EventTypeName(e.event_type));
  w.Key("ip");
  w.String(e.ip);
  w.Key("user_agent");
  w.String(e.user_agent);
  w.Key("device_name");
  w.StringOrNull(e.device_name);
  w.Key("time_zone");
  w.StringOrNull(e.time_zone);
  w.Key("outcome");
  w.String(OutcomeName(e.outcome));
  // The password's outcome apart from what became of the attempt: a blocked
  // sign-in with the right password is "correct" and "block".
  w.Key("password");
  w.String(e.outcome == Outcome::kSuccess   ? "correct"
           : e.outcome == Outcome::kFailure ? "wrong"
                                            : "unknown");
  w.Key("response");
  w.String(EventResponseName(ResponseOf(e)));
  w.Key("feedback");
  if (e.feedback.has_value()) {
    w.BeginObject();
    w.Key("value");
    w.String(FeedbackValueName(e.feedback->value));
    w.Key("source");
    w.String(e.feedback->source);
    w.Key("time");
    w.String(FormatTimestamp(e.feedback->time));
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("challenge_responses");
  w.BeginArray();
  for (const ChallengeResponse& r : e.challenge_responses) {
    w.BeginObject();
    w.Key("time");
    w.String(FormatTimestamp(r.time));
    w.Key("method");
    w.StringOrNull(r.method);
    w.Key("result");
    w.String(r.result);
    w.EndObject();
  }
  w.EndArray();
  // In audit mode `decision.decision` is always allow; analysts need what
  // enforcement would have answered, and which signals could not run.
  w.Key("enforced_decision");
  w.String(VerdictName(e.decision.enforced_verdict));
  w.Key("signal_failures");
  w.BeginArray();
  for (const std::string& s : e.decision.signal_failures) w.String(s);
  w.EndArray();
  w.Key("decision");
  WriteDecision(e.decision, w);
  w.EndObject();
}

}  // namespace

std::string DecisionToJson(const Decision& decision) {
  std::string out;
  out.reserve(512);
  JsonWriter w(&out);
  WriteDecision(decision, w);
  return out;
}

std::string EventToJson(const Event& event) {
  std::string out;
  JsonWriter w(&out);
  WriteEvent(event, w);
  return out;
}

std::string EventPageToJson(const EventPage& page) {
  std::string out;
  out.reserve(page.events.size() * 700 + 64);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("events");
  w.BeginArray();
  for (const Event& e : page.events) WriteEvent(e, w);
  w.EndArray();
  w.Key("next_cursor");
  w.StringOrNull(page.next_cursor);
  w.EndObject();
  return out;
}

std::string ErrorToJson(absl::string_view code, absl::string_view message) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("error");
  w.BeginObject();
  w.Key("code");
  w.String(code);
  w.Key("message");
  w.String(message);
  w.EndObject();
  w.EndObject();
  return out;
}

std::string DeadLettersToJson(const std::vector<DeadLetter>& dead_letters,
                              bool more) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("dead_letters");
  w.BeginArray();
  for (const DeadLetter& d : dead_letters) {
    w.BeginObject();
    w.Key("id");
    w.String(d.id);
    w.Key("channel");
    w.StringOrNull(d.channel);
    w.Key("recipient");
    w.StringOrNull(d.recipient);
    w.Key("created");
    w.String(FormatTimestamp(d.created));
    w.Key("dead_since");
    w.String(FormatTimestamp(d.dead_since));
    w.Key("attempts");
    w.Int(d.attempts);
    w.Key("last_error");
    w.StringOrNull(d.last_error);
    w.EndObject();
  }
  w.EndArray();
  w.Key("more");
  w.Bool(more);
  w.EndObject();
  return out;
}

std::string AttemptToJson(const Attempt& a) {
  std::string out;
  out.reserve(256);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("event_type");
  w.String(EventTypeName(a.event_type));
  w.Key("user_id");
  w.String(a.user_id);
  w.Key("ip");
  w.String(a.ip);
  auto optional = [&w](absl::string_view key, absl::string_view value) {
    if (value.empty()) return;
    w.Key(key);
    w.String(value);
  };
  optional("user_agent", a.user_agent);
  optional("device_key", a.device_key);
  optional("device_fingerprint", a.device_fingerprint);
  if (a.timestamp.has_value()) {
    w.Key("timestamp");
    w.String(FormatTimestamp(*a.timestamp));
  }
  if (a.outcome != Outcome::kUnknown) {
    w.Key("outcome");
    w.String(OutcomeName(a.outcome));
  }
  if (a.label.has_value()) {
    w.Key("label");
    w.BeginObject();
    w.Key("attack");
    w.Bool(a.label->attack);
    w.Key("account_takeover");
    w.Bool(a.label->account_takeover);
    optional("kind", a.label->kind);
    w.EndObject();
  }
  w.EndObject();
  return out;
}

}  // namespace vigil::service
