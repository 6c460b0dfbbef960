// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the body of POST /v1/evaluate (and of the outcome and
// feedback routes): service::ParseJsonBody with the server's default depth
// cap, then AttemptFromJson / OutcomeFromJson / FeedbackFromJson.
//
// Invariants:
//   - ParseJsonBody fails exactly when the bytes are not JSON (as Boost.JSON
//     with no depth cap says) or nest deeper than the cap; a parsed DOM is
//     never deeper than the cap.
//   - Every error is an InvalidArgument "<field>: <reason>" (no exceptions
//     escape), and never contains the password hash.
//   - A decoded attempt written back as JSON (with the service's JsonWriter)
//     decodes to the same attempt.
//   - JsonWriter turns any bytes into a JSON string that parses, and ASCII
//     text round-trips exactly.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "attempt_json.h"
#include "fuzz_check.h"
#include "service/config.h"
#include "service/json_codec.h"
#include "service/json_writer.h"

namespace {

namespace json = boost::json;
using vigil::fuzz::AttemptToJson;

// Nesting depth of arrays and objects: a scalar is 0, [] and {} are 1.
int Depth(const json::value& v) {
  int inner = 0;
  if (v.is_array()) {
    for (const json::value& e : v.get_array())
      inner = std::max(inner, Depth(e));
    return inner + 1;
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      inner = std::max(inner, Depth(kv.value()));
    }
    return inner + 1;
  }
  return 0;
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Counts occurrences of `needle` in `hay`.
size_t Occurrences(absl::string_view hay, absl::string_view needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != absl::string_view::npos;
       pos = hay.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

void CheckFieldError(const absl::Status& s, absl::string_view body,
                     const json::value& doc) {
  FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, "code %d",
             static_cast<int>(s.code()));
  FUZZ_CHECK(absl::StrContains(s.message(), ": "), "message '%s'",
             std::string(s.message()).c_str());
  // The password hash is never quoted back. Only checkable when its text
  // occurs nowhere else in the body (else another field may quote it).
  if (doc.is_object()) {
    const json::value* pw = doc.get_object().if_contains("password_sha1");
    if (pw != nullptr && pw->is_string() && pw->get_string().size() >= 12) {
      const absl::string_view hash(pw->get_string().data(),
                                   pw->get_string().size());
      if (Occurrences(body, hash) == 1) {
        FUZZ_CHECK(!absl::StrContains(s.message(), hash),
                   "error message quotes the password hash: '%s'",
                   std::string(s.message()).c_str());
      }
    }
  }
}

void CheckWriter(absl::string_view bytes) {
  std::string out;
  vigil::service::AppendJsonString(bytes, &out);
  json::error_code ec;
  json::value v = json::parse(out, ec);
  FUZZ_CHECK(!ec && v.is_string(), "JsonWriter wrote invalid JSON: %s",
             out.c_str());
  const absl::string_view back(v.get_string().data(), v.get_string().size());
  if (IsAscii(bytes)) FUZZ_CHECK(back == bytes, "ASCII did not round-trip");
  // Writing what was read gives the same text again.
  std::string again;
  vigil::service::AppendJsonString(back, &again);
  FUZZ_CHECK(again == out, "JsonWriter not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const int max_depth = vigil::service::ServiceConfig().max_json_depth;

  CheckWriter(body);

  // As the router reads it (default storage) ...
  absl::StatusOr<json::value> doc =
      vigil::service::ParseJsonBody(body, max_depth);
  // ... and as the replay reader does (a monotonic arena): same verdict.
  {
    unsigned char arena[512];
    json::monotonic_resource resource(arena, sizeof arena);
    absl::StatusOr<json::value> in_arena = vigil::service::ParseJsonBody(
        body, max_depth, json::storage_ptr(&resource));
    FUZZ_CHECK(in_arena.ok() == doc.ok(), "arena parse disagrees");
  }

  // The reference: Boost.JSON without a practical depth cap.
  json::parse_options deep;
  deep.max_depth = 100000;
  json::error_code ec;
  json::value reference =
      json::parse(json::string_view(body.data(), body.size()), ec, {}, deep);
  if (doc.ok()) {
    FUZZ_CHECK(!ec, "ParseJsonBody accepted what Boost.JSON refuses");
    FUZZ_CHECK(Depth(*doc) <= max_depth, "depth %d > cap %d", Depth(*doc),
               max_depth);
  } else {
    FUZZ_CHECK(doc.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StartsWith(doc.status().message(), "body: "));
    FUZZ_CHECK(ec || Depth(reference) > max_depth,
               "refused valid JSON of depth %d: %s", Depth(reference),
               std::string(doc.status().message()).c_str());
    return 0;
  }

  for (absl::Status s : {vigil::service::OutcomeFromJson(*doc).status(),
                         vigil::service::FeedbackFromJson(*doc).status()}) {
    if (!s.ok()) CheckFieldError(s, body, *doc);
  }

  absl::StatusOr<vigil::Attempt> attempt =
      vigil::service::AttemptFromJson(*doc);
  if (!attempt.ok()) {
    CheckFieldError(attempt.status(), body, *doc);
    return 0;
  }
  FUZZ_CHECK(doc->is_object() && doc->get_object().contains("user_id") &&
             doc->get_object().contains("ip"));

  // Round trip.
  const std::string encoded = AttemptToJson(*attempt);
  absl::StatusOr<json::value> doc2 =
      vigil::service::ParseJsonBody(encoded, max_depth);
  FUZZ_CHECK(doc2.ok(), "re-encoded attempt does not parse: %s",
             encoded.c_str());
  absl::StatusOr<vigil::Attempt> attempt2 =
      vigil::service::AttemptFromJson(*doc2);
  FUZZ_CHECK(attempt2.ok(), "re-encoded attempt refused: %s (%s)",
             std::string(attempt2.status().message()).c_str(), encoded.c_str());
  std::string field;
  FUZZ_CHECK(vigil::fuzz::SameAttempt(*attempt, *attempt2,
                                      vigil::fuzz::UniqueHeaderNames(*attempt),
                                      &field),
             "round trip changed %s: %s", field.c_str(), encoded.c_str());
  return 0;
}
