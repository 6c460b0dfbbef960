// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/router.h: request handling as a plain function, as in the Beast
// examples: one complete request in, one response out. No I/O, no Beast
// streams, so tests call it directly.
//
// Order of checks, each refusing with the error format of docs/architecture.md:
// route (404) -> method (405) -> API key (401) and scope (403) -> readiness
// (503) -> content type (415) -> a {user} of the path (422, ValidateUserId of
// vigil/attempt.h) -> JSON (400) -> values (422) -> engine.
// A refused request never reaches the engine, so it changes nothing.

#ifndef VIGIL_SERVICE_ROUTER_H_
#define VIGIL_SERVICE_ROUTER_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "absl/strings/string_view.h"
#include "service/route.h"
#include "service/service_context.h"

namespace vigil::service {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// What the access log and metrics learn about a handled request.
struct RequestNotes {
  RouteId route = RouteId::kUnknown;
  std::string event_id;  // of an evaluated or updated event
  std::string key_name;  // the API key's configured name, never the key
};

Response Handle(const Request& request, ServiceContext& context,
                RequestNotes* notes);

// Which keys a route wants (docs/security.md, docs/openapi.yaml): none if
// `open`, else a key with at least one of the scopes `any_of`. /metrics and
// /range/{prefix} are open unless `config` says otherwise.
struct RouteAccessRule {
  bool open = false;
  ScopeSet any_of = 0;
};
RouteAccessRule RouteAccess(RouteId route, const ServiceConfig& config);

// An error response {"error":{"code","message"}} with `status`.
Response ErrorResponse(unsigned version, bool keep_alive, int status,
                       absl::string_view code, absl::string_view message);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_ROUTER_H_
