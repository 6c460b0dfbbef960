// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Compact binary encoding for stored records: little-endian fixed integers,
// LEB128 varints, length-prefixed strings. Readers never read past the end:
// every Get* returns false on truncated or malformed input.

#ifndef VIGIL_CORE_SRC_COMMON_ENCODING_H_
#define VIGIL_CORE_SRC_COMMON_ENCODING_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace vigil::internal {

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void PutU8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void PutFixed32(uint32_t v) {
    char buf[4];
    for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>(v >> (8 * i));
    out_->append(buf, 4);
  }
  void PutFixed64(uint64_t v) {
    char buf[8];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
    out_->append(buf, 8);
  }
  void PutVarint(uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }
  // Zig-zag signed varint.
  void PutSignedVarint(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void PutDouble(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    PutFixed64(bits);
  }
  void PutString(absl::string_view s) {
    PutVarint(s.size());
    out_->append(s.data(), s.size());
  }

 private:
  std::string* out_;
};

class Decoder {
 public:
  explicit Decoder(absl::string_view in) : in_(in) {}

  bool done() const { return in_.empty(); }
  bool GetU8(uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool GetFixed32(uint32_t* v) {
    if (in_.size() < 4) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) r |= uint32_t{static_cast<uint8_t>(in_[i])} << (8 * i);
    *v = r;
    in_.remove_prefix(4);
    return true;
  }
  bool GetFixed64(uint64_t* v) {
    if (in_.size() < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= uint64_t{static_cast<uint8_t>(in_[i])} << (8 * i);
    *v = r;
    in_.remove_prefix(8);
    return true;
  }
  bool GetVarint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      r |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) {
        *v = r;
        return true;
      }
    }
    return false;
  }
  template <typename T>
  bool GetVarintAs(T* v) {
    uint64_t r;
    if (!GetVarint(&r)) return false;
    *v = static_cast<T>(r);
    return true;
  }
  bool GetSignedVarint(int64_t* v) {
    uint64_t r;
    if (!GetVarint(&r)) return false;
    *v = static_cast<int64_t>((r >> 1) ^ (~(r & 1) + 1));
    return true;
  }
  bool GetDouble(double* v) {
    uint64_t bits;
    if (!GetFixed64(&bits)) return false;
    std::memcpy(v, &bits, sizeof bits);
    return true;
  }
  bool GetString(std::string* s) {
    absl::string_view view;
    if (!GetStringView(&view)) return false;
    s->assign(view.data(), view.size());
    return true;
  }
  bool GetStringView(absl::string_view* s) {
    uint64_t n;
    if (!GetVarint(&n) || n > in_.size()) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }

 private:
  absl::string_view in_;
};

// Big-endian 64-bit, for keys that must sort by number.
inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
inline bool GetBigEndian64(absl::string_view in, uint64_t* v) {
  if (in.size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<uint8_t>(in[i]);
  *v = r;
  return true;
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_COMMON_ENCODING_H_
