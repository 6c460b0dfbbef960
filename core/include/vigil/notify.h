// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/notify.h: telling users (by e-mail) and security teams (by webhook)
// about risky sign-ins, and the durable outbox that delivers those messages.
//
// When the policy's `notify` flag is set for an attempt's level and the user
// has an e-mail address in their MFA settings, Engine::Evaluate renders the
// template for the decision (blocked, challenged, or allowed but risky) and
// writes the message to the outbox in the same atomic store write as the
// event. A webhook gets a signed JSON message for every event that passes its
// own filter. A delivery worker sends pending messages with exponential
// backoff, moves a message to the dead letters after `max_attempts` failures
// (or at once on a permanent refusal), and never loses one: delivery is
// at-least-once, and every copy of a message carries the same idempotency key.
//
// E-mails carry one-click links "this was me" / "this wasn't me":
//   {link_base_url}/v1/feedback?token=<signed, expiring token>
// redeemed with Engine::RecordFeedbackFromLink.

#ifndef VIGIL_NOTIFY_H_
#define VIGIL_NOTIFY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/log.h"
#include "vigil/secret.h"
#include "vigil/sender.h"
#include "vigil/store.h"

namespace vigil {

// One message's templates. Placeholders, replaced when the message is made:
//   {ip-address} {city} {country} {login-time} {device-name} {event-id}
//   {one-click-link-valid} {one-click-link-invalid}
// "{{" stands for a literal "{". Values are HTML-escaped in `html`; `html`
// may be empty (then the e-mail is plain text only).
struct NotificationTemplate {
  std::string subject;
  std::string text;
  std::string html;
};

struct NotificationTemplates {
  NotificationTemplate blocked;        // the attempt was blocked
  NotificationTemplate challenged;     // the attempt was challenged (MFA)
  NotificationTemplate risky_allowed;  // allowed, at a level set to notify
  // The shipped English templates.
  static NotificationTemplates Defaults();
};

// OK if every part is usable: subject and text non-empty, every "{...}" a
// known placeholder. Else InvalidArgument naming the part, e.g.
// "templates.blocked.subject: unknown placeholder {ip}".
absl::Status ValidateNotificationTemplates(const NotificationTemplates& t);

// Which events go to the webhook (independent of the policy's `notify`).
struct WebhookFilter {
  // An event goes out if its level and its decision (as answered) are both
  // listed. Empty `levels`: none at all.
  std::vector<RiskLevel> levels = {RiskLevel::kMedium, RiskLevel::kHigh};
  std::vector<Verdict> verdicts = {Verdict::kAllow, Verdict::kChallenge,
                                   Verdict::kBlock};
};

struct OutboxOptions {
  // Failed deliveries before a message is dead-lettered (1..100).
  int max_attempts = 10;
  // The delay after the n-th failure is initial_backoff * 2^(n-1), at most
  // max_backoff.
  absl::Duration initial_backoff = absl::Seconds(30);
  absl::Duration max_backoff = absl::Hours(1);
  // How often the background worker looks for due messages.
  absl::Duration poll_interval = absl::Seconds(1);
  // A message being delivered is claimed for this long: the processes that
  // share a store deliver each message once, and if the one delivering it
  // dies before it is done, it is delivered again (with the same idempotency
  // key) when the claim runs out. Longer than a sender's timeout.
  absl::Duration claim_lease = absl::Minutes(5);
  // Start a background delivery thread; false: the caller calls
  // Outbox::DeliverDue() itself (tests, batch jobs).
  bool deliver_in_background = true;
  // Where delivery failures, dead letters and re-queues are reported
  // (delivery_failed, dead_letter, dead_letter_requeued); null: the engine's
  // EngineOptions::logger.
  std::shared_ptr<Logger> logger;
};

struct NotifyOptions {
  // E-mail to the user (null: no e-mail). The address is the user's MFA
  // e-mail (MfaService::PutSettings).
  std::shared_ptr<Sender> email_sender;
  // The webhook (null: none), e.g. CreateSignedPostSender.
  std::shared_ptr<Sender> webhook_sender;
  WebhookFilter webhook_filter;
  NotificationTemplates templates = NotificationTemplates::Defaults();
  // HMAC-SHA256 key of one-click feedback tokens, at least 16 bytes;
  // required with an e-mail sender.
  std::shared_ptr<const SecretBytes> feedback_key;
  // Where the links point: "<link_base_url>/v1/feedback?token=...". Required
  // with an e-mail sender, http:// or https://.
  std::string link_base_url;
  // How long a one-click link stays valid.
  absl::Duration link_validity = absl::Hours(7 * 24);
  // The cap on e-mails per user (by exact user id), so that knowing a user
  // name is not enough to mail-bomb its owner: at most
  // `max_emails_per_user` (1..1000) in a window of `email_window` (1 minute
  // to 7 days) that starts with the first e-mail after the last window
  // ended. Further e-mails of the window are suppressed (not written to the
  // outbox; OutboxStats::suppressed counts them); the next e-mail sent to
  // the user ends with a note of how many were. The state is kept in the
  // user's profile, so it holds across restarts. Webhook messages are not
  // capped.
  int max_emails_per_user = 3;
  absl::Duration email_window = absl::Hours(1);
  OutboxOptions outbox;
};

// Counters of the outbox, for metrics.
struct OutboxStats {
  int64_t pending = 0;       // waiting for (re)delivery now
  int64_t dead_letters = 0;  // dead-lettered messages kept in the store
  // Since the process started:
  int64_t enqueued = 0;
  int64_t delivered = 0;
  int64_t retries = 0;        // failed attempts that will be retried
  int64_t dead_lettered = 0;  // messages given up on
  int64_t no_address = 0;     // notifications due for users without e-mail
  int64_t suppressed = 0;     // e-mails over a user's cap, not sent
  int64_t requeued = 0;       // dead letters put back for delivery
};

// A message the outbox gave up on, as an operator sees it: never its body,
// its links or a whole address.
struct DeadLetter {
  std::string id;          // "<event id>.<channel>", the idempotency key
  std::string channel;     // "email" or "webhook"
  std::string recipient;   // MaskEmail(address); empty for the webhook
  absl::Time created;      // when the event was recorded
  absl::Time dead_since;   // when it was given up on
  int attempts = 0;        // failed attempts
  std::string last_error;  // the last failure, addresses masked
};

// The dead letters in `store`, by id, at most `limit` (0: all); *more (if
// given) tells whether there were more. For vigil's own store, also offline
// (`vigil outbox list`).
absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(Store& store,
                                                        size_t limit = 0,
                                                        bool* more = nullptr);

// Puts dead letter `id` back in the outbox, due at `now` with no failed
// attempts, in one atomic write. NotFound (and nothing changes) if there is
// no such dead letter. Without a running Outbox on the store (offline), the
// next engine that opens it delivers the message; with one, use
// Outbox::RetryDeadLetter, which also wakes the worker.
absl::Status RequeueDeadLetter(Store& store, absl::string_view id,
                               absl::Time now);

// The delivery side of the outbox. Thread-safe.
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Attempts every message due at the clock's now, once each; returns how
  // many were attempted. Non-OK only if the store failed.
  virtual absl::StatusOr<int> DeliverDue() = 0;
  virtual OutboxStats stats() const = 0;
  // ListDeadLetters on the outbox's store.
  virtual absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(
      size_t limit, bool* more) = 0;
  // RequeueDeadLetter at the clock's now, then wakes the delivery worker.
  // NotFound if `id` is not a dead letter.
  virtual absl::Status RetryDeadLetter(absl::string_view id) = 0;
};

// What a redeemed one-click link did.
struct FeedbackLinkResult {
  std::string event_id;
  FeedbackValue value = FeedbackValue::kValid;
};

}  // namespace vigil

#endif  // VIGIL_NOTIFY_H_
