// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/handlers.h: one function per route, called by Handle() once the
// route, method, key, scope and readiness have been checked. Internal to the
// service library.

#ifndef VIGIL_SERVICE_HANDLERS_H_
#define VIGIL_SERVICE_HANDLERS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/router.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"

namespace vigil::service {

// The pieces of a reply before it becomes a Response.
struct Reply {
  int status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::string content_type = "application/json";
  // Errors only: the machine-readable code, e.g. "invalid_argument".
  std::string error_code;
  std::string cache_control = "no-store";
  // Further response headers.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Not for 429: that is RateLimitedReply, which carries the wait.
Reply ErrorReply(int status, absl::string_view code, absl::string_view message);
// The only way vigild answers 429 (`rate_limited`): always with
// `Retry-After: <seconds>` (at least 1), the time until the limit that
// refused the request lets it through.
Reply RateLimitedReply(absl::string_view message, int64_t retry_after_seconds);
// Maps an engine status: InvalidArgument -> 422, NotFound -> 404,
// FailedPrecondition -> 409, ResourceExhausted that carries a wait
// (MfaRetryAfterSeconds) -> 429 by RateLimitedReply, Unavailable -> 503,
// else 500.
Reply EngineErrorReply(const absl::Status& status);

// The one way a route evaluates an attempt and records its outcome (POST
// /v1/evaluate, POST /v1/events/{id}/outcome and the mail servers' policy
// route): the engine's call, with the event id noted for the access log.
absl::StatusOr<Decision> EvaluateAttempt(const Attempt& attempt,
                                         ServiceContext& ctx,
                                         RequestNotes* notes);
absl::Status RecordAttemptOutcome(const std::string& event_id, Outcome outcome,
                                  ServiceContext& ctx, RequestNotes* notes);

Reply HandleEvaluate(const Request& req, ServiceContext& ctx,
                     RequestNotes* notes);
Reply HandleOutcome(const Request& req, const std::string& event_id,
                    ServiceContext& ctx, RequestNotes* notes);
Reply HandleFeedback(const Request& req, const std::string& event_id,
                     ServiceContext& ctx, RequestNotes* notes);
Reply HandleUserEvents(const Request& req, const std::string& user_id,
                       ServiceContext& ctx);
Reply HandleReload(ServiceContext& ctx);
// GET /v1/events?since=&until=&cursor=&limit= (history_handlers.cc): one
// page (default 1000, at most 10000 events) of every user's history in time
// order, application/x-ndjson, one replay line (AttemptToJson) per event;
// `Vigil-Next-Cursor: <event id>` when more follow (pass it as cursor).
// 400 bad_request for a bad or unknown parameter.
Reply HandleEvents(const Request& req, ServiceContext& ctx);
// Online backups (backup_handlers.cc): POST makes one into [storage]
// backup_dir, GET lists them; 409 backups_not_configured without it.
Reply HandleBackupCreate(ServiceContext& ctx);
Reply HandleBackupList(ServiceContext& ctx);
// GET /v1/admin/outbox/dead-letters and
// POST /v1/admin/outbox/dead-letters/{id}/retry (service/outbox_handlers.cc).
Reply HandleDeadLetterList(ServiceContext& ctx);
Reply HandleDeadLetterRetry(const std::string& id, ServiceContext& ctx);
Reply HandleMetrics(ServiceContext& ctx);
// POST /v1/policy/dovecot?command=allow|report (service/dovecot_policy.cc).
Reply HandleDovecotPolicy(const Request& req, ServiceContext& ctx,
                          RequestNotes* notes);
// GET /range/{prefix} (service/pwned_handlers.cc).
Reply HandleRange(const Request& req, const std::string& prefix,
                  ServiceContext& ctx);
// POST /v1/passwords/check.
Reply HandlePasswordCheck(const Request& req, ServiceContext& ctx);
// The breach corpus's lines of /metrics (Prometheus text).
std::string PwnedMetrics(ServiceContext& ctx);

// Notifications (feedback_handlers.cc): GET /v1/feedback?token=..., the
// one-click link of a notification, answered with a small HTML page.
Reply HandleFeedbackLink(const Request& req, ServiceContext& ctx);
// The outbox's lines of /metrics (Prometheus text).
std::string NotifyMetrics(ServiceContext& ctx);

// MFA routes (mfa_handlers.cc).
Reply HandleChallengeSend(const Request& req, const std::string& challenge_id,
                          ServiceContext& ctx);
Reply HandleChallengeVerify(const Request& req, const std::string& challenge_id,
                            ServiceContext& ctx);
Reply HandleMfaSettingsPut(const Request& req, const std::string& user_id,
                           ServiceContext& ctx);
Reply HandleMfaSettingsGet(const std::string& user_id, ServiceContext& ctx);
Reply HandleTotpEnroll(const Request& req, const std::string& user_id,
                       ServiceContext& ctx);
Reply HandleTotpVerify(const Request& req, const std::string& user_id,
                       ServiceContext& ctx);
Reply HandleDevices(const std::string& user_id, ServiceContext& ctx);
Reply HandleDeviceUpdate(const Request& req, const std::string& user_id,
                         const std::string& device_id, ServiceContext& ctx);
Reply HandleDeviceDelete(const std::string& user_id,
                         const std::string& device_id, ServiceContext& ctx);

// GET /openapi.yaml: the built-in docs/openapi.yaml (application/yaml).
// service/passkey_handlers.cc
Reply HandlePasskeyRegistrationStart(const Request& req,
                                     const std::string& user_id,
                                     ServiceContext& ctx);
Reply HandlePasskeyCreate(const Request& req, const std::string& user_id,
                          ServiceContext& ctx);
Reply HandlePasskeys(const std::string& user_id, ServiceContext& ctx);
Reply HandlePasskeyUpdate(const Request& req, const std::string& user_id,
                          const std::string& passkey_id, ServiceContext& ctx);
Reply HandlePasskeyDelete(const std::string& user_id,
                          const std::string& passkey_id, ServiceContext& ctx);
Reply HandleChallengeWebauthn(const Request& req, const std::string& challenge_id,
                              ServiceContext& ctx);
Reply HandlePasskeyDemo(ServiceContext& ctx);
Reply HandleOpenApi();

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_HANDLERS_H_
