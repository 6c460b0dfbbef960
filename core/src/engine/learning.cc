// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/learning.h"

#include "absl/time/time.h"

namespace vigil::internal {

void LearnTrustedSuccess(const StoredEvent& e, UserProfile* p) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  ++p->successful_sign_ins;
  if (p->first_seen == 0 || t < p->first_seen) p->first_seen = t;
  p->last_success = std::max(p->last_success, t);
  for (int i = 0; i < kFeatureCount; ++i) {
    if (e.features.hashes[i] != 0) {
      p->Observe(static_cast<Feature>(i), e.features.hashes[i], t);
    }
  }
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
  p->failure_streak = 0;
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
  p->password_reset_required = true;
}

void ApplyFeedback(FeedbackValue value, int64_t now_unix, StoredEvent* e,
                   UserProfile* p) {
  const uint64_t ip = e->features.hashes[static_cast<int>(Feature::kIp)];
  const uint64_t net = e->features.hashes[static_cast<int>(Feature::kNetwork)];
  if (value == FeedbackValue::kInvalid) {
    if (e->distrusted) return;
    ForgetDistrusted(*e, p);
    p->Distrust(Feature::kIp, ip, now_unix);
    p->Distrust(Feature::kNetwork, net, now_unix);
    e->distrusted = true;
    return;
  }
  bool relearn = !e->learned;
  if (e->distrusted) {
    p->Undistrust(Feature::kIp, ip);
    p->Undistrust(Feature::kNetwork, net);
    p->password_reset_required = false;
    e->distrusted = false;
    relearn = true;  // "invalid" made the profile forget these features
  }
  if (relearn) {
    LearnTrustedSuccess(*e, p);
    e->learned = true;
  }
}

}  // namespace vigil::internal
