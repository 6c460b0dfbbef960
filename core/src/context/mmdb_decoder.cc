// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Follows the MaxMind DB format spec 2.0, "Output Data Section": a control
// byte (3 type bits, 5 size bits), an extended-type byte for types above 7,
// 0-3 extra size bytes, then the payload; pointers encode their target in
// the size bits and 1-4 following bytes, relative to the section start.

#include "context/mmdb_decoder.h"

#include <cstring>

namespace vigil {
namespace {

// Deeper nesting than any real database uses; bounds the recursion of Skip.
constexpr int kMaxDepth = 32;

// Largest payload per type: double 8, uint16 2, uint32 4, int32 4,
// uint64 8, uint128 16, float 4 (unused entries 0).
constexpr uint32_t kMaxBytes[16] = {0, 0, 0,  8, 0, 2, 4, 0,
                                    4, 8, 16, 0, 0, 0, 0, 4};

inline uint64_t ReadBigEndian(const uint8_t* p, uint32_t bytes) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

uint64_t MmdbDecoder::BigEndian(uint32_t offset, uint32_t bytes) const {
  return ReadBigEndian(data_ + offset, bytes);
}

inline const char* MmdbDecoder::Decode(uint32_t offset, MmdbItem* item,
                                       uint32_t* end) const {
  if (offset >= size_) return "offset past the data section";
  const uint8_t ctrl = data_[offset];
  uint32_t pos = offset + 1;
  uint32_t type = ctrl >> 5;

  if (type == 1) {  // pointer
    const uint32_t extra = ((ctrl >> 3) & 3) + 1;
    if (extra > size_ - pos) return "truncated pointer";
    const uint32_t vvv = ctrl & 7;
    const uint32_t raw =
        static_cast<uint32_t>(ReadBigEndian(data_ + pos, extra));
    uint64_t target;
    switch (extra) {
      case 1:
        target = (vvv << 8) | raw;
        break;
      case 2:
        target = ((vvv << 16) | raw) + 2048;
        break;
      case 3:
        target = uint64_t{(vvv << 24) | raw} + 526336;
        break;
      default:
        target = raw;  // 32-bit pointer: vvv unused
        break;
    }
    if (target >= size_) return "pointer past the data section";
    item->type = MmdbType::kPointer;
    item->size = 0;
    item->offset = static_cast<uint32_t>(target);
    *end = pos + extra;
    return nullptr;
  }

  if (type == 0) {  // extended type
    if (pos >= size_) return "truncated extended type";
    type = 7 + data_[pos++];
    if (type < 8 || type > 15) return "invalid extended type";
  }

  uint32_t size = ctrl & 0x1f;
  if (size >= 29) {
    const uint32_t extra = size - 28;  // 1, 2 or 3 bytes
    if (extra > size_ - pos) return "truncated size";
    const uint32_t v = static_cast<uint32_t>(ReadBigEndian(data_ + pos, extra));
    pos += extra;
    size = extra == 1 ? 29 + v : extra == 2 ? 285 + v : 65821 + v;
  }

  item->type = static_cast<MmdbType>(type);
  item->size = size;
  item->offset = pos;
  const uint32_t remaining = size_ - pos;
  switch (type) {
    case 2:  // utf8 string
    case 4:  // bytes
      break;
    case 7:  // map: every entry takes at least two bytes
      if (uint64_t{size} * 2 > remaining) return "map too large";
      *end = pos;
      return nullptr;
    case 11:  // array
      if (size > remaining) return "array too large";
      *end = pos;
      return nullptr;
    case 14:  // boolean: the value is the size
      if (size > 1) return "invalid boolean";
      *end = pos;
      return nullptr;
    default:
      // Fixed-size and integer types: at most kMaxBytes[type] bytes, or
      // exactly that many for the floating-point types.
      if (type == 12 || type == 13) return "invalid data type";
      if (type == 3 && size != 8) return "invalid double size";
      if (type == 15 && size != 4) return "invalid float size";
      if (size > kMaxBytes[type]) return "invalid integer size";
      break;
  }
  if (size > remaining) return "value past the data section";
  *end = pos + size;
  return nullptr;
}

absl::Status MmdbDecoder::Resolve(uint32_t offset, MmdbItem* item) const {
  // Unlike Next, never walks a container to find its end.
  uint32_t end;
  const char* error = Decode(offset, item, &end);
  if (error == nullptr && item->type == MmdbType::kPointer) {
    error = Decode(item->offset, item, &end);
    if (error == nullptr && item->type == MmdbType::kPointer) {
      error = "pointer to a pointer";
    }
  }
  return error == nullptr ? absl::OkStatus() : absl::DataLossError(error);
}

const char* MmdbDecoder::Skip(uint32_t offset, int depth,
                              uint32_t* next) const {
  if (depth > kMaxDepth) return "data nested too deeply";
  MmdbItem item;
  uint32_t end;
  if (const char* error = Decode(offset, &item, &end)) return error;
  if (item.type != MmdbType::kMap && item.type != MmdbType::kArray) {
    *next = end;
    return nullptr;
  }
  const uint64_t count =
      uint64_t{item.size} * (item.type == MmdbType::kMap ? 2 : 1);
  uint32_t pos = end;
  for (uint64_t i = 0; i < count; ++i) {
    if (const char* error = Skip(pos, depth + 1, &pos)) return error;
  }
  *next = pos;
  return nullptr;
}

const char* MmdbDecoder::Next(uint32_t offset, MmdbItem* item,
                              uint32_t* next) const {
  uint32_t end;
  if (const char* error = Decode(offset, item, &end)) return error;
  if (item->type == MmdbType::kPointer) {
    *next = end;
    uint32_t unused;
    if (const char* error = Decode(item->offset, item, &unused)) return error;
    if (item->type == MmdbType::kPointer) return "pointer to a pointer";
    return nullptr;
  }
  if (item->type != MmdbType::kMap && item->type != MmdbType::kArray) {
    *next = end;
    return nullptr;
  }
  // An inline map or array: skip its entries to find where it ends.
  const uint64_t count =
      uint64_t{item->size} * (item->type == MmdbType::kMap ? 2 : 1);
  uint32_t pos = end;
  for (uint64_t i = 0; i < count; ++i) {
    if (const char* error = Skip(pos, 1, &pos)) return error;
  }
  *next = pos;
  return nullptr;
}

absl::Status MmdbDecoder::Find(const MmdbItem& map, absl::string_view key,
                               MmdbItem* value, bool* found) const {
  *found = false;
  if (map.type != MmdbType::kMap) return absl::OkStatus();
  uint32_t pos = map.offset;
  for (uint32_t i = 0; i < map.size; ++i) {
    MmdbItem k;
    if (const char* error = Next(pos, &k, &pos)) {
      return absl::DataLossError(error);
    }
    if (k.type != MmdbType::kString) {
      return absl::DataLossError("map key is not a string");
    }
    if (k.size == key.size() &&
        std::memcmp(data_ + k.offset, key.data(), key.size()) == 0) {
      absl::Status s = Resolve(pos, value);
      if (s.ok()) *found = true;
      return s;
    }
    if (const char* error = Skip(pos, 0, &pos)) {
      return absl::DataLossError(error);
    }
  }
  return absl::OkStatus();
}

bool MmdbDecoder::String(const MmdbItem& item, absl::string_view* out) const {
  if (item.type != MmdbType::kString) return false;
  *out = absl::string_view(reinterpret_cast<const char*>(data_) + item.offset,
                           item.size);
  return true;
}

bool MmdbDecoder::Number(const MmdbItem& item, double* out) const {
  if (item.type == MmdbType::kDouble) {
    const uint64_t bits = BigEndian(item.offset, 8);
    std::memcpy(out, &bits, sizeof(*out));
    return true;
  }
  if (item.type == MmdbType::kFloat) {
    const uint32_t bits = static_cast<uint32_t>(BigEndian(item.offset, 4));
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    *out = static_cast<double>(f);
    return true;
  }
  return false;
}

bool MmdbDecoder::Uint32(const MmdbItem& item, uint32_t* out) const {
  switch (item.type) {
    case MmdbType::kUint16:
    case MmdbType::kUint32:
    case MmdbType::kUint64:
    case MmdbType::kUint128: {
      // Leading zero bytes are allowed; the value must fit 32 bits.
      uint64_t high = 0;
      const uint32_t low_bytes = item.size < 4 ? item.size : 4;
      for (uint32_t i = 0; i + low_bytes < item.size; ++i) {
        high |= data_[item.offset + i];
      }
      if (high != 0) return false;
      *out = static_cast<uint32_t>(
          BigEndian(item.offset + item.size - low_bytes, low_bytes));
      return true;
    }
    case MmdbType::kInt32: {
      const uint32_t v =
          static_cast<uint32_t>(BigEndian(item.offset, item.size));
      if (item.size == 4 && (v & 0x80000000u)) return false;  // negative
      *out = v;
      return true;
    }
    default:
      return false;
  }
}

bool MmdbDecoder::Bool(const MmdbItem& item, bool* out) const {
  if (item.type != MmdbType::kBool) return false;
  *out = item.size != 0;
  return true;
}

}  // namespace vigil
