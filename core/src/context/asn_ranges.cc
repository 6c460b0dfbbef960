// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Loading is a single pass over the text: lines are split by hand, fields
// follow RFC 4180 quoting, addresses go through IpAddress::Parse, and
// organisation names are interned so the ~100k distinct names of the real
// files are stored once each in one buffer.

#include "context/asn_ranges.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "context/read_file.h"

namespace vigil {
namespace {

constexpr int kFields = 4;

absl::uint128 ToUint128(const IpAddress& ip) {
  const auto& b = ip.bytes();
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | b[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | b[i];
  return absl::MakeUint128(hi, lo);
}

// Splits one CSV record into exactly kFields fields. A quoted field may hold
// commas and doubled quotes; when it holds the latter, its unescaped text
// goes to scratch[i] and fields[i] points there.
absl::Status SplitCsvLine(absl::string_view line,
                          absl::string_view fields[kFields],
                          std::string scratch[kFields]) {
  size_t pos = 0;
  for (int i = 0; i < kFields; ++i) {
    if (i > 0) {
      if (pos >= line.size() || line[pos] != ',') {
        return absl::InvalidArgumentError(
            absl::StrCat("expected ", kFields, " fields, got ", i));
      }
      ++pos;
    }
    if (pos < line.size() && line[pos] == '"') {
      const size_t start = ++pos;
      bool escaped = false;
      for (;;) {
        const size_t quote = line.find('"', pos);
        if (quote == absl::string_view::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat("field ", i + 1, ": unterminated quote"));
        }
        if (quote + 1 < line.size() && line[quote + 1] == '"') {
          escaped = true;
          pos = quote + 2;
          continue;
        }
        fields[i] = line.substr(start, quote - start);
        pos = quote + 1;
        break;
      }
      if (pos < line.size() && line[pos] != ',') {
        return absl::InvalidArgumentError(
            absl::StrCat("field ", i + 1, ": text after the closing quote"));
      }
      if (escaped) {
        std::string& out = scratch[i];
        out.clear();
        for (size_t k = 0; k < fields[i].size(); ++k) {
          out.push_back(fields[i][k]);
          if (fields[i][k] == '"') ++k;  // skip the second quote of a pair
        }
        fields[i] = out;
      }
    } else {
      size_t end = line.find(',', pos);
      if (end == absl::string_view::npos) end = line.size();
      fields[i] = line.substr(pos, end - pos);
      if (fields[i].find('"') != absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("field ", i + 1, ": quote inside an unquoted field"));
      }
      pos = end;
    }
  }
  if (pos != line.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("more than ", kFields, " fields"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ParseAsn(absl::string_view text) {
  uint32_t asn = 0;
  if (text.empty() || text.size() > 10 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(text, &asn)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ASN \"", text.substr(0, 16), "\" is not a 32-bit decimal number"));
  }
  return asn;
}

// Turns `ranges` into sorted, disjoint ranges. Real files have a few
// overlaps; where ranges overlap, the one that starts later answers, and of
// two that start together the shorter one, so a range nested in another
// wins over it and the outer one resumes after it. Adjacent pieces of the
// same ASN and organisation are joined again.
template <typename Range, typename Key>
void MakeDisjoint(std::vector<Range>* ranges, Key max_key) {
  std::stable_sort(ranges->begin(), ranges->end(),
                   [](const Range& a, const Range& b) {
                     if (a.first != b.first) return a.first < b.first;
                     return a.last > b.last;
                   });
  bool disjoint = true;
  for (size_t i = 1; i < ranges->size() && disjoint; ++i) {
    disjoint = (*ranges)[i].first > (*ranges)[i - 1].last;
  }
  if (disjoint) return;

  std::vector<Range> out;
  out.reserve(ranges->size() + 16);
  std::vector<Range> open;  // ranges that cover the cursor; the last wins
  Key cursor = 0;
  bool done = false;  // the cursor went past max_key
  auto emit = [&](const Range& r, Key from, Key to) {
    if (!out.empty() && out.back().asn == r.asn && out.back().org == r.org &&
        out.back().last + 1 == from) {
      out.back().last = to;
    } else {
      Range piece = r;
      piece.first = from;
      piece.last = to;
      out.push_back(piece);
    }
  };
  // Emits what the open ranges say about [cursor, limit].
  auto flush = [&](Key limit) {
    while (!open.empty() && !done && cursor <= limit) {
      const Range top = open.back();
      if (top.last < cursor) {
        open.pop_back();
        continue;
      }
      const Key end = std::min(top.last, limit);
      emit(top, cursor, end);
      if (end == top.last) open.pop_back();
      if (end == max_key) {
        done = true;
      } else {
        cursor = end + 1;
      }
    }
  };
  for (const Range& r : *ranges) {
    if (r.first > 0) flush(r.first - 1);
    open.push_back(r);
    cursor = r.first;
  }
  flush(max_key);
  *ranges = std::move(out);
}

}  // namespace

absl::StatusOr<AsnRanges> AsnRanges::ParseCsv(absl::string_view text,
                                              absl::string_view source_name) {
  AsnRanges table;
  absl::flat_hash_map<std::string, uint32_t> org_ids;
  table.org_offsets_.push_back(0);

  absl::string_view fields[kFields];
  std::string scratch[kFields];
  uint32_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_number;
    size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;

    auto fail = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", line_number, ": ", reason));
    };
    absl::Status split = SplitCsvLine(line, fields, scratch);
    if (!split.ok()) return fail(split.message());
    absl::StatusOr<IpAddress> first = IpAddress::Parse(fields[0]);
    if (!first.ok()) return fail(first.status().message());
    absl::StatusOr<IpAddress> last = IpAddress::Parse(fields[1]);
    if (!last.ok()) return fail(last.status().message());
    absl::StatusOr<uint32_t> asn = ParseAsn(fields[2]);
    if (!asn.ok()) return fail(asn.status().message());
    if (first->is_v4() != last->is_v4()) {
      return fail("first and last address are of different families");
    }

    uint32_t org_id;
    auto it = org_ids.find(fields[3]);
    if (it != org_ids.end()) {
      org_id = it->second;
    } else {
      org_id = static_cast<uint32_t>(table.org_offsets_.size() - 1);
      table.org_text_.append(fields[3].data(), fields[3].size());
      table.org_offsets_.push_back(
          static_cast<uint32_t>(table.org_text_.size()));
      org_ids.emplace(std::string(fields[3]), org_id);
    }

    if (first->is_v4()) {
      if (first->v4() > last->v4()) return fail("first address after last");
      table.v4_.push_back(V4Range{first->v4(), last->v4(), *asn, org_id});
    } else {
      const absl::uint128 lo = ToUint128(*first), hi = ToUint128(*last);
      if (lo > hi) return fail("first address after last");
      table.v6_.push_back(V6Range{lo, hi, *asn, org_id});
    }
  }
  MakeDisjoint(&table.v4_, uint32_t{0xffffffff});
  MakeDisjoint(&table.v6_, absl::Uint128Max());
  table.v4_.shrink_to_fit();
  table.v6_.shrink_to_fit();
  table.org_text_.shrink_to_fit();
  table.org_offsets_.shrink_to_fit();
  return table;
}

absl::StatusOr<AsnRanges> AsnRanges::LoadCsv(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseCsv(text, path);
}

absl::string_view AsnRanges::Org(uint32_t index) const {
  const uint32_t begin = org_offsets_[index];
  return absl::string_view(org_text_).substr(begin,
                                             org_offsets_[index + 1] - begin);
}

bool AsnRanges::Find(const IpAddress& ip, Match* match) const {
  auto search = [&](const auto& ranges, const auto& key) {
    using Range = typename std::decay_t<decltype(ranges)>::value_type;
    auto it = std::upper_bound(
        ranges.begin(), ranges.end(), key,
        [](const auto& k, const Range& r) { return k < r.first; });
    if (it == ranges.begin()) return false;
    --it;
    if (key > it->last) return false;
    match->asn = it->asn;
    match->org = Org(it->org);
    return true;
  };
  if (ip.is_v4()) return search(v4_, ip.v4());
  return search(v6_, ToUint128(ip));
}

}  // namespace vigil
