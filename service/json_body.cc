// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/json_body.h"

#include "absl/strings/str_cat.h"
#include "service/json_codec.h"

namespace vigil::service {

namespace json = boost::json;

namespace {

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

}  // namespace

// Each key must be one of `allowed`.
absl::Status OnlyKeys(const json::object& o,
                      std::initializer_list<absl::string_view> allowed) {
  for (const auto& kv : o) {
    absl::string_view k(kv.key().data(), kv.key().size());
    bool ok = false;
    for (absl::string_view a : allowed) ok = ok || a == k;
    if (!ok) return UnknownFieldError(k, allowed);
  }
  return absl::OkStatus();
}

absl::Status GetString(const json::object& o, absl::string_view key,
                       std::optional<std::string>* out) {
  const json::value* v =
      o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return Invalid(key, "must be a string");
  *out = std::string(v->as_string().data(), v->as_string().size());
  return absl::OkStatus();
}

absl::Status GetBool(const json::object& o, absl::string_view key,
                     std::optional<bool>* out) {
  const json::value* v =
      o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_bool()) return Invalid(key, "must be true or false");
  *out = v->as_bool();
  return absl::OkStatus();
}

Reply Invalid422(const absl::Status& s) {
  return ErrorReply(422, "invalid_argument", s.message());
}

}  // namespace vigil::service
