// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Status propagation helpers. Debian's Abseil (20220623) has none.

#ifndef VIGIL_CORE_SRC_COMMON_STATUS_MACROS_H_
#define VIGIL_CORE_SRC_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define VIGIL_STATUS_CONCAT_INNER(a, b) a##b
#define VIGIL_STATUS_CONCAT(a, b) VIGIL_STATUS_CONCAT_INNER(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define VIGIL_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    ::absl::Status _vigil_status = (expr);           \
    if (!_vigil_status.ok()) return _vigil_status;   \
  } while (0)

// `lhs = value of expr`, or returns its status from the enclosing function.
#define VIGIL_ASSIGN_OR_RETURN(lhs, expr)                                    \
  VIGIL_ASSIGN_OR_RETURN_IMPL(VIGIL_STATUS_CONCAT(_vigil_statusor_, __LINE__), \
                              lhs, expr)
#define VIGIL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()

#endif  // VIGIL_CORE_SRC_COMMON_STATUS_MACROS_H_
