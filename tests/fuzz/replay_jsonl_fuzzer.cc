// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the replay tool's JSON Lines reader (tools::EventReader on a
// file of attempts, one JSON object per line, `vigil replay`).
//
// Invariants: those of replay_reader.h (termination, numbering, good rows
// have user, IP and ordered timestamps, errors "line N: ..."), and every
// good JSON row written back as JSON decodes to the same attempt.

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "attempt_json.h"
#include "fuzz_check.h"
#include "replay_reader.h"
#include "service/json_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::fuzz::ReadAll(
      text, std::nullopt, [](const vigil::tools::ReplayRow& row) {
        if (row.geo.has_value()) return;  // an RBA CSV row
        const std::string encoded = vigil::fuzz::AttemptToJson(row.attempt);
        absl::StatusOr<boost::json::value> doc =
            vigil::service::ParseJsonBody(encoded, 16);
        FUZZ_CHECK(doc.ok(), "re-encoded row does not parse: %s",
                   encoded.c_str());
        absl::StatusOr<vigil::Attempt> back =
            vigil::service::AttemptFromJson(*doc);
        FUZZ_CHECK(back.ok(), "re-encoded row refused: %s", encoded.c_str());
        std::string field;
        FUZZ_CHECK(vigil::fuzz::SameAttempt(
                       row.attempt, *back,
                       vigil::fuzz::UniqueHeaderNames(row.attempt), &field),
                   "round trip changed %s: %s", field.c_str(), encoded.c_str());
      });
  return 0;
}
