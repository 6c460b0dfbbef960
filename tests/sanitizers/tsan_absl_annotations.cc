// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ThreadSanitizer only (scripts/sanitize.sh tsan links this into every
// executable, with -rdynamic). Debian's Abseil is not built with
// -fsanitize=thread, so TSan cannot see that absl::Mutex, absl::CondVar and
// absl::Notification order memory (they are atomics and futexes inside an
// uninstrumented library): every access guarded by an absl::Mutex would be
// reported as a race. A suppression would hide real races in vigil code as
// well, so instead this file interposes those functions, calls the real ones
// (dlsym RTLD_NEXT) and tells TSan about the happens-before edges they make:
// what an instrumented Abseil would do itself. Over-approximation: a
// reader-lock release orders later readers too, which may hide a race
// between two readers, never invent one.

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

template <typename F>
F Real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_annotations: %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

// The mangled names in Debian's libabsl_synchronization (inline namespace
// "debian3"), from `nm -D`.
#define VIGIL_REAL(type, mangled) \
  static const auto real = Real<type>(mangled)

void Acquire(const void* p) { __tsan_acquire(const_cast<void*>(p)); }
void Release(const void* p) { __tsan_release(const_cast<void*>(p)); }

// Abseil evaluates a Condition inside the real Await/LockWhen, with the
// mutex held, in the waiting thread or in the one unlocking: the wrapper
// acquires the mutex (for TSan) before it calls the caller's condition and
// releases it after.
struct Guarded {
  const absl::Mutex* mu;
  const absl::Condition* cond;
};

bool EvalGuarded(Guarded* g) {
  VIGIL_REAL(bool (*)(const absl::Condition*), "_ZNK4absl7debian39Condition4EvalEv");
  Acquire(g->mu);
  bool r = real(g->cond);
  Release(g->mu);  // whoever holds the mutex next comes after this read
  return r;
}

#define VIGIL_GUARDED(name, mu, cond) \
  Guarded name##_g{(mu), &(cond)};     \
  const Condition name(&EvalGuarded, &name##_g)

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  VIGIL_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  real(this);
  Acquire(this);
}

void Mutex::Unlock() {
  VIGIL_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  Release(this);
  real(this);
}

void Mutex::ReaderLock() {
  VIGIL_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  real(this);
  Acquire(this);
}

void Mutex::ReaderUnlock() {
  VIGIL_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  Release(this);
  real(this);
}

bool Mutex::TryLock() {
  VIGIL_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  VIGIL_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::LockWhen(const Condition& cond) {
  VIGIL_REAL(void (*)(Mutex*, const Condition&),
             "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  VIGIL_GUARDED(guarded, this, cond);
  real(this, guarded);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  VIGIL_REAL(void (*)(Mutex*, const Condition&),
             "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  VIGIL_GUARDED(guarded, this, cond);
  real(this, guarded);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  VIGIL_REAL(bool (*)(Mutex*, const Condition&, Duration),
             "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  VIGIL_GUARDED(guarded, this, cond);
  bool r = real(this, guarded, timeout);
  Acquire(this);  // held either way
  return r;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  VIGIL_REAL(bool (*)(Mutex*, const Condition&, Time),
             "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  VIGIL_GUARDED(guarded, this, cond);
  bool r = real(this, guarded, deadline);
  Acquire(this);
  return r;
}

void Mutex::Await(const Condition& cond) {
  VIGIL_REAL(void (*)(Mutex*, const Condition&),
             "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  VIGIL_GUARDED(guarded, this, cond);
  Release(this);
  real(this, guarded);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  VIGIL_REAL(bool (*)(Mutex*, const Condition&, Duration),
             "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  VIGIL_GUARDED(guarded, this, cond);
  Release(this);
  bool r = real(this, guarded, timeout);
  Acquire(this);
  return r;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  VIGIL_REAL(bool (*)(Mutex*, const Condition&, Time),
             "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  VIGIL_GUARDED(guarded, this, cond);
  Release(this);
  bool r = real(this, guarded, deadline);
  Acquire(this);
  return r;
}

void CondVar::Wait(Mutex* mu) {
  VIGIL_REAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  VIGIL_REAL(bool (*)(CondVar*, Mutex*, Duration),
             "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Release(mu);
  bool r = real(this, mu, timeout);
  Acquire(mu);
  return r;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  VIGIL_REAL(bool (*)(CondVar*, Mutex*, Time),
             "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Release(mu);
  bool r = real(this, mu, deadline);
  Acquire(mu);
  return r;
}

void Notification::Notify() {
  VIGIL_REAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv");
  Release(this);
  real(this);
}

// TSan defers a signal that arrives while the thread it lands on is blocked
// outside an intercepted call (here: a futex inside uninstrumented Abseil)
// until that thread next passes through an interceptor, so vigild's main
// thread, parked here until SIGTERM, would never see it. Wait in slices and
// pass through an interceptor (usleep) between them.
void Notification::WaitForNotification() const {
  VIGIL_REAL(bool (*)(const Notification*, Duration),
             "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  while (!real(this, Milliseconds(50))) usleep(1);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  VIGIL_REAL(bool (*)(const Notification*, Duration),
             "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  bool r = real(this, timeout);
  if (r) Acquire(this);
  return r;
}

ABSL_NAMESPACE_END
}  // namespace absl
