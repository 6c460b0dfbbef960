// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/json_writer.h: a small streaming JSON writer for responses.
//
// Boost.JSON writes doubles as "9.3E-1"; people and dashboards expect 0.93.
// This writer appends straight into one string (no DOM on the hot path),
// writes shortest round-trip numbers, and always produces valid JSON: control
// characters are escaped and invalid UTF-8 becomes U+FFFD.

#ifndef VIGIL_SERVICE_JSON_WRITER_H_
#define VIGIL_SERVICE_JSON_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace vigil::service {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // Inside an object: the next member's name. Then one value call.
  void Key(absl::string_view name);

  void String(absl::string_view value);
  // An empty string is written as null.
  void StringOrNull(absl::string_view value);
  void Int(int64_t value);
  // Shortest text that reads back as the same double; null if not finite.
  void Double(double value);
  // `value` rounded to `decimals` places first (scores: 4).
  void Rounded(double value, int decimals);
  void Bool(bool value);
  void Null();

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();

  std::string* out_;
  // Bit i: the container at depth i already has a member.
  uint64_t has_member_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `value` as a quoted JSON string.
void AppendJsonString(absl::string_view value, std::string* out);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_JSON_WRITER_H_
