// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "model/table_reader.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {

std::string_view Std(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace

TableReader::TableReader(const toml::table* table, std::string path,
                         std::string source, std::string base_dir)
    : table_(table),
      path_(std::move(path)),
      source_(std::move(source)),
      base_dir_(std::move(base_dir)) {}

absl::Status TableReader::Error(absl::string_view key,
                                absl::string_view reason) const {
  return absl::InvalidArgumentError(
      absl::StrCat(source_, ": ", Key(key), ": ", reason));
}

std::string TableReader::Key(absl::string_view key) const {
  return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
}

absl::Status TableReader::Double(absl::string_view key, double min, double max,
                                 double* out) {
  const toml::node* node = Take(key);
  if (node == nullptr) return absl::OkStatus();
  std::optional<double> v = node->value<double>();  // ints convert too
  if (!v || !(node->is_floating_point() || node->is_integer())) {
    return Error(key, "must be a number");
  }
  if (!(*v >= min && *v <= max)) {
    return Error(key,
                 absl::StrCat("must be in [", min, ", ", max, "], is ", *v));
  }
  *out = *v;
  return absl::OkStatus();
}

absl::Status TableReader::Int(absl::string_view key, int64_t min, int64_t max,
                              int* out) {
  const toml::node* node = Take(key);
  if (node == nullptr) return absl::OkStatus();
  if (!node->is_integer()) return Error(key, "must be an integer");
  int64_t v = *node->value<int64_t>();
  if (v < min || v > max) {
    return Error(key,
                 absl::StrCat("must be in [", min, ", ", max, "], is ", v));
  }
  *out = static_cast<int>(v);
  return absl::OkStatus();
}

absl::Status TableReader::String(absl::string_view key, bool required,
                                 std::string* out) {
  const toml::node* node = Take(key);
  if (node == nullptr) {
    return required ? Error(key, "is required") : absl::OkStatus();
  }
  if (!node->is_string()) return Error(key, "must be a string");
  *out = *node->value<std::string>();
  return absl::OkStatus();
}

absl::Status TableReader::StringList(absl::string_view key,
                                     std::vector<std::string>* out) {
  const toml::node* node = Take(key);
  if (node == nullptr) return absl::OkStatus();
  const toml::array* arr = node->as_array();
  if (arr == nullptr) return Error(key, "must be an array of strings");
  out->clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = *arr->get(i);
    if (!item.is_string()) {
      return Error(absl::StrCat(key, "[", i, "]"), "must be a string");
    }
    out->push_back(*item.value<std::string>());
  }
  return absl::OkStatus();
}

absl::Status TableReader::Bool(absl::string_view key, bool* out) {
  const toml::node* node = Take(key);
  if (node == nullptr) return absl::OkStatus();
  if (!node->is_boolean()) return Error(key, "must be true or false");
  *out = *node->value<bool>();
  return absl::OkStatus();
}

absl::Status TableReader::Level(absl::string_view key, RiskLevel* out) {
  std::string v;
  VIGIL_RETURN_IF_ERROR(String(key, false, &v));
  if (!Has(key)) return absl::OkStatus();
  if (!ParseRiskLevel(v, out)) {
    return Error(key, absl::StrCat("unknown level \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::Status TableReader::EventTypes(absl::string_view key,
                                     std::array<bool, kEventTypeCount>* out) {
  if (!Has(key)) return absl::OkStatus();
  std::vector<std::string> types;
  VIGIL_RETURN_IF_ERROR(StringList(key, &types));
  out->fill(false);
  for (const std::string& name : types) {
    EventType type;
    if (!ParseEventType(name, &type)) {
      return Error(key, absl::StrCat("unknown event type \"", name, "\""));
    }
    (*out)[static_cast<int>(type)] = true;
  }
  return absl::OkStatus();
}

absl::Status TableReader::OnErrorValue(absl::string_view key, OnError* out) {
  std::string v;
  VIGIL_RETURN_IF_ERROR(String(key, false, &v));
  if (v.empty()) return absl::OkStatus();
  if (v == "open") {
    *out = OnError::kOpen;
  } else if (v == "closed") {
    *out = OnError::kClosed;
  } else {
    return Error(
        key, absl::StrCat("must be \"open\" or \"closed\", is \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<CidrSet> TableReader::CidrList(absl::string_view key) {
  std::vector<std::string> list;
  VIGIL_RETURN_IF_ERROR(StringList(key, &list));
  absl::StatusOr<CidrSet> set = CidrSet::FromStrings(list);
  if (!set.ok()) return Error(key, set.status().message());
  return set;
}

absl::StatusOr<TableReader> TableReader::Sub(absl::string_view key) {
  const toml::node* node = Take(key);
  if (node == nullptr)
    return TableReader(nullptr, Key(key), source_, base_dir_);
  if (!node->is_table()) return Error(key, "must be a table");
  return TableReader(node->as_table(), Key(key), source_, base_dir_);
}

bool TableReader::Has(absl::string_view key) {
  if (!Taken(key)) taken_.emplace_back(key);
  return table_ != nullptr && table_->contains(Std(key));
}

bool TableReader::Taken(absl::string_view key) const {
  return std::find(taken_.begin(), taken_.end(), key) != taken_.end();
}

std::vector<std::string> TableReader::Keys() const {
  std::vector<std::string> keys;
  if (table_ == nullptr) return keys;
  for (auto&& [k, v] : *table_) keys.emplace_back(k.str());
  return keys;
}

absl::Status TableReader::Finish() const {
  if (table_ == nullptr) return absl::OkStatus();
  for (auto&& [k, v] : *table_) {
    const std::string name(k.str());
    if (Taken(name)) continue;
    std::vector<std::string> known = taken_;
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    return Error(
        name,
        absl::StrCat("unknown key (known: ",
                     known.empty() ? "none" : absl::StrJoin(known, ", "), ")"));
  }
  return absl::OkStatus();
}

const toml::node* TableReader::Take(absl::string_view key) {
  if (!Taken(key)) taken_.emplace_back(key);
  if (table_ == nullptr) return nullptr;
  return table_->get(Std(key));
}

}  // namespace vigil::internal
