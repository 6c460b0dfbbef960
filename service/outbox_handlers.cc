// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// GET /v1/admin/outbox/dead-letters and
// POST /v1/admin/outbox/dead-letters/{id}/retry: the outbox's dead letters
// (vigil/notify.h) while vigild runs; `vigil outbox list|retry` does the same
// on a stopped vigild's data folder.

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "service/json_writer.h"
#include "vigil/notify.h"

namespace vigil::service {
namespace {

// Listed at most; "more" says there were others.
constexpr size_t kMaxListed = 1000;

}  // namespace

Reply HandleDeadLetterList(ServiceContext& ctx) {
  Store* store = ctx.store();
  if (store == nullptr)
    return ErrorReply(503, "unavailable", "engine: not open yet");
  bool more = false;
  absl::StatusOr<std::vector<DeadLetter>> list =
      ListDeadLetters(*store, kMaxListed, &more);
  if (!list.ok()) return EngineErrorReply(list.status());
  Reply r;
  r.body = DeadLettersToJson(*list, more);
  return r;
}

Reply HandleDeadLetterRetry(const std::string& id, ServiceContext& ctx) {
  Engine* engine = ctx.engine();
  Outbox* outbox = engine != nullptr ? engine->outbox() : nullptr;
  if (outbox == nullptr) {
    // Say 404 for an unknown id even so; a known one has nobody to send it.
    Store* store = ctx.store();
    if (store == nullptr)
      return ErrorReply(503, "unavailable", "engine: not open yet");
    absl::StatusOr<std::vector<DeadLetter>> list = ListDeadLetters(*store);
    if (!list.ok()) return EngineErrorReply(list.status());
    bool found = false;
    for (const DeadLetter& d : *list) found = found || d.id == id;
    if (!found) {
      return ErrorReply(404, "not_found", "outbox: no such dead letter");
    }
    return ErrorReply(409, "notifications_not_configured",
                      "outbox: no [notify] email or [webhook] is configured, "
                      "so nothing would deliver it");
  }
  absl::Status s = outbox->RetryDeadLetter(id);
  if (absl::IsNotFound(s)) {
    return ErrorReply(404, "not_found", "outbox: no such dead letter");
  }
  if (absl::IsFailedPrecondition(s)) {
    return ErrorReply(409, "unreadable", s.message());
  }
  if (!s.ok()) return EngineErrorReply(s);
  Reply r;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("requeued");
  w.String(id);
  w.EndObject();
  return r;
}

}  // namespace vigil::service
