// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the replay tool's RBA-dataset CSV reader (tools::EventReader
// on the CSV of Wiefling et al.) and its RFC 4180 line splitter.
//
// The input is the data rows: the target puts the dataset's header line in
// front, so that every input is read as RBA CSV.
//
// Invariants: those of replay_reader.h, plus: every good row is a sign-in
// with a success/failure outcome, a label, GeoIP fields from the row and a
// fingerprint of at most 256 bytes; and SplitCsvLine of any line, written
// back with every field quoted, splits into the same fields.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "replay_reader.h"
#include "tools/replay/event_reader.h"

namespace {

constexpr char kHeader[] =
    "index,Login Timestamp,User ID,Round-Trip Time [ms],IP Address,Country,"
    "Region,City,ASN,User Agent String,Browser Name and Version,"
    "OS Name and Version,Device Type,Login Successful,Is Attack IP,"
    "Is Account Takeover\n";

std::string Quoted(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : fields[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view rows(reinterpret_cast<const char*>(data), size);

  for (absl::string_view line : absl::StrSplit(rows, '\n')) {
    std::vector<std::string> fields;
    if (!vigil::tools::SplitCsvLine(std::string(line), &fields)) continue;
    FUZZ_CHECK(!fields.empty());
    const std::string again = Quoted(fields);
    std::vector<std::string> back;
    FUZZ_CHECK(vigil::tools::SplitCsvLine(again, &back) && back == fields,
               "CSV round trip: '%s'", again.c_str());
  }

  const std::string text = std::string(kHeader) + std::string(rows);
  vigil::fuzz::ReadAll(
      text, vigil::tools::InputFormat::kRbaCsv,
      [](const vigil::tools::ReplayRow& row) {
        const vigil::Attempt& a = row.attempt;
        FUZZ_CHECK(a.event_type == vigil::EventType::kSignIn);
        FUZZ_CHECK(a.outcome == vigil::Outcome::kSuccess ||
                   a.outcome == vigil::Outcome::kFailure);
        FUZZ_CHECK(a.label.has_value() && row.geo.has_value());
        FUZZ_CHECK(!a.label->account_takeover || a.label->attack);
        FUZZ_CHECK(a.device_fingerprint.size() <= 256);
      });
  return 0;
}
