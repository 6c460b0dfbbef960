// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/config_reader.h: reading vigild.toml tables with errors that name
// the file and the key. Internal to config*.cc.

#ifndef VIGIL_SERVICE_CONFIG_READER_H_
#define VIGIL_SERVICE_CONFIG_READER_H_

// As in the core's model loader: no exceptions, header-only, malformed
// input an error and never an assertion.
#include "core/src/common/toml.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace vigil::service {

// Reads the keys of one TOML table, remembering which it has seen so that
// whatever is left over can be refused as unknown.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string prefix,
              absl::string_view source)
      : table_(table), prefix_(std::move(prefix)), source_(source) {}

  absl::Status Int(absl::string_view key, int64_t min, int64_t max,
                   int64_t* out) {
    const toml::node* node = Find(key);
    if (node == nullptr) return absl::OkStatus();
    std::optional<int64_t> v = node->value<int64_t>();
    if (!node->is_integer() || !v.has_value()) {
      return Error(key, "expected an integer");
    }
    if (*v < min || *v > max) {
      return Error(key, absl::StrCat("must be between ", min, " and ", max));
    }
    *out = *v;
    return absl::OkStatus();
  }

  template <typename T>
  absl::Status IntAs(absl::string_view key, int64_t min, int64_t max, T* out) {
    int64_t v = static_cast<int64_t>(*out);
    absl::Status s = Int(key, min, max, &v);
    *out = static_cast<T>(v);
    return s;
  }

  absl::Status Millis(absl::string_view key, absl::Duration* out) {
    int64_t ms = absl::ToInt64Milliseconds(*out);
    absl::Status s = Int(key, 1, 3600 * 1000, &ms);
    *out = absl::Milliseconds(ms);
    return s;
  }

  absl::Status Bool(absl::string_view key, bool* out) {
    const toml::node* node = Find(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_boolean()) return Error(key, "expected true or false");
    *out = *node->value<bool>();
    return absl::OkStatus();
  }

  absl::Status String(absl::string_view key, std::string* out) {
    const toml::node* node = Find(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_string()) return Error(key, "expected a string");
    *out = *node->value<std::string>();
    return absl::OkStatus();
  }

  absl::Status StringList(absl::string_view key,
                          std::vector<std::string>* out) {
    const toml::node* node = Find(key);
    if (node == nullptr) return absl::OkStatus();
    const toml::array* array = node->as_array();
    if (array == nullptr) return Error(key, "expected an array of strings");
    out->clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) return Error(key, "expected an array of strings");
      std::string value = *item.value<std::string>();
      if (value.empty()) return Error(key, "empty string in the list");
      out->push_back(std::move(value));
    }
    return absl::OkStatus();
  }

  // Refuses keys that no call above asked for.
  absl::Status NoOthers() const {
    if (table_ == nullptr) return absl::OkStatus();
    for (const auto& [key, node] : *table_) {
      std::string name(key.str());
      if (!seen_.contains(name)) return Error(name, "unknown key");
    }
    return absl::OkStatus();
  }

  absl::Status Error(absl::string_view key, absl::string_view reason) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", prefix_, key, ": ", reason));
  }

  // The node of `key` (null if absent), which from now on counts as known.
  const toml::node* Find(absl::string_view key) {
    seen_.insert(std::string(key));
    if (table_ == nullptr) return nullptr;
    return table_->get(std::string_view(key.data(), key.size()));
  }

 private:
  const toml::table* table_;
  std::string prefix_;
  absl::string_view source_;
  absl::flat_hash_set<std::string> seen_;
};

#define VIGIL_CONFIG_CHECK(expr) \
  do {                           \
    absl::Status _s = (expr);    \
    if (!_s.ok()) return _s;     \
  } while (0)

struct ServiceConfig;
// Reads [notify] (with [notify.templates.*]), [webhook] and [outbox] of
// `root` into `c` (service/notify_config.cc).
absl::Status ParseNotifyConfig(const toml::table& root,
                               absl::string_view source, ServiceConfig& c);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_CONFIG_READER_H_
