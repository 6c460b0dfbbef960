// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Codecs of the MFA, challenge and device records, and the event trailer of
// challenge responses.

#include <functional>
#include <string>
#include <vector>

#include "devices/device_record.h"
#include "gtest/gtest.h"
#include "mfa/mfa_records.h"
#include "store/event_record.h"

namespace vigil::internal {
namespace {

MfaUserRecord FullUser() {
  MfaUserRecord u;
  u.enabled = 7;
  u.preferred = 2;
  u.phone = "+4915112345678";
  u.email = "a@example.com";
  u.totp = SealedBox{"k1", std::string(12, 'n'), std::string(36, 'c')};
  u.totp_pending = SealedBox{"k2", std::string(12, 'm'), std::string(36, 'd')};
  u.totp_last_step = 58907520;
  u.failures = {1767225600, 1767225660};
  u.sends = {1767225601};
  return u;
}

ChallengeRecord FullChallenge() {
  ChallengeRecord c;
  c.user_id = "alice";
  c.event_id = "e1";
  c.created = 1767225600;
  c.expires = 1767226200;
  c.methods = 5;
  c.wrong = 3;
  c.state = ChallengeState::kLocked;
  c.device_name = "Chrome 120 on Windows 10";
  c.ip = "81.2.69.160";
  c.city = "London";
  c.country = "GB";
  c.has_code = true;
  c.code_method = 2;
  c.code_key_id = "k1";
  c.code_mac = std::string(32, 'h');
  c.code_expires = 1767225900;
  return c;
}

DeviceRecord FullDevice() {
  DeviceRecord d;
  d.user_id = "alice";
  d.key_hash = std::string(32, 'x');
  d.name = "phone";
  d.first_seen = 1;
  d.last_seen = 2;
  d.last_ip = "1.2.3.4";
  d.last_city = "Berlin";
  d.last_country = "DE";
  d.remembered = true;
  d.remembered_at = 1;
  d.expires = 100;
  return d;
}

TEST(MfaRecordsTest, RoundTrips) {
  MfaUserRecord u;
  ASSERT_TRUE(u.Decode(FullUser().Encode()));
  EXPECT_EQ(u.Encode(), FullUser().Encode());
  EXPECT_EQ(u.totp->key_id, "k1");
  EXPECT_EQ(u.failures.size(), 2u);
  ChallengeRecord c;
  ASSERT_TRUE(c.Decode(FullChallenge().Encode()));
  EXPECT_EQ(c.Encode(), FullChallenge().Encode());
  EXPECT_EQ(c.state, ChallengeState::kLocked);
  DeviceRecord d;
  ASSERT_TRUE(d.Decode(FullDevice().Encode()));
  EXPECT_EQ(d.Encode(), FullDevice().Encode());
  EXPECT_TRUE(d.ActiveAt(99));
  EXPECT_FALSE(d.ActiveAt(100));
  EXPECT_EQ(d.id(), "78787878787878787878787878787878");  // hex of 16 x
}

TEST(MfaRecordsTest, CorruptionIsRefused) {
  const std::vector<std::pair<std::string, std::function<bool(absl::string_view)>>>
      codecs = {
          {FullUser().Encode(), [](absl::string_view s) { return MfaUserRecord().Decode(s); }},
          {MfaUserRecord().Encode(), [](absl::string_view s) { return MfaUserRecord().Decode(s); }},
          {FullChallenge().Encode(), [](absl::string_view s) { return ChallengeRecord().Decode(s); }},
          {FullDevice().Encode(), [](absl::string_view s) { return DeviceRecord().Decode(s); }},
      };
  for (const auto& [encoded, decode] : codecs) {
    EXPECT_TRUE(decode(encoded));
    EXPECT_FALSE(decode(encoded + '\0'));
    EXPECT_FALSE(decode(encoded.substr(0, encoded.size() - 1)));
    std::string v = encoded;
    v[0] = 2;
    EXPECT_FALSE(decode(v));
    for (size_t i = 1; i < encoded.size(); ++i) {  // never crashes
      std::string bad = encoded;
      bad[i] ^= 0x5a;
      decode(bad);
    }
  }
}

TEST(MfaRecordsTest, EventKeepsChallengeResponses) {
  StoredEvent e;
  e.event.event_id = "e";
  e.event.user_id = "u";
  e.event.time = absl::FromUnixSeconds(1);
  const std::string without = e.Encode();
  e.event.challenge_responses = {{absl::FromUnixSeconds(2), "email", "failed"},
                                 {absl::FromUnixSeconds(3), "totp", "passed"}};
  const std::string with = e.Encode();
  StoredEvent back;
  ASSERT_TRUE(back.Decode(with));
  ASSERT_EQ(back.event.challenge_responses.size(), 2u);
  EXPECT_EQ(back.event.challenge_responses[1].method, "totp");
  EXPECT_EQ(back.event.challenge_responses[1].result, "passed");
  EXPECT_EQ(back.event.challenge_responses[0].time, absl::FromUnixSeconds(2));
  // Records without the trailer (written before) still decode.
  ASSERT_TRUE(back.Decode(without));
  EXPECT_TRUE(back.event.challenge_responses.empty());
  EXPECT_FALSE(back.Decode(with + '\0'));
  EXPECT_FALSE(back.Decode(without + '\0'));
}

}  // namespace
}  // namespace vigil::internal
