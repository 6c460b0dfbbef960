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

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_LEARNING_H_
