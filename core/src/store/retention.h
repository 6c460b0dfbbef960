// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The retention rules a store was opened with, one per table, as the
// backends that apply them on read (memory:, redis://) consult them.

#ifndef VIGIL_CORE_SRC_STORE_RETENTION_H_
#define VIGIL_CORE_SRC_STORE_RETENTION_H_

#include <array>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/store.h"

namespace vigil::internal {

class RetentionRules {
 public:
  // Rules without a positive max_age or a record_time keep everything and
  // are dropped; of two for one table the later wins.
  explicit RetentionRules(const std::vector<RetentionRule>& rules);

  // The rule of `table`, if it has one.
  const std::optional<RetentionRule>& of(Table table) const {
    return rules_[static_cast<int>(table)];
  }
  bool any() const;
  // Whether the record under `key` is older than its table's rule allows
  // at `now`.
  bool Expired(Table table, absl::string_view key, absl::Time now) const;

 private:
  std::array<std::optional<RetentionRule>, kTableCount> rules_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_RETENTION_H_
