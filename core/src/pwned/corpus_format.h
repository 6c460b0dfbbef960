// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The breach corpus on disk (Table::kPwned).
//
// Keys:
//   "\0" KIND                      -> meta: the current generation and stats
//   KIND GEN(4, big-endian) PREFIX(3, big-endian, 20 bits) -> one prefix
// KIND is 's' (SHA-1) or 'n' (NTLM). An import writes a fresh generation and
// then switches the meta record in one write, so readers see either the old
// corpus or the new one, whole.
//
// A prefix value: version byte 1, count width w (1, 2, 4 or 8), varint n,
// then n suffixes of S bytes sorted ascending (the hash bytes after the first
// two, with the high nibble of the first cleared: 18 bytes for SHA-1, 14 for
// NTLM), then n counts of w bytes little-endian. Fixed-width rows make a
// lookup one binary search.

#ifndef VIGIL_CORE_SRC_PWNED_CORPUS_FORMAT_H_
#define VIGIL_CORE_SRC_PWNED_CORPUS_FORMAT_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "vigil/pwned.h"

namespace vigil::internal {

inline constexpr int kMaxHashBytes = 20;
inline constexpr uint32_t kPrefixCount = 1u << 20;

inline int HashBytes(HashKind kind) { return kind == HashKind::kSha1 ? 20 : 16; }
inline int SuffixBytes(HashKind kind) { return HashBytes(kind) - 2; }
inline char KindByte(HashKind kind) { return kind == HashKind::kSha1 ? 's' : 'n'; }

// A whole hash (unused tail bytes zero) and its count.
struct HashRecord {
  uint8_t hash[kMaxHashBytes];
  uint64_t count;
};
// Byte order of hashes, as big-endian words (cheaper than memcmp in sorts).
inline uint64_t HashWord(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline bool HashLess(const HashRecord& a, const HashRecord& b) {
  const uint64_t a0 = HashWord(a.hash), b0 = HashWord(b.hash);
  if (a0 != b0) return a0 < b0;
  const uint64_t a1 = HashWord(a.hash + 8), b1 = HashWord(b.hash + 8);
  if (a1 != b1) return a1 < b1;
  uint32_t a2, b2;
  std::memcpy(&a2, a.hash + 16, 4);
  std::memcpy(&b2, b.hash + 16, 4);
  return __builtin_bswap32(a2) < __builtin_bswap32(b2);
}
inline bool HashEqual(const HashRecord& a, const HashRecord& b) {
  return std::memcmp(a.hash, b.hash, kMaxHashBytes) == 0;
}
inline uint32_t PrefixOf(const uint8_t* hash) {
  return (uint32_t{hash[0]} << 12) | (uint32_t{hash[1]} << 4) | (hash[2] >> 4);
}

// -1 for a non-hex character.
inline constexpr struct HexTable {
  int8_t v[256];
  constexpr HexTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    for (int i = 0; i < 10; ++i) v['0' + i] = static_cast<int8_t>(i);
    for (int i = 0; i < 6; ++i) {
      v['a' + i] = static_cast<int8_t>(10 + i);
      v['A' + i] = static_cast<int8_t>(10 + i);
    }
  }
} kHexTable;
inline int HexValue(char c) { return kHexTable.v[static_cast<uint8_t>(c)]; }
// Decodes `hex` (even or odd length) into nibbles starting at nibble
// `first_nibble` of `out`. False if a character is not hex.
bool DecodeHexNibbles(absl::string_view hex, int first_nibble, uint8_t* out);
// Parses exactly 5 hex digits. False otherwise.
bool ParsePrefix(absl::string_view text, uint32_t* prefix);
// Upper-case hex of nibbles [first_nibble, first_nibble + count) of `bytes`.
void AppendHexNibbles(const uint8_t* bytes, int first_nibble, int count,
                      std::string* out);

std::string MetaKey(HashKind kind);
std::string PrefixKey(HashKind kind, uint32_t generation, uint32_t prefix);
// First key of generation `generation` (its end is GenerationKey(gen + 1),
// or KindEnd for the last).
std::string GenerationKey(HashKind kind, uint32_t generation);
std::string KindEnd(HashKind kind);

struct CorpusMeta {
  uint32_t generation = 0;  // 0: no corpus yet
  int64_t hashes = 0;
  int64_t prefixes = 0;
  std::string source;
  std::string fingerprint;
};
std::string EncodeMeta(const CorpusMeta& meta);
bool DecodeMeta(absl::string_view value, CorpusMeta* meta);

// Builds one prefix value from sorted, distinct records of that prefix.
void EncodePrefixValue(HashKind kind, const HashRecord* records, size_t n,
                       std::string* out);

// A read-only view of a prefix value.
class PrefixView {
 public:
  // False if `value` is not a valid prefix value of `kind`.
  bool Parse(HashKind kind, absl::string_view value);
  size_t size() const { return n_; }
  const uint8_t* suffix(size_t i) const { return suffixes_ + i * s_; }
  uint64_t count(size_t i) const;
  // Index of `suffix` (SuffixBytes long), or -1.
  int64_t Find(const uint8_t* suffix) const;

 private:
  size_t n_ = 0;
  int s_ = 0;
  int w_ = 0;
  const uint8_t* suffixes_ = nullptr;
  const uint8_t* counts_ = nullptr;
};

// The packed suffix of a whole hash.
inline void SuffixOf(HashKind kind, const uint8_t* hash, uint8_t* suffix) {
  std::memcpy(suffix, hash + 2, SuffixBytes(kind));
  suffix[0] &= 0x0F;
}

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_PWNED_CORPUS_FORMAT_H_
