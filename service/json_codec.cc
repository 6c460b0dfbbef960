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
      s = UnknownFieldError(field, {"account_takeover", "attack", "kind"});
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
  return UnknownFieldError(k, {"event_type", "user_id", "ip", "user_agent",
                               "device_key", "device_fingerprint", "timestamp",
                               "password_sha1", "outcome", "headers", "label"});
}

// {"<name>": "<one of>"} with nothing else.
absl::StatusOr<std::string> SingleStringField(const json::value& json,
                                              absl::string_view name) {
  absl::StatusOr<const json::object*> obj = TopObject(json);
  if (!obj.ok()) return obj.status();
  std::string text;
  bool found = false;
  for (const auto& [key, value] : **obj) {
    if (View(key) != name) return UnknownFieldError(View(key), {name});
    absl::Status s = GetString(name, value, &text);
    if (!s.ok()) return s;
    found = true;
  }
  if (!found) return Invalid(name, "required");
  return text;
}

}  // namespace

absl::Status UnknownFieldError(
    absl::string_view field, std::initializer_list<absl::string_view> allowed) {
  std::string want;
  size_t i = 0;
  for (absl::string_view a : allowed) {
    absl::StrAppend(&want,
                    i == 0                    ? ""
                    : i + 1 == allowed.size() ? " or "
                                              : ", ",
                    a);
    ++i;
  }
  return Invalid(field.substr(0, 64),
                 absl::StrCat("unknown field (want ", want, ")"));
}

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

namespace {

// Digits of text[at, at + n) as a number, or -1.
int Digits(absl::string_view text, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The common shape "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)" with
// every field in range. False for anything else, which then goes to
// absl::ParseTime: this only saves its cost on the usual input.
bool ParseCommonTimestamp(absl::string_view s, absl::Time* t) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  const int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  size_t i = 19;
  int64_t nanos = 0;
  if (s[i] == '.') {
    ++i;
    const size_t start = i;
    int64_t scale = 100000000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    // Finer than nanoseconds: absl::Time keeps more, so absl decides.
    if (i == start || i - start > 9) return false;
  }
  int offset_minutes = 0;
  if (i + 1 == s.size() && s[i] == 'Z') {
    // UTC
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    const int oh = Digits(s, i + 1, 2), om = Digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset_minutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
  } else {
    return false;
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                          minute * 60 + second - offset_minutes * 60;
  *t = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  return true;
}

}  // namespace

bool ParseTimestamp(absl::string_view text, absl::Time* t) {
  if (ParseCommonTimestamp(text, t)) return true;
  std::string err;
  // RFC3339_full accepts "Z" or "+hh:mm" and optional fractional seconds.
  return absl::ParseTime(absl::RFC3339_full, std::string(text), t, &err);
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace vigil::service
