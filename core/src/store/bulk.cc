// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/bulk.h"

#include <memory>
#include <string>
#include <vector>

namespace vigil::internal {

absl::Status BulkWrite(Store* store, const WriteBatch& batch) {
  if (batch.conditional()) {
    return absl::InvalidArgumentError("bulk write: conditions not allowed");
  }
  if (BulkLoading* bulk = store->bulk_loading(); bulk != nullptr) {
    return bulk->WriteBulk(batch);
  }
  return store->Write(batch);
}

absl::Status DeleteRange(Store* store, Table table, absl::string_view begin,
                         absl::string_view end) {
  if (BulkLoading* bulk = store->bulk_loading(); bulk != nullptr) {
    return bulk->DeleteRange(table, begin, end);
  }
  if (end <= begin) return absl::OkStatus();
  // Scan a chunk, delete it, scan again from after its last key: the
  // iterator is never held across a write.
  std::string from(begin);
  while (true) {
    WriteBatch batch;
    std::string last;
    {
      std::unique_ptr<StoreIterator> it = store->Scan(table, from, end);
      size_t n = 0;
      for (; it->Valid() && n < kDeleteRangeBatch; it->Next(), ++n) {
        last.assign(it->key().data(), it->key().size());
        batch.Delete(table, last);
      }
      if (absl::Status s = it->status(); !s.ok()) return s;
    }
    if (batch.empty()) return absl::OkStatus();
    if (absl::Status s = store->Write(batch); !s.ok()) return s;
    if (batch.ops().size() < kDeleteRangeBatch) return absl::OkStatus();
    from = last;
    from.push_back('\0');  // the smallest key after `last`
  }
}

absl::Status FlushTable(Store* store, Table table) {
  if (BulkLoading* bulk = store->bulk_loading(); bulk != nullptr) {
    return bulk->Flush(table);
  }
  return absl::OkStatus();
}

absl::Status CompactTable(Store* store, Table table) {
  if (BulkLoading* bulk = store->bulk_loading(); bulk != nullptr) {
    return bulk->Compact(table);
  }
  return absl::OkStatus();
}

}  // namespace vigil::internal
