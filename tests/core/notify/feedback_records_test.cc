// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The stored state of feedback: the event's trailer (links used, distrust in
// force) and the profile's distrusted IPs and networks, and how ApplyFeedback
// moves between them.

#include <string>

#include "engine/learning.h"
#include "gtest/gtest.h"
#include "store/event_record.h"
#include "store/profile_record.h"

namespace vigil::internal {
namespace {

StoredEvent Sample() {
  StoredEvent e;
  e.event.event_id = std::string(48, 'a');
  e.event.user_id = "alice";
  e.event.time = absl::FromUnixSeconds(1767225600);
  e.features.hashes[static_cast<int>(Feature::kIp)] = 11;
  e.features.hashes[static_cast<int>(Feature::kNetwork)] = 22;
  e.features.hashes[static_cast<int>(Feature::kDevice)] = 33;
  return e;
}

TEST(FeedbackRecordsTest, EventTrailersRoundTripInAnyCombination) {
  for (bool challenges : {false, true}) {
    for (uint8_t links : {0, 1, 2, 3}) {
      for (bool distrusted : {false, true}) {
        StoredEvent e = Sample();
        if (challenges) {
          e.event.challenge_responses.push_back(
              {absl::FromUnixSeconds(5), "totp", "passed"});
        }
        e.links_used = links;
        e.distrusted = distrusted;
        StoredEvent back;
        ASSERT_TRUE(back.Decode(e.Encode()));
        EXPECT_EQ(back.links_used, links);
        EXPECT_EQ(back.distrusted, distrusted);
        EXPECT_EQ(back.event.challenge_responses.size(), challenges ? 1u : 0u);
        EXPECT_EQ(back.Encode(), e.Encode());
      }
    }
  }
}

TEST(FeedbackRecordsTest, EventWithoutTrailerIsUnchangedAndGarbageRefused) {
  StoredEvent e = Sample();
  const std::string plain = e.Encode();
  e.links_used = 1;
  const std::string with = e.Encode();
  EXPECT_EQ(with.substr(0, plain.size()), plain);  // appended, old records read
  StoredEvent back;
  EXPECT_FALSE(back.Decode(with + "x"));
  std::string bad = with;
  bad[plain.size() + 1] = 9;  // links_used out of range
  EXPECT_FALSE(back.Decode(bad));
  for (size_t n = plain.size() + 1; n < with.size(); ++n) {
    EXPECT_FALSE(back.Decode(with.substr(0, n)));
  }
}

TEST(FeedbackRecordsTest, ProfileDistrustRoundTripsAndIsCapped) {
  UserProfile p;
  const std::string plain = p.Encode();
  for (uint64_t h = 1; h <= UserProfile::kMaxDistrusted + 5; ++h) {
    p.Distrust(Feature::kIp, h, static_cast<int64_t>(h));
  }
  EXPECT_EQ(p.distrusted.size(), UserProfile::kMaxDistrusted);
  EXPECT_FALSE(p.IsDistrusted(Feature::kIp, 1));  // the oldest went
  EXPECT_TRUE(p.IsDistrusted(Feature::kIp, UserProfile::kMaxDistrusted + 5));
  EXPECT_FALSE(
      p.IsDistrusted(Feature::kNetwork, UserProfile::kMaxDistrusted + 5));
  EXPECT_FALSE(p.IsDistrusted(Feature::kIp, 0));
  UserProfile back;
  ASSERT_TRUE(back.Decode(p.Encode()));
  EXPECT_EQ(back.Encode(), p.Encode());
  ASSERT_TRUE(back.Decode(plain));
  EXPECT_TRUE(back.distrusted.empty());
  EXPECT_FALSE(back.Decode(p.Encode() + "x"));
}

TEST(ApplyFeedbackTest, InvalidThenValidRestoresTheProfile) {
  StoredEvent e = Sample();
  UserProfile p;
  LearnTrustedSuccess(e, &p);
  e.learned = true;
  const int64_t successes = p.successful_sign_ins;

  ApplyFeedback(FeedbackValue::kInvalid, 100, &e, &p);
  EXPECT_TRUE(e.distrusted);
  EXPECT_TRUE(p.password_reset_required);
  EXPECT_TRUE(p.IsDistrusted(Feature::kIp, 11));
  EXPECT_TRUE(p.IsDistrusted(Feature::kNetwork, 22));
  EXPECT_EQ(p.Count(Feature::kDevice, 33), 0u);
  EXPECT_EQ(p.Count(Feature::kIp, 11), 0u);

  // Twice "invalid": no further change.
  const std::string once = p.Encode();
  ApplyFeedback(FeedbackValue::kInvalid, 200, &e, &p);
  EXPECT_EQ(p.Encode(), once);

  ApplyFeedback(FeedbackValue::kValid, 300, &e, &p);
  EXPECT_FALSE(e.distrusted);
  EXPECT_FALSE(p.password_reset_required);
  EXPECT_FALSE(p.IsDistrusted(Feature::kIp, 11));
  EXPECT_FALSE(p.IsDistrusted(Feature::kNetwork, 22));
  EXPECT_GT(p.Count(Feature::kDevice, 33), 0u);
  EXPECT_GT(p.Count(Feature::kIp, 11), 0u);
  // As if only "valid" had been given: the event was learned already.
  EXPECT_EQ(p.successful_sign_ins, successes);

  // "valid" again: already learned, nothing more.
  const std::string learned = p.Encode();
  ApplyFeedback(FeedbackValue::kValid, 400, &e, &p);
  EXPECT_EQ(p.Encode(), learned);
}

}  // namespace
}  // namespace vigil::internal
