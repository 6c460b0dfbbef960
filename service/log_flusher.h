// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/log_flusher.h: group commit of the store's log across requests.
//
// The store runs with RocksDbOptions::manual_log_flush: a write lands in an
// in-process log buffer, and survives a crash of vigild only after
// Store::FlushLog. A request that wrote hands its response to Then(); the
// flush runs once the I/O thread has worked through the requests that were
// ready with it, and one FlushLog (one write(2)) then releases all of their
// responses. Nobody is answered 200 before their writes are in the log file.
// On a store that does not defer its log (memory:) NeedsFlush is always
// false and nothing waits; vigild makes no flusher there at all.

#ifndef VIGIL_SERVICE_LOG_FLUSHER_H_
#define VIGIL_SERVICE_LOG_FLUSHER_H_

#include <boost/asio/io_context.hpp>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "vigil/store.h"

namespace vigil::service {

class LogFlusher {
 public:
  // `store` and `io` must outlive the flusher and every pending callback.
  LogFlusher(Store* store, boost::asio::io_context& io) : store_(store), io_(io) {}

  // Taken before a request is handled, for NeedsFlush.
  uint64_t Mark() const { return store_->FailureGeneration(); }

  // Whether the response of a request handled since `mark` must wait for a
  // flush: the store holds writes that are not yet in its log file, and the
  // request may have made some. It cannot have if the store refused every
  // write since before it began (while a failure lasts, FlushLog fails: a
  // read must not fail with it).
  bool NeedsFlush(uint64_t mark) const {
    return store_->HasUnflushedWrites() &&
           !(mark % 2 == 1 && store_->FailureGeneration() == mark);
  }

  // Calls `done` with the result of a FlushLog that covers every write made
  // before this call. `done` runs on an I/O thread of `io`.
  void Then(std::function<void(const absl::Status&)> done);

 private:
  void Run();

  Store* const store_;
  boost::asio::io_context& io_;
  absl::Mutex mu_;
  std::vector<std::function<void(const absl::Status&)>> pending_
      ABSL_GUARDED_BY(mu_);
  bool scheduled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_LOG_FLUSHER_H_
