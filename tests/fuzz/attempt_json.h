// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the fuzz targets that decode attempts (evaluate body,
// replay JSONL): an Attempt written back as the v1 JSON shape with the
// service's own JsonWriter, and a field-by-field comparison, so a target can
// check decode -> encode -> decode round trips.

#ifndef VIGIL_TESTS_FUZZ_ATTEMPT_JSON_H_
#define VIGIL_TESTS_FUZZ_ATTEMPT_JSON_H_

#include <set>
#include <string>

#include "service/json_codec.h"
#include "service/json_writer.h"
#include "vigil/attempt.h"

namespace vigil::fuzz {

// The attempt as the JSON the codec reads. Empty optional strings are left
// out (the codec reads an absent field as empty).
inline std::string AttemptToJson(const Attempt& a) {
  std::string out;
  service::JsonWriter w(&out);
  w.BeginObject();
  w.Key("event_type");
  w.String(EventTypeName(a.event_type));
  w.Key("user_id");
  w.String(a.user_id);
  w.Key("ip");
  w.String(a.ip);
  if (!a.user_agent.empty()) {
    w.Key("user_agent");
    w.String(a.user_agent);
  }
  if (!a.device_key.empty()) {
    w.Key("device_key");
    w.String(a.device_key);
  }
  if (!a.device_fingerprint.empty()) {
    w.Key("device_fingerprint");
    w.String(a.device_fingerprint);
  }
  if (a.timestamp.has_value()) {
    w.Key("timestamp");
    w.String(service::FormatTimestamp(*a.timestamp));
  }
  if (!a.password_sha1.empty()) {
    w.Key("password_sha1");
    w.String(a.password_sha1);
  }
  if (a.outcome != Outcome::kUnknown) {
    w.Key("outcome");
    w.String(OutcomeName(a.outcome));
  }
  if (!a.headers.empty()) {
    w.Key("headers");
    w.BeginObject();
    for (const auto& [name, value] : a.headers) {
      w.Key(name);
      w.String(value);
    }
    w.EndObject();
  }
  if (a.label.has_value()) {
    w.Key("label");
    w.BeginObject();
    w.Key("account_takeover");
    w.Bool(a.label->account_takeover);
    w.Key("attack");
    w.Bool(a.label->attack);
    w.Key("kind");
    w.String(a.label->kind);
    w.EndObject();
  }
  w.EndObject();
  return out;
}

// Header names are unique (JSON objects keep the last of equal keys, so
// only then can headers round-trip).
inline bool UniqueHeaderNames(const Attempt& a) {
  std::set<std::string> names;
  for (const auto& h : a.headers) {
    if (!names.insert(h.first).second) return false;
  }
  return true;
}

// Equal in every field (headers only when `compare_headers`). On a
// difference, *field names the first one.
inline bool SameAttempt(const Attempt& x, const Attempt& y,
                        bool compare_headers, std::string* field) {
  auto diff = [&](const char* name) {
    *field = name;
    return false;
  };
  if (x.event_type != y.event_type) return diff("event_type");
  if (x.user_id != y.user_id) return diff("user_id");
  if (x.ip != y.ip) return diff("ip");
  if (x.user_agent != y.user_agent) return diff("user_agent");
  if (x.device_key != y.device_key) return diff("device_key");
  if (x.device_fingerprint != y.device_fingerprint) {
    return diff("device_fingerprint");
  }
  if (x.timestamp != y.timestamp) return diff("timestamp");
  if (x.password_sha1 != y.password_sha1) return diff("password_sha1");
  if (x.outcome != y.outcome) return diff("outcome");
  if (compare_headers && x.headers != y.headers) return diff("headers");
  if (x.label.has_value() != y.label.has_value()) return diff("label");
  if (x.label.has_value() &&
      (x.label->account_takeover != y.label->account_takeover ||
       x.label->attack != y.label->attack || x.label->kind != y.label->kind)) {
    return diff("label");
  }
  return true;
}

}  // namespace vigil::fuzz

#endif  // VIGIL_TESTS_FUZZ_ATTEMPT_JSON_H_
