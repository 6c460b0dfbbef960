// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Stored record encodings: UserProfile, StoredEvent and CounterRecord round
// trip exactly, and every truncated, extended or wrongly versioned encoding
// is refused (Decode returns false) without crashing.

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "testing/test_util.h"

namespace vigil::internal {
namespace {

constexpr int64_t kDay0 = 1699920000;  // aligned to a day

// ---- builders -------------------------------------------------------------

UserProfile FullProfile() {
  UserProfile p;
  p.successful_sign_ins = 1234567;
  p.first_seen = kDay0 - 86400 * 400;
  p.last_success = kDay0;
  p.has_trusted_location = true;
  p.trusted_latitude = -33.8688;
  p.trusted_longitude = 151.2093;
  p.trusted_accuracy_km = 20;
  p.trusted_time = kDay0 - 60;
  p.trusted_city = "Sydney";
  p.trusted_country = "AU";
  for (int f = 0; f < kFeatureCount; ++f) {
    for (int i = 0; i <= f; ++i) {  // 1..10 entries per feature
      p.features[f].push_back(
          FeatureEntry{/*hash=*/(uint64_t{0xfeedface} << 32) + f * 100 + i,
                       /*count=*/static_cast<uint32_t>(i + 1) * 1000,
                       /*last_seen=*/kDay0 - i * 3600});
    }
  }
  // Full list and extreme values.
  p.features[static_cast<int>(Feature::kIp)].clear();
  for (size_t i = 0; i < UserProfile::kMaxEntries; ++i) {
    p.features[static_cast<int>(Feature::kIp)].push_back(
        FeatureEntry{std::numeric_limits<uint64_t>::max() - i,
                     std::numeric_limits<uint32_t>::max(), -1});
  }
  p.failure_streak = 17;
  p.last_failure = kDay0 + 5;
  p.mfa_factors = 0b101;
  p.password_reset_required = true;
  p.new_device_sign_ins = p.NewDeviceSignInsEstimate();  // no trailer
  return p;
}

StoredEvent FullEvent() {
  StoredEvent s;
  Event& e = s.event;
  e.event_id = "0123456789abcdef0123456789abcdef";
  e.user_id = "user \xc3\xa9";  // UTF-8, and a NUL byte at the end
  e.user_id.push_back('\0');
  e.time = absl::FromUnixNanos(int64_t{1699920000123456789});
  e.event_type = EventType::kPasswordChange;
  e.ip = "2001:db8::1";
  e.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Firefox/121.0";
  e.device_name = "Firefox 121 on Linux";
  e.time_zone = "Europe/Berlin";
  Decision& d = e.decision;
  d.verdict = Verdict::kChallenge;
  d.enforced_verdict = Verdict::kBlock;
  d.mode = Mode::kAudit;
  d.level = RiskLevel::kHigh;
  d.score = 0.9312345678901234;
  d.reasons = {
      Reason{"geo_velocity", 1.0, 0.95,
             "Berlin DE -> Sydney AU, 16,095 km in 40 min (24,142 km/h)"},
      Reason{"new_device", 1.0, 0.3, "device key never seen for this user"},
      Reason{"unfamiliar", 0.25, 0.125, ""},
  };
  d.compromised_credentials = true;
  d.password_reset_required = false;
  d.notify = true;
  d.baseline.successful_sign_ins = 14;
  d.baseline.mature = true;
  d.model = "default@3";
  d.challenge =
      ChallengeInfo{"chal-1",
                    {"totp", "sms", "email"},
                    absl::FromUnixNanos(int64_t{1699920300000000001})};
  d.context = DecisionContext{"AU", "Sydney", 4200000000u, "new"};
  d.signal_failures = {"velocity", "ip_reputation"};
  e.outcome = Outcome::kFailure;
  e.feedback = Feedback{FeedbackValue::kInvalid, "email",
                        absl::FromUnixNanos(int64_t{1699921000000000007})};
  for (int i = 0; i < kFeatureCount; ++i) {
    s.features.hashes[i] = i == 3 ? 0 : 0x0102030405060708ull * (i + 1);
  }
  s.features.has_location = true;
  s.features.latitude = -33.8688;
  s.features.longitude = 151.2093;
  s.features.accuracy_km = 1000;
  s.learned = true;
  return s;
}

CounterRecord FullCounters() {
  CounterRecord r;
  // Fill both rings completely (12 and 8 buckets) with mixed kinds.
  for (int i = 0; i < 12; ++i) {
    for (int k = 0; k <= i; ++k) {
      r.Add(kDay0 + 7 * 86400 + i * 300 + k, static_cast<CounterKind>(k % 3),
            0x9e3779b97f4a7c15ull * (k + i + 1));
    }
  }
  for (int day = 0; day < 7; ++day) {
    r.Add(kDay0 + day * 86400, CounterKind::kSuccess, day);
  }
  return r;
}

// ---- equality with messages ----------------------------------------------

void ExpectSameProfile(const UserProfile& a, const UserProfile& b) {
  EXPECT_EQ(a.successful_sign_ins, b.successful_sign_ins);
  EXPECT_EQ(a.new_device_sign_ins, b.new_device_sign_ins);
  EXPECT_EQ(a.first_seen, b.first_seen);
  EXPECT_EQ(a.last_success, b.last_success);
  EXPECT_EQ(a.has_trusted_location, b.has_trusted_location);
  EXPECT_EQ(a.trusted_latitude, b.trusted_latitude);
  EXPECT_EQ(a.trusted_longitude, b.trusted_longitude);
  EXPECT_EQ(a.trusted_accuracy_km, b.trusted_accuracy_km);
  EXPECT_EQ(a.trusted_time, b.trusted_time);
  EXPECT_EQ(a.trusted_city, b.trusted_city);
  EXPECT_EQ(a.trusted_country, b.trusted_country);
  for (int f = 0; f < kFeatureCount; ++f) {
    SCOPED_TRACE(absl::StrCat("feature ", f));
    ASSERT_EQ(a.features[f].size(), b.features[f].size());
    for (size_t i = 0; i < a.features[f].size(); ++i) {
      EXPECT_EQ(a.features[f][i].hash, b.features[f][i].hash);
      EXPECT_EQ(a.features[f][i].count, b.features[f][i].count);
      EXPECT_EQ(a.features[f][i].last_seen, b.features[f][i].last_seen);
    }
  }
  EXPECT_EQ(a.failure_streak, b.failure_streak);
  EXPECT_EQ(a.last_failure, b.last_failure);
  EXPECT_EQ(a.mfa_factors, b.mfa_factors);
  EXPECT_EQ(a.password_reset_required, b.password_reset_required);
}

void ExpectSameDecision(const Decision& a, const Decision& b) {
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.enforced_verdict, b.enforced_verdict);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.score, b.score);
  ASSERT_EQ(a.reasons.size(), b.reasons.size());
  for (size_t i = 0; i < a.reasons.size(); ++i) {
    EXPECT_EQ(a.reasons[i].signal, b.reasons[i].signal);
    EXPECT_EQ(a.reasons[i].score, b.reasons[i].score);
    EXPECT_EQ(a.reasons[i].contribution, b.reasons[i].contribution);
    EXPECT_EQ(a.reasons[i].detail, b.reasons[i].detail);
  }
  EXPECT_EQ(a.compromised_credentials, b.compromised_credentials);
  EXPECT_EQ(a.password_reset_required, b.password_reset_required);
  EXPECT_EQ(a.notify, b.notify);
  EXPECT_EQ(a.baseline.successful_sign_ins, b.baseline.successful_sign_ins);
  EXPECT_EQ(a.baseline.mature, b.baseline.mature);
  EXPECT_EQ(a.model, b.model);
  ASSERT_EQ(a.challenge.has_value(), b.challenge.has_value());
  if (a.challenge) {
    EXPECT_EQ(a.challenge->id, b.challenge->id);
    EXPECT_EQ(a.challenge->methods, b.challenge->methods);
    EXPECT_EQ(a.challenge->expires_at, b.challenge->expires_at);
  }
  EXPECT_EQ(a.context.country, b.context.country);
  EXPECT_EQ(a.context.city, b.context.city);
  EXPECT_EQ(a.context.asn, b.context.asn);
  EXPECT_EQ(a.context.device, b.context.device);
  EXPECT_EQ(a.signal_failures, b.signal_failures);
}

void ExpectSameEvent(const StoredEvent& a, const StoredEvent& b) {
  EXPECT_EQ(a.event.event_id, b.event.event_id);
  EXPECT_EQ(a.event.user_id, b.event.user_id);
  EXPECT_EQ(a.event.time, b.event.time);
  EXPECT_EQ(a.event.event_type, b.event.event_type);
  EXPECT_EQ(a.event.ip, b.event.ip);
  EXPECT_EQ(a.event.user_agent, b.event.user_agent);
  EXPECT_EQ(a.event.device_name, b.event.device_name);
  EXPECT_EQ(a.event.time_zone, b.event.time_zone);
  ExpectSameDecision(a.event.decision, b.event.decision);
  EXPECT_EQ(a.event.outcome, b.event.outcome);
  ASSERT_EQ(a.event.feedback.has_value(), b.event.feedback.has_value());
  if (a.event.feedback) {
    EXPECT_EQ(a.event.feedback->value, b.event.feedback->value);
    EXPECT_EQ(a.event.feedback->source, b.event.feedback->source);
    EXPECT_EQ(a.event.feedback->time, b.event.feedback->time);
  }
  EXPECT_EQ(a.features.hashes, b.features.hashes);
  EXPECT_EQ(a.features.has_location, b.features.has_location);
  EXPECT_EQ(a.features.latitude, b.features.latitude);
  EXPECT_EQ(a.features.longitude, b.features.longitude);
  EXPECT_EQ(a.features.accuracy_km, b.features.accuracy_km);
  EXPECT_EQ(a.learned, b.learned);
}

void ExpectSameBuckets(const std::vector<CounterBucket>& a,
                       const std::vector<CounterBucket>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].start, b[i].start);
    EXPECT_EQ(a[i].attempts, b[i].attempts);
    EXPECT_EQ(a[i].failures, b[i].failures);
    EXPECT_EQ(a[i].successes, b[i].successes);
    EXPECT_EQ(a[i].failure_users.bits[0], b[i].failure_users.bits[0]);
    EXPECT_EQ(a[i].failure_users.bits[1], b[i].failure_users.bits[1]);
    EXPECT_EQ(a[i].success_users.bits[0], b[i].success_users.bits[0]);
    EXPECT_EQ(a[i].success_users.bits[1], b[i].success_users.bits[1]);
  }
}

// ---- round trips ----------------------------------------------------------

TEST(ProfileRecordTest, RoundTripsExactly) {
  struct Case {
    const char* name;
    UserProfile profile;
  };
  UserProfile no_location = FullProfile();
  no_location.has_trusted_location = false;
  no_location.trusted_latitude = 0;
  no_location.trusted_longitude = 0;
  no_location.trusted_accuracy_km = 0;
  no_location.trusted_time = 0;
  no_location.trusted_city.clear();
  no_location.trusted_country.clear();
  UserProfile negative = FullProfile();
  negative.first_seen = -5;
  negative.last_failure = std::numeric_limits<int64_t>::min();
  negative.trusted_time = std::numeric_limits<int64_t>::max();
  const std::vector<Case> cases = {
      {"empty", UserProfile()},
      {"full", FullProfile()},
      {"no trusted location", no_location},
      {"extreme times", negative},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string encoded = c.profile.Encode();
    UserProfile decoded = FullProfile();  // Decode must reset everything
    ASSERT_TRUE(decoded.Decode(encoded));
    ExpectSameProfile(decoded, c.profile);
    EXPECT_EQ(decoded.Encode(), encoded);
  }
}

// The optional trailers of the user risk and of probation round-trip; a
// record without them (written before they existed) decodes with none; bad
// values in them are refused.
TEST(ProfileRecordTest, UserRiskAndProbationTrailersRoundTrip) {
  UserProfile p = FullProfile();
  p.distrusted.push_back(DistrustEntry{Feature::kIp, 42, kDay0});
  p.notify_window_start = kDay0;
  p.notify_sent = 2;
  p.user_risk = 0.8125;
  p.user_risk_time = kDay0 - 660;
  for (size_t i = 0; i < UserProfile::kMaxProbation; ++i) {
    ProbationEntry e;
    e.event_id = absl::StrCat("event-", i);
    e.time = kDay0 - static_cast<int64_t>(i) * 3600;
    for (int f = 0; f < kFeatureCount; ++f) e.hashes[f] = i * 100 + f;
    e.fingerprint = 5000 + i;
    p.probation.push_back(e);
  }
  UserProfile decoded;
  ASSERT_TRUE(decoded.Decode(p.Encode()));
  ExpectSameProfile(decoded, p);
  EXPECT_EQ(decoded.user_risk, p.user_risk);
  EXPECT_EQ(decoded.user_risk_time, p.user_risk_time);
  ASSERT_EQ(decoded.probation.size(), p.probation.size());
  for (size_t i = 0; i < p.probation.size(); ++i) {
    EXPECT_EQ(decoded.probation[i].event_id, p.probation[i].event_id);
    EXPECT_EQ(decoded.probation[i].time, p.probation[i].time);
    EXPECT_EQ(decoded.probation[i].hashes, p.probation[i].hashes);
    EXPECT_EQ(decoded.probation[i].fingerprint, p.probation[i].fingerprint);
  }
  EXPECT_EQ(decoded.distrusted.size(), 1u);
  EXPECT_EQ(decoded.notify_sent, 2u);

  // Without the trailers: nothing carried, nothing on probation.
  UserProfile old;
  ASSERT_TRUE(old.Decode(FullProfile().Encode()));
  EXPECT_EQ(old.user_risk, 0);
  EXPECT_TRUE(old.probation.empty());

  // The count of sign-ins on new devices: a trailer when it is not what a
  // record without it reads as (the distinct devices, at most the sign-ins),
  // never above the sign-ins.
  UserProfile counted = FullProfile();
  counted.new_device_sign_ins = 3;
  std::string with_count = counted.Encode();
  EXPECT_EQ(with_count.size(), FullProfile().Encode().size() + 2);
  UserProfile got;
  ASSERT_TRUE(got.Decode(with_count));
  EXPECT_EQ(got.new_device_sign_ins, 3);
  ASSERT_TRUE(got.Decode(FullProfile().Encode()));
  EXPECT_EQ(got.new_device_sign_ins, 10);  // FullProfile's kDevice entries
  UserProfile few;
  few.successful_sign_ins = 2;
  few.new_device_sign_ins = 1;
  std::string over = few.Encode();
  ASSERT_TRUE(got.Decode(over));
  EXPECT_EQ(got.new_device_sign_ins, 1);
  over.back() = 3;  // 3 new-device sign-ins of 2
  EXPECT_FALSE(got.Decode(over));

  // A risk above 1 and a trailer out of order are refused.
  UserProfile bad = FullProfile();
  bad.user_risk = 0.5;
  std::string risky = bad.Encode();
  UserProfile out;
  ASSERT_TRUE(out.Decode(risky));
  const size_t tag = risky.size() - 1 - 8 - 1;  // tag, double, varint time 0
  ASSERT_EQ(static_cast<uint8_t>(risky[tag]), 0xe2);
  std::string above = risky;
  const double two = 2;
  std::memcpy(&above[tag + 1], &two, sizeof(two));
  EXPECT_FALSE(out.Decode(above));
  std::string twice = risky + risky.substr(tag);
  EXPECT_FALSE(out.Decode(twice));
}

TEST(ProfileRecordTest, ObserveCountsAndEvictsTheLeastUsedThenOldest) {
  UserProfile p;
  EXPECT_EQ(p.Count(Feature::kIp, 1), 0u);
  p.Observe(Feature::kIp, 1, 100);
  p.Observe(Feature::kIp, 1, 50);  // older observation keeps the newest time
  EXPECT_EQ(p.Count(Feature::kIp, 1), 2u);
  EXPECT_EQ(p.features[0][0].last_seen, 100);
  EXPECT_EQ(p.Count(Feature::kNetwork, 1), 0u);  // features are separate
  for (uint64_t h = 2; h <= UserProfile::kMaxEntries; ++h) {
    p.Observe(Feature::kIp, h, 100 + h);
  }
  ASSERT_EQ(p.Distinct(Feature::kIp), UserProfile::kMaxEntries);
  // Full: the least used and, among those, oldest (hash 2) goes.
  p.Observe(Feature::kIp, 1000, 999);
  EXPECT_EQ(p.Distinct(Feature::kIp), UserProfile::kMaxEntries);
  EXPECT_EQ(p.Count(Feature::kIp, 2), 0u);
  EXPECT_EQ(p.Count(Feature::kIp, 1), 2u);
  EXPECT_EQ(p.Count(Feature::kIp, 1000), 1u);
  p.Forget(Feature::kIp, 1);
  EXPECT_EQ(p.Count(Feature::kIp, 1), 0u);
  EXPECT_EQ(p.Distinct(Feature::kIp), UserProfile::kMaxEntries - 1);
}

TEST(EventRecordTest, RoundTripsExactly) {
  StoredEvent minimal;
  minimal.event.event_id = "e";
  minimal.event.user_id = "u";
  StoredEvent no_challenge = FullEvent();
  no_challenge.event.decision.challenge.reset();
  no_challenge.event.feedback.reset();
  no_challenge.features.has_location = false;
  no_challenge.features.latitude = 0;
  no_challenge.features.longitude = 0;
  no_challenge.features.accuracy_km = 0;
  no_challenge.learned = false;
  StoredEvent before_1970 = FullEvent();
  before_1970.event.time = absl::FromUnixNanos(-1);
  before_1970.event.feedback->value = FeedbackValue::kValid;
  struct Case {
    const char* name;
    StoredEvent event;
  };
  StoredEvent fingerprint = FullEvent();
  fingerprint.features.fingerprint = 0x0123456789abcdefULL;
  const std::vector<Case> cases = {
      {"minimal", minimal},
      {"full", FullEvent()},
      {"with the fingerprint beside the key", fingerprint},
      {"no challenge, feedback or location", no_challenge},
      {"before 1970", before_1970},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string encoded = c.event.Encode();
    StoredEvent decoded = FullEvent();  // Decode must reset everything
    ASSERT_TRUE(decoded.Decode(encoded));
    ExpectSameEvent(decoded, c.event);
    EXPECT_EQ(decoded.features.fingerprint, c.event.features.fingerprint);
    EXPECT_EQ(decoded.Encode(), encoded);
  }
}

TEST(EventRecordTest, EveryEnumValueRoundTrips) {
  for (int type = 0; type < kEventTypeCount; ++type) {
    for (int v = 0; v < 3; ++v) {
      for (int level = 0; level < kRiskLevelCount; ++level) {
        StoredEvent s = FullEvent();
        s.event.event_type = static_cast<EventType>(type);
        s.event.decision.verdict = static_cast<Verdict>(v);
        s.event.decision.enforced_verdict = static_cast<Verdict>(2 - v);
        s.event.decision.level = static_cast<RiskLevel>(level);
        s.event.outcome = static_cast<Outcome>(v);
        StoredEvent d;
        ASSERT_TRUE(d.Decode(s.Encode()));
        EXPECT_EQ(d.event.event_type, s.event.event_type);
        EXPECT_EQ(d.event.decision.verdict, s.event.decision.verdict);
        EXPECT_EQ(d.event.decision.enforced_verdict,
                  s.event.decision.enforced_verdict);
        EXPECT_EQ(d.event.decision.level, s.event.decision.level);
        EXPECT_EQ(d.event.outcome, s.event.outcome);
      }
    }
  }
}

TEST(EventRecordTest,
     TheDeviceSourceTrailerRoundTripsAndOldRecordsStillDecode) {
  // A record written before the device source was kept: no 0xf4 trailer.
  StoredEvent old = FullEvent();
  old.features.fingerprint = 0x0123456789abcdefULL;
  ASSERT_EQ(old.features.device_source, DeviceSource::kUnknown);
  const std::string old_bytes = old.Encode();
  StoredEvent decoded;
  ASSERT_TRUE(decoded.Decode(old_bytes));
  EXPECT_EQ(decoded.features.device_source, DeviceSource::kUnknown);
  EXPECT_EQ(decoded.Encode(), old_bytes);
  for (DeviceSource source :
       {DeviceSource::kNone, DeviceSource::kKey, DeviceSource::kFingerprint,
        DeviceSource::kUserAgent}) {
    SCOPED_TRACE(static_cast<int>(source));
    StoredEvent s = old;
    s.features.device_source = source;
    const std::string bytes = s.Encode();
    // The layout is pinned: the old record, then the tag and the source.
    EXPECT_EQ(bytes, old_bytes + std::string("\xf4", 1) +
                         std::string(1, static_cast<char>(source)));
    StoredEvent d = FullEvent();
    ASSERT_TRUE(d.Decode(bytes));
    EXPECT_EQ(d.features.device_source, source);
    EXPECT_EQ(d.features.fingerprint, s.features.fingerprint);
    EXPECT_EQ(d.Encode(), bytes);
  }
  // kUnknown is never written, and values past the last are refused, as is
  // the trailer twice.
  for (char bad : {'\0', '\5', '\xff'}) {
    EXPECT_FALSE(
        StoredEvent().Decode(old_bytes + "\xf4" + std::string(1, bad)));
  }
  EXPECT_FALSE(StoredEvent().Decode(old_bytes + "\xf4\x02\xf4\x02"));
}

TEST(CounterRecordCodecTest, RoundTripsExactly) {
  struct Case {
    const char* name;
    CounterRecord record;
  };
  CounterRecord one;
  one.Add(kDay0, CounterKind::kFailure, 42);
  const std::vector<Case> cases = {
      {"empty", CounterRecord()},
      {"one", one},
      {"full rings", FullCounters()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string encoded = c.record.Encode();
    CounterRecord decoded = FullCounters();
    ASSERT_TRUE(decoded.Decode(encoded));
    ExpectSameBuckets(decoded.short_ring, c.record.short_ring);
    ExpectSameBuckets(decoded.long_ring, c.record.long_ring);
    EXPECT_EQ(decoded.Encode(), encoded);
  }
  EXPECT_EQ(FullCounters().short_ring.size(), 12u);
  EXPECT_EQ(FullCounters().long_ring.size(), 8u);
}

// ---- refusals -------------------------------------------------------------

struct Codec {
  const char* name;
  std::string encoded;
  // Decodes into a fresh record.
  bool (*decode)(absl::string_view data);
};

std::vector<Codec> AllCodecs() {
  return {
      {"profile", FullProfile().Encode(),
       [](absl::string_view d) { return UserProfile().Decode(d); }},
      {"empty profile", UserProfile().Encode(),
       [](absl::string_view d) { return UserProfile().Decode(d); }},
      {"event", FullEvent().Encode(),
       [](absl::string_view d) { return StoredEvent().Decode(d); }},
      {"empty event", StoredEvent().Encode(),
       [](absl::string_view d) { return StoredEvent().Decode(d); }},
      {"counters", FullCounters().Encode(),
       [](absl::string_view d) { return CounterRecord().Decode(d); }},
      {"empty counters", CounterRecord().Encode(),
       [](absl::string_view d) { return CounterRecord().Decode(d); }},
  };
}

TEST(RecordCodecTest, EveryTruncationIsRefused) {
  for (const Codec& c : AllCodecs()) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(c.decode(c.encoded));
    for (size_t len = 0; len < c.encoded.size(); ++len) {
      EXPECT_FALSE(c.decode(absl::string_view(c.encoded).substr(0, len)))
          << "prefix of " << len << " of " << c.encoded.size() << " bytes";
    }
  }
}

TEST(RecordCodecTest, TrailingBytesAreRefused) {
  for (const Codec& c : AllCodecs()) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(c.decode(c.encoded + '\0'));
    EXPECT_FALSE(c.decode(c.encoded + c.encoded));
  }
}

TEST(RecordCodecTest, AWrongVersionByteIsRefused) {
  for (const Codec& c : AllCodecs()) {
    SCOPED_TRACE(c.name);
    ASSERT_EQ(c.encoded[0], '\x01');  // every record is at version 1
    for (int v : {0, 2, 0x7f, 0x80, 0xff}) {
      std::string bad = c.encoded;
      bad[0] = static_cast<char>(v);
      EXPECT_FALSE(c.decode(bad)) << "version " << v;
    }
  }
}

TEST(RecordCodecTest, GarbageNeverCrashes) {
  // Every single-byte corruption of each encoding decodes to something or
  // to false; it must never read out of bounds (run under ASan to see).
  for (const Codec& c : AllCodecs()) {
    SCOPED_TRACE(c.name);
    for (size_t i = 1; i < c.encoded.size(); ++i) {
      for (int v : {0x00, 0x7f, 0x80, 0xff}) {
        std::string bad = c.encoded;
        bad[i] = static_cast<char>(v);
        c.decode(bad);
      }
    }
  }
  // Huge declared lengths and counts.
  const std::string huge_varint = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
  EXPECT_FALSE(UserProfile().Decode(std::string("\x01", 1) + huge_varint));
  EXPECT_FALSE(StoredEvent().Decode(std::string("\x01", 1) + huge_varint));
  EXPECT_FALSE(CounterRecord().Decode(std::string("\x01", 1) + huge_varint));
  // More buckets than a ring holds.
  EXPECT_FALSE(CounterRecord().Decode(std::string("\x01\x0d", 2)));
}

TEST(RecordCodecTest, OutOfRangeEnumsAreRefused) {
  // The event type byte follows the version, two strings and a varint time.
  StoredEvent s;
  s.event.event_id = "e";
  s.event.user_id = "u";
  s.event.time = absl::FromUnixNanos(0);
  std::string encoded = s.Encode();
  // 1 (version) + 2 ("e") + 2 ("u") + 1 (time 0) = offset 6.
  ASSERT_EQ(encoded[6], static_cast<char>(EventType::kSignIn));
  encoded[6] = 4;
  EXPECT_FALSE(StoredEvent().Decode(encoded));
}

// ---- keys -----------------------------------------------------------------

TEST(EventKeyTest, IdsSortNewestFirstUnderTheUsersPrefix) {
  const std::vector<int64_t> times = {
      std::numeric_limits<int64_t>::min(), -1, 0, 1, 1699920000000000000,
      std::numeric_limits<int64_t>::max()};
  const std::string prefix = UserEventPrefix("alice");
  EXPECT_EQ(prefix.size(), 9u);
  std::vector<std::string> keys;
  for (int64_t t : times) {
    SCOPED_TRACE(t);
    absl::StatusOr<std::string> id = NewEventId("alice", t);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->size(), kEventIdHexLength);
    std::string key;
    ASSERT_TRUE(EventKey(*id, &key));
    EXPECT_EQ(key.size(), 25u);
    EXPECT_EQ(key.rfind(prefix, 0), 0u) << "key not under the user's prefix";
    keys.push_back(key);
  }
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    SCOPED_TRACE(times[i]);
    EXPECT_LT(keys[i + 1], keys[i]) << "a later event must sort first";
  }
  // Two events at the same time get different ids.
  absl::StatusOr<std::string> a = NewEventId("alice", 5);
  absl::StatusOr<std::string> b = NewEventId("alice", 5);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->substr(0, 32), b->substr(0, 32));
  // Users whose ids extend one another have unrelated prefixes.
  EXPECT_NE(UserEventPrefix("alice2"), prefix);
  EXPECT_NE(UserEventPrefix("alic"), prefix);
  EXPECT_NE(UserEventPrefix(""), prefix);
}

TEST(EventKeyTest, RefusesWhatIsNotAnEventId) {
  absl::StatusOr<std::string> id = NewEventId("u", 1);
  ASSERT_TRUE(id.ok());
  std::string upper = *id;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  std::string with_g = *id;
  with_g[47] = 'g';
  const std::vector<std::string> bad = {
      "",
      id->substr(0, 47),
      *id + "0",
      upper == *id ? "X" + id->substr(1) : upper,
      with_g,
      std::string(48, ' '),
      std::string(48, '\0')};
  for (const std::string& b : bad) {
    SCOPED_TRACE(absl::CEscape(b));
    std::string key = "untouched";
    EXPECT_FALSE(EventKey(b, &key));
  }
}

TEST(CounterKeyTest, KindsOfKeyDoNotCollide) {
  const std::string ip(16, '\0');
  EXPECT_EQ(IpCounterKey(ip).size(), 17u);
  EXPECT_EQ(AsnCounterKey(3320).size(), 5u);
  EXPECT_NE(IpCounterKey(ip)[0], AsnCounterKey(0)[0]);
  EXPECT_NE(AsnCounterKey(1), AsnCounterKey(256));
}

}  // namespace
}  // namespace vigil::internal
