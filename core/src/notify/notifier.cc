// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/notifier.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_escape.h"
#include "common/status_macros.h"
#include "notify/notification_template.h"
#include "notify/outbox_record.h"

namespace vigil::internal {
namespace {

std::string OrUnknown(absl::string_view s, absl::string_view unknown) {
  return std::string(s.empty() ? unknown : s);
}

std::string FormatLoginTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

void Field(std::string* out, absl::string_view name, absl::string_view value) {
  if (out->size() > 1) out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  AppendJsonString(out, value);
}

void RawField(std::string* out, absl::string_view name,
              absl::string_view value) {
  if (out->size() > 1) out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  out->append(value.data(), value.size());
}

// "hour", "6 hours", "30 minutes".
std::string WindowText(absl::Duration window) {
  const int64_t minutes = absl::ToInt64Minutes(window);
  if (minutes == 1) return "minute";
  if (minutes % 60 != 0) return absl::StrCat(minutes, " minutes");
  if (minutes == 60) return "hour";
  return absl::StrCat(minutes / 60, " hours");
}

// The note the first e-mail after suppressed ones ends with.
void AppendSuppressedNote(uint32_t suppressed, const NotifyOptions& o,
                          OutgoingMessage* m) {
  const std::string note = absl::StrCat(
      suppressed, suppressed == 1 ? " more alert" : " more alerts",
      " about your account since the last one we sent you",
      suppressed == 1 ? " was" : " were", " not e-mailed: we send at most ",
      o.max_emails_per_user, " per ", WindowText(o.email_window),
      ". Check your account's recent activity.");
  absl::StrAppend(&m->text, "\n", note, "\n");
  if (m->html.empty()) return;
  const std::string p = absl::StrCat("<p>", HtmlEscape(note), "</p>\n");
  const size_t body_end = m->html.rfind("</body>");
  if (body_end == std::string::npos) {
    m->html += p;
  } else {
    m->html.insert(body_end, p);
  }
}

}  // namespace

std::string WebhookJson(const Event& e) {
  const Decision& d = e.decision;
  std::string out = "{";
  Field(&out, "type", "vigil.risky_event");
  Field(&out, "event_id", e.event_id);
  Field(&out, "user_id", e.user_id);
  Field(&out, "time",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", e.time, absl::UTCTimeZone()));
  Field(&out, "event_type", EventTypeName(e.event_type));
  Field(&out, "decision", VerdictName(d.verdict));
  Field(&out, "enforced_decision", VerdictName(d.enforced_verdict));
  Field(&out, "would_be", VerdictName(d.enforced_verdict));
  Field(&out, "mode", ModeName(d.mode));
  Field(&out, "level", RiskLevelName(d.level));
  RawField(&out, "score", absl::StrCat(d.score));
  RawField(&out, "compromised_credentials",
           d.compromised_credentials ? "true" : "false");
  std::string reasons = "[";
  for (const Reason& r : d.reasons) {
    if (reasons.size() > 1) reasons.push_back(',');
    std::string one = "{";
    Field(&one, "signal", r.signal);
    RawField(&one, "score", absl::StrCat(r.score));
    RawField(&one, "contribution", absl::StrCat(r.contribution));
    Field(&one, "detail", r.detail);
    one.push_back('}');
    reasons += one;
  }
  reasons.push_back(']');
  RawField(&out, "reasons", reasons);
  Field(&out, "ip", e.ip);
  Field(&out, "city", d.context.city);
  Field(&out, "country", d.context.country);
  RawField(&out, "asn", absl::StrCat(d.context.asn));
  Field(&out, "device", d.context.device);
  Field(&out, "device_name", e.device_name);
  Field(&out, "model", d.model);
  out.push_back('}');
  return out;
}

absl::StatusOr<std::unique_ptr<Notifier>> Notifier::Create(
    NotifyOptions o, std::shared_ptr<Store> store, const Clock* clock) {
  if (o.email_sender == nullptr && o.webhook_sender == nullptr) return nullptr;
  VIGIL_RETURN_IF_ERROR(ValidateTemplates(o.templates));
  VIGIL_RETURN_IF_ERROR(ValidateOutboxOptions(o.outbox));
  if (o.email_sender != nullptr) {
    if (o.feedback_key == nullptr ||
        o.feedback_key->size() < kMinFeedbackKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("notify.feedback_key: at least ", kMinFeedbackKeyBytes,
                       " bytes, required with e-mail notifications"));
    }
    if (!(absl::StartsWith(o.link_base_url, "http://") ||
          absl::StartsWith(o.link_base_url, "https://")) ||
        o.link_base_url.find_first_of(" \r\n\"<>?#") != std::string::npos) {
      return absl::InvalidArgumentError(
          "notify.link_base_url: must be http[s]://HOST[:PORT][/PATH] without "
          "query, required with e-mail notifications");
    }
    while (absl::EndsWith(o.link_base_url, "/")) o.link_base_url.pop_back();
    if (o.link_validity < absl::Minutes(1)) {
      return absl::InvalidArgumentError(
          "notify.link_validity: at least one minute");
    }
    if (o.max_emails_per_user < 1 || o.max_emails_per_user > 1000) {
      return absl::InvalidArgumentError(
          "notify.max_emails_per_user: must be between 1 and 1000");
    }
    if (o.email_window < absl::Minutes(1) ||
        o.email_window > absl::Hours(7 * 24)) {
      return absl::InvalidArgumentError(
          "notify.email_window: must be between one minute and 7 days");
    }
  }
  std::array<std::shared_ptr<Sender>, kChannelCount> senders = {
      o.email_sender, o.webhook_sender};
  OutboxOptions outbox = o.outbox;
  std::unique_ptr<Notifier> n(new Notifier(std::move(o), store, clock));
  VIGIL_ASSIGN_OR_RETURN(n->worker_,
                         OutboxWorker::Create(std::move(store), clock,
                                              std::move(senders), outbox));
  return n;
}

Notifier::Notifier(NotifyOptions options, std::shared_ptr<Store> store,
                   const Clock* clock)
    : o_(std::move(options)),
      store_(std::move(store)),
      contacts_(store_.get()),
      clock_(clock) {
  for (RiskLevel l : o_.webhook_filter.levels) {
    webhook_levels_ |= 1u << static_cast<int>(l);
  }
  for (Verdict v : o_.webhook_filter.verdicts) {
    webhook_verdicts_ |= 1u << static_cast<int>(v);
  }
}

bool Notifier::Wants(const Decision& d) const {
  if (d.notify && o_.email_sender != nullptr) return true;
  return o_.webhook_sender != nullptr &&
         (webhook_levels_ >> static_cast<int>(d.level) & 1) &&
         (webhook_verdicts_ >> static_cast<int>(d.verdict) & 1);
}

absl::StatusOr<std::string> Notifier::UserEmail(absl::string_view user_id) {
  VIGIL_ASSIGN_OR_RETURN(UserContacts c, contacts_.Get(user_id));
  return std::move(c.email);
}

bool Notifier::TakeEmailQuota(absl::Time now, UserProfile* p) const {
  const int64_t t = absl::ToUnixSeconds(now);
  const int64_t window = absl::ToInt64Seconds(o_.email_window);
  if (p->notify_window_start == 0 || t >= p->notify_window_start + window ||
      t < p->notify_window_start) {  // none yet, over, or the clock went back
    p->notify_window_start = t;
    p->notify_sent = 0;
  }
  if (p->notify_sent >= static_cast<uint32_t>(o_.max_emails_per_user)) {
    return false;
  }
  ++p->notify_sent;
  return true;
}

absl::StatusOr<std::string> Notifier::Link(absl::string_view event_id,
                                           FeedbackValue value,
                                           absl::Time now) const {
  FeedbackClaim claim;
  claim.event_id = std::string(event_id);
  claim.value = value;
  claim.expires =
      absl::FromUnixSeconds(absl::ToUnixSeconds(now + o_.link_validity));
  VIGIL_ASSIGN_OR_RETURN(std::string token,
                         SignFeedbackToken(*o_.feedback_key, claim));
  return absl::StrCat(o_.link_base_url, "/v1/feedback?token=", token);
}

absl::StatusOr<FeedbackClaim> Notifier::VerifyLink(
    absl::string_view token) const {
  if (o_.feedback_key == nullptr || o_.feedback_key->empty()) {
    return absl::FailedPreconditionError(
        "feedback links are not configured on this server");
  }
  return VerifyFeedbackToken(*o_.feedback_key, token, clock_->Now());
}

absl::Status Notifier::Enqueue(const Event& e, absl::Time now,
                               WriteBatch* batch, UserProfile* profile,
                               EnqueueCount* count) {
  const Decision& d = e.decision;
  // Puts `r` into the outbox, due now, under its channel's message id.
  auto queue = [&](OutboxRecord r) {
    r.message.idempotency_key = MessageId(e.event_id, r.channel);
    r.created = now;
    r.due = now;
    batch->Put(Table::kOutbox, PendingKey(r.due, r.message.idempotency_key),
               r.Encode());
    ++count->messages;
  };
  if (d.notify && o_.email_sender != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(std::string to, UserEmail(e.user_id));
    if (to.empty()) {
      ++count->no_address;
    } else if (!TakeEmailQuota(now, profile)) {
      ++profile->notify_suppressed;
      ++count->suppressed;
      count->profile_changed = true;
    } else {
      count->profile_changed = true;
      PlaceholderValues v;
      auto set = [&v](Placeholder p, std::string s) {
        v[static_cast<int>(p)] = std::move(s);
      };
      set(Placeholder::kIpAddress, e.ip);
      set(Placeholder::kCity, OrUnknown(d.context.city, "unknown city"));
      set(Placeholder::kCountry,
          OrUnknown(d.context.country, "unknown country"));
      set(Placeholder::kLoginTime, FormatLoginTime(e.time));
      set(Placeholder::kDeviceName, OrUnknown(e.device_name, "unknown device"));
      set(Placeholder::kEventId, e.event_id);
      VIGIL_ASSIGN_OR_RETURN(std::string valid,
                             Link(e.event_id, FeedbackValue::kValid, now));
      VIGIL_ASSIGN_OR_RETURN(std::string invalid,
                             Link(e.event_id, FeedbackValue::kInvalid, now));
      set(Placeholder::kLinkValid, std::move(valid));
      set(Placeholder::kLinkInvalid, std::move(invalid));
      const NotificationTemplate& t =
          d.verdict == Verdict::kBlock       ? o_.templates.blocked
          : d.verdict == Verdict::kChallenge ? o_.templates.challenged
                                             : o_.templates.risky_allowed;
      OutboxRecord r;
      r.channel = Channel::kEmail;
      r.message.to = std::move(to);
      r.message.subject = RenderTemplate(t.subject, v, Escape::kHeader);
      r.message.text = RenderTemplate(t.text, v, Escape::kNone);
      if (!t.html.empty()) {
        r.message.html = RenderTemplate(t.html, v, Escape::kHtml);
      }
      if (profile->notify_suppressed > 0) {
        AppendSuppressedNote(profile->notify_suppressed, o_, &r.message);
        profile->notify_suppressed = 0;
      }
      queue(std::move(r));
    }
  }
  if (o_.webhook_sender != nullptr &&
      (webhook_levels_ >> static_cast<int>(d.level) & 1) &&
      (webhook_verdicts_ >> static_cast<int>(d.verdict) & 1)) {
    OutboxRecord r;
    r.channel = Channel::kWebhook;
    r.message.subject =
        absl::StrCat("vigil: ", RiskLevelName(d.level), "-risk ",
                     EventTypeName(e.event_type), " ", VerdictName(d.verdict));
    r.message.text = absl::StrCat(
        "vigil: ", VerdictName(d.verdict), " ", EventTypeName(e.event_type),
        " of user ", e.user_id, " from ", e.ip, " (",
        OrUnknown(d.context.city, "?"), ", ", OrUnknown(d.context.country, "?"),
        "), risk ", RiskLevelName(d.level), " ", absl::StrCat(d.score),
        ", event ", e.event_id);
    r.message.data_json = WebhookJson(e);
    queue(std::move(r));
  }
  return absl::OkStatus();
}

}  // namespace vigil::internal
