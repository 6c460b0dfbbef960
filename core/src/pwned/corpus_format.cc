// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "pwned/corpus_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace vigil::internal {
namespace {

constexpr uint8_t kValueVersion = 1;
constexpr uint8_t kMetaVersion = 1;

void PutBig32(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void PutString(absl::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s.data(), s.size());
}

bool GetString(absl::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

bool DecodeHexNibbles(absl::string_view hex, int first_nibble, uint8_t* out) {
  if (first_nibble == 0 && hex.size() % 2 == 0) {
    // Whole bytes: the common case (whole hashes).
    for (size_t i = 0; i < hex.size(); i += 2) {
      const int hi = HexValue(hex[i]);
      const int lo = HexValue(hex[i + 1]);
      if ((hi | lo) < 0) return false;
      out[i / 2] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return true;
  }
  int nib = first_nibble;
  for (char c : hex) {
    int v = HexValue(c);
    if (v < 0) return false;
    if (nib % 2 == 0) {
      out[nib / 2] = static_cast<uint8_t>((out[nib / 2] & 0x0F) | (v << 4));
    } else {
      out[nib / 2] = static_cast<uint8_t>((out[nib / 2] & 0xF0) | v);
    }
    ++nib;
  }
  return true;
}

bool ParsePrefix(absl::string_view text, uint32_t* prefix) {
  if (text.size() != 5) return false;
  uint32_t p = 0;
  for (char c : text) {
    int v = HexValue(c);
    if (v < 0) return false;
    p = (p << 4) | static_cast<uint32_t>(v);
  }
  *prefix = p;
  return true;
}

void AppendHexNibbles(const uint8_t* bytes, int first_nibble, int count,
                      std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int nib = first_nibble; nib < first_nibble + count; ++nib) {
    uint8_t b = bytes[nib / 2];
    out->push_back(kHex[nib % 2 == 0 ? b >> 4 : b & 0x0F]);
  }
}

std::string MetaKey(HashKind kind) {
  return std::string({'\0', KindByte(kind)});
}

std::string PrefixKey(HashKind kind, uint32_t generation, uint32_t prefix) {
  std::string key;
  key.reserve(8);
  key.push_back(KindByte(kind));
  PutBig32(generation, &key);
  key.push_back(static_cast<char>(prefix >> 16));
  key.push_back(static_cast<char>(prefix >> 8));
  key.push_back(static_cast<char>(prefix));
  return key;
}

std::string GenerationKey(HashKind kind, uint32_t generation) {
  std::string key(1, KindByte(kind));
  PutBig32(generation, &key);
  return key;
}

std::string KindEnd(HashKind kind) {
  return std::string(1, static_cast<char>(KindByte(kind) + 1));
}

std::string EncodeMeta(const CorpusMeta& meta) {
  std::string out(1, static_cast<char>(kMetaVersion));
  PutVarint(meta.generation, &out);
  PutVarint(static_cast<uint64_t>(meta.hashes), &out);
  PutVarint(static_cast<uint64_t>(meta.prefixes), &out);
  PutString(meta.source, &out);
  PutString(meta.fingerprint, &out);
  return out;
}

bool DecodeMeta(absl::string_view in, CorpusMeta* meta) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kMetaVersion) return false;
  in.remove_prefix(1);
  uint64_t gen, hashes, prefixes;
  if (!GetVarint(&in, &gen) || gen > UINT32_MAX || !GetVarint(&in, &hashes) ||
      !GetVarint(&in, &prefixes) || !GetString(&in, &meta->source) ||
      !GetString(&in, &meta->fingerprint) || !in.empty()) {
    return false;
  }
  meta->generation = static_cast<uint32_t>(gen);
  meta->hashes = static_cast<int64_t>(hashes);
  meta->prefixes = static_cast<int64_t>(prefixes);
  return true;
}

void EncodePrefixValue(HashKind kind, const HashRecord* records, size_t n,
                       std::string* out) {
  uint64_t max_count = 0;
  for (size_t i = 0; i < n; ++i) max_count = std::max(max_count, records[i].count);
  const int w = max_count <= 0xFF ? 1 : max_count <= 0xFFFF ? 2
              : max_count <= 0xFFFFFFFFu ? 4 : 8;
  const int s = SuffixBytes(kind);
  out->clear();
  out->reserve(12 + n * (s + w));
  out->push_back(static_cast<char>(kValueVersion));
  out->push_back(static_cast<char>(w));
  PutVarint(n, out);
  uint8_t suffix[kMaxHashBytes];
  for (size_t i = 0; i < n; ++i) {
    SuffixOf(kind, records[i].hash, suffix);
    out->append(reinterpret_cast<const char*>(suffix), s);
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t c = records[i].count;
    for (int b = 0; b < w; ++b) out->push_back(static_cast<char>(c >> (8 * b)));
  }
}

bool PrefixView::Parse(HashKind kind, absl::string_view value) {
  if (value.size() < 3 || static_cast<uint8_t>(value[0]) != kValueVersion) {
    return false;
  }
  w_ = static_cast<uint8_t>(value[1]);
  if (w_ != 1 && w_ != 2 && w_ != 4 && w_ != 8) return false;
  value.remove_prefix(2);
  uint64_t n;
  if (!GetVarint(&value, &n)) return false;
  s_ = SuffixBytes(kind);
  if (n > value.size() || value.size() != n * (s_ + w_)) return false;
  n_ = n;
  suffixes_ = reinterpret_cast<const uint8_t*>(value.data());
  counts_ = suffixes_ + n * s_;
  return true;
}

uint64_t PrefixView::count(size_t i) const {
  uint64_t c = 0;
  const uint8_t* p = counts_ + i * w_;
  for (int b = 0; b < w_; ++b) c |= uint64_t{p[b]} << (8 * b);
  return c;
}

int64_t PrefixView::Find(const uint8_t* suffix) const {
  size_t lo = 0, hi = n_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = std::memcmp(suffixes_ + mid * s_, suffix, s_);
    if (c == 0) return static_cast<int64_t>(mid);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return -1;
}

}  // namespace vigil::internal
