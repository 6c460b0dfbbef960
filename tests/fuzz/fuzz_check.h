// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// FUZZ_CHECK: an invariant of a fuzz target. A broken one prints what and
// where and aborts, which libFuzzer reports as a crash (and the corpus run
// of the normal build as a failed test). Active in every build type.

#ifndef VIGIL_TESTS_FUZZ_FUZZ_CHECK_H_
#define VIGIL_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                          \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", __FILE__, \
                   __LINE__, #cond);                                   \
      std::fprintf(stderr, " " __VA_ARGS__);                           \
      std::fprintf(stderr, "\n");                                      \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

#endif  // VIGIL_TESTS_FUZZ_FUZZ_CHECK_H_
