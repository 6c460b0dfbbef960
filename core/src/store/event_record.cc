// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/event_record.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "common/random.h"
#include "store/partitions.h"
#include "vigil/store.h"

namespace vigil::internal {

uint64_t LearnableFeatures::KeylessBrowser() const {
  const uint64_t agent = hashes[static_cast<int>(Feature::kUserAgent)];
  if (device_source != DeviceSource::kFingerprint || agent == 0) return 0;
  // A fixed mix of the kUserAgent hash, a value apart from the "k:", "f:"
  // and "u:" hashes of kDevice (StableHash of prefixed strings) but for a
  // 64-bit collision.
  uint64_t h = (agent ^ 0x6b65796c65737321ull) * 0x9e3779b97f4a7c15ull;
  h ^= h >> 29;
  return h == 0 ? 1 : h;
}

namespace {

constexpr uint8_t kEventVersion = 1;
// Marks the optional trailer of challenge responses.
constexpr uint8_t kChallengeTrailerTag = 0xc1;
// Marks the optional trailer of feedback state (links used, distrust).
constexpr uint8_t kFeedbackTrailerTag = 0xf1;
// Marks the optional trailer of the client's claimed time.
constexpr uint8_t kClientTimeTrailerTag = 0xc7;
// Marks the optional trailer of what the feedback in force changed.
constexpr uint8_t kUndoTrailerTag = 0xf2;
// Marks the optional trailer of the fingerprint beside a device key.
constexpr uint8_t kFingerprintTrailerTag = 0xf3;
// Marks the optional trailer of the device hash's source.
constexpr uint8_t kDeviceSourceTrailerTag = 0xf4;
constexpr size_t kMaxUndoEntries = 64;

bool GetFeature(Decoder* d, Feature* f) {
  uint8_t v;
  if (!d->GetU8(&v) || v >= kFeatureCount) return false;
  *f = static_cast<Feature>(v);
  return true;
}

void EncodeScalars(Encoder* e, const ProfileScalars& s) {
  e->PutVarint(s.successful_sign_ins);
  e->PutSignedVarint(s.first_seen);
  e->PutSignedVarint(s.last_success);
  e->PutU8((s.has_trusted_location ? 1 : 0) |
           (s.password_reset_required ? 2 : 0));
  e->PutDouble(s.trusted_latitude);
  e->PutDouble(s.trusted_longitude);
  e->PutSignedVarint(s.trusted_accuracy_km);
  e->PutSignedVarint(s.trusted_time);
  e->PutString(s.trusted_city);
  e->PutString(s.trusted_country);
  e->PutVarint(s.failure_streak);
}

bool DecodeScalars(Decoder* d, ProfileScalars* s) {
  uint64_t n;
  uint8_t flags;
  int64_t acc;
  if (!d->GetVarint(&n) || !d->GetSignedVarint(&s->first_seen) ||
      !d->GetSignedVarint(&s->last_success) || !d->GetU8(&flags) || flags > 3 ||
      !d->GetDouble(&s->trusted_latitude) ||
      !d->GetDouble(&s->trusted_longitude) || !d->GetSignedVarint(&acc) ||
      !d->GetSignedVarint(&s->trusted_time) ||
      !d->GetString(&s->trusted_city) || !d->GetString(&s->trusted_country) ||
      !d->GetVarintAs(&s->failure_streak)) {
    return false;
  }
  s->successful_sign_ins = static_cast<int64_t>(n);
  s->has_trusted_location = flags & 1;
  s->password_reset_required = flags & 2;
  s->trusted_accuracy_km = static_cast<int32_t>(acc);
  return true;
}

void EncodeEntry(Encoder* e, const FeatureEntry& f) {
  e->PutFixed64(f.hash);
  e->PutVarint(f.count);
  e->PutSignedVarint(f.last_seen);
}

bool DecodeEntry(Decoder* d, FeatureEntry* f) {
  return d->GetFixed64(&f->hash) && d->GetVarintAs(&f->count) &&
         d->GetSignedVarint(&f->last_seen);
}

void EncodeDistrust(Encoder* e, const std::vector<DistrustEntry>& list) {
  e->PutVarint(list.size());
  for (const DistrustEntry& d : list) {
    e->PutU8(static_cast<uint8_t>(d.feature));
    e->PutFixed64(d.hash);
    e->PutSignedVarint(d.since);
  }
}

bool DecodeDistrust(Decoder* d, std::vector<DistrustEntry>* list) {
  uint64_t n;
  if (!d->GetVarint(&n) || n > kMaxUndoEntries) return false;
  list->resize(n);
  for (DistrustEntry& e : *list) {
    if (!GetFeature(d, &e.feature) || !d->GetFixed64(&e.hash) ||
        !d->GetSignedVarint(&e.since)) {
      return false;
    }
  }
  return true;
}

void EncodeUndo(Encoder* e, const FeedbackUndo& u) {
  e->PutU8(kUndoTrailerTag);
  // Bits 2..4: the sign-ins on new devices the feedback counted (0..7; only
  // the difference is kept, the scalars below do not carry it).
  const int64_t new_devices = std::clamp<int64_t>(
      u.after.new_device_sign_ins - u.before.new_device_sign_ins, 0, 7);
  e->PutU8(static_cast<uint8_t>(u.value) | (u.learned ? 2 : 0) |
           static_cast<uint8_t>(new_devices << 2));
  e->PutSignedVarint(u.time);
  e->PutVarint(u.features.size());
  for (const FeatureChange& c : u.features) {
    e->PutU8(static_cast<uint8_t>(c.feature));
    e->PutFixed64(c.hash);
    EncodeEntry(e, c.before);
    EncodeEntry(e, c.after);
    e->PutVarint(c.index);
    EncodeEntry(e, c.evicted);
  }
  EncodeDistrust(e, u.distrust_added);
  EncodeDistrust(e, u.distrust_evicted);
  EncodeScalars(e, u.before);
  EncodeScalars(e, u.after);
}

bool DecodeUndo(Decoder* d, FeedbackUndo* u) {
  uint8_t flags;
  uint64_t n;
  if (!d->GetU8(&flags) || flags > 31 || !d->GetSignedVarint(&u->time) ||
      !d->GetVarint(&n) || n > kMaxUndoEntries) {
    return false;
  }
  u->present = true;
  u->value = static_cast<FeedbackValue>(flags & 1);
  u->learned = flags & 2;
  u->features.resize(n);
  for (FeatureChange& c : u->features) {
    if (!GetFeature(d, &c.feature) || !d->GetFixed64(&c.hash) ||
        !DecodeEntry(d, &c.before) || !DecodeEntry(d, &c.after) ||
        !d->GetVarintAs(&c.index) || c.index >= UserProfile::kMaxEntries ||
        !DecodeEntry(d, &c.evicted)) {
      return false;
    }
  }
  if (!DecodeDistrust(d, &u->distrust_added) ||
      !DecodeDistrust(d, &u->distrust_evicted) ||
      !DecodeScalars(d, &u->before) || !DecodeScalars(d, &u->after)) {
    return false;
  }
  u->before.new_device_sign_ins = 0;
  u->after.new_device_sign_ins = flags >> 2;
  return true;
}

void EncodeDecision(Encoder* e, const Decision& d) {
  e->PutU8(static_cast<uint8_t>(d.verdict));
  e->PutU8(static_cast<uint8_t>(d.enforced_verdict));
  e->PutU8(static_cast<uint8_t>(d.mode));
  e->PutU8(static_cast<uint8_t>(d.level));
  e->PutDouble(d.score);
  e->PutVarint(d.reasons.size());
  for (const Reason& r : d.reasons) {
    e->PutString(r.signal);
    e->PutDouble(r.score);
    e->PutDouble(r.contribution);
    e->PutString(r.detail);
  }
  e->PutU8((d.compromised_credentials ? 1 : 0) |
           (d.password_reset_required ? 2 : 0) | (d.notify ? 4 : 0) |
           (d.baseline.mature ? 8 : 0));
  e->PutVarint(d.baseline.successful_sign_ins);
  e->PutString(d.model);
  e->PutU8(d.challenge.has_value() ? 1 : 0);
  if (d.challenge) {
    e->PutString(d.challenge->id);
    e->PutVarint(d.challenge->methods.size());
    for (const std::string& m : d.challenge->methods) e->PutString(m);
    e->PutSignedVarint(absl::ToUnixNanos(d.challenge->expires_at));
  }
  e->PutString(d.context.country);
  e->PutString(d.context.city);
  e->PutVarint(d.context.asn);
  e->PutString(d.context.device);
  e->PutVarint(d.signal_failures.size());
  for (const std::string& s : d.signal_failures) e->PutString(s);
}

template <typename E>
bool GetEnum(Decoder* d, E* out, uint8_t max) {
  uint8_t v;
  if (!d->GetU8(&v) || v > max) return false;
  *out = static_cast<E>(v);
  return true;
}

bool DecodeDecision(Decoder* d, Decision* out) {
  uint64_t n;
  if (!GetEnum(d, &out->verdict, 2) || !GetEnum(d, &out->enforced_verdict, 2) ||
      !GetEnum(d, &out->mode, 1) || !GetEnum(d, &out->level, 3) ||
      !d->GetDouble(&out->score) || !d->GetVarint(&n) || n > 64) {
    return false;
  }
  out->reasons.resize(n);
  for (Reason& r : out->reasons) {
    if (!d->GetString(&r.signal) || !d->GetDouble(&r.score) ||
        !d->GetDouble(&r.contribution) || !d->GetString(&r.detail)) {
      return false;
    }
  }
  uint8_t flags, has_challenge;
  if (!d->GetU8(&flags) || !d->GetVarint(&n) || !d->GetString(&out->model) ||
      !d->GetU8(&has_challenge)) {
    return false;
  }
  out->compromised_credentials = flags & 1;
  out->password_reset_required = flags & 2;
  out->notify = flags & 4;
  out->baseline.mature = flags & 8;
  out->baseline.successful_sign_ins = static_cast<int64_t>(n);
  if (has_challenge) {
    ChallengeInfo c;
    int64_t expires;
    if (!d->GetString(&c.id) || !d->GetVarint(&n) || n > 8) return false;
    c.methods.resize(n);
    for (std::string& m : c.methods) {
      if (!d->GetString(&m)) return false;
    }
    if (!d->GetSignedVarint(&expires)) return false;
    c.expires_at = absl::FromUnixNanos(expires);
    out->challenge = std::move(c);
  }
  if (!d->GetString(&out->context.country) ||
      !d->GetString(&out->context.city) || !d->GetVarintAs(&out->context.asn) ||
      !d->GetString(&out->context.device) || !d->GetVarint(&n) || n > 64) {
    return false;
  }
  out->signal_failures.resize(n);
  for (std::string& s : out->signal_failures) {
    if (!d->GetString(&s)) return false;
  }
  return true;
}

}  // namespace

std::string StoredEvent::Encode() const {
  std::string out;
  // Room for a typical record at once (256 took 2.85 allocations a record
  // on BM_Evaluate's workload).
  out.reserve(1024);
  Encoder e(&out);
  e.PutU8(kEventVersion);
  e.PutString(event.event_id);
  e.PutString(event.user_id);
  e.PutSignedVarint(absl::ToUnixNanos(event.time));
  e.PutU8(static_cast<uint8_t>(event.event_type));
  e.PutString(event.ip);
  e.PutString(event.user_agent);
  e.PutString(event.device_name);
  e.PutString(event.time_zone);
  EncodeDecision(&e, event.decision);
  e.PutU8(static_cast<uint8_t>(event.outcome));
  e.PutU8(event.feedback.has_value() ? 1 : 0);
  if (event.feedback) {
    e.PutU8(static_cast<uint8_t>(event.feedback->value));
    e.PutString(event.feedback->source);
    e.PutSignedVarint(absl::ToUnixNanos(event.feedback->time));
  }
  for (uint64_t h : features.hashes) e.PutFixed64(h);
  e.PutU8(features.has_location ? 1 : 0);
  if (features.has_location) {
    e.PutDouble(features.latitude);
    e.PutDouble(features.longitude);
    e.PutVarint(features.accuracy_km);
  }
  e.PutU8(learned ? 1 : 0);
  // Optional trailer (absent in records written before challenges existed).
  if (!event.challenge_responses.empty()) {
    e.PutU8(kChallengeTrailerTag);
    e.PutVarint(event.challenge_responses.size());
    for (const ChallengeResponse& r : event.challenge_responses) {
      e.PutSignedVarint(absl::ToUnixNanos(r.time));
      e.PutString(r.method);
      e.PutString(r.result);
    }
  }
  if (event.client_time.has_value()) {
    e.PutU8(kClientTimeTrailerTag);
    e.PutSignedVarint(absl::ToUnixNanos(*event.client_time));
  }
  if (links_used != 0 || distrusted) {
    e.PutU8(kFeedbackTrailerTag);
    e.PutU8(links_used);
    e.PutU8(distrusted ? 1 : 0);
  }
  if (undo.present) EncodeUndo(&e, undo);
  if (features.fingerprint != 0) {
    e.PutU8(kFingerprintTrailerTag);
    e.PutFixed64(features.fingerprint);
  }
  if (features.device_source != DeviceSource::kUnknown) {
    e.PutU8(kDeviceSourceTrailerTag);
    e.PutU8(static_cast<uint8_t>(features.device_source));
  }
  return out;
}

bool StoredEvent::Decode(absl::string_view data) {
  *this = StoredEvent();
  Decoder d(data);
  uint8_t version, has_feedback, has_loc, learned_byte;
  int64_t nanos;
  if (!d.GetU8(&version) || version != kEventVersion ||
      !d.GetString(&event.event_id) || !d.GetString(&event.user_id) ||
      !d.GetSignedVarint(&nanos) || !GetEnum(&d, &event.event_type, 3) ||
      !d.GetString(&event.ip) || !d.GetString(&event.user_agent) ||
      !d.GetString(&event.device_name) || !d.GetString(&event.time_zone) ||
      !DecodeDecision(&d, &event.decision) || !GetEnum(&d, &event.outcome, 2) ||
      !d.GetU8(&has_feedback)) {
    return false;
  }
  event.time = absl::FromUnixNanos(nanos);
  event.decision.event_id = event.event_id;
  if (has_feedback) {
    Feedback f;
    int64_t t;
    if (!GetEnum(&d, &f.value, 1) || !d.GetString(&f.source) ||
        !d.GetSignedVarint(&t)) {
      return false;
    }
    f.time = absl::FromUnixNanos(t);
    event.feedback = std::move(f);
  }
  for (uint64_t& h : features.hashes) {
    if (!d.GetFixed64(&h)) return false;
  }
  if (!d.GetU8(&has_loc)) return false;
  features.has_location = has_loc != 0;
  if (features.has_location) {
    uint64_t acc;
    if (!d.GetDouble(&features.latitude) || !d.GetDouble(&features.longitude) ||
        !d.GetVarint(&acc)) {
      return false;
    }
    features.accuracy_km = static_cast<int32_t>(acc);
  }
  if (!d.GetU8(&learned_byte)) return false;
  learned = learned_byte != 0;
  // Trailers, each optional, in this order.
  int last = -1;
  while (!d.done()) {
    uint8_t tag;
    if (!d.GetU8(&tag)) return false;
    const int rank = tag == kChallengeTrailerTag      ? 0
                     : tag == kClientTimeTrailerTag   ? 1
                     : tag == kFeedbackTrailerTag     ? 2
                     : tag == kUndoTrailerTag         ? 3
                     : tag == kFingerprintTrailerTag  ? 4
                     : tag == kDeviceSourceTrailerTag ? 5
                                                      : -1;
    if (rank <= last) return false;
    last = rank;
    if (tag == kChallengeTrailerTag) {
      uint64_t n;
      if (!d.GetVarint(&n) || n == 0 || n > 1024) return false;
      event.challenge_responses.resize(n);
      for (ChallengeResponse& r : event.challenge_responses) {
        int64_t t;
        if (!d.GetSignedVarint(&t) || !d.GetString(&r.method) ||
            !d.GetString(&r.result)) {
          return false;
        }
        r.time = absl::FromUnixNanos(t);
      }
    } else if (tag == kClientTimeTrailerTag) {
      int64_t t;
      if (!d.GetSignedVarint(&t)) return false;
      event.client_time = absl::FromUnixNanos(t);
    } else if (tag == kFeedbackTrailerTag) {
      uint8_t flags;
      if (!d.GetU8(&links_used) || links_used > 3 || !d.GetU8(&flags) ||
          flags > 1) {
        return false;
      }
      distrusted = flags != 0;
    } else if (tag == kFingerprintTrailerTag) {
      if (!d.GetFixed64(&features.fingerprint) || features.fingerprint == 0) {
        return false;
      }
    } else if (tag == kDeviceSourceTrailerTag) {
      if (!GetEnum(&d, &features.device_source, 4) ||
          features.device_source == DeviceSource::kUnknown) {
        return false;
      }
    } else if (!DecodeUndo(&d, &undo)) {
      return false;
    }
  }
  return d.done();
}

std::string UserEventPrefix(absl::string_view user_id) {
  std::string key = "v";
  PutBigEndian64(&key, UserHash(user_id));
  return key;
}

absl::StatusOr<std::string> NewEventId(absl::string_view user_id,
                                       int64_t time_nanos) {
  std::string raw;
  PutBigEndian64(&raw, UserHash(user_id));
  // Inverted so that a forward scan yields the newest first.
  PutBigEndian64(&raw, ~(static_cast<uint64_t>(time_nanos) ^ (1ull << 63)));
  absl::Status random = AppendPooledRandomBytes(8, &raw);
  if (!random.ok()) return random;
  return absl::BytesToHexString(raw);
}

bool EventKeyTime(absl::string_view key, absl::Time* time) {
  if (key.size() != 1 + kEventIdHexLength / 2 || key[0] != 'v') return false;
  uint64_t inverted;
  if (!GetBigEndian64(key.substr(9, 8), &inverted)) return false;
  *time = absl::FromUnixNanos(static_cast<int64_t>(~inverted ^ (1ull << 63)));
  return true;
}

bool EventKey(absl::string_view event_id, std::string* key) {
  if (event_id.size() != kEventIdHexLength) return false;
  // Lowercase hex digits only, decoded in one pass (no temporaries).
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  char bytes[1 + kEventIdHexLength / 2];
  bytes[0] = 'v';
  for (size_t i = 0; i < kEventIdHexLength / 2; ++i) {
    const int hi = nibble(event_id[2 * i]);
    const int lo = nibble(event_id[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[1 + i] = static_cast<char>((hi << 4) | lo);
  }
  key->assign(bytes, sizeof(bytes));
  return true;
}

}  // namespace vigil::internal

namespace vigil {

RetentionRule EventRetention(absl::Duration max_age) {
  RetentionRule rule;
  rule.table = Table::kEvents;
  rule.max_age = max_age;
  rule.record_time = internal::EventKeyTime;
  return rule;
}

}  // namespace vigil
