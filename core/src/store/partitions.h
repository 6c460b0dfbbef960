// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The user's partition (see PartitionOf in vigil/store.h), for the
// repositories whose keys carry it.

#ifndef VIGIL_CORE_SRC_STORE_PARTITIONS_H_
#define VIGIL_CORE_SRC_STORE_PARTITIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "vigil/store.h"

namespace vigil::internal {

// The stable 64-bit hash of a user id that event keys start with.
uint64_t UserHash(absl::string_view user_id);
// The four lowercase hex digits naming the user's partition (the top 16 bits
// of UserHash): what a challenge id starts with.
std::string UserPartitionHex(absl::string_view user_id);
// "u" and UserPartitionHex: PartitionOf every record of the user.
std::string UserPartition(absl::string_view user_id);

// What every Store::Write checks first: counter additions only to the
// counters table, and conditions (WriteBatch::Expect) in one partition.
// InvalidArgument otherwise.
absl::Status CheckBatch(const WriteBatch& batch);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_PARTITIONS_H_
