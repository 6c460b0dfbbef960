// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MmdbDecoder: a bounds-checked, allocation-free reader of the data section
// of a MaxMind DB file (format 2.0, "Data Section" of the spec).
//
// Why not MMDB_aget_value: every call walks its path from the record's
// root, decoding and skipping every key before the one it wants, so reading
// the eight fields of a GeoIP2 City record that way costs ~1 µs. Reading the
// record's top-level map once and picking the fields on the way costs a
// fraction of that. libmaxminddb still opens the file, checks its metadata
// and walks the search tree.

#ifndef VIGIL_CORE_SRC_CONTEXT_MMDB_DECODER_H_
#define VIGIL_CORE_SRC_CONTEXT_MMDB_DECODER_H_

#include <cstdint>
#include <cstring>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace vigil {

// Data types of the MaxMind DB format.
enum class MmdbType : uint8_t {
  kNone = 0,  // no value (0 is the "extended" marker, never a decoded type)
  kPointer = 1,
  kString = 2,
  kDouble = 3,
  kBytes = 4,
  kUint16 = 5,
  kUint32 = 6,
  kMap = 7,
  kInt32 = 8,
  kUint64 = 9,
  kUint128 = 10,
  kArray = 11,
  kBool = 14,
  kFloat = 15,
};

// One decoded value. For maps and arrays, `size` is the number of entries
// and `offset` is where the first one starts; for a bool, `size` is the
// value; otherwise `size` bytes of payload start at `offset`.
struct MmdbItem {
  MmdbType type = MmdbType::kNone;
  uint32_t size = 0;
  uint32_t offset = 0;
};

// Thread-safe (immutable). Every method checks every offset against the
// data section's size and returns DataLoss with a short reason for corrupt
// data; none reads outside the section, loops forever or recurses without
// bound.
class MmdbDecoder {
 public:
  MmdbDecoder() = default;
  MmdbDecoder(const uint8_t* data, uint32_t size) : data_(data), size_(size) {}

  // Decodes the value at `offset`, following a pointer if there is one.
  absl::Status Resolve(uint32_t offset, MmdbItem* item) const;

  // Calls visit(absl::string_view key, const MmdbItem& value) for every
  // entry of `map` (which must be a kMap item), with values resolved.
  template <typename Visit>
  absl::Status ForEachEntry(const MmdbItem& map, Visit&& visit) const;

  // The value of `key` in `map`; *found is false if the map has no such key
  // or `map` is not a map.
  absl::Status Find(const MmdbItem& map, absl::string_view key, MmdbItem* value,
                    bool* found) const;

  // Typed views of a resolved item. Each returns false, leaving *out alone,
  // when the item has another type.
  bool String(const MmdbItem& item, absl::string_view* out) const;
  // kDouble or kFloat.
  bool Number(const MmdbItem& item, double* out) const;
  // Any unsigned or signed integer type whose value fits.
  bool Uint32(const MmdbItem& item, uint32_t* out) const;
  bool Bool(const MmdbItem& item, bool* out) const;

 private:
  // The private steps return nullptr on success and a static reason on
  // corrupt data: no Status is built on the hot path.
  //
  // Decodes the control bytes at `offset` without following a pointer
  // (a pointer's target goes to item->offset); *end receives the offset
  // just past the control bytes (and past the payload for scalars).
  ABSL_ATTRIBUTE_ALWAYS_INLINE const char* Decode(uint32_t offset,
                                                  MmdbItem* item,
                                                  uint32_t* end) const;
  // The offset just past the value stored at `offset` (a pointer counts as
  // its own bytes, not its target's).
  const char* Skip(uint32_t offset, int depth, uint32_t* next) const;
  // The value at `offset` with a pointer followed, and in *next the offset
  // just past it as stored.
  const char* Next(uint32_t offset, MmdbItem* item, uint32_t* next) const;
  uint64_t BigEndian(uint32_t offset, uint32_t bytes) const;

  const uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
};

template <typename Visit>
absl::Status MmdbDecoder::ForEachEntry(const MmdbItem& map,
                                       Visit&& visit) const {
  if (map.type != MmdbType::kMap) {
    return absl::DataLossError("expected a map");
  }
  uint32_t pos = map.offset;
  for (uint32_t i = 0; i < map.size; ++i) {
    MmdbItem key, value;
    if (const char* error = Next(pos, &key, &pos)) {
      return absl::DataLossError(error);
    }
    if (key.type != MmdbType::kString) {
      return absl::DataLossError("map key is not a string");
    }
    if (const char* error = Next(pos, &value, &pos)) {
      return absl::DataLossError(error);
    }
    visit(absl::string_view(reinterpret_cast<const char*>(data_) + key.offset,
                            key.size),
          value);
  }
  return absl::OkStatus();
}

}  // namespace vigil

#endif  // VIGIL_CORE_SRC_CONTEXT_MMDB_DECODER_H_
