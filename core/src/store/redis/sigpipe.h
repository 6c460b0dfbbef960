// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// store/redis/sigpipe.h: writes that cannot end the process with SIGPIPE.
// hiredis writes with write(), not send(MSG_NOSIGNAL), so a write to a
// connection the node has closed raises SIGPIPE, whose default action ends
// the process; a library must not change the process's signal handlers.

#ifndef VIGIL_STORE_REDIS_SIGPIPE_H_
#define VIGIL_STORE_REDIS_SIGPIPE_H_

#include <signal.h>

namespace vigil::internal {

// While it lives, SIGPIPE is blocked in this thread (a SIGPIPE from a write
// is sent to the thread that wrote); when it ends, a SIGPIPE raised meanwhile
// is taken away (one already pending before is left alone) and the thread's
// signal mask is restored. errno is kept across its destructor.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock();
  ~ScopedSigpipeBlock();
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
  bool blocked_ = false;
};

}  // namespace vigil::internal

#endif  // VIGIL_STORE_REDIS_SIGPIPE_H_
