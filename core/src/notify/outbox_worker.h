// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The outbox delivery worker: sends pending messages of Table::kOutbox with
// exponential backoff, dead-letters them after OutboxOptions::max_attempts
// failed attempts (or at once when the next hop refuses for good), and
// deletes a message only after its sender accepted it (at-least-once).
//
// Time comes from the injected Clock; the optional background thread only
// waits between passes (it never reads the time itself). Records survive a
// restart: a new worker on the same store picks them up where they were.

#ifndef VIGIL_CORE_SRC_NOTIFY_OUTBOX_WORKER_H_
#define VIGIL_CORE_SRC_NOTIFY_OUTBOX_WORKER_H_

#include <array>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "notify/outbox_record.h"
#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/notify.h"
#include "vigil/store.h"

namespace vigil::internal {

// The delay before the attempt after the `failures`-th failure (>= 1).
absl::Duration OutboxBackoff(const OutboxOptions& options, int failures);

// vigil::ListDeadLetters and vigil::RequeueDeadLetter (vigil/notify.h).
absl::StatusOr<std::vector<DeadLetter>> ListDeadLettersIn(Store& store,
                                                          size_t limit,
                                                          bool* more);
absl::Status RequeueDeadLetterIn(Store& store, absl::string_view id,
                                 absl::Time now);

// Checks max_attempts, the backoffs and the poll interval.
absl::Status ValidateOutboxOptions(const OutboxOptions& options);

class OutboxWorker final : public Outbox {
 public:
  // `senders` by Channel; a null one means the channel is off (its messages
  // are dead-lettered when due). Starts the background thread if
  // options.deliver_in_background.
  static absl::StatusOr<std::unique_ptr<OutboxWorker>> Create(
      std::shared_ptr<Store> store, const Clock* clock,
      std::array<std::shared_ptr<Sender>, kChannelCount> senders,
      OutboxOptions options);
  // Stops the background thread (waiting for a send under way).
  ~OutboxWorker() override;

  absl::StatusOr<int> DeliverDue() override;
  OutboxStats stats() const override;
  absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(size_t limit,
                                                          bool* more) override;
  absl::Status RetryDeadLetter(absl::string_view id) override;

  // Called by the engine after it committed `n` new messages (and counted
  // `no_address` users it could not write to and `suppressed` e-mails over
  // a user's cap): counts them and wakes the background thread.
  void NoteEnqueued(int n, int no_address, int suppressed = 0);

 private:
  OutboxWorker(std::shared_ptr<Store> store, const Clock* clock,
               std::array<std::shared_ptr<Sender>, kChannelCount> senders,
               OutboxOptions options);
  // One attempt of the record stored as `key` = `value`: claims it (moves it
  // a lease ahead, unless another deliverer did), sends it, writes its next
  // state unless the claim was lost meanwhile.
  absl::Status Attempt(const std::string& key, const std::string& value,
                       OutboxRecord record);
  absl::Status CountStored();
  void Loop();

  const std::shared_ptr<Store> store_;
  const Clock* const clock_;
  const std::array<std::shared_ptr<Sender>, kChannelCount> senders_;
  const OutboxOptions options_;
  Logger* const logger_;  // options_.logger or the default

  absl::Mutex deliver_mu_;  // one pass at a time
  absl::Mutex requeue_mu_;  // one RetryDeadLetter at a time

  absl::Mutex wake_mu_;
  bool wake_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool stop_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread thread_;

  std::atomic<int64_t> pending_{0};
  std::atomic<int64_t> dead_letters_{0};
  std::atomic<int64_t> enqueued_{0};
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> dead_lettered_{0};
  std::atomic<int64_t> no_address_{0};
  std::atomic<int64_t> suppressed_{0};
  std::atomic<int64_t> requeued_{0};
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_OUTBOX_WORKER_H_
