// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ParseTimestamp has a fast path for the usual RFC 3339 shape in front of
// absl::ParseTime. It must agree with absl::ParseTime on every input: the
// same answer for valid times, and a refusal for everything absl refuses.

#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/json_codec.h"

namespace vigil::service {
namespace {

void ExpectAgreesWithAbsl(const std::string& text) {
  absl::Time ours, theirs;
  std::string err;
  const bool ok_ours = ParseTimestamp(text, &ours);
  const bool ok_theirs = absl::ParseTime(absl::RFC3339_full, text, &theirs, &err);
  EXPECT_EQ(ok_ours, ok_theirs) << "\"" << text << "\"";
  if (ok_ours && ok_theirs) EXPECT_EQ(ours, theirs) << "\"" << text << "\"";
}

TEST(TimestampTest, KnownValuesAndRefusals) {
  absl::Time t;
  ASSERT_TRUE(ParseTimestamp("2026-11-24T22:55:49Z", &t));
  EXPECT_EQ(absl::ToUnixSeconds(t), 1795560949);
  ASSERT_TRUE(ParseTimestamp("2026-11-24T23:55:49.250+01:00", &t));
  EXPECT_EQ(t, absl::FromUnixSeconds(1795560949) + absl::Milliseconds(250));
  for (const char* bad : {"", "2026-11-24", "2026-11-24 22:55:49Z", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-24T24:00:00Z",
                          "2026-11-24T22:55:49", "2026-11-24T22:55:49.Z",
                          "２026-11-24T22:55:49Z"}) {
    EXPECT_FALSE(ParseTimestamp(bad, &t)) << bad;
    ExpectAgreesWithAbsl(bad);
  }
}

TEST(TimestampTest, AgreesWithAbslOnValidTimes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const int year = 1600 + rng() % 900, month = 1 + rng() % 12, day = 1 + rng() % 31;
    const int hour = rng() % 24, minute = rng() % 60, second = rng() % 60;
    std::string text = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", year, month,
                                       day, hour, minute, second);
    if (rng() % 2) text += "." + std::to_string(rng() % 1000000000000ULL);
    switch (rng() % 3) {
      case 0: text += "Z"; break;
      case 1: text += absl::StrFormat("+%02d:%02d", rng() % 24, rng() % 60); break;
      default: text += absl::StrFormat("-%02d:%02d", rng() % 24, rng() % 60); break;
    }
    ExpectAgreesWithAbsl(text);
  }
}

TEST(TimestampTest, AgreesWithAbslOnMutatedTimes) {
  const std::string base = "2024-02-29T23:59:59.123456789+05:30";
  const std::string alphabet = "0123456789-+:.TZtz 9";
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string text = base;
    for (int edits = 1 + rng() % 3; edits > 0; --edits) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1); break;
        default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (text.empty()) text = "0";
    }
    ExpectAgreesWithAbsl(text);
  }
}

}  // namespace
}  // namespace vigil::service
