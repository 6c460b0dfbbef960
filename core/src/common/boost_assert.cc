// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Boost's assertion handler, for the builds that keep assertions (the
// sanitizer and fuzz builds; the top-level CMakeLists.txt defines
// BOOST_ENABLE_ASSERT_DEBUG_HANDLER in every configuration but Release, so
// with NDEBUG nothing here is called). Every failed assertion prints and
// aborts, as the standard handler does, except one that is known to be
// wrong: Beast 1.81's basic_parser::parse_chunk_header asserts `n >= 5` when
// it re-enters with the final chunk already seen, but when that final chunk
// was the first one (no CRLF of a data chunk before it) 4 bytes are a valid
// state, e.g. "0\r\n" then "\r" from the socket. The parse that follows is
// correct (it asks for more bytes); upstream corrected the assertion to
// `n >= 3` for that case (boostorg/beast pull request 2861, Boost 1.86).
// A client can reach it with any chunked request, so without this every
// assertion-enabled vigild could be aborted by one request.

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool EndsWith(const char* s, const char* suffix) {
  const size_t n = std::strlen(s), m = std::strlen(suffix);
  return n >= m && std::strcmp(s + n - m, suffix) == 0;
}

bool KnownWrongAssertion(const char* expr, const char* file) {
  return std::strcmp(expr, "n >= 5") == 0 &&
         EndsWith(file, "boost/beast/http/impl/basic_parser.ipp");
}

}  // namespace

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file,
                      long line) {
  if (KnownWrongAssertion(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line,
               function, expr);
  std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg,
                          char const* function, char const* file, long line) {
  if (KnownWrongAssertion(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s.\n", file, line,
               function, expr, msg);
  std::abort();
}

}  // namespace boost
