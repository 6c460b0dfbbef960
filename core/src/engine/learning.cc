// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/learning.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace vigil::internal {

namespace {

// Whether a sign-in with this device hash and fingerprint brings the user
// a new device.
bool NewDevice(const UserProfile& p, uint64_t device, uint64_t fingerprint) {
  return device != 0 && !p.KnowsDevice(device, fingerprint);
}

// Counts one more trusted sign-in, on a device new to the user or not.
void CountSignIn(bool new_device, UserProfile* p) {
  if (new_device) ++p->new_device_sign_ins;
  ++p->successful_sign_ins;
}

// The same for the device of `f`.
bool NewDevice(const UserProfile& p, const LearnableFeatures& f) {
  return NewDevice(p, f.hashes[static_cast<int>(Feature::kDevice)],
                   f.fingerprint);
}

// The keyless browser (LearnableFeatures::KeylessBrowser) a trusted sign-in
// teaches: only with a device new to the user, as a browser that varies its
// fingerprint brings (one that lost its key keeps its fingerprint, which
// knows it already); 0: none.
uint64_t KeylessBrowserToLearn(const LearnableFeatures& f, bool new_device) {
  return new_device ? f.KeylessBrowser() : 0;
}

}  // namespace

void LearnLocation(const StoredEvent& e, UserProfile* p) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  if (e.features.has_location &&
      (!p->has_trusted_location || t >= p->trusted_time)) {
    p->has_trusted_location = true;
    p->trusted_latitude = e.features.latitude;
    p->trusted_longitude = e.features.longitude;
    p->trusted_accuracy_km = e.features.accuracy_km;
    p->trusted_time = t;
    p->trusted_city = e.event.decision.context.city;
    p->trusted_country = e.event.decision.context.country;
  }
}

void LearnTrustedSuccess(const StoredEvent& e, UserProfile* p) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  const bool new_device = NewDevice(*p, e.features);
  const uint64_t keyless_browser =
      KeylessBrowserToLearn(e.features, new_device);
  CountSignIn(new_device, p);
  if (p->first_seen == 0 || t < p->first_seen) p->first_seen = t;
  p->last_success = std::max(p->last_success, t);
  for (int i = 0; i < kFeatureCount; ++i) {
    if (e.features.hashes[i] != 0) {
      p->Observe(static_cast<Feature>(i), e.features.hashes[i], t);
    }
  }
  if (e.features.fingerprint != 0) {
    p->Observe(Feature::kDevice, e.features.fingerprint, t);
  }
  if (keyless_browser != 0) p->Observe(Feature::kDevice, keyless_browser, t);
  LearnLocation(e, p);
  p->failure_streak = 0;
}

namespace {

constexpr int kDevice = static_cast<int>(Feature::kDevice);
constexpr int kIp = static_cast<int>(Feature::kIp);

// Raises the user risk to `score` of an event at `t`, unless it carries
// more already (undecayed).
void RaiseUserRisk(double score, int64_t t, UserProfile* p) {
  score = std::clamp(score, 0.0, 1.0);
  if (score <= 0 || score < p->user_risk) return;
  p->user_risk = score;
  p->user_risk_time = t;
}

void ClearUserRisk(UserProfile* p) {
  p->user_risk = 0;
  p->user_risk_time = 0;
}

void DropProbation(absl::string_view event_id, UserProfile* p) {
  std::erase_if(p->probation, [&](const ProbationEntry& entry) {
    return entry.event_id == event_id;
  });
}

// Whether a probation entry is of the device of `f`: the same device key
// or fingerprint.
bool SameDevice(const ProbationEntry& entry, const LearnableFeatures& f) {
  for (uint64_t a : {entry.hashes[kDevice], entry.fingerprint}) {
    if (a != 0 && (a == f.hashes[kDevice] || a == f.fingerprint)) return true;
  }
  return false;
}

// Trusts the probation entries at least `quiet` seconds older than `t` (of
// the device of `only`, when given).
void TrustQuietProbation(int64_t t, int64_t quiet, UserProfile* p,
                         const LearnableFeatures* only = nullptr) {
  std::erase_if(p->probation, [&](const ProbationEntry& entry) {
    if (entry.time + quiet > t) return false;
    if (only != nullptr && !SameDevice(entry, *only)) return false;
    CountSignIn(NewDevice(*p, entry.hashes[kDevice], entry.fingerprint), p);
    for (int i = 0; i < kFeatureCount; ++i) {
      if (entry.hashes[i] != 0) {
        p->Observe(static_cast<Feature>(i), entry.hashes[i], entry.time);
      }
    }
    if (entry.fingerprint != 0) {
      p->Observe(Feature::kDevice, entry.fingerprint, entry.time);
    }
    return true;
  });
}

}  // namespace

bool LearnSuccess(const StoredEvent& e, Confirmation how, const ModelConfig& m,
                  UserProfile* p) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  const LearningConfig& l = m.learning;
  if (l.probation && how != Confirmation::kVouched &&
      e.event.decision.level >= (how == Confirmation::kPassword
                                     ? l.probation_level
                                     : l.second_factor_probation_level)) {
    DropProbation(e.event.event_id, p);
    // The device's probation began with its first entry: a device seen
    // again quiet_days after it, with nobody saying "not me" since, is its
    // owner's (a returning attacker comes back within hours); before that,
    // its first entry stands for it, so that one busy device does not push
    // the others' entries out.
    const int64_t quiet = int64_t{l.quiet_days} * 86400;
    bool on_probation = false;
    for (const ProbationEntry& entry : p->probation) {
      if (!SameDevice(entry, e.features)) continue;
      if (entry.time + quiet <= t) {
        TrustQuietProbation(t, quiet, p, &e.features);
        LearnTrustedSuccess(e, p);
        return true;
      }
      on_probation = true;
    }
    if (on_probation) return false;
    // A passed second factor places the account there and then, trusted or
    // not: impossible travel is measured from it.
    if (how == Confirmation::kSecondFactor) LearnLocation(e, p);
    if (p->probation.size() >= UserProfile::kMaxProbation) {
      p->probation.erase(p->probation.begin());
    }
    p->probation.push_back(ProbationEntry{
        e.event.event_id, t, e.features.hashes, e.features.fingerprint});
    return false;
  }
  const bool established =
      p->DeviceCount(e.features.hashes[kDevice], e.features.fingerprint) >= 2;
  DropProbation(e.event.event_id, p);
  LearnTrustedSuccess(e, p);
  if (established && !p->probation.empty()) {
    TrustQuietProbation(t, int64_t{l.quiet_days} * 86400, p);
  }
  return true;
}

bool UpdateUserRisk(const StoredEvent& e, bool second_factor,
                    const ModelConfig& m, UserProfile* p) {
  const UserRiskConfig& c = m.user_risk;
  const Decision& d = e.event.decision;
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  if (second_factor ||
      (e.event.event_type == EventType::kPasswordChange &&
       d.enforced_verdict == Verdict::kAllow && d.level < c.from_level)) {
    if (p->user_risk == 0 || p->user_risk_time > t) return false;
    ClearUserRisk(p);
    return true;
  }
  if (d.level < c.from_level || d.score <= 0) return false;
  const double score = std::min(1.0, d.score);
  if (CarriedUserRisk(*p, c, t) >= score) return false;
  p->user_risk = score;
  p->user_risk_time = t;
  return true;
}

void RecordFailedChallenge(const StoredEvent& e, UserProfile* p) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  p->Distrust(Feature::kIp, e.features.hashes[kIp], t);
  RaiseUserRisk(e.event.decision.score, t, p);
}

double CarriedUserRisk(const UserProfile& p, const UserRiskConfig& c,
                       int64_t now) {
  if (p.user_risk <= 0) return 0;
  const double hours = std::max<int64_t>(0, now - p.user_risk_time) / 3600.0;
  return p.user_risk * std::exp2(-hours / c.half_life_hours);
}

void RecordFailure(int64_t t, UserProfile* p) {
  ++p->failure_streak;
  p->last_failure = std::max(p->last_failure, t);
}

void ForgetDistrusted(const StoredEvent& e, UserProfile* p) {
  for (Feature f : {Feature::kDevice, Feature::kIp, Feature::kNetwork}) {
    const uint64_t h = e.features.hashes[static_cast<int>(f)];
    if (h != 0) p->Forget(f, h);
  }
  if (e.features.fingerprint != 0) {
    p->Forget(Feature::kDevice, e.features.fingerprint);
  }
  if (const uint64_t browser = e.features.KeylessBrowser(); browser != 0) {
    p->Forget(Feature::kDevice, browser);
  }
  p->password_reset_required = true;
}

namespace {

ProfileScalars Scalars(const UserProfile& p) {
  ProfileScalars s;
  s.successful_sign_ins = p.successful_sign_ins;
  s.new_device_sign_ins = p.new_device_sign_ins;
  s.first_seen = p.first_seen;
  s.last_success = p.last_success;
  s.has_trusted_location = p.has_trusted_location;
  s.trusted_latitude = p.trusted_latitude;
  s.trusted_longitude = p.trusted_longitude;
  s.trusted_accuracy_km = p.trusted_accuracy_km;
  s.trusted_time = p.trusted_time;
  s.trusted_city = p.trusted_city;
  s.trusted_country = p.trusted_country;
  s.failure_streak = p.failure_streak;
  s.password_reset_required = p.password_reset_required;
  return s;
}

bool SameTrustedLocation(const ProfileScalars& a, const ProfileScalars& b) {
  return a.has_trusted_location == b.has_trusted_location &&
         a.trusted_latitude == b.trusted_latitude &&
         a.trusted_longitude == b.trusted_longitude &&
         a.trusted_accuracy_km == b.trusted_accuracy_km &&
         a.trusted_time == b.trusted_time && a.trusted_city == b.trusted_city &&
         a.trusted_country == b.trusted_country;
}

int FindEntry(const std::vector<FeatureEntry>& list, uint64_t hash) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].hash == hash) return static_cast<int>(i);
  }
  return -1;
}

// Takes back the scalar fields `u` set, unless something set them since.
void RevertScalars(const FeedbackUndo& u, UserProfile* p) {
  const ProfileScalars& b = u.before;
  const ProfileScalars& a = u.after;
  p->successful_sign_ins =
      std::max<int64_t>(0, p->successful_sign_ins -
                               (a.successful_sign_ins - b.successful_sign_ins));
  p->new_device_sign_ins = std::clamp<int64_t>(
      p->new_device_sign_ins - (a.new_device_sign_ins - b.new_device_sign_ins),
      0, p->successful_sign_ins);
  if (p->first_seen == a.first_seen) p->first_seen = b.first_seen;
  // A success since: the streak it reset is not this feedback's.
  const bool success_since = p->last_success != a.last_success;
  if (!success_since) p->last_success = b.last_success;
  if (b.failure_streak != a.failure_streak) {
    if (p->failure_streak == a.failure_streak) {
      p->failure_streak = b.failure_streak;
    } else if (!success_since) {
      p->failure_streak += b.failure_streak;  // failures since add up
    }
  }
  if (!SameTrustedLocation(a, b) && SameTrustedLocation(Scalars(*p), a)) {
    p->has_trusted_location = b.has_trusted_location;
    p->trusted_latitude = b.trusted_latitude;
    p->trusted_longitude = b.trusted_longitude;
    p->trusted_accuracy_km = b.trusted_accuracy_km;
    p->trusted_time = b.trusted_time;
    p->trusted_city = b.trusted_city;
    p->trusted_country = b.trusted_country;
  }
  if (b.password_reset_required != a.password_reset_required &&
      p->password_reset_required == a.password_reset_required) {
    // Another "not me" given since keeps its reset request.
    bool other_since = false;
    for (const DistrustEntry& d : p->distrusted)
      other_since |= d.since > u.time;
    if (!other_since) p->password_reset_required = b.password_reset_required;
  }
}

// Takes back one feature change.
void RevertFeature(const FeatureChange& c, UserProfile* p) {
  std::vector<FeatureEntry>& list = p->features[static_cast<int>(c.feature)];
  const int i = FindEntry(list, c.hash);
  const int64_t added = int64_t{c.after.count} - c.before.count;
  if (added > 0) {
    if (i < 0) return;  // forgotten since: nothing left to take back
    FeatureEntry& e = list[i];
    if (e.count > added) {
      e.count -= static_cast<uint32_t>(added);
      if (e.last_seen == c.after.last_seen && c.before.count > 0) {
        e.last_seen = c.before.last_seen;
      }
    } else if (c.evicted.hash != 0 && FindEntry(list, c.evicted.hash) < 0) {
      e = c.evicted;  // it took the evicted entry's place
    } else {
      list.erase(list.begin() + i);
    }
  } else if (added < 0) {
    if (i >= 0) {  // seen again since: add the forgotten count back
      list[i].count += c.before.count;
      list[i].last_seen = std::max(list[i].last_seen, c.before.last_seen);
    } else if (list.size() < UserProfile::kMaxEntries) {
      list.insert(list.begin() + std::min<size_t>(c.index, list.size()),
                  c.before);
    } else {
      // Full since: as Observe would, it replaces the least used entry.
      auto victim =
          std::min_element(list.begin(), list.end(),
                           [](const FeatureEntry& a, const FeatureEntry& b) {
                             if (a.count != b.count) return a.count < b.count;
                             return a.last_seen < b.last_seen;
                           });
      if (victim->count < c.before.count ||
          (victim->count == c.before.count &&
           victim->last_seen < c.before.last_seen)) {
        *victim = c.before;
      }
    }
  }
}

// Takes back everything `u` changed, newest change first.
void Revert(const FeedbackUndo& u, UserProfile* p) {
  for (auto it = u.features.rbegin(); it != u.features.rend(); ++it) {
    RevertFeature(*it, p);
  }
  for (const DistrustEntry& d : u.distrust_added)
    p->Undistrust(d.feature, d.hash);
  for (auto it = u.distrust_evicted.rbegin(); it != u.distrust_evicted.rend();
       ++it) {
    if (p->distrusted.size() < UserProfile::kMaxDistrusted &&
        !p->IsDistrusted(it->feature, it->hash)) {
      p->distrusted.insert(p->distrusted.begin(), *it);
    }
  }
  RevertScalars(u, p);
}

// Observe / Forget, recording the change in `u`.
void ObserveRecorded(Feature f, uint64_t hash, int64_t t, UserProfile* p,
                     FeedbackUndo* u) {
  std::vector<FeatureEntry>& list = p->features[static_cast<int>(f)];
  const std::vector<FeatureEntry> old = list;
  FeatureChange c;
  c.feature = f;
  c.hash = hash;
  const int was = FindEntry(list, hash);
  if (was >= 0) c.before = list[was];
  p->Observe(f, hash, t);
  const int now = FindEntry(list, hash);
  c.index = static_cast<uint32_t>(now);
  c.after = list[now];
  if (was < 0 && list.size() == old.size()) c.evicted = old[now];
  u->features.push_back(c);
}

void ForgetRecorded(Feature f, uint64_t hash, UserProfile* p, FeedbackUndo* u) {
  std::vector<FeatureEntry>& list = p->features[static_cast<int>(f)];
  const int was = FindEntry(list, hash);
  if (was < 0) return;
  FeatureChange c;
  c.feature = f;
  c.hash = hash;
  c.before = list[was];
  c.index = static_cast<uint32_t>(was);
  c.after = FeatureEntry{hash, 0, 0};
  u->features.push_back(c);
  p->Forget(f, hash);
}

void DistrustRecorded(Feature f, uint64_t hash, int64_t t, UserProfile* p,
                      FeedbackUndo* u) {
  if (hash == 0 || p->IsDistrusted(f, hash)) return;
  if (p->distrusted.size() >= UserProfile::kMaxDistrusted) {
    u->distrust_evicted.push_back(p->distrusted.front());
  }
  p->Distrust(f, hash, t);
  u->distrust_added.push_back(DistrustEntry{f, hash, t});
}

// LearnTrustedSuccess, recording its feature changes in `u`.
void LearnRecorded(const StoredEvent& e, UserProfile* p, FeedbackUndo* u) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  UserProfile scratch = *p;  // the scalars, learned the usual way
  for (auto& list : scratch.features) list.clear();
  LearnTrustedSuccess(e, &scratch);
  // Whether the device was new is a question for the real features.
  const bool new_device = NewDevice(*p, e.features);
  const uint64_t keyless_browser =
      KeylessBrowserToLearn(e.features, new_device);
  scratch.new_device_sign_ins = p->new_device_sign_ins + (new_device ? 1 : 0);
  for (int i = 0; i < kFeatureCount; ++i) {
    if (e.features.hashes[i] != 0) {
      ObserveRecorded(static_cast<Feature>(i), e.features.hashes[i], t, p, u);
    }
  }
  if (e.features.fingerprint != 0) {
    ObserveRecorded(Feature::kDevice, e.features.fingerprint, t, p, u);
  }
  if (keyless_browser != 0) {
    ObserveRecorded(Feature::kDevice, keyless_browser, t, p, u);
  }
  scratch.features = std::move(p->features);
  *p = std::move(scratch);
}

// The former reversal of "not me", for events whose feedback predates
// FeedbackUndo.
void LegacyUndistrust(StoredEvent* e, UserProfile* p) {
  p->Undistrust(Feature::kIp,
                e->features.hashes[static_cast<int>(Feature::kIp)]);
  p->Undistrust(Feature::kNetwork,
                e->features.hashes[static_cast<int>(Feature::kNetwork)]);
  p->password_reset_required = false;
  e->distrusted = false;
  e->learned = false;  // "invalid" made the profile forget these features
}

}  // namespace

void ApplyFeedback(FeedbackValue value, int64_t now_unix, StoredEvent* e,
                   UserProfile* p) {
  if (e->undo.present) {
    if (e->undo.value == value) return;
    Revert(e->undo, p);
    if (e->undo.learned) e->learned = false;
    e->distrusted = false;
    e->undo = FeedbackUndo();
  } else if (e->distrusted) {
    if (value == FeedbackValue::kInvalid) return;
    LegacyUndistrust(e, p);
  }
  FeedbackUndo u;
  u.present = true;
  u.value = value;
  u.time = now_unix;
  u.before = Scalars(*p);
  DropProbation(e->event.event_id, p);
  if (value == FeedbackValue::kInvalid) {
    const uint64_t device = e->features.hashes[kDevice];
    const uint64_t ip = e->features.hashes[kIp];
    std::erase_if(p->probation, [&](const ProbationEntry& entry) {
      return (device != 0 && entry.hashes[kDevice] == device) ||
             (ip != 0 && entry.hashes[kIp] == ip);
    });
    RaiseUserRisk(e->event.decision.score, absl::ToUnixSeconds(e->event.time),
                  p);
    for (Feature f : {Feature::kDevice, Feature::kIp, Feature::kNetwork}) {
      const uint64_t h = e->features.hashes[static_cast<int>(f)];
      if (h != 0) ForgetRecorded(f, h, p, &u);
    }
    if (e->features.fingerprint != 0) {
      ForgetRecorded(Feature::kDevice, e->features.fingerprint, p, &u);
    }
    if (const uint64_t browser = e->features.KeylessBrowser(); browser != 0) {
      ForgetRecorded(Feature::kDevice, browser, p, &u);
    }
    p->password_reset_required = true;
    DistrustRecorded(Feature::kIp,
                     e->features.hashes[static_cast<int>(Feature::kIp)],
                     now_unix, p, &u);
    DistrustRecorded(Feature::kNetwork,
                     e->features.hashes[static_cast<int>(Feature::kNetwork)],
                     now_unix, p, &u);
    e->distrusted = true;
  } else {
    if (!e->learned) {
      LearnRecorded(*e, p, &u);
      u.learned = true;
      e->learned = true;
    }
    if (p->user_risk > 0 &&
        p->user_risk_time == absl::ToUnixSeconds(e->event.time)) {
      ClearUserRisk(p);  // the event that raised it was the user
    }
  }
  u.after = Scalars(*p);
  e->undo = std::move(u);
}

}  // namespace vigil::internal
