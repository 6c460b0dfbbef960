// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/outbox_worker.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "state/conflicts.h"

namespace vigil::internal {
namespace {

constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
// Messages read per scan, so one pass holds a bounded number in memory.
constexpr int kScanBatch = 256;

// Refusals that a retry cannot fix.
bool IsPermanent(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s);
}

// "unavailable", "failed_precondition", ...
std::string ErrorClass(const absl::Status& s) {
  return absl::AsciiStrToLower(absl::StatusCodeToString(s.code()));
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

DeadLetter ToDeadLetter(absl::string_view key, const std::string& value) {
  DeadLetter d;
  d.id = std::string(key.substr(1));
  OutboxRecord r;
  if (!r.Decode(value)) {
    d.last_error = "unreadable record";
    return d;
  }
  d.channel = std::string(ChannelName(r.channel));
  d.recipient = MaskEmail(r.message.to);
  d.created = r.created;
  d.dead_since = r.due;
  d.attempts = r.attempts;
  d.last_error = MaskEmailsIn(r.last_error);
  return d;
}

// The first key after every dead-letter key.
std::string DeadLimit() { return std::string(1, kDeadPrefix + 1); }

}  // namespace

absl::StatusOr<std::vector<DeadLetter>> ListDeadLettersIn(Store& store,
                                                          size_t limit,
                                                          bool* more) {
  if (more != nullptr) *more = false;
  std::vector<DeadLetter> out;
  std::unique_ptr<StoreIterator> it =
      store.Scan(Table::kOutbox, std::string(1, kDeadPrefix), DeadLimit());
  for (; it->Valid(); it->Next()) {
    if (limit > 0 && out.size() == limit) {
      if (more != nullptr) *more = true;
      break;
    }
    out.push_back(ToDeadLetter(it->key(), std::string(it->value())));
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  return out;
}

absl::Status RequeueDeadLetterIn(Store& store, absl::string_view id,
                                 absl::Time now) {
  if (id.empty() || id.size() > 256) {
    return absl::NotFoundError("outbox: no such dead letter");
  }
  const std::string key = DeadLetterKey(id);
  std::string value;
  absl::Status got = store.Get(Table::kOutbox, key, &value);
  if (absl::IsNotFound(got)) {
    return absl::NotFoundError(
        absl::StrCat("outbox: no dead letter \"", id, "\""));
  }
  VIGIL_RETURN_IF_ERROR(got);
  OutboxRecord r;
  if (!r.Decode(value)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "outbox: dead letter \"", id, "\" is unreadable and cannot be sent"));
  }
  r.attempts = 0;
  r.last_error.clear();
  r.due = now;
  WriteBatch batch;
  // Once, however many processes requeue it at the same time.
  batch.Expect(Table::kOutbox, key, value);
  batch.Delete(Table::kOutbox, key);
  batch.Put(Table::kOutbox, PendingKey(now, r.message.idempotency_key),
            r.Encode());
  absl::Status s = store.Write(batch);
  if (IsConflict(s)) {
    return absl::NotFoundError(
        absl::StrCat("outbox: dead letter \"", id, "\" was just requeued"));
  }
  return s;
}

absl::Duration OutboxBackoff(const OutboxOptions& o, int failures) {
  absl::Duration d = o.initial_backoff;
  for (int i = 1; i < failures && d < o.max_backoff; ++i) d *= 2;
  return std::min(d, o.max_backoff);
}

absl::Status ValidateOutboxOptions(const OutboxOptions& o) {
  if (o.max_attempts < 1 || o.max_attempts > 100) {
    return absl::InvalidArgumentError("outbox.max_attempts: must be 1..100");
  }
  if (o.initial_backoff <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("outbox.initial_backoff: must be > 0");
  }
  if (o.max_backoff < o.initial_backoff) {
    return absl::InvalidArgumentError(
        "outbox.max_backoff: must be >= initial_backoff");
  }
  if (o.poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("outbox.poll_interval: must be > 0");
  }
  if (o.claim_lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("outbox.claim_lease: must be > 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OutboxWorker>> OutboxWorker::Create(
    std::shared_ptr<Store> store, const Clock* clock,
    std::array<std::shared_ptr<Sender>, kChannelCount> senders,
    OutboxOptions options) {
  if (store == nullptr) return absl::InvalidArgumentError("outbox: no store");
  if (clock == nullptr) return absl::InvalidArgumentError("outbox: no clock");
  VIGIL_RETURN_IF_ERROR(ValidateOutboxOptions(options));
  std::unique_ptr<OutboxWorker> w(new OutboxWorker(
      std::move(store), clock, std::move(senders), std::move(options)));
  VIGIL_RETURN_IF_ERROR(w->CountStored());
  if (w->options_.deliver_in_background) {
    w->thread_ = std::thread([p = w.get()] { p->Loop(); });
  }
  return w;
}

OutboxWorker::OutboxWorker(
    std::shared_ptr<Store> store, const Clock* clock,
    std::array<std::shared_ptr<Sender>, kChannelCount> senders,
    OutboxOptions options)
    : store_(std::move(store)),
      clock_(clock),
      senders_(std::move(senders)),
      options_(std::move(options)),
      logger_(OrDefault(options_.logger.get())) {}

absl::StatusOr<std::vector<DeadLetter>> OutboxWorker::ListDeadLetters(
    size_t limit, bool* more) {
  return ListDeadLettersIn(*store_, limit, more);
}

absl::Status OutboxWorker::RetryDeadLetter(absl::string_view id) {
  {
    // Two retries of one id must not both re-queue it.
    absl::MutexLock lock(&requeue_mu_);
    VIGIL_RETURN_IF_ERROR(RequeueDeadLetterIn(*store_, id, clock_->Now()));
  }
  dead_letters_.fetch_sub(1, kRelaxed);
  pending_.fetch_add(1, kRelaxed);
  requeued_.fetch_add(1, kRelaxed);
  logger_->Log(LogLevel::kInfo, "dead_letter_requeued",
               "dead letter put back in the outbox",
               {{"message_id", id}, {"source", "admin_api"}});
  absl::MutexLock lock(&wake_mu_);
  wake_ = true;
  return absl::OkStatus();
}

OutboxWorker::~OutboxWorker() {
  {
    absl::MutexLock lock(&wake_mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status OutboxWorker::CountStored() {
  int64_t pending = 0, dead = 0;
  std::unique_ptr<StoreIterator> it = store_->Scan(Table::kOutbox, "", "");
  for (; it->Valid(); it->Next()) {
    if (it->key().empty()) continue;
    if (it->key()[0] == kPendingPrefix) ++pending;
    if (it->key()[0] == kDeadPrefix) ++dead;
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  pending_.store(pending, kRelaxed);
  dead_letters_.store(dead, kRelaxed);
  return absl::OkStatus();
}

void OutboxWorker::NoteEnqueued(int n, int no_address, int suppressed) {
  no_address_.fetch_add(no_address, kRelaxed);
  suppressed_.fetch_add(suppressed, kRelaxed);
  if (n <= 0) return;
  enqueued_.fetch_add(n, kRelaxed);
  pending_.fetch_add(n, kRelaxed);
  absl::MutexLock lock(&wake_mu_);
  wake_ = true;
}

OutboxStats OutboxWorker::stats() const {
  OutboxStats s;
  s.pending = pending_.load(kRelaxed);
  s.dead_letters = dead_letters_.load(kRelaxed);
  s.enqueued = enqueued_.load(kRelaxed);
  s.delivered = delivered_.load(kRelaxed);
  s.retries = retries_.load(kRelaxed);
  s.dead_lettered = dead_lettered_.load(kRelaxed);
  s.no_address = no_address_.load(kRelaxed);
  s.suppressed = suppressed_.load(kRelaxed);
  s.requeued = requeued_.load(kRelaxed);
  return s;
}

absl::StatusOr<int> OutboxWorker::DeliverDue() {
  absl::MutexLock lock(&deliver_mu_);
  const absl::Time now = clock_->Now();
  const std::string limit = PendingLimit(now);
  int attempted = 0;
  std::string start(1, kPendingPrefix);
  while (true) {
    // Read a batch first, then send: no iterator is held across a send.
    std::vector<std::pair<std::string, std::string>> due;
    std::unique_ptr<StoreIterator> it =
        store_->Scan(Table::kOutbox, start, limit);
    for (; it->Valid() && static_cast<int>(due.size()) < kScanBatch;
         it->Next()) {
      due.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    VIGIL_RETURN_IF_ERROR(it->status());
    it.reset();
    for (auto& [key, value] : due) {
      OutboxRecord record;
      if (!record.Decode(value)) {
        // Unreadable: kept aside as a dead letter rather than retried forever.
        WriteBatch batch;
        batch.Expect(Table::kOutbox, key, value);
        batch.Delete(Table::kOutbox, key);
        batch.Put(Table::kOutbox, DeadLetterKey(key.substr(9)), value);
        absl::Status s = store_->Write(batch);
        if (IsConflict(s)) continue;  // another deliverer moved it
        VIGIL_RETURN_IF_ERROR(s);
        pending_.fetch_sub(1, kRelaxed);
        dead_letters_.fetch_add(1, kRelaxed);
        dead_lettered_.fetch_add(1, kRelaxed);
        logger_->Log(LogLevel::kError, "dead_letter",
                     "unreadable outbox record kept aside",
                     {{"message_id", key.substr(9)}, {"reason", "unreadable"}});
        continue;
      }
      VIGIL_RETURN_IF_ERROR(Attempt(key, value, std::move(record)));
      ++attempted;
    }
    if (static_cast<int>(due.size()) < kScanBatch) break;
    // A retried record moved past `now`; the rest are still ahead of it.
    start = due.back().first;
    start.push_back('\0');
  }
  return attempted;
}

absl::Status OutboxWorker::Attempt(const std::string& due_key,
                                   const std::string& due_value,
                                   OutboxRecord r) {
  // Claim it: the record moves, unchanged but for its due time, a lease
  // ahead, on the condition that nobody moved it first. Of several
  // deliverers (processes sharing the store) one claims it; if this one dies
  // before it acknowledges, the record is due again when the lease ends and
  // is delivered again, with the same idempotency key: at least once.
  OutboxRecord leased = r;
  leased.due = clock_->Now() + options_.claim_lease;
  const std::string key = PendingKey(leased.due, r.message.idempotency_key);
  const std::string leased_value = leased.Encode();
  {
    WriteBatch claim;
    claim.Expect(Table::kOutbox, due_key, due_value);
    claim.Delete(Table::kOutbox, due_key);
    claim.Put(Table::kOutbox, key, leased_value);
    absl::Status s = store_->Write(claim);
    if (IsConflict(s)) return absl::OkStatus();  // another deliverer has it
    VIGIL_RETURN_IF_ERROR(s);
  }
  const std::shared_ptr<Sender>& sender = senders_[static_cast<int>(r.channel)];
  absl::Status sent =
      sender == nullptr
          ? absl::FailedPreconditionError(absl::StrCat(
                ChannelName(r.channel), ": channel is not configured"))
          : sender->Send(r.message);
  // The acknowledgement holds only if the claim still does: after a lease
  // that ran out, another deliverer has claimed (and sends) it again.
  WriteBatch batch;
  batch.Expect(Table::kOutbox, key, leased_value);
  batch.Delete(Table::kOutbox, key);
  if (sent.ok()) {
    absl::Status s = store_->Write(batch);
    if (IsConflict(s)) return absl::OkStatus();
    VIGIL_RETURN_IF_ERROR(s);
    pending_.fetch_sub(1, kRelaxed);
    delivered_.fetch_add(1, kRelaxed);
    logger_->Log(LogLevel::kDebug, "delivered", "",
                 {{"message_id", r.message.idempotency_key},
                  {"channel", ChannelName(r.channel)},
                  {"failed_attempts", r.attempts}});
    return absl::OkStatus();
  }
  ++r.attempts;
  // Sender errors never hold the body (vigil/sender.h); cap the length.
  r.last_error = std::string(sent.ToString().substr(0, 300));
  const absl::Time now = clock_->Now();
  // The server's reply may quote the recipient: addresses are masked.
  const std::string error = MaskEmailsIn(r.last_error);
  const std::string recipient = MaskEmail(r.message.to);
  if (IsPermanent(sent) || r.attempts >= options_.max_attempts) {
    r.due = now;
    batch.Put(Table::kOutbox, DeadLetterKey(r.message.idempotency_key),
              r.Encode());
    absl::Status s = store_->Write(batch);
    if (IsConflict(s)) return absl::OkStatus();
    VIGIL_RETURN_IF_ERROR(s);
    pending_.fetch_sub(1, kRelaxed);
    dead_letters_.fetch_add(1, kRelaxed);
    dead_lettered_.fetch_add(1, kRelaxed);
    logger_->Log(
        LogLevel::kError, "dead_letter",
        "notification given up on; `vigil outbox retry` sends it again",
        {{"message_id", r.message.idempotency_key},
         {"channel", ChannelName(r.channel)},
         {"recipient", recipient},
         {"attempts", r.attempts},
         {"reason", IsPermanent(sent) ? "permanent_refusal" : "max_attempts"},
         {"error_class", ErrorClass(sent)},
         {"error", error}});
    return absl::OkStatus();
  }
  r.due = now + OutboxBackoff(options_, r.attempts);
  batch.Put(Table::kOutbox, PendingKey(r.due, r.message.idempotency_key),
            r.Encode());
  absl::Status s = store_->Write(batch);
  if (IsConflict(s)) return absl::OkStatus();
  VIGIL_RETURN_IF_ERROR(s);
  retries_.fetch_add(1, kRelaxed);
  logger_->Log(LogLevel::kWarn, "delivery_failed",
               "notification will be retried",
               {{"message_id", r.message.idempotency_key},
                {"channel", ChannelName(r.channel)},
                {"recipient", recipient},
                {"attempt", r.attempts},
                {"max_attempts", options_.max_attempts},
                {"next_retry", FormatUtc(r.due)},
                {"error_class", ErrorClass(sent)},
                {"error", error}});
  return absl::OkStatus();
}

void OutboxWorker::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&wake_mu_);
      wake_mu_.AwaitWithTimeout(
          absl::Condition(
              +[](OutboxWorker* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return w->wake_ || w->stop_;
              },
              this),
          options_.poll_interval);
      if (stop_) return;
      wake_ = false;
    }
    // A store error is retried on the next pass.
    (void)DeliverDue();
  }
}

}  // namespace vigil::internal

namespace vigil {

absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(Store& store,
                                                        size_t limit,
                                                        bool* more) {
  return internal::ListDeadLettersIn(store, limit, more);
}

absl::Status RequeueDeadLetter(Store& store, absl::string_view id,
                               absl::Time now) {
  return internal::RequeueDeadLetterIn(store, id, now);
}

}  // namespace vigil
