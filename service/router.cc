// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/router.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "vigil/attempt.h"

namespace vigil::service {
namespace {

namespace http = boost::beast::http;

absl::string_view View(boost::beast::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Which keys a route wants: RouteAccessRule of router.h.
using Access = RouteAccessRule;

}  // namespace

Access RouteAccess(RouteId route, const ServiceConfig& config) {
  auto scopes = [](std::initializer_list<Scope> list) {
    ScopeSet set = 0;
    for (Scope s : list) set |= static_cast<ScopeSet>(s);
    return Access{false, set};
  };
  switch (route) {
    case RouteId::kEvaluate:
    case RouteId::kEventOutcome:
    case RouteId::kPasswordCheck:
    case RouteId::kDovecotPolicy:
      return scopes({Scope::kEvaluate});
    case RouteId::kRange:
      if (config.pwned_range_requires_key) {
        return scopes({Scope::kEvaluate, Scope::kMfa, Scope::kAdmin});
      }
      return Access{true, 0};
    case RouteId::kUserEvents:
      return scopes({Scope::kEvaluate, Scope::kAdmin});
    case RouteId::kEventFeedback:
    case RouteId::kAdminReload:
    case RouteId::kBackupCreate:
    case RouteId::kBackupList:
    case RouteId::kDeadLetters:
    case RouteId::kDeadLetterRetry:
    case RouteId::kEvents:
      return scopes({Scope::kAdmin});
    case RouteId::kChallengeSend:
    case RouteId::kChallengeVerify:
    case RouteId::kMfaSettings:
    case RouteId::kMfaSettingsGet:
    case RouteId::kTotpEnroll:
    case RouteId::kTotpVerify:
    case RouteId::kDevices:
    case RouteId::kDeviceUpdate:
    case RouteId::kDeviceDelete:
    case RouteId::kPasskeyRegistrationStart:
    case RouteId::kPasskeyCreate:
    case RouteId::kPasskeys:
    case RouteId::kPasskeyUpdate:
    case RouteId::kPasskeyDelete:
    case RouteId::kChallengeWebauthn:
      return scopes({Scope::kMfa});
    case RouteId::kMetrics:
      if (config.metrics_require_key) {
        return scopes({Scope::kEvaluate, Scope::kMfa, Scope::kAdmin});
      }
      return Access{true, 0};
    case RouteId::kFeedbackLink:  // the token is the credential
    case RouteId::kOpenApi:       // the public contract
    case RouteId::kPasskeyDemo:   // a static page; its calls need a key
    case RouteId::kHealthz:
    case RouteId::kReadyz:
    case RouteId::kUnknown:
      break;
  }
  return Access{true, 0};
}

namespace {

// Null if the caller may go on, else the refusal.
std::optional<Reply> CheckAccess(const Request& req, RouteId route,
                                 ServiceContext& ctx, RequestNotes* notes) {
  Access access = RouteAccess(route, ctx.config());
  if (access.open) return std::nullopt;
  // The policy route takes what a mail server's policy client can send.
  const bool policy_client = route == RouteId::kDovecotPolicy;
  const absl::string_view authorization = View(req[http::field::authorization]);
  Caller caller;
  if (policy_client && absl::StripAsciiWhitespace(authorization).empty()) {
    caller = ctx.auth().AuthenticateKey(View(req["X-API-Key"]));
  } else {
    caller = ctx.auth().Authenticate(
        authorization,
        policy_client ? AuthScheme::kPolicyClient : AuthScheme::kBearer);
  }
  switch (caller.result) {
    case Caller::Result::kMissing:
      return ErrorReply(401, "unauthenticated",
                        policy_client
                            ? "authorization: missing; send 'Authorization: "
                              "Bearer <api key>' (or Basic with the key as the "
                              "password, or X-API-Key)"
                            : "authorization: missing; send 'Authorization: "
                              "Bearer <api key>'");
    case Caller::Result::kMalformed:
      return ErrorReply(401, "unauthenticated",
                        policy_client
                            ? "authorization: expected 'Bearer <api key>' or "
                              "'Basic base64(<name>:<api key>)'"
                            : "authorization: expected 'Bearer <api key>'");
    case Caller::Result::kUnknownKey:
      return ErrorReply(401, "unauthenticated",
                        "authorization: unknown API key");
    case Caller::Result::kOk:
      break;
  }
  notes->key_name = caller.key->name;
  if ((caller.key->scopes & access.any_of) == 0) {
    return ErrorReply(
        403, "forbidden",
        absl::StrCat("authorization: key \"", caller.key->name,
                     "\" lacks the scope ",
                     absl::StrJoin(ScopeNames(access.any_of), " or "), " for ",
                     RouteTemplate(route)));
  }
  return std::nullopt;
}

Reply StatusReply(absl::string_view status) {
  Reply r;
  r.body = absl::StrCat("{\"status\":\"", status, "\"}");
  return r;
}

bool IsJson(const Request& req) {
  absl::string_view type = View(req[http::field::content_type]);
  type = absl::StripAsciiWhitespace(type.substr(0, type.find(';')));
  return absl::EqualsIgnoreCase(type, "application/json");
}

Reply Dispatch(const Request& req, const RouteMatch& match, ServiceContext& ctx,
               RequestNotes* notes) {
  RouteId route = match.route;
  if (route == RouteId::kUnknown) {
    return ErrorReply(404, "not_found", "path: no such route");
  }
  if (req.method() != RouteMethod(route)) {
    Reply r =
        ErrorReply(405, "method_not_allowed",
                   absl::StrCat("method: ", RouteTemplate(route), " takes ",
                                View(http::to_string(RouteMethod(route)))));
    return r;
  }
  if (match.bad_escape) {
    return ErrorReply(400, "bad_request", "path: malformed %-escape");
  }
  if (std::optional<Reply> refused = CheckAccess(req, route, ctx, notes)) {
    return *std::move(refused);
  }
  switch (route) {
    case RouteId::kHealthz:
      return StatusReply("ok");
    case RouteId::kReadyz:
      if (!ctx.ready()) {
        return ErrorReply(503, "unavailable",
                          ctx.draining() ? "server: shutting down"
                          : ctx.engine() == nullptr
                              ? "engine: not open yet"
                              : "store: writes are failing; "
                                "retrying in the background");
      }
      return StatusReply("ready");
    case RouteId::kMetrics:
      return HandleMetrics(ctx);
    case RouteId::kOpenApi:
      return HandleOpenApi();
    case RouteId::kPasskeyDemo:
      return HandlePasskeyDemo(ctx);
    default:
      break;
  }
  if (ctx.engine() == nullptr) {
    return ErrorReply(503, "unavailable", "engine: not open yet");
  }
  const http::verb method = RouteMethod(route);
  const bool has_body = method == http::verb::post || method == http::verb::put ||
                        method == http::verb::patch;
  if (has_body && route != RouteId::kAdminReload &&
      route != RouteId::kBackupCreate && route != RouteId::kDeadLetterRetry &&
      route != RouteId::kTotpEnroll && route != RouteId::kChallengeWebauthn &&
      !IsJson(req)) {
    return ErrorReply(415, "unsupported_media_type",
                      "content-type: must be application/json");
  }
  // A user id in the path passes the library's one check before anything
  // reads or writes under it (the same 422 as a bad user_id in a body).
  if (absl::StrContains(RouteTemplate(route), "{user}")) {
    if (absl::Status s = ValidateUserId(match.param); !s.ok()) {
      return ErrorReply(422, "invalid_argument", s.message());
    }
  }
  switch (route) {
    case RouteId::kEvaluate:
      return HandleEvaluate(req, ctx, notes);
    case RouteId::kEventOutcome:
      return HandleOutcome(req, match.param, ctx, notes);
    case RouteId::kEventFeedback:
      return HandleFeedback(req, match.param, ctx, notes);
    case RouteId::kUserEvents:
      return HandleUserEvents(req, match.param, ctx);
    case RouteId::kAdminReload:
      return HandleReload(ctx);
    case RouteId::kChallengeSend:
      return HandleChallengeSend(req, match.param, ctx);
    case RouteId::kChallengeVerify:
      return HandleChallengeVerify(req, match.param, ctx);
    case RouteId::kMfaSettings:
      return HandleMfaSettingsPut(req, match.param, ctx);
    case RouteId::kMfaSettingsGet:
      return HandleMfaSettingsGet(match.param, ctx);
    case RouteId::kTotpEnroll:
      return HandleTotpEnroll(req, match.param, ctx);
    case RouteId::kTotpVerify:
      return HandleTotpVerify(req, match.param, ctx);
    case RouteId::kDevices:
      return HandleDevices(match.param, ctx);
    case RouteId::kDeviceUpdate:
      return HandleDeviceUpdate(req, match.param, match.param2, ctx);
    case RouteId::kDeviceDelete:
      return HandleDeviceDelete(match.param, match.param2, ctx);
    case RouteId::kPasskeyRegistrationStart:
      return HandlePasskeyRegistrationStart(req, match.param, ctx);
    case RouteId::kPasskeyCreate:
      return HandlePasskeyCreate(req, match.param, ctx);
    case RouteId::kPasskeys:
      return HandlePasskeys(match.param, ctx);
    case RouteId::kPasskeyUpdate:
      return HandlePasskeyUpdate(req, match.param, match.param2, ctx);
    case RouteId::kPasskeyDelete:
      return HandlePasskeyDelete(match.param, match.param2, ctx);
    case RouteId::kChallengeWebauthn:
      return HandleChallengeWebauthn(req, match.param, ctx);
    case RouteId::kRange:
      return HandleRange(req, match.param, ctx);
    case RouteId::kPasswordCheck:
      return HandlePasswordCheck(req, ctx);
    case RouteId::kFeedbackLink:
      return HandleFeedbackLink(req, ctx);
    case RouteId::kBackupCreate:
      return HandleBackupCreate(ctx);
    case RouteId::kBackupList:
      return HandleBackupList(ctx);
    case RouteId::kDeadLetters:
      return HandleDeadLetterList(ctx);
    case RouteId::kDeadLetterRetry:
      return HandleDeadLetterRetry(match.param, ctx);
    case RouteId::kEvents:
      return HandleEvents(req, ctx);
    case RouteId::kDovecotPolicy:
      return HandleDovecotPolicy(req, ctx, notes);
    default:
      return ErrorReply(500, "internal", "internal error");
  }
}

Response MakeResponse(unsigned version, bool keep_alive, Reply reply) {
  Response res{static_cast<http::status>(reply.status), version};
  res.set(http::field::server, "vigild");
  res.set(http::field::content_type, reply.content_type);
  res.set(http::field::cache_control, reply.cache_control);
  for (const auto& [name, value] : reply.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(reply.body);
  res.prepare_payload();
  return res;
}

}  // namespace

Response ErrorResponse(unsigned version, bool keep_alive, int status,
                       absl::string_view code, absl::string_view message) {
  return MakeResponse(version, keep_alive, ErrorReply(status, code, message));
}

Response Handle(const Request& req, ServiceContext& ctx, RequestNotes* notes) {
  RouteMatch match = MatchRoute(View(req.target()));
  match.route = RouteForMethod(match.route, req.method());
  notes->route = match.route;
  Reply reply = Dispatch(req, match, ctx, notes);
  int status = reply.status;
  Response res =
      MakeResponse(req.version(), req.keep_alive(), std::move(reply));
  if (status == 405) {
    res.set(http::field::allow, http::to_string(RouteMethod(match.route)));
  }
  if (status == 401) res.set(http::field::www_authenticate, "Bearer");
  return res;
}

}  // namespace vigil::service
