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
// to `profile` and recorded in `event`'s state:
//  - invalid: forgets the event's device, IP and network, distrusts the IP
//    and network (ip_reputation scores them), asks for a password reset.
//  - valid: teaches the profile as a trusted success would, unless it
//    already learned the event.
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
