// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/route.h: the v1 routes, matched from a request target.
//
// Matching knows only paths and methods, nothing of handlers, so the session
// can name the route of a request it refuses before routing (413, 431) and
// metrics and access logs carry the route template, never the raw path
// (which holds user ids).

#ifndef VIGIL_SERVICE_ROUTE_H_
#define VIGIL_SERVICE_ROUTE_H_

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace vigil::service {

enum class RouteId : uint8_t {
  kEvaluate,         // POST /v1/evaluate
  kEventOutcome,     // POST /v1/events/{id}/outcome
  kEventFeedback,    // POST /v1/events/{id}/feedback
  kUserEvents,       // GET  /v1/users/{user}/events
  kAdminReload,      // POST /v1/admin/reload
  kHealthz,          // GET  /healthz
  kReadyz,           // GET  /readyz
  kMetrics,          // GET  /metrics
  kOpenApi,          // GET  /openapi.yaml (docs/openapi.yaml, this API)
  kChallengeSend,    // POST /v1/challenges/{id}/send
  kChallengeVerify,  // POST /v1/challenges/{id}/verify
  kMfaSettings,      // PUT  /v1/users/{user}/mfa
  kMfaSettingsGet,   // GET  /v1/users/{user}/mfa
  kTotpEnroll,       // POST /v1/users/{user}/mfa/totp
  kTotpVerify,       // POST /v1/users/{user}/mfa/totp/verify
  kDevices,          // GET  /v1/users/{user}/devices
  kDeviceUpdate,     // PATCH /v1/users/{user}/devices/{id}
  kDeviceDelete,     // DELETE /v1/users/{user}/devices/{id}
  kRange,            // GET  /range/{prefix}
  kPasswordCheck,    // POST /v1/passwords/check
  kFeedbackLink,     // GET  /v1/feedback?token=... (one-click link)
  kBackupCreate,     // POST /v1/admin/backups
  kBackupList,       // GET  /v1/admin/backups
  kDeadLetters,      // GET  /v1/admin/outbox/dead-letters
  kDeadLetterRetry,  // POST /v1/admin/outbox/dead-letters/{id}/retry
  kEvents,           // GET  /v1/events (every user's history, NDJSON)
  kDovecotPolicy,    // POST /v1/policy/dovecot?command=allow|report
  kPasskeyRegistrationStart,  // POST /v1/users/{user}/passkeys/registrations
  kPasskeyCreate,    // POST /v1/users/{user}/passkeys (finish a registration)
  kPasskeys,         // GET  /v1/users/{user}/passkeys
  kPasskeyUpdate,    // PATCH /v1/users/{user}/passkeys/{id}
  kPasskeyDelete,    // DELETE /v1/users/{user}/passkeys/{id}
  kChallengeWebauthn,  // POST /v1/challenges/{id}/webauthn (request options)
  kPasskeyDemo,      // GET  /demo/passkeys ([passkeys] demo_page)
  kUnknown,          // anything else
};
inline constexpr int kRouteCount = 35;
// kUnknown is last: a route added without counting it (e.g. two branches that
// each add one and both write the same count) does not compile.
static_assert(static_cast<int>(RouteId::kUnknown) + 1 == kRouteCount);

// "/v1/events/{id}/outcome", ...; "unknown" for kUnknown.
absl::string_view RouteTemplate(RouteId route);
// The one method a route answers.
boost::beast::http::verb RouteMethod(RouteId route);

struct RouteMatch {
  RouteId route = RouteId::kUnknown;
  // The percent-decoded {id}, {user} or {prefix}, if the route has one.
  std::string param;
  // The second parameter ({id} of a device), if the route has one.
  std::string param2;
  // The path had a route's shape but a bad %-escape in the parameter.
  bool bad_escape = false;
};

// Matches the path of `target` (the query is ignored).
RouteMatch MatchRoute(absl::string_view target);
// Routes that share a path differ by method: the route of `route`'s path for
// `method` (`route` itself if none).
RouteId RouteForMethod(RouteId route, boost::beast::http::verb method);

// The query of `target` as decoded name/value pairs, in order. False if an
// escape is malformed.
bool ParseQuery(absl::string_view target,
                std::vector<std::pair<std::string, std::string>>* out);

// Decodes %XX escapes (and '+' as space if `plus_is_space`). False for a
// malformed escape.
bool PercentDecode(absl::string_view in, bool plus_is_space, std::string* out);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_ROUTE_H_
