// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/redis/sigpipe.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "gtest/gtest.h"

namespace vigil::internal {
namespace {

bool Pending() {
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  return sigismember(&pending, SIGPIPE) == 1;
}

bool Blocked() {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, SIGPIPE) == 1;
}

// A write to a socket whose peer is closed: EPIPE, and SIGPIPE to this
// thread, which with the default action would end the test binary.
int WriteToClosedPeer() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  close(fds[1]);
  errno = 0;
  ssize_t n = write(fds[0], "x", 1);
  int write_errno = errno;
  close(fds[0]);
  EXPECT_EQ(n, -1);
  return write_errno;
}

TEST(ScopedSigpipeBlockTest, AWriteToAClosedPeerIsEpipeNotTheEnd) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);  // the default: terminate
  ASSERT_FALSE(Blocked());
  {
    ScopedSigpipeBlock block;
    EXPECT_TRUE(Blocked());
    EXPECT_EQ(WriteToClosedPeer(), EPIPE);
    EXPECT_TRUE(Pending());
    errno = EPIPE;
  }
  EXPECT_EQ(errno, EPIPE);  // kept for the caller's message
  EXPECT_FALSE(Pending());  // taken away, never delivered
  EXPECT_FALSE(Blocked());  // the mask as it was
  // Twice in a row (the guard is made per command).
  {
    ScopedSigpipeBlock block;
    EXPECT_EQ(WriteToClosedPeer(), EPIPE);
  }
  EXPECT_FALSE(Pending());
}

TEST(ScopedSigpipeBlockTest, LeavesAMaskAndAPendingSignalItDidNotMake) {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  sigset_t old;
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &pipe, &old), 0);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGPIPE), 0);
  ASSERT_TRUE(Pending());
  {
    ScopedSigpipeBlock block;
    EXPECT_EQ(WriteToClosedPeer(), EPIPE);
  }
  EXPECT_TRUE(Blocked());  // the caller's own block stays
  EXPECT_TRUE(Pending());  // and so does the signal it had pending
  // Clean up: take the signal, restore the mask.
  const timespec zero = {0, 0};
  EXPECT_EQ(sigtimedwait(&pipe, nullptr, &zero), SIGPIPE);
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, nullptr), 0);
  EXPECT_FALSE(Pending());
}

}  // namespace
}  // namespace vigil::internal
