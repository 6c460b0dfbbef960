// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// CidrSet: the ranges as given (for Find) plus, per family, the union of
// the ranges as sorted, disjoint, non-adjacent [first,last] intervals, so
// that Contains is one binary search.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "context/read_file.h"
#include "vigil/ip_address.h"

namespace vigil {
namespace {

using V6 = std::array<uint8_t, 16>;

// Orders ranges by family (IPv4 first), network, then prefix length.
bool RangeLess(const Cidr& a, const Cidr& b) {
  if (a.network.is_v4() != b.network.is_v4()) return a.network.is_v4();
  if (a.network.bytes() != b.network.bytes()) {
    return a.network.bytes() < b.network.bytes();
  }
  return a.prefix_len < b.prefix_len;
}

bool RangeEqual(const Cidr& a, const Cidr& b) {
  return a.network == b.network && a.prefix_len == b.prefix_len;
}

// The last address of a range, as a full 16-byte value.
V6 LastV6(const Cidr& c) {
  V6 last = c.network.bytes();
  const int keep = c.prefix_len + (128 - c.network.bit_length());
  for (int i = 0; i < 16; ++i) {
    const int byte_start = i * 8;
    if (byte_start >= keep) {
      last[i] = 0xff;
    } else if (byte_start + 8 > keep) {
      last[i] |= static_cast<uint8_t>(0xff >> (keep - byte_start));
    }
  }
  return last;
}

uint32_t LastV4(const Cidr& c) {
  // Shifting a 32-bit value by 32 is undefined: handle /0 and /32 apart.
  if (c.prefix_len <= 0) return 0xffffffffu;
  if (c.prefix_len >= 32) return c.network.v4();
  return c.network.v4() | (0xffffffffu >> c.prefix_len);
}

// a + 1 == b, for 16-byte big-endian values.
bool IsSuccessor(const V6& a, const V6& b) {
  V6 next = a;
  for (int i = 15; i >= 0; --i) {
    if (++next[i] != 0) return next == b;
  }
  return false;  // a was all ones
}

template <typename T, typename Succ>
void MergeIntervals(std::vector<std::pair<T, T>>* v, Succ is_successor) {
  std::sort(v->begin(), v->end());
  std::vector<std::pair<T, T>> merged;
  merged.reserve(v->size());
  for (const auto& iv : *v) {
    if (!merged.empty() && (iv.first <= merged.back().second ||
                            is_successor(merged.back().second, iv.first))) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  merged.shrink_to_fit();
  *v = std::move(merged);
}

template <typename T>
bool IntervalsContain(const std::vector<std::pair<T, T>>& v, const T& x) {
  // The first interval that starts after x; the one before it is the only
  // candidate.
  auto it = std::upper_bound(v.begin(), v.end(), x,
                             [](const T& value, const std::pair<T, T>& iv) {
                               return value < iv.first;
                             });
  if (it == v.begin()) return false;
  --it;
  return x <= it->second;
}

}  // namespace

CidrSet::CidrSet() = default;
CidrSet::~CidrSet() = default;
CidrSet::CidrSet(CidrSet&&) noexcept = default;
CidrSet& CidrSet::operator=(CidrSet&&) noexcept = default;
CidrSet::CidrSet(const CidrSet&) = default;
CidrSet& CidrSet::operator=(const CidrSet&) = default;

absl::StatusOr<CidrSet> CidrSet::FromStrings(
    const std::vector<std::string>& cidrs) {
  CidrSet set;
  for (size_t i = 0; i < cidrs.size(); ++i) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(cidrs[i]);
    if (!cidr.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry ", i, ": ", cidr.status().message()));
    }
    set.Add(*cidr);
  }
  set.Finish();
  return set;
}

absl::StatusOr<CidrSet> CidrSet::ParseFireHol(absl::string_view text,
                                              absl::string_view source_name) {
  CidrSet set;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<Cidr> cidr = Cidr::Parse(line);
    if (!cidr.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, ":", line_number, ": ", cidr.status().message()));
    }
    set.Add(*cidr);
  }
  set.Finish();
  return set;
}

absl::StatusOr<CidrSet> CidrSet::LoadFireHolFile(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseFireHol(text, path);
}

void CidrSet::Merge(const CidrSet& other) {
  for (const Cidr& c : other.ranges_) Add(c);
  Finish();
}

void CidrSet::Add(const Cidr& cidr) { ranges_.push_back(cidr); }

void CidrSet::Finish() {
  std::sort(ranges_.begin(), ranges_.end(), RangeLess);
  ranges_.erase(std::unique(ranges_.begin(), ranges_.end(), RangeEqual),
                ranges_.end());
  ranges_.shrink_to_fit();

  v4_.clear();
  v6_.clear();
  v4_prefix_lens_.clear();
  v6_prefix_lens_.clear();
  std::array<bool, 129> seen4{}, seen6{};
  for (const Cidr& c : ranges_) {
    if (c.network.is_v4()) {
      v4_.emplace_back(c.network.v4(), LastV4(c));
      seen4[c.prefix_len] = true;
    } else {
      v6_.emplace_back(c.network.bytes(), LastV6(c));
      seen6[c.prefix_len] = true;
    }
  }
  for (int len = 128; len >= 0; --len) {
    if (seen4[len]) v4_prefix_lens_.push_back(len);
    if (seen6[len]) v6_prefix_lens_.push_back(len);
  }
  MergeIntervals(&v4_, [](uint32_t a, uint32_t b) {
    return a != 0xffffffffu && a + 1 == b;
  });
  MergeIntervals(&v6_, IsSuccessor);
}

bool CidrSet::Contains(const IpAddress& ip) const {
  if (ip.is_v4()) return IntervalsContain(v4_, ip.v4());
  return IntervalsContain(v6_, ip.bytes());
}

bool CidrSet::Find(const IpAddress& ip, Cidr* match) const {
  if (!Contains(ip)) return false;
  const std::vector<int>& lens = ip.is_v4() ? v4_prefix_lens_ : v6_prefix_lens_;
  for (int len : lens) {
    Cidr probe{ip.Masked(len), len};
    auto it =
        std::lower_bound(ranges_.begin(), ranges_.end(), probe, RangeLess);
    if (it != ranges_.end() && RangeEqual(*it, probe)) {
      if (match != nullptr) *match = *it;
      return true;
    }
  }
  return false;
}

size_t CidrSet::size() const { return ranges_.size(); }

}  // namespace vigil
