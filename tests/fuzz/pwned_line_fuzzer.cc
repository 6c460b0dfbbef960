// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the breach-dump import line parser (internal::ParseLine and
// DetectFormat, core/src/pwned/importer.h) for every hash kind and format.
//
// Input: byte 0 picks the hash kind (bit 0: SHA-1 / NTLM) and the format
// (bits 1-2: auto-detect, dump, range, plain); bytes 1-3 are the range
// prefix; the rest is the file's text, split into lines as the importer
// does (at '\n', one '\r' dropped).
//
// Invariants:
//   - an empty line is kEmpty, a bad one kBad with a reason;
//   - a record's hash has zero bytes after the kind's length; a range
//     record starts with the range prefix;
//   - a dump or range record written back as "HEX:COUNT" parses to the same
//     record (any case and trailing blanks were accepted, upper case out).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "pwned/corpus_format.h"
#include "pwned/importer.h"
#include "vigil/pwned.h"

namespace {

using vigil::HashKind;
using vigil::ImportFormat;
using vigil::internal::ParsedLine;

void CheckLine(HashKind kind, ImportFormat format, uint32_t prefix,
               absl::string_view line) {
  const ParsedLine p = vigil::internal::ParseLine(kind, format, prefix, line);
  if (line.empty()) {
    FUZZ_CHECK(p.kind == ParsedLine::Kind::kEmpty);
    return;
  }
  if (p.kind == ParsedLine::Kind::kBad) {
    FUZZ_CHECK(p.error != nullptr && std::strlen(p.error) > 0);
    return;
  }
  FUZZ_CHECK(p.kind == ParsedLine::Kind::kRecord);
  const int bytes = vigil::internal::HashBytes(kind);
  for (int i = bytes; i < vigil::internal::kMaxHashBytes; ++i) {
    FUZZ_CHECK(p.record.hash[i] == 0, "byte %d of the hash is set", i);
  }
  if (format == ImportFormat::kPlain) {
    FUZZ_CHECK(p.record.count == 1);
    return;
  }
  if (format == ImportFormat::kRange) {
    FUZZ_CHECK(vigil::internal::PrefixOf(p.record.hash) == prefix,
               "range record outside its prefix");
  }
  const int first = format == ImportFormat::kRange ? 5 : 0;
  std::string text;
  vigil::internal::AppendHexNibbles(p.record.hash, first,
                                    vigil::HashHexLength(kind) - first, &text);
  absl::StrAppend(&text, ":", p.record.count);
  const ParsedLine q = vigil::internal::ParseLine(kind, format, prefix, text);
  FUZZ_CHECK(q.kind == ParsedLine::Kind::kRecord, "'%s' does not parse back",
             text.c_str());
  FUZZ_CHECK(vigil::internal::HashEqual(p.record, q.record) &&
                 p.record.count == q.record.count,
             "'%s' parses to another record", text.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const HashKind kind = (data[0] & 1) ? HashKind::kNtlm : HashKind::kSha1;
  ImportFormat format = static_cast<ImportFormat>((data[0] >> 1) & 3);
  const uint32_t prefix =
      ((uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3]) &
      (vigil::internal::kPrefixCount - 1);
  const absl::string_view text(reinterpret_cast<const char*>(data) + 4,
                               size - 4);
  char name[16];
  std::snprintf(name, sizeof name, "%05X.txt", prefix);
  const std::string path = absl::StrCat("/nonexistent/", name);

  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (format == ImportFormat::kAuto && !line.empty()) {
      absl::StatusOr<ImportFormat> detected =
          vigil::internal::DetectFormat(kind, path, line);
      if (!detected.ok()) {
        FUZZ_CHECK(kind == HashKind::kNtlm);
        return 0;
      }
      FUZZ_CHECK(*detected != ImportFormat::kAuto);
      format = *detected;
    }
    if (format == ImportFormat::kAuto) continue;  // blank before the first
    if (format == ImportFormat::kPlain && kind == HashKind::kNtlm) return 0;
    CheckLine(kind, format, prefix, line);
  }
  return 0;
}
