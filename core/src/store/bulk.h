// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Bulk loading through whatever the store offers: its BulkLoading capability
// when it has one, else ordinary batches (see vigil/store.h).

#ifndef VIGIL_CORE_SRC_STORE_BULK_H_
#define VIGIL_CORE_SRC_STORE_BULK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "vigil/store.h"

namespace vigil::internal {

// BulkLoading::WriteBulk, or Store::Write (atomic, logged). `batch` holds no
// conditions (InvalidArgument otherwise).
absl::Status BulkWrite(Store* store, const WriteBatch& batch);
// BulkLoading::DeleteRange, or a scan of [begin, end) deleting the keys
// found in batches of about kDeleteRangeBatch (each one atomic, the whole
// range not).
absl::Status DeleteRange(Store* store, Table table, absl::string_view begin,
                         absl::string_view end);
inline constexpr size_t kDeleteRangeBatch = 1000;
// BulkLoading::Flush, or nothing (every Write is durable already).
absl::Status FlushTable(Store* store, Table table);
// BulkLoading::Compact, or nothing.
absl::Status CompactTable(Store* store, Table table);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STORE_BULK_H_
