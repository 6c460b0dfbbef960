// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/log_flusher.h"

#include <boost/asio/defer.hpp>
#include <utility>

namespace vigil::service {

void LogFlusher::Then(std::function<void(const absl::Status&)> done) {
  bool schedule = false;
  {
    absl::MutexLock lock(&mu_);
    pending_.push_back(std::move(done));
    schedule = !scheduled_;
    scheduled_ = true;
  }
  // Deferred, not posted: from an I/O thread it queues behind the handlers
  // that are already ready (whose requests join this flush) and wakes no
  // other thread.
  if (schedule) boost::asio::defer(io_, [this] { Run(); });
}

void LogFlusher::Run() {
  std::vector<std::function<void(const absl::Status&)>> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(pending_);
    scheduled_ = false;
  }
  // Every write of the batch happened before its Then, hence before this.
  const absl::Status status = store_->FlushLog();
  for (auto& done : batch) done(status);
}

}  // namespace vigil::service
