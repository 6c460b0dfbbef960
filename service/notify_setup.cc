// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/notify_setup.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/secret.h"

namespace vigil::service {

absl::Status NotifyOptionsFromConfig(const ServiceConfig& c,
                                     std::shared_ptr<Sender> smtp,
                                     NotifyOptions* o) {
  o->templates = c.notify_templates;
  o->link_base_url = c.notify_link_base_url;
  o->link_validity = absl::Hours(c.notify_link_validity_hours);
  o->max_emails_per_user = static_cast<int>(c.notify_max_emails_per_user);
  o->email_window = absl::Minutes(c.notify_email_window_minutes);
  o->outbox = c.outbox;
  o->webhook_filter.levels = c.webhook_levels;
  o->webhook_filter.verdicts = c.webhook_decisions;
  if (!c.notify_feedback_key_file.empty()) {
    absl::StatusOr<SecretBytes> key =
        ReadSecretFile(c.notify_feedback_key_file, "notify.feedback_key_file");
    if (!key.ok()) return key.status();
    if (key->size() < 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("notify.feedback_key_file: ", c.notify_feedback_key_file,
                       ": the key must be at least 16 bytes"));
    }
    o->feedback_key = std::make_shared<const SecretBytes>(std::move(*key));
  }
  if (c.notify_email) {
    if (smtp == nullptr) {
      return absl::InvalidArgumentError("notify.email: needs [smtp] host");
    }
    o->email_sender = std::move(smtp);
  }
  if (!c.webhook_url.empty()) {
    SignedPostOptions s;
    s.url = c.webhook_url;
    absl::StatusOr<SecretBytes> key =
        ReadSecretFile(c.webhook_key_file, "webhook.key_file");
    if (!key.ok()) return key.status();
    s.key = std::move(*key);
    s.signature_header = c.webhook_signature_header;
    s.timeout = c.webhook_timeout;
    absl::StatusOr<std::unique_ptr<Sender>> sender =
        CreateSignedPostSender(std::move(s));
    if (!sender.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("webhook: ", sender.status().message()));
    }
    o->webhook_sender = std::move(*sender);
  }
  return absl::OkStatus();
}

}  // namespace vigil::service
