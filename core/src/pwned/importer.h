// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The streaming import of a breach corpus: files -> parsed hash records ->
// one generation of prefix values in the store.
//
// Sorted input (the Pwned Passwords download is ordered by hash) streams
// straight into the store. At the first record out of order the rest goes
// through an external sort (sorted runs of bounded size in unlinked
// temporary files), and at the end the runs and what was already written are
// merged into a second generation. Memory stays bounded either way.

#ifndef VIGIL_CORE_SRC_PWNED_IMPORTER_H_
#define VIGIL_CORE_SRC_PWNED_IMPORTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "pwned/corpus_format.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil::internal {

// Writes records, given in ascending hash order, as prefix values of one
// generation (WriteBulk). Equal hashes in a row are summed.
class PrefixWriter {
 public:
  PrefixWriter(Store* store, HashKind kind, uint32_t generation)
      : store_(store), kind_(kind), generation_(generation) {}
  absl::Status Add(const HashRecord& r);
  absl::Status Finish();
  int64_t hashes() const { return hashes_; }
  int64_t prefixes() const { return prefixes_; }
  // The last record added (valid once one was).
  const HashRecord& last() const { return group_.back(); }
  bool empty() const { return group_.empty() && prefixes_ == 0; }

 private:
  absl::Status FlushGroup();

  Store* store_;
  HashKind kind_;
  uint32_t generation_;
  std::vector<HashRecord> group_;
  uint32_t group_prefix_ = 0;
  WriteBatch batch_;
  size_t batch_bytes_ = 0;
  std::string value_;
  int64_t hashes_ = 0;
  int64_t prefixes_ = 0;
};

// Parses import files into records. Thin wrapper so that tests and the
// benchmark can drive the parser alone.
struct ParsedLine {
  enum class Kind { kRecord, kEmpty, kBad } kind;
  HashRecord record;
  const char* error = nullptr;  // for kBad: the reason (never the line)
};

// Which format a file is, from its name and first non-empty line.
absl::StatusOr<ImportFormat> DetectFormat(HashKind kind,
                                          const std::string& path,
                                          absl::string_view first_line);

// Parses one line (without its '\n') of `format`. `range_prefix` is the
// prefix from the file name for kRange.
ParsedLine ParseLine(HashKind kind, ImportFormat format, uint32_t range_prefix,
                     absl::string_view line);

// Runs a whole import of `files` into generations after `current` (which it
// leaves alone). Returns the generation that holds the result in *generation.
absl::StatusOr<ImportStats> RunImport(Store* store,
                                      const std::vector<std::string>& files,
                                      const ImportOptions& options,
                                      uint32_t current, uint32_t* generation);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_PWNED_IMPORTER_H_
