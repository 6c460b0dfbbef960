// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/feedback_token.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"

namespace vigil::internal {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);
constexpr char kEventId[] = "0123456789abcdef0123456789abcdef0123456789abcdef";

SecretBytes Key() { return SecretBytes("feedback-key-0123456789abcdef"); }

std::string Sign(FeedbackValue value = FeedbackValue::kInvalid,
                 absl::Duration validity = absl::Hours(1)) {
  absl::StatusOr<std::string> t =
      SignFeedbackToken(Key(), {kEventId, value, kNow + validity});
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : "";
}

TEST(FeedbackTokenTest, RoundTripsEventValueAndExpiry) {
  for (FeedbackValue v : {FeedbackValue::kValid, FeedbackValue::kInvalid}) {
    const std::string token = Sign(v);
    EXPECT_LT(token.size(), kMaxFeedbackTokenLength);
    // URL-safe as it is: no escaping needed in a query.
    EXPECT_EQ(token.find_first_of("+/=&?# "), std::string::npos) << token;
    absl::StatusOr<FeedbackClaim> c = VerifyFeedbackToken(Key(), token, kNow);
    ASSERT_OK(c);
    EXPECT_EQ(c->event_id, kEventId);
    EXPECT_EQ(c->value, v);
    EXPECT_EQ(c->expires, kNow + absl::Hours(1));
  }
}

TEST(FeedbackTokenTest, ExpiresAtItsTime) {
  const std::string token = Sign(FeedbackValue::kValid, absl::Minutes(10));
  EXPECT_OK(VerifyFeedbackToken(Key(), token,
                                kNow + absl::Minutes(10) - absl::Seconds(1)));
  absl::StatusOr<FeedbackClaim> c =
      VerifyFeedbackToken(Key(), token, kNow + absl::Minutes(10));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.status().message(), "token: expired");
}

TEST(FeedbackTokenTest, WrongKeyIsRefused) {
  absl::StatusOr<FeedbackClaim> c = VerifyFeedbackToken(
      SecretBytes("another-key-0123456789abcdef"), Sign(), kNow);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "token: bad signature");
}

TEST(FeedbackTokenTest, EveryTamperedCharacterIsRefused) {
  const std::string token = Sign();
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    absl::StatusOr<FeedbackClaim> c = VerifyFeedbackToken(Key(), bad, kNow);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument)
        << "position " << i;
  }
}

TEST(FeedbackTokenTest, ForgedPayloadWithOldSignatureIsRefused) {
  // Flip "invalid" to "valid" in the payload, keep the signature.
  const std::string token = Sign(FeedbackValue::kInvalid);
  const size_t dot = token.find('.');
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(0, dot), &payload));
  payload[1] = 0;
  std::string forged;
  absl::WebSafeBase64Escape(payload, &forged);
  forged += token.substr(dot);
  EXPECT_EQ(VerifyFeedbackToken(Key(), forged, kNow).status().message(),
            "token: bad signature");
}

TEST(FeedbackTokenTest, MalformedTokensAreRefusedWithoutDetail) {
  const std::string token = Sign();
  const std::string cases[] = {
      "",
      "no-dot",
      ".",
      token + "." + "x",
      token.substr(0, token.find('.')),
      token + "=",
      std::string(kMaxFeedbackTokenLength + 1, 'A'),
      "!!!." + token.substr(token.find('.') + 1),
      token.substr(0, token.size() - 2),
  };
  for (const std::string& bad : cases) {
    absl::StatusOr<FeedbackClaim> c = VerifyFeedbackToken(Key(), bad, kNow);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    // The error never echoes the token or the key.
    EXPECT_EQ(c.status().message().find("feedback-key"), std::string::npos);
    if (!bad.empty()) {
      EXPECT_EQ(c.status().message().find(bad), std::string::npos);
    }
  }
}

TEST(FeedbackTokenTest, EmptyKeyNeverVerifies) {
  EXPECT_FALSE(VerifyFeedbackToken(SecretBytes(), Sign(), kNow).ok());
  EXPECT_FALSE(SignFeedbackToken(SecretBytes(), {kEventId, {}, kNow}).ok());
}

TEST(FeedbackTokenTest, SignRefusesBadEventId) {
  absl::StatusOr<std::string> t =
      SignFeedbackToken(Key(), {"not-an-event", FeedbackValue::kValid, kNow});
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::internal
