// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/redis/sigpipe.h"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace vigil::internal {
namespace {

bool SigpipePending() {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

}  // namespace

ScopedSigpipeBlock::ScopedSigpipeBlock() {
  sigemptyset(&pipe_);
  sigaddset(&pipe_, SIGPIPE);
  was_pending_ = SigpipePending();
  blocked_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
}

ScopedSigpipeBlock::~ScopedSigpipeBlock() {
  if (!blocked_) return;
  const int saved_errno = errno;
  if (!was_pending_ && SigpipePending()) {
    const timespec zero = {0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) == -1 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  errno = saved_errno;
}

}  // namespace vigil::internal
