// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A JSON string literal, for the few JSON documents the core writes itself
// (webhook bodies).

#ifndef VIGIL_CORE_SRC_COMMON_JSON_ESCAPE_H_
#define VIGIL_CORE_SRC_COMMON_JSON_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace vigil::internal {

// Appends `s` to `out` as a quoted JSON string.
inline void AppendJsonString(std::string* out, absl::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_COMMON_JSON_ESCAPE_H_
