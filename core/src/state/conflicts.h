// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Read-modify-write over the store port without locks: read a record and
// note what was read as a condition of the batch that will change it
// (WriteBatch::Expect); if another writer got there first, Store::Write
// answers Aborted, and the whole read-decide-write is run again on the fresh
// state. On a store that is exclusive to this process (Store::exclusive) the
// callers' in-process locks already serialize a user's changes and no
// condition is added.

#ifndef VIGIL_CORE_SRC_STATE_CONFLICTS_H_
#define VIGIL_CORE_SRC_STATE_CONFLICTS_H_

#include <optional>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/store.h"

namespace vigil::internal {

// Attempts of a read-modify-write before it gives up (each lost race means
// another writer of the same record succeeded).
inline constexpr int kMaxConflictAttempts = 16;

// Reads `key` into `*value` as Store::Get does. If `guard` is non-null, adds
// to it the expectation that the key still holds what was read (or is still
// absent) when the batch is written.
inline absl::Status GuardedGet(Store* store, Table table, absl::string_view key,
                               std::string* value, WriteBatch* guard) {
  absl::Status s = store->Get(table, key, value);
  if (guard != nullptr) {
    if (s.ok()) {
      guard->Expect(table, key, *value);
    } else if (absl::IsNotFound(s)) {
      guard->Expect(table, key, std::nullopt);
    }
  }
  return s;
}

inline bool IsConflict(const absl::Status& s) { return absl::IsAborted(s); }
inline absl::Status TooMuchContention() {
  return absl::UnavailableError(
      "store: too many concurrent changes to one record; try again");
}

// Runs `attempt` (returning Status or StatusOr<T>; called with no argument,
// or with the attempt's index 0, 1, ...) until it answers anything but a
// conflict (Aborted), at most kMaxConflictAttempts times; then Unavailable.
template <typename F>
auto RetryOnConflict(F attempt) {
  auto once = [&](int i) {
    if constexpr (std::is_invocable_v<F, int>) {
      return attempt(i);
    } else {
      return attempt();
    }
  };
  for (int i = 0; i < kMaxConflictAttempts; ++i) {
    auto result = once(i);
    if constexpr (std::is_same_v<decltype(result), absl::Status>) {
      if (!IsConflict(result)) return result;
    } else {
      if (!IsConflict(result.status())) return result;
    }
  }
  return decltype(once(0))(TooMuchContention());
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STATE_CONFLICTS_H_
