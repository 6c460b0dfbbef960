// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// How a profile learns from a trusted success, and how failures and "not
// me" feedback change it.

#ifndef VIGIL_CORE_SRC_ENGINE_LEARNING_H_
#define VIGIL_CORE_SRC_ENGINE_LEARNING_H_

#include "model/model_config.h"
#include "store/event_record.h"
#include "store/profile_record.h"

namespace vigil::internal {

// Teaches `profile` the features, place and time of a trusted success.
void LearnTrustedSuccess(const StoredEvent& event, UserProfile* profile);

// Makes the place and time of `event` the profile's last trusted place, if
// it is newer than the one kept: of a trusted success, and of one confirmed
// by a second factor even on probation (impossible travel starts there).
void LearnLocation(const StoredEvent& event, UserProfile* profile);

// What confirmed a success.
enum class Confirmation {
  kPassword,      // allowed on its risk alone
  kSecondFactor,  // a passed challenge (or, in a replay, its stand-in)
  kVouched,       // the user vouched: "this was me" (a replay's stand-in)
};

// Learns the success `e` (its decision's level decides) under `m`:
//  - vouched for by the user, confirmed by a second factor below
//    m.learning.second_factor_probation_level, or by the password alone
//    below m.learning.probation_level (or with probation off): trusted, as
//    LearnTrustedSuccess; its own probation entry, if any, is dropped; and
//    when it comes from an established device (one trusted at least twice
//    before), every probation entry at least m.learning.quiet_days older is
//    trusted too (learned at its own time);
//  - at or above the level for its confirmation: put on probation (nothing
//    learned; one entry per device, the oldest goes when full), or, when
//    the same device's entry is quiet_days old, trusted with it.
// Returns whether `e` was learned.
bool LearnSuccess(const StoredEvent& e, Confirmation how, const ModelConfig& m,
                  UserProfile* profile);

// After the success `e` (the right password) was decided: a level at or
// above m.user_risk.from_level raises the user risk to the event's score
// (never lowers a higher carried risk); a password change allowed below
// that level, or any success confirmed by a second factor
// (`second_factor`), remediates it. Returns whether `profile` changed.
bool UpdateUserRisk(const StoredEvent& e, bool second_factor,
                    const ModelConfig& m, UserProfile* profile);

// The second factor after the right password was failed for good (a
// challenge locked by wrong answers; in a replay, an attacker's challenge):
// the event's IP is remembered as the attacker's (ip_reputation scores it
// for this user, as after "not me", without asking for a reset: the
// password may be the user's own typo-free one, but someone else has it)
// and the user risk rises to the event's score.
void RecordFailedChallenge(const StoredEvent& e, UserProfile* profile);

// The user risk `profile` carries at `now_unix`: decayed by the half-life.
double CarriedUserRisk(const UserProfile& profile, const UserRiskConfig& c,
                       int64_t now_unix);

// Records one failed sign-in at `unix_seconds`.
void RecordFailure(int64_t unix_seconds, UserProfile* profile);

// "Not me": forgets the event's device, IP and network, and asks for a
// password reset.
void ForgetDistrusted(const StoredEvent& event, UserProfile* profile);

// Feedback on `event` ("valid": it was me; "invalid": it was not), applied
// to `profile` and recorded in `event`'s state:
//  - invalid: forgets the event's device, IP and network, distrusts the IP
//    and network (ip_reputation scores them), asks for a password reset.
//  - valid: teaches the profile as a trusted success would, unless it
//    already learned the event; remediates the user risk the event raised.
// Either way the event leaves probation; "invalid" also drops the other
// probation entries with its device or IP, and raises the user risk to the
// event's score (not taken back by undo).
// What the feedback changed is kept in event->undo. The opposite feedback
// first takes back exactly that (entries it added or counted, entries it
// forgot, distrust it added, the fields it set), so that the profile is as
// if the first feedback had never been given, then applies its own value.
// What happened in between stays: a field set since keeps its newer value,
// counts added since stay added. Giving the feedback the event already has
// changes nothing. Events whose feedback predates event->undo fall back to
// the former reversal (lift the distrust, learn again).
void ApplyFeedback(FeedbackValue value, int64_t now_unix, StoredEvent* event,
                   UserProfile* profile);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_LEARNING_H_
