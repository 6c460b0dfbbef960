// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The notification tables of vigild.toml: [notify], [notify.templates.*],
// [webhook] and [outbox].

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/config.h"
#include "service/config_reader.h"

namespace vigil::service {
namespace {

absl::Status Error(absl::string_view source, absl::string_view key,
                   absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": ", key, ": ", reason));
}

// The table `name` of `parent` (null if absent), or an error if it is there
// but not a table.
absl::StatusOr<const toml::table*> SubTable(const toml::table& parent,
                                            absl::string_view name,
                                            absl::string_view path,
                                            absl::string_view source) {
  const toml::node* node =
      parent.get(std::string_view(name.data(), name.size()));
  if (node == nullptr) return nullptr;
  if (!node->is_table()) return Error(source, path, "expected a table");
  return node->as_table();
}

absl::Status ReadTemplates(const toml::table* templates,
                           absl::string_view source, ServiceConfig& c) {
  if (templates == nullptr) return absl::OkStatus();
  TableReader top(templates, "notify.templates.", source);
  const std::pair<absl::string_view, NotificationTemplate*> kinds[] = {
      {"blocked", &c.notify_templates.blocked},
      {"challenged", &c.notify_templates.challenged},
      {"risky_allowed", &c.notify_templates.risky_allowed}};
  for (const auto& [name, tpl] : kinds) {
    const std::string path = absl::StrCat("notify.templates.", name);
    absl::StatusOr<const toml::table*> t =
        SubTable(*templates, name, path, source);
    if (!t.ok()) return t.status();
    top.Find(name);
    TableReader r(*t, absl::StrCat(path, "."), source);
    VIGIL_CONFIG_CHECK(r.String("subject", &tpl->subject));
    VIGIL_CONFIG_CHECK(r.String("text", &tpl->text));
    VIGIL_CONFIG_CHECK(r.String("html", &tpl->html));
    VIGIL_CONFIG_CHECK(r.NoOthers());
  }
  return top.NoOthers();
}

// Placeholders and parts of every template, checked as the engine will.
absl::Status CheckTemplates(const ServiceConfig& c, absl::string_view source) {
  absl::Status s = ValidateNotificationTemplates(c.notify_templates);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": notify.", s.message()));
}

template <typename E>
absl::Status EnumList(TableReader& r, absl::string_view key,
                      bool (*parse)(absl::string_view, E*),
                      absl::string_view allowed, std::vector<E>* out) {
  std::vector<std::string> names;
  bool present = r.Find(key) != nullptr;
  VIGIL_CONFIG_CHECK(r.StringList(key, &names));
  if (!present) return absl::OkStatus();
  out->clear();
  for (const std::string& n : names) {
    E v;
    if (!parse(n, &v)) {
      return r.Error(key, absl::StrCat("unknown value \"", n.substr(0, 40),
                                       "\" (want ", allowed, ")"));
    }
    out->push_back(v);
  }
  return absl::OkStatus();
}

bool ParseVerdictName(absl::string_view name, Verdict* v) {
  for (Verdict x : {Verdict::kAllow, Verdict::kChallenge, Verdict::kBlock}) {
    if (VerdictName(x) == name) {
      *v = x;
      return true;
    }
  }
  return false;
}

bool IsHttpUrl(absl::string_view url) {
  return (absl::StartsWith(url, "http://") && url.size() > 7) ||
         (absl::StartsWith(url, "https://") && url.size() > 8);
}

}  // namespace

absl::Status ParseNotifyConfig(const toml::table& root,
                               absl::string_view source, ServiceConfig& c) {
  // [notify]
  absl::StatusOr<const toml::table*> notify =
      SubTable(root, "notify", "notify", source);
  if (!notify.ok()) return notify.status();
  TableReader n(*notify, "notify.", source);
  VIGIL_CONFIG_CHECK(n.Bool("email", &c.notify_email));
  VIGIL_CONFIG_CHECK(n.String("link_base_url", &c.notify_link_base_url));
  VIGIL_CONFIG_CHECK(
      n.String("feedback_key_file", &c.notify_feedback_key_file));
  VIGIL_CONFIG_CHECK(
      n.Int("link_validity_hours", 1, 24 * 365, &c.notify_link_validity_hours));
  VIGIL_CONFIG_CHECK(
      n.Int("max_emails_per_user", 1, 1000, &c.notify_max_emails_per_user));
  VIGIL_CONFIG_CHECK(n.Int("email_window_minutes", 1, 7 * 24 * 60,
                           &c.notify_email_window_minutes));
  if (*notify != nullptr) {
    absl::StatusOr<const toml::table*> templates =
        SubTable(**notify, "templates", "notify.templates", source);
    if (!templates.ok()) return templates.status();
    n.Find("templates");
    VIGIL_CONFIG_CHECK(ReadTemplates(*templates, source, c));
  }
  VIGIL_CONFIG_CHECK(n.NoOthers());
  VIGIL_CONFIG_CHECK(CheckTemplates(c, source));
  if (c.notify_email) {
    if (!IsHttpUrl(c.notify_link_base_url) ||
        c.notify_link_base_url.find_first_of(" \"<>?#") != std::string::npos) {
      return Error(source, "notify.link_base_url",
                   "required with email = true: vigild's public "
                   "http[s]://HOST[:PORT][/PATH] (no query), where the "
                   "one-click links point");
    }
    if (c.notify_feedback_key_file.empty()) {
      return Error(source, "notify.feedback_key_file",
                   "required with email = true (the HMAC key of one-click "
                   "links, at least 16 bytes, alone in a file)");
    }
  }

  // [webhook]
  absl::StatusOr<const toml::table*> webhook =
      SubTable(root, "webhook", "webhook", source);
  if (!webhook.ok()) return webhook.status();
  TableReader w(*webhook, "webhook.", source);
  VIGIL_CONFIG_CHECK(w.String("url", &c.webhook_url));
  VIGIL_CONFIG_CHECK(w.String("key_file", &c.webhook_key_file));
  VIGIL_CONFIG_CHECK(w.String("signature_header", &c.webhook_signature_header));
  VIGIL_CONFIG_CHECK(w.Millis("timeout_ms", &c.webhook_timeout));
  VIGIL_CONFIG_CHECK(EnumList<RiskLevel>(w, "levels", &ParseRiskLevel,
                                         "none, low, medium or high",
                                         &c.webhook_levels));
  VIGIL_CONFIG_CHECK(EnumList<Verdict>(w, "decisions", &ParseVerdictName,
                                       "allow, challenge or block",
                                       &c.webhook_decisions));
  VIGIL_CONFIG_CHECK(w.NoOthers());
  if (!c.webhook_url.empty()) {
    if (!IsHttpUrl(c.webhook_url)) {
      return Error(source, "webhook.url",
                   "must be http[s]://HOST[:PORT][/PATH]");
    }
    if (c.webhook_key_file.empty()) {
      return Error(source, "webhook.key_file", "required with webhook.url");
    }
  }

  // [outbox]
  absl::StatusOr<const toml::table*> outbox =
      SubTable(root, "outbox", "outbox", source);
  if (!outbox.ok()) return outbox.status();
  TableReader o(*outbox, "outbox.", source);
  VIGIL_CONFIG_CHECK(o.IntAs("max_attempts", 1, 100, &c.outbox.max_attempts));
  int64_t initial_ms = absl::ToInt64Milliseconds(c.outbox.initial_backoff);
  int64_t max_ms = absl::ToInt64Milliseconds(c.outbox.max_backoff);
  VIGIL_CONFIG_CHECK(
      o.Int("initial_backoff_ms", 1, int64_t{86400} * 1000, &initial_ms));
  VIGIL_CONFIG_CHECK(
      o.Int("max_backoff_ms", 1, int64_t{7} * 86400 * 1000, &max_ms));
  VIGIL_CONFIG_CHECK(o.Millis("poll_interval_ms", &c.outbox.poll_interval));
  VIGIL_CONFIG_CHECK(o.Millis("claim_lease_ms", &c.outbox.claim_lease));
  VIGIL_CONFIG_CHECK(o.NoOthers());
  if (max_ms < initial_ms) {
    return Error(source, "outbox.max_backoff_ms",
                 "must be at least initial_backoff_ms");
  }
  c.outbox.initial_backoff = absl::Milliseconds(initial_ms);
  c.outbox.max_backoff = absl::Milliseconds(max_ms);
  return absl::OkStatus();
}

}  // namespace vigil::service
