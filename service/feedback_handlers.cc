// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The one-click feedback link of a notification, GET /v1/feedback?token=...,
// and the outbox's metrics. The admin route POST /v1/events/{id}/feedback is
// in handlers.cc; both end in Engine::RecordFeedback's effects.
//
// The link is opened by a person in a browser: answers are small, plain HTML
// pages (no script, no external resource, not cached, no referrer), with a
// status that says what happened. The token is the only credential and is
// never echoed, logged or put in a metric.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/handlers.h"
#include "vigil/engine.h"

namespace vigil::service {
namespace {

// `title` and `body` are fixed text of this file (no user data).
Reply Page(int status, absl::string_view title, absl::string_view body) {
  Reply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<title>",
      title,
      "</title></head>\n<body style=\"font-family:sans-serif;"
      "max-width:36em;margin:3em auto;padding:0 1em\">\n<h1>",
      title, "</h1>\n", body, "\n</body></html>\n");
  if (status >= 400) r.error_code = "feedback_link";
  r.headers = {{"Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'"},
               {"Referrer-Policy", "no-referrer"},
               {"X-Content-Type-Options", "nosniff"}};
  return r;
}

}  // namespace

Reply HandleFeedbackLink(const Request& req, ServiceContext& ctx) {
  std::vector<std::pair<std::string, std::string>> query;
  absl::string_view target(req.target().data(), req.target().size());
  const std::string* token = nullptr;
  int tokens = 0;
  if (ParseQuery(target, &query)) {
    for (const auto& [name, value] : query) {
      if (name == "token") {
        token = &value;
        ++tokens;
      }
    }
  }
  if (tokens != 1 || token->empty()) {
    return Page(400, "This link is not valid",
                "<p>The link has no token, or more than one. Open the link "
                "from the e-mail exactly as it is.</p>");
  }
  absl::StatusOr<FeedbackLinkResult> r =
      ctx.engine()->RecordFeedbackFromLink(*token);
  if (r.ok()) {
    if (r->value == FeedbackValue::kValid) {
      return Page(200, "Thanks for confirming",
                  "<p>We recorded that this sign-in was you. We will treat "
                  "this device and place as familiar from now on.</p>");
    }
    return Page(200, "Thanks, we have secured your account",
                "<p>We recorded that this sign-in was <strong>not</strong> "
                "you. Sign-ins from that address are now treated as risky, "
                "that device is forgotten, and you will be asked to change "
                "your password.</p><p>Please change your password now.</p>");
  }
  const absl::Status& s = r.status();
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
      return Page(400, "This link is not valid",
                  "<p>The link is damaged or was not made by us. Nothing was "
                  "changed. Open the link from the e-mail exactly as it "
                  "is.</p>");
    case absl::StatusCode::kFailedPrecondition:
      if (s.message() == "token: expired") {
        return Page(410, "This link has expired",
                    "<p>Links in our e-mails work for a limited time. Nothing "
                    "was changed. If a sign-in was not you, change your "
                    "password.</p>");
      }
      return Page(404, "Feedback links are not available",
                  "<p>This server does not accept feedback links.</p>");
    case absl::StatusCode::kAlreadyExists:
      return Page(409, "This link was already used",
                  "<p>We already recorded this answer; each link works once. "
                  "Nothing was changed.</p>");
    case absl::StatusCode::kNotFound:
      return Page(404, "Sign-in not found",
                  "<p>We no longer have a record of this sign-in. Nothing was "
                  "changed.</p>");
    case absl::StatusCode::kUnavailable:
      return Page(503, "Please try again later",
                  "<p>We could not record your answer right now. Nothing was "
                  "changed; please open the link again in a few "
                  "minutes.</p>");
    default:
      return Page(500, "Something went wrong",
                  "<p>Nothing was changed; please try again later.</p>");
  }
}

std::string NotifyMetrics(ServiceContext& ctx) {
  Engine* engine = ctx.engine();
  if (engine == nullptr || engine->outbox() == nullptr) return "";
  const OutboxStats s = engine->outbox()->stats();
  return absl::StrCat(
      "# HELP vigil_outbox_pending Notifications waiting for (re)delivery.\n"
      "# TYPE vigil_outbox_pending gauge\n"
      "vigil_outbox_pending ",
      s.pending, "\n",
      "# HELP vigil_outbox_dead_letters Notifications given up on, kept in the "
      "store.\n"
      "# TYPE vigil_outbox_dead_letters gauge\n"
      "vigil_outbox_dead_letters ",
      s.dead_letters, "\n",
      "# HELP vigil_outbox_messages_total Notification messages since start, "
      "by "
      "what happened.\n"
      "# TYPE vigil_outbox_messages_total counter\n"
      "vigil_outbox_messages_total{result=\"enqueued\"} ",
      s.enqueued, "\n", "vigil_outbox_messages_total{result=\"delivered\"} ",
      s.delivered, "\n", "vigil_outbox_messages_total{result=\"retried\"} ",
      s.retries, "\n", "vigil_outbox_messages_total{result=\"dead_lettered\"} ",
      s.dead_lettered, "\n",
      "vigil_outbox_messages_total{result=\"requeued\"} ", s.requeued, "\n",
      "# HELP vigil_notify_no_address_total Notifications due for users "
      "without an e-mail address.\n"
      "# TYPE vigil_notify_no_address_total counter\n"
      "vigil_notify_no_address_total ",
      s.no_address, "\n",
      "# HELP vigil_notify_suppressed_total E-mail notifications not sent: "
      "over the user's cap.\n"
      "# TYPE vigil_notify_suppressed_total counter\n"
      "vigil_notify_suppressed_total ",
      s.suppressed, "\n");
}

}  // namespace vigil::service
