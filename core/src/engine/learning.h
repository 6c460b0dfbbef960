// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// How a profile learns from a trusted success, and how failures and "not
// me" feedback change it.

#ifndef VIGIL_CORE_SRC_ENGINE_LEARNING_H_
#define VIGIL_CORE_SRC_ENGINE_LEARNING_H_

#include "store/event_record.h"
#include "store/profile_record.h"

namespace vigil::internal {

// Teaches `profile` the features, place and time of a trusted success.
void LearnTrustedSuccess(const StoredEvent& event, UserProfile* profile);

// Records one failed sign-in at `unix_seconds`.
void RecordFailure(int64_t unix_seconds, UserProfile* profile);

// "Not me": forgets the event's device, IP and network, and asks for a
// password reset.
void ForgetDistrusted(const StoredEvent& event, UserProfile* profile);

// Feedback on `event` ("valid": it was me; "invalid": it was not), applied
// to `profile` and recorded in `event`'s state; the opposite feedback later
// undoes it:
//  - invalid: forgets the event's device, IP and network, distrusts the IP
//    and network (ip_reputation scores them), asks for a password reset.
//  - valid: undoes an earlier "invalid" of this event (distrust lifted,
//    reset request cleared), and teaches the profile as a trusted success
//    would (again, if "invalid" made it forget).
// Giving the feedback the event already has changes nothing.
void ApplyFeedback(FeedbackValue value, int64_t now_unix, StoredEvent* event,
                   UserProfile* profile);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_LEARNING_H_
