// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/handlers.h"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/json_codec.h"
#include "service/json_writer.h"
#include "service/openapi_spec.h"
#include "vigil/mfa.h"
#include "vigil/model.h"

namespace vigil::service {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

absl::string_view View(const Request& req) {
  return absl::string_view(req.body().data(), req.body().size());
}

// Parses the body into `arena`, which must outlive the result.
absl::StatusOr<boost::json::value> ParseBody(
    const Request& req, ServiceContext& ctx,
    boost::json::monotonic_resource& arena) {
  return ParseJsonBody(View(req), ctx.config().max_json_depth,
                       boost::json::storage_ptr(&arena));
}

Reply MalformedReply(const absl::Status& status) {
  return ErrorReply(400, "malformed_json", status.message());
}

Reply JsonObjectReply(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>
        fields) {
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  for (const auto& [k, v] : fields) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  return r;
}

}  // namespace

Reply ErrorReply(int status, absl::string_view code,
                 absl::string_view message) {
  Reply r;
  r.status = status;
  r.error_code = std::string(code);
  r.body = ErrorToJson(code, message);
  return r;
}

Reply RateLimitedReply(absl::string_view message, int64_t retry_after_seconds) {
  Reply r = ErrorReply(429, "rate_limited", message);
  r.headers.emplace_back(
      "Retry-After", absl::StrCat(std::max<int64_t>(retry_after_seconds, 1)));
  return r;
}

Reply EngineErrorReply(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
      // A limit that says when it lets the caller through is a 429; any other
      // exhausted resource is an internal error (nothing to wait for).
      if (const int64_t wait = MfaRetryAfterSeconds(status); wait > 0) {
        return RateLimitedReply(status.message(), wait);
      }
      break;
    case absl::StatusCode::kInvalidArgument:
      return ErrorReply(422, "invalid_argument", status.message());
    case absl::StatusCode::kNotFound:
      return ErrorReply(404, "not_found", status.message());
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return ErrorReply(409, "conflict", status.message());
    case absl::StatusCode::kUnavailable:
      return ErrorReply(503, "unavailable", status.message());
    default:
      break;
  }
  // Not the engine's message: it may name internals.
  return ErrorReply(500, "internal", "internal error");
}

absl::StatusOr<Decision> EvaluateAttempt(const Attempt& attempt,
                                         ServiceContext& ctx,
                                         RequestNotes* notes) {
  absl::StatusOr<Decision> decision = ctx.engine()->Evaluate(attempt);
  if (decision.ok()) notes->event_id = decision->event_id;
  return decision;
}

absl::Status RecordAttemptOutcome(const std::string& event_id, Outcome outcome,
                                  ServiceContext& ctx, RequestNotes* notes) {
  notes->event_id = event_id;
  return ctx.engine()->RecordOutcome(event_id, outcome);
}

Reply HandleEvaluate(const Request& req, ServiceContext& ctx,
                     RequestNotes* notes) {
  // Attempts are small: their DOM fits in a stack arena most of the time.
  unsigned char buffer[4096];
  boost::json::monotonic_resource arena(buffer, sizeof(buffer));
  absl::StatusOr<boost::json::value> json = ParseBody(req, ctx, arena);
  if (!json.ok()) return MalformedReply(json.status());
  absl::StatusOr<Attempt> attempt = AttemptFromJson(*json);
  if (!attempt.ok()) {
    return ErrorReply(422, "invalid_argument", attempt.status().message());
  }
  absl::StatusOr<Decision> decision = EvaluateAttempt(*attempt, ctx, notes);
  if (!decision.ok()) return EngineErrorReply(decision.status());
  Reply reply;
  reply.body = DecisionToJson(*decision);
  return reply;
}

Reply HandleOutcome(const Request& req, const std::string& event_id,
                    ServiceContext& ctx, RequestNotes* notes) {
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof(buffer));
  absl::StatusOr<boost::json::value> json = ParseBody(req, ctx, arena);
  if (!json.ok()) return MalformedReply(json.status());
  absl::StatusOr<Outcome> outcome = OutcomeFromJson(*json);
  if (!outcome.ok()) {
    return ErrorReply(422, "invalid_argument", outcome.status().message());
  }
  absl::Status s = RecordAttemptOutcome(event_id, *outcome, ctx, notes);
  if (!s.ok()) return EngineErrorReply(s);
  return JsonObjectReply(
      {{"event_id", event_id}, {"outcome", OutcomeName(*outcome)}});
}

Reply HandleFeedback(const Request& req, const std::string& event_id,
                     ServiceContext& ctx, RequestNotes* notes) {
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof(buffer));
  absl::StatusOr<boost::json::value> json = ParseBody(req, ctx, arena);
  if (!json.ok()) return MalformedReply(json.status());
  absl::StatusOr<FeedbackValue> value = FeedbackFromJson(*json);
  if (!value.ok()) {
    return ErrorReply(422, "invalid_argument", value.status().message());
  }
  notes->event_id = event_id;
  absl::Status s = ctx.engine()->RecordFeedback(event_id, *value, "admin");
  if (!s.ok()) return EngineErrorReply(s);
  return JsonObjectReply(
      {{"event_id", event_id}, {"feedback", FeedbackValueName(*value)}});
}

Reply HandleUserEvents(const Request& req, const std::string& user_id,
                       ServiceContext& ctx) {
  std::vector<std::pair<std::string, std::string>> query;
  absl::string_view target(req.target().data(), req.target().size());
  if (!ParseQuery(target, &query)) {
    return ErrorReply(400, "bad_request", "query: malformed %-escape");
  }
  std::string cursor;
  int limit = kDefaultPageSize;
  for (const auto& [name, value] : query) {
    if (name == "cursor") {
      cursor = value;
    } else if (name == "limit") {
      if (!absl::SimpleAtoi(value, &limit) || limit < 1 ||
          limit > kMaxPageSize) {
        return ErrorReply(
            422, "invalid_argument",
            absl::StrCat("limit: must be an integer from 1 to ", kMaxPageSize));
      }
    } else {
      return ErrorReply(422, "invalid_argument",
                        absl::StrCat(name.substr(0, 64),
                                     ": unknown query parameter (want cursor "
                                     "or limit)"));
    }
  }
  absl::StatusOr<EventPage> page =
      ctx.engine()->ListEvents(user_id, cursor, limit);
  if (!page.ok()) return EngineErrorReply(page.status());
  Reply reply;
  reply.body = EventPageToJson(*page);
  return reply;
}

Reply HandleReload(ServiceContext& ctx) {
  absl::MutexLock lock(&ctx.reload_mutex());
  absl::StatusOr<std::shared_ptr<const Model>> model =
      Model::LoadFile(ctx.config().model_path);
  const std::shared_ptr<const Model> old = ctx.engine()->model();
  const std::string old_id = old != nullptr ? old->id() : "";
  if (!model.ok()) {
    ctx.metrics().RecordReload(false);
    // The old model stays.
    ctx.log().Log(LogLevel::kWarn, "model_reload_refused",
                  "the model file was refused; the running model stays",
                  {{"path", ctx.config().model_path},
                   {"model_id", old_id},
                   {"error", model.status().message()}});
    return ErrorReply(422, "invalid_model",
                      absl::StrCat("model: ", model.status().message()));
  }
  ctx.engine()->SetModel(*model);
  ctx.metrics().RecordReload(true);
  ctx.log().Log(LogLevel::kInfo, "model_reloaded", "",
                {{"path", ctx.config().model_path},
                 {"model_id", (*model)->id()},
                 {"previous_model_id", old_id}});
  return JsonObjectReply({{"model", (*model)->id()}});
}

Reply HandleMetrics(ServiceContext& ctx) {
  Reply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.body = ctx.metrics().Render(ctx.engine(), ctx.store(), ctx.ready());
  reply.body += PwnedMetrics(ctx);
  reply.body += NotifyMetrics(ctx);
  return reply;
}

Reply HandleOpenApi() {
  Reply reply;
  reply.content_type = "application/yaml";
  reply.body = std::string(OpenApiSpec());
  // The same bytes until the binary changes; revalidated by restart only.
  reply.cache_control = "public, max-age=300";
  return reply;
}

}  // namespace vigil::service
