// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Small helpers shared by the tests: status assertions (Debian's Abseil has
// no status matchers), temporary folders, and paths to the test data.

#ifndef VIGIL_TESTS_TESTING_TEST_UTIL_H_
#define VIGIL_TESTS_TESTING_TEST_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

#define VIGIL_TEST_CONCAT_INNER(a, b) a##b
#define VIGIL_TEST_CONCAT(a, b) VIGIL_TEST_CONCAT_INNER(a, b)

#define ASSERT_OK(expr)                                 \
  do {                                                  \
    const absl::Status _st = ::vigil::testing::ToStatus(expr); \
    ASSERT_TRUE(_st.ok()) << _st;                       \
  } while (0)
#define EXPECT_OK(expr)                                 \
  do {                                                  \
    const absl::Status _st = ::vigil::testing::ToStatus(expr); \
    EXPECT_TRUE(_st.ok()) << _st;                       \
  } while (0)

#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                   \
  auto VIGIL_TEST_CONCAT(_statusor_, __LINE__) = (expr);                  \
  ASSERT_TRUE(VIGIL_TEST_CONCAT(_statusor_, __LINE__).ok())               \
      << VIGIL_TEST_CONCAT(_statusor_, __LINE__).status();                \
  lhs = std::move(VIGIL_TEST_CONCAT(_statusor_, __LINE__)).value()

namespace vigil::testing {

inline absl::Status ToStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// A fresh folder under the test temp dir, removed with everything in it when
// the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// tests/data/<relative> (VIGIL_TESTDATA_DIR)
std::string TestDataPath(const std::string& relative);
// <project source>/<relative>
std::string SourcePath(const std::string& relative);
// Reads a whole file; fails the test (and returns "") if it cannot.
std::string ReadFileOrDie(const std::string& path);
// Writes a whole file; fails the test if it cannot.
void WriteFileOrDie(const std::string& path, const std::string& contents);

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_TESTING_TEST_UTIL_H_
