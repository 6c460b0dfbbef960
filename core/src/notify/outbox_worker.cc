// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/outbox_worker.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {

constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
// Messages read per scan, so one pass holds a bounded number in memory.
constexpr int kScanBatch = 256;

// Refusals that a retry cannot fix.
bool IsPermanent(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s);
}

}  // namespace

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
      options_(std::move(options)) {}

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
        batch.Delete(Table::kOutbox, key);
        batch.Put(Table::kOutbox, DeadLetterKey(key.substr(9)), value);
        VIGIL_RETURN_IF_ERROR(store_->Write(batch));
        pending_.fetch_sub(1, kRelaxed);
        dead_letters_.fetch_add(1, kRelaxed);
        dead_lettered_.fetch_add(1, kRelaxed);
        continue;
      }
      VIGIL_RETURN_IF_ERROR(Attempt(key, std::move(record)));
      ++attempted;
    }
    if (static_cast<int>(due.size()) < kScanBatch) break;
    // A retried record moved past `now`; the rest are still ahead of it.
    start = due.back().first;
    start.push_back('\0');
  }
  return attempted;
}

absl::Status OutboxWorker::Attempt(const std::string& key, OutboxRecord r) {
  const std::shared_ptr<Sender>& sender = senders_[static_cast<int>(r.channel)];
  absl::Status sent =
      sender == nullptr
          ? absl::FailedPreconditionError(absl::StrCat(
                ChannelName(r.channel), ": channel is not configured"))
          : sender->Send(r.message);
  WriteBatch batch;
  batch.Delete(Table::kOutbox, key);
  if (sent.ok()) {
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    pending_.fetch_sub(1, kRelaxed);
    delivered_.fetch_add(1, kRelaxed);
    return absl::OkStatus();
  }
  ++r.attempts;
  // Sender errors never hold the body (vigil/sender.h); cap the length.
  r.last_error = std::string(sent.ToString().substr(0, 300));
  const absl::Time now = clock_->Now();
  if (IsPermanent(sent) || r.attempts >= options_.max_attempts) {
    r.due = now;
    batch.Put(Table::kOutbox, DeadLetterKey(r.message.idempotency_key),
              r.Encode());
    VIGIL_RETURN_IF_ERROR(store_->Write(batch));
    pending_.fetch_sub(1, kRelaxed);
    dead_letters_.fetch_add(1, kRelaxed);
    dead_lettered_.fetch_add(1, kRelaxed);
    return absl::OkStatus();
  }
  r.due = now + OutboxBackoff(options_, r.attempts);
  batch.Put(Table::kOutbox, PendingKey(r.due, r.message.idempotency_key),
            r.Encode());
  VIGIL_RETURN_IF_ERROR(store_->Write(batch));
  retries_.fetch_add(1, kRelaxed);
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
