// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// clientDataJSON (WebAuthn L3 5.8.1), read with Boost.JSON: the one JSON
// parser in core.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/json/parse.hpp"
#include "boost/json/parse_options.hpp"
#include "boost/json/value.hpp"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn {

absl::StatusOr<ClientData> ParseClientData(absl::string_view json) {
  using detail::Malformed;
  if (json.size() > kMaxClientDataJsonBytes) {
    return Malformed("clientDataJSON is too large");
  }
  boost::json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(
      boost::json::string_view(json.data(), json.size()), ec, {}, options);
  if (ec) return Malformed("clientDataJSON is not JSON");
  const boost::json::object* object = value.if_object();
  if (object == nullptr) return Malformed("clientDataJSON is not an object");

  auto text = [&](const char* name) -> const boost::json::string* {
    const boost::json::value* v = object->if_contains(name);
    return v == nullptr ? nullptr : v->if_string();
  };
  const boost::json::string* type = text("type");
  const boost::json::string* challenge = text("challenge");
  const boost::json::string* origin = text("origin");
  if (type == nullptr || challenge == nullptr || origin == nullptr) {
    return Malformed("clientDataJSON lacks type, challenge or origin strings");
  }
  ClientData out;
  out.type = std::string(type->data(), type->size());
  out.origin = std::string(origin->data(), origin->size());
  absl::StatusOr<std::string> raw =
      Base64UrlDecode(absl::string_view(challenge->data(), challenge->size()));
  if (!raw.ok()) return Malformed("clientDataJSON challenge is not base64url");
  out.challenge = std::move(*raw);
  if (const boost::json::value* cross = object->if_contains("crossOrigin")) {
    if (!cross->is_bool()) {
      return Malformed("clientDataJSON crossOrigin is not a boolean");
    }
    out.cross_origin = cross->get_bool();
  }
  if (const boost::json::value* top = object->if_contains("topOrigin")) {
    const boost::json::string* s = top->if_string();
    if (s == nullptr) return Malformed("clientDataJSON topOrigin is not text");
    out.top_origin = std::string(s->data(), s->size());
  }
  return out;
}

}  // namespace vigil::internal::webauthn
