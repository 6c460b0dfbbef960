// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// TableReader: reads the typed keys of one table of a model file and
// remembers which it read, so that Finish() can refuse the others (a typo
// must not silently fall back to a default). Every error is
// "<file>: <dotted key>: <reason>". The model loader reads its own tables
// with it, and hands each signal that owns settings a reader of its
// [signals.<name>] table (Signal::LoadSettings).
//
// A reader of an absent table reads nothing (every key keeps its default)
// and finishes clean. Reading a key that is absent leaves `*out` unchanged.

#ifndef VIGIL_CORE_SRC_MODEL_TABLE_READER_H_
#define VIGIL_CORE_SRC_MODEL_TABLE_READER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/toml.h"  // toml++, as vigil configures it
#include "model/model_config.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"
#include "vigil/ip_address.h"

namespace vigil::internal {

class TableReader {
 public:
  // `table` may be null (an absent table). `path` is the table's dotted key
  // ("" for the root), `source` the file name errors start with, `base_dir`
  // the directory relative file names in the model resolve against.
  TableReader(const toml::table* table, std::string path, std::string source,
              std::string base_dir = ".");

  // "<source>: <path>.<key>: <reason>", as InvalidArgument.
  absl::Status Error(absl::string_view key, absl::string_view reason) const;
  // "<path>.<key>" (or "<key>" at the root).
  std::string Key(absl::string_view key) const;
  const std::string& base_dir() const { return base_dir_; }

  // A number (an integer converts) in [min, max].
  absl::Status Double(absl::string_view key, double min, double max,
                      double* out);
  // An integer in [min, max].
  absl::Status Int(absl::string_view key, int64_t min, int64_t max, int* out);
  absl::Status String(absl::string_view key, bool required, std::string* out);
  absl::Status StringList(absl::string_view key, std::vector<std::string>* out);
  absl::Status Bool(absl::string_view key, bool* out);
  // One of "none", "low", "medium", "high".
  absl::Status Level(absl::string_view key, RiskLevel* out);
  // A list of event type names, as a set by EventType (replaces `*out`).
  absl::Status EventTypes(absl::string_view key,
                          std::array<bool, kEventTypeCount>* out);
  // "open" or "closed".
  absl::Status OnErrorValue(absl::string_view key, OnError* out);
  // A list of addresses and CIDR blocks.
  absl::StatusOr<CidrSet> CidrList(absl::string_view key);
  // A sub-table; a reader of an absent table if absent. Error if not a table.
  absl::StatusOr<TableReader> Sub(absl::string_view key);

  // Whether `key` is present. Marks it as known (see Finish).
  bool Has(absl::string_view key);
  // Whether `key` was read (or asked about with Has).
  bool Taken(absl::string_view key) const;
  // The node of `key` (marked as read), or nullptr if absent.
  const toml::node* TakeNode(absl::string_view key) { return Take(key); }
  // All keys present, for free-form tables.
  std::vector<std::string> Keys() const;

  // Refuses the first key present that was never read:
  // "<key>: unknown key (known: <the keys read, sorted>)".
  absl::Status Finish() const;

 private:
  const toml::node* Take(absl::string_view key);

  const toml::table* table_;
  std::string path_;
  std::string source_;
  std::string base_dir_;
  std::vector<std::string> taken_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MODEL_TABLE_READER_H_
