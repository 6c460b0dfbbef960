// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Reading request bodies. Writing responses is in json_codec_write.cc.

#include "service/json_codec.h"

#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

constexpr size_t kMaxHeaders = 32;

// A bad value for an error message: quoted, and cut short if long.
std::string Quote(absl::string_view value) {
  constexpr size_t kMax = 64;
  if (value.size() <= kMax) return absl::StrCat("\"", value, "\"");
  return absl::StrCat("\"", value.substr(0, kMax), "...\"");
}

absl::string_view TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "?";
}

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

absl::Status WrongType(absl::string_view field, absl::string_view want,
                       const json::value& got) {
  return Invalid(field,
                 absl::StrCat("expected ", want, ", got ", TypeName(got)));
}

absl::string_view View(const json::string& s) {
  return absl::string_view(s.data(), s.size());
}
// Object keys come as views; no temporary json::string.
absl::string_view View(json::string_view s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status GetString(absl::string_view field, const json::value& v,
                       std::string* out) {
  if (!v.is_string()) return WrongType(field, "a string", v);
  *out = std::string(View(v.get_string()));
  return absl::OkStatus();
}

absl::Status GetBool(absl::string_view field, const json::value& v, bool* out) {
  if (!v.is_bool()) return WrongType(field, "true or false", v);
  *out = v.get_bool();
  return absl::OkStatus();
}

absl::StatusOr<const json::object*> TopObject(const json::value& json) {
  if (!json.is_object()) return WrongType("body", "a JSON object", json);
  return &json.get_object();
}

absl::Status ReadHeaders(const json::value& v, Attempt* a) {
  if (!v.is_object()) return WrongType("headers", "an object", v);
  const json::object& obj = v.get_object();
  if (obj.size() > kMaxHeaders) {
    return Invalid("headers",
                   absl::StrCat("at most ", kMaxHeaders, " entries"));
  }
  for (const auto& [name, value] : obj) {
    std::string field = absl::StrCat("headers.", View(name));
    if (name.empty()) return Invalid("headers", "empty header name");
    std::string text;
    absl::Status s = GetString(field, value, &text);
    if (!s.ok()) return s;
    a->headers.emplace_back(absl::AsciiStrToLower(View(name)), std::move(text));
  }
  return absl::OkStatus();
}

absl::Status ReadLabel(const json::value& v, Attempt* a) {
  if (!v.is_object()) return WrongType("label", "an object", v);
  AttemptLabel label;
  for (const auto& [key, value] : v.get_object()) {
    absl::string_view k = View(key);
    std::string field = absl::StrCat("label.", k);
    absl::Status s;
    if (k == "account_takeover") {
      s = GetBool(field, value, &label.account_takeover);
    } else if (k == "attack") {
      s = GetBool(field, value, &label.attack);
    } else if (k == "kind") {
      s = GetString(field, value, &label.kind);
    } else {
      s = Invalid(field, "unknown field");
    }
    if (!s.ok()) return s;
  }
  a->label = std::move(label);
  return absl::OkStatus();
}

absl::Status ReadAttemptField(absl::string_view k, const json::value& value,
                              Attempt* a, bool* has_user, bool* has_ip) {
  std::string text;
  if (k == "user_id") {
    *has_user = true;
    return GetString(k, value, &a->user_id);
  }
  if (k == "ip") {
    *has_ip = true;
    return GetString(k, value, &a->ip);
  }
  if (k == "user_agent") return GetString(k, value, &a->user_agent);
  if (k == "device_key") return GetString(k, value, &a->device_key);
  if (k == "device_fingerprint") {
    return GetString(k, value, &a->device_fingerprint);
  }
  if (k == "password_sha1") {
    // Never quoted back: it is a password hash.
    if (!value.is_string()) return WrongType(k, "a string", value);
    a->password_sha1 = std::string(View(value.get_string()));
    return absl::OkStatus();
  }
  if (k == "event_type") {
    absl::Status s = GetString(k, value, &text);
    if (!s.ok()) return s;
    if (!ParseEventType(text, &a->event_type)) {
      return Invalid(k, absl::StrCat("unknown event type ", Quote(text),
                                     " (want sign_in, sign_up, "
                                     "password_change or forgot_password)"));
    }
    return absl::OkStatus();
  }
  if (k == "outcome") {
    absl::Status s = GetString(k, value, &text);
    if (!s.ok()) return s;
    if (!ParseOutcome(text, &a->outcome)) {
      return Invalid(k, absl::StrCat("unknown outcome ", Quote(text),
                                     " (want success or failure)"));
    }
    return absl::OkStatus();
  }
  if (k == "timestamp") {
    absl::Status s = GetString(k, value, &text);
    if (!s.ok()) return s;
    absl::Time t;
    if (!ParseTimestamp(text, &t)) {
      return Invalid(k, absl::StrCat(Quote(text), " is not an RFC 3339 time"));
    }
    a->timestamp = t;
    return absl::OkStatus();
  }
  if (k == "headers") return ReadHeaders(value, a);
  if (k == "label") return ReadLabel(value, a);
  return Invalid(k, "unknown field");
}

// {"<name>": "<one of>"} with nothing else.
absl::StatusOr<std::string> SingleStringField(const json::value& json,
                                              absl::string_view name) {
  absl::StatusOr<const json::object*> obj = TopObject(json);
  if (!obj.ok()) return obj.status();
  std::string text;
  bool found = false;
  for (const auto& [key, value] : **obj) {
    if (View(key) != name) return Invalid(View(key), "unknown field");
    absl::Status s = GetString(name, value, &text);
    if (!s.ok()) return s;
    found = true;
  }
  if (!found) return Invalid(name, "required");
  return text;
}

}  // namespace

absl::StatusOr<json::value> ParseJsonBody(absl::string_view body, int max_depth,
                                          json::storage_ptr storage) {
  if (absl::StripAsciiWhitespace(body).empty()) {
    return absl::InvalidArgumentError("body: empty; expected a JSON object");
  }
  json::parse_options options;
  options.max_depth = static_cast<size_t>(max_depth);
  json::stream_parser parser(std::move(storage), options);
  json::error_code ec;
  size_t consumed = parser.write(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body: not valid JSON (", ec.message(), " at byte ", consumed, ")"));
  }
  return parser.release();
}

absl::StatusOr<Attempt> AttemptFromJson(const json::value& json) {
  absl::StatusOr<const json::object*> obj = TopObject(json);
  if (!obj.ok()) return obj.status();
  Attempt a;
  bool has_user = false;
  bool has_ip = false;
  for (const auto& [key, value] : **obj) {
    if (value.is_null()) continue;  // null: absent
    absl::Status s = ReadAttemptField(View(key), value, &a, &has_user, &has_ip);
    if (!s.ok()) return s;
  }
  if (!has_user) return Invalid("user_id", "required");
  if (!has_ip) return Invalid("ip", "required");
  return a;
}

absl::StatusOr<Outcome> OutcomeFromJson(const json::value& json) {
  absl::StatusOr<std::string> text = SingleStringField(json, "outcome");
  if (!text.ok()) return text.status();
  Outcome outcome;
  if (!ParseOutcome(*text, &outcome)) {
    return Invalid("outcome", absl::StrCat("unknown outcome ", Quote(*text),
                                           " (want success or failure)"));
  }
  return outcome;
}

absl::StatusOr<FeedbackValue> FeedbackFromJson(const json::value& json) {
  absl::StatusOr<std::string> text = SingleStringField(json, "value");
  if (!text.ok()) return text.status();
  FeedbackValue value;
  if (!ParseFeedbackValue(*text, &value)) {
    return Invalid("value", absl::StrCat("unknown feedback ", Quote(*text),
                                         " (want valid or invalid)"));
  }
  return value;
}

bool ParseTimestamp(absl::string_view text, absl::Time* t) {
  std::string err;
  // RFC3339_full accepts "Z" or "+hh:mm" and optional fractional seconds.
  return absl::ParseTime(absl::RFC3339_full, std::string(text), t, &err);
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace vigil::service
