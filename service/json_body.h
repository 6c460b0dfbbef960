// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/json_body.h: a request's JSON object body and the small readers of
// its members that the handlers share. Errors name the field
// ("<field>: <reason>", HTTP 422 via Invalid422); unknown members are
// refused (UnknownFieldError).

#ifndef VIGIL_SERVICE_JSON_BODY_H_
#define VIGIL_SERVICE_JSON_BODY_H_

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "service/service_context.h"

namespace vigil::service {

// The body as a JSON object (an empty body is an empty object if
// `empty_ok`). object() is null on error; error() is then the reply (400 for
// bytes that are not JSON, 422 for JSON that is not an object).
class Body {
 public:
  Body(const Request& req, ServiceContext& ctx, bool empty_ok)
      : arena_(buffer_, sizeof(buffer_)) {
    absl::string_view text(req.body().data(), req.body().size());
    if (text.empty() && empty_ok) {
      value_ = boost::json::object(boost::json::storage_ptr(&arena_));
      return;
    }
    absl::StatusOr<boost::json::value> v = ParseJsonBody(
        text, ctx.config().max_json_depth, boost::json::storage_ptr(&arena_));
    if (!v.ok()) {
      error_ = ErrorReply(400, "malformed_json", v.status().message());
      return;
    }
    if (!v->is_object()) {
      error_ =
          ErrorReply(422, "invalid_argument", "body: must be a JSON object");
      return;
    }
    value_ = *std::move(v);
  }
  const boost::json::object* object() const {
    return error_ ? nullptr : &value_.as_object();
  }
  Reply error() const { return *error_; }

 private:
  unsigned char buffer_[2048];
  boost::json::monotonic_resource arena_;
  boost::json::value value_;
  std::optional<Reply> error_;
};

// Each key must be one of `allowed`.
absl::Status OnlyKeys(const boost::json::object& o,
                      std::initializer_list<absl::string_view> allowed);
// The member `key` if present: a string (GetString) or a bool (GetBool);
// InvalidArgument "<key>: must be ..." for another type; `out` untouched if
// absent.
absl::Status GetString(const boost::json::object& o, absl::string_view key,
                       std::optional<std::string>* out);
absl::Status GetBool(const boost::json::object& o, absl::string_view key,
                     std::optional<bool>* out);
// 422 invalid_argument with the status's message.
Reply Invalid422(const absl::Status& s);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_JSON_BODY_H_
