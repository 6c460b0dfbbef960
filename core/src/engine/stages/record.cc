// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/learning.h"
#include "engine/stages/stages.h"
#include "mfa/challenges.h"
#include "vigil/history.h"

namespace vigil::internal {
namespace {

// What the profile learns from the attempt's outcome, and what its counters
// count it as.
void Learn(const EngineParts& p, Evaluation* e) {
  const Attempt& attempt = e->attempt;
  const ModelConfig& m = e->config();
  const Decision& d = e->decision();
  StoredEvent& stored = e->stored;
  UserProfile& profile = e->loaded.profile;
  Recorded& r = e->recorded;
  if (attempt.outcome == Outcome::kSuccess &&
      d.enforced_verdict == Verdict::kAllow) {
    // A success on probation counts as an attempt, not a trusted success.
    stored.learned = LearnSuccess(stored, Confirmation::kPassword, m, &profile);
    r.profile_changed = true;
    if (stored.learned) r.counter_kind = CounterKind::kSuccess;
    UpdateUserRisk(stored, /*second_factor=*/false, m, &profile);
  } else if (p.replay.learn_passed_challenges &&
             attempt.outcome == Outcome::kSuccess &&
             d.enforced_verdict == Verdict::kChallenge &&
             !(attempt.label.has_value() &&
               (attempt.label->attack || attempt.label->account_takeover))) {
    // As a passed challenge: the profile learns (on probation at or above
    // second_factor_probation_level), and the address counts the success, as
    // a live challenge passed counts it.
    // "It was me" in an exported history (kind feedback_valid) trusts at
    // once, as live feedback does.
    const bool vouched =
        attempt.label.has_value() && attempt.label->kind == kFeedbackValidKind;
    stored.learned = LearnSuccess(
        stored, vouched ? Confirmation::kVouched : Confirmation::kSecondFactor,
        m, &profile);
    // As live: a passed challenge counts a success of its address, learned
    // or not; "it was me" feedback counts none.
    if (!vouched) r.counter_kind = CounterKind::kSuccess;
    UpdateUserRisk(stored, /*second_factor=*/true, m, &profile);
    r.profile_changed = true;
  } else if (p.replay.learn_passed_challenges &&
             attempt.outcome == Outcome::kSuccess &&
             d.enforced_verdict == Verdict::kChallenge) {
    // A labelled attack: the challenge counts as failed for good.
    RecordFailedChallenge(stored, &profile);
    r.profile_changed = true;
  } else if (attempt.outcome == Outcome::kSuccess) {
    // The right password, challenged or blocked: the user risk may rise.
    r.profile_changed |=
        UpdateUserRisk(stored, /*second_factor=*/false, m, &profile);
  } else if (attempt.outcome == Outcome::kFailure) {
    RecordFailure(absl::ToUnixSeconds(e->enriched.now), &profile);
    r.profile_changed = true;
    r.counter_kind = CounterKind::kFailure;
  }
}

}  // namespace

absl::Status Record(const EngineParts& p, Evaluation* e) {
  const Attempt& attempt = e->attempt;
  const Enriched& x = e->enriched;
  const ModelConfig& m = e->config();
  StoredEvent& stored = e->stored;
  const Event& event = stored.event;
  Decision& d = e->decision();
  UserProfile& profile = e->loaded.profile;
  Recorded& r = e->recorded;
  WriteBatch& batch = r.batch;

  // The event, its index entry, counters, and what the profile learns, in
  // one atomic batch.
  Learn(p, e);
  if (d.verdict == Verdict::kChallenge) {
    VIGIL_ASSIGN_OR_RETURN(
        d.challenge,
        NewChallenge(m.mfa, event, profile.mfa_factors,
                     p.mfa != nullptr ? p.mfa->offerable_methods() : 0,
                     x.clock_now, &batch));
  }
  DeviceMatch& device = e->loaded.device;
  if (device.found) {
    device.record.last_seen = absl::ToUnixSeconds(x.now);
    device.record.last_ip = event.ip;
    device.record.last_city = x.geo.city;
    device.record.last_country = x.geo.country;
    batch.Put(Table::kDevices,
              DeviceStoreKey(attempt.user_id, device.record.key_hash),
              device.record.Encode());
  }
  if (attempt.event_type == EventType::kPasswordChange &&
      attempt.outcome == Outcome::kSuccess &&
      d.enforced_verdict == Verdict::kAllow) {
    VIGIL_RETURN_IF_ERROR(
        p.state->ForgetDevicesOnPasswordChange(m, attempt.user_id, &batch));
  }
  if (p.replay.record_events) {
    std::string event_key;
    EventKey(event.event_id, &event_key);
    batch.Put(Table::kEvents, event_key, stored.Encode());
  }
  // Notifications go into the outbox in the same batch as the event.
  if (p.notifier != nullptr && p.notifier->Wants(d)) {
    if (absl::Status s = p.notifier->Enqueue(event, x.clock_now, &batch,
                                             &profile, &r.notified);
        !s.ok()) {
      return p.state->StoreError(s);
    }
    r.profile_changed |= r.notified.profile_changed;
  }
  if (p.state->ephemeral()) {
    if (!p.state->AddCountersInCache(stored, x.ip, r.counter_kind)) {
      p.state->CountStoreError();
    }
  } else {
    r.touched_counters =
        p.state->AddCounters(stored, x.ip, r.counter_kind, &batch);
    if (r.profile_changed) {
      batch.Put(Table::kUsers, attempt.user_id, profile.Encode());
    }
  }
  // The profile goes back to the cache, changed or not (it was taken).
  e->loaded.profile_held = false;
  VIGIL_RETURN_IF_ERROR(
      p.state->Commit(batch, attempt.user_id, &profile, r.touched_counters));
  const EnqueueCount& n = r.notified;
  if (n.messages + n.no_address + n.suppressed > 0) {
    p.notifier->Committed(n);
  }
  return absl::OkStatus();
}

}  // namespace vigil::internal
