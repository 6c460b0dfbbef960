// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The engine's side of notifications: decides whether an evaluated event
// needs a message (cheap, on the hot path), renders the e-mail and webhook
// messages into outbox records of the event's write batch, and verifies
// one-click feedback tokens. Owns the outbox delivery worker.

#ifndef VIGIL_CORE_SRC_NOTIFY_NOTIFIER_H_
#define VIGIL_CORE_SRC_NOTIFY_NOTIFIER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "mfa/contacts.h"
#include "notify/feedback_token.h"
#include "notify/outbox_worker.h"
#include "store/profile_record.h"
#include "vigil/clock.h"
#include "vigil/event.h"
#include "vigil/notify.h"
#include "vigil/store.h"

namespace vigil::internal {

// What Enqueue added, for Notifier::Committed once the batch is written.
struct EnqueueCount {
  int messages = 0;
  int no_address = 0;
  int suppressed = 0;            // e-mails over the user's cap
  bool profile_changed = false;  // the cap's state in the profile changed
};

class Notifier {
 public:
  // Null (and OK) if `options` has no sender: nothing to notify. Validates
  // the templates, the key, the link URL and the outbox options.
  static absl::StatusOr<std::unique_ptr<Notifier>> Create(
      NotifyOptions options, std::shared_ptr<Store> store, const Clock* clock);

  // Whether `d` needs a message on some channel. A few comparisons.
  bool Wants(const Decision& d) const;

  // Adds the outbox records for `event` (decided at `now`) to `batch`.
  // Reads the user's e-mail address from the store. The e-mail counts
  // against the user's cap (NotifyOptions::max_emails_per_user), whose state
  // is in `profile` (the event's user's, written with `batch` when
  // count->profile_changed); over the cap it is suppressed. Unavailable if
  // the store failed.
  absl::Status Enqueue(const Event& event, absl::Time now, WriteBatch* batch,
                       UserProfile* profile, EnqueueCount* count);
  // After `batch` was written.
  void Committed(const EnqueueCount& count) {
    worker_->NoteEnqueued(count.messages, count.no_address, count.suppressed);
  }

  // The claim of a one-click token at the clock's now (see
  // VerifyFeedbackToken); FailedPrecondition if links are not configured.
  absl::StatusOr<FeedbackClaim> VerifyLink(absl::string_view token) const;

  // "<base>/v1/feedback?token=<token for event_id, value>".
  absl::StatusOr<std::string> Link(absl::string_view event_id,
                                   FeedbackValue value, absl::Time now) const;

  Outbox* outbox() { return worker_.get(); }

 private:
  Notifier(NotifyOptions options, std::shared_ptr<Store> store,
           const Clock* clock);
  // The user's e-mail address (contact service); empty if none.
  absl::StatusOr<std::string> UserEmail(absl::string_view user_id);
  // Whether one more e-mail to the user fits in their cap at `now`; counts
  // it if so.
  bool TakeEmailQuota(absl::Time now, UserProfile* profile) const;

  const NotifyOptions o_;
  const std::shared_ptr<Store> store_;
  const ContactDirectory contacts_;
  const Clock* const clock_;
  uint32_t webhook_levels_ = 0;    // bit per RiskLevel
  uint32_t webhook_verdicts_ = 0;  // bit per Verdict
  std::unique_ptr<OutboxWorker> worker_;
};

// The webhook's "data" object for `event`.
std::string WebhookJson(const Event& event);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_NOTIFIER_H_
