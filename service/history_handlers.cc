// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// GET /v1/events: every user's history in time order, one replay line per
// event (NDJSON), a page at a time.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "vigil/history.h"

namespace vigil::service {
namespace {

constexpr int kDefaultEventsPage = 1000;
constexpr int kMaxEventsPage = 10000;

Reply BadParameter(absl::string_view message) {
  return ErrorReply(400, "bad_request", message);
}

}  // namespace

Reply HandleEvents(const Request& req, ServiceContext& ctx) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!ParseQuery(absl::string_view(req.target().data(), req.target().size()),
                  &query)) {
    return BadParameter("query: malformed %-escape");
  }
  HistoryQuery q;
  q.limit = kDefaultEventsPage;
  for (const auto& [name, value] : query) {
    if (name == "since" || name == "until") {
      absl::Time t;
      if (!ParseTimestamp(value, &t)) {
        return BadParameter(absl::StrCat(
            name, ": not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)"));
      }
      (name == "since" ? q.since : q.until) = t;
    } else if (name == "cursor") {
      q.cursor = value;
    } else if (name == "limit") {
      if (!absl::SimpleAtoi(value, &q.limit) || q.limit < 1 ||
          q.limit > kMaxEventsPage) {
        return BadParameter(absl::StrCat("limit: must be an integer from 1 to ",
                                         kMaxEventsPage));
      }
    } else {
      return BadParameter(
          absl::StrCat(name.substr(0, 64),
                       ": unknown query parameter (want since, until, cursor "
                       "or limit)"));
    }
  }
  Store* store = ctx.store();
  if (store == nullptr) {
    return ErrorReply(503, "unavailable", "store: not open yet");
  }
  absl::StatusOr<HistoryPage> page = ReadHistory(store, q);
  if (absl::IsInvalidArgument(page.status())) {
    return BadParameter(page.status().message());
  }
  if (!page.ok()) return EngineErrorReply(page.status());
  Reply reply;
  reply.content_type = "application/x-ndjson";
  for (const HistoryEvent& e : page->events) {
    reply.body += AttemptToJson(e.attempt);
    reply.body.push_back('\n');
  }
  if (!page->next_cursor.empty()) {
    reply.headers.emplace_back("Vigil-Next-Cursor", page->next_cursor);
  }
  return reply;
}

}  // namespace vigil::service
