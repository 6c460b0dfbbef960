// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/retention.h"

namespace vigil::internal {

RetentionRules::RetentionRules(const std::vector<RetentionRule>& rules) {
  for (const RetentionRule& rule : rules) {
    const int t = static_cast<int>(rule.table);
    if (t >= kTableCount || rule.max_age <= absl::ZeroDuration() ||
        !rule.record_time) {
      continue;
    }
    rules_[t] = rule;
  }
}

bool RetentionRules::any() const {
  for (const std::optional<RetentionRule>& r : rules_) {
    if (r.has_value()) return true;
  }
  return false;
}

bool RetentionRules::Expired(Table table, absl::string_view key,
                             absl::Time now) const {
  const std::optional<RetentionRule>& rule = of(table);
  if (!rule.has_value()) return false;
  absl::Time t;
  return rule->record_time(key, &t) && t < now - rule->max_age;
}

}  // namespace vigil::internal
