// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The engine's replay-only options: how `vigil replay` (tools/replay) runs an
// engine over exported history on a throwaway store. Not in the public API
// (vigil/engine.h): a live engine never sets them. Tools and tests reach this
// header through core/src on their include path.

#ifndef VIGIL_CORE_SRC_ENGINE_REPLAY_OPTIONS_H_
#define VIGIL_CORE_SRC_ENGINE_REPLAY_OPTIONS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "vigil/engine.h"

namespace vigil::internal {

// The defaults are a live engine's: CreateReplayEngine(o, {}) is
// Engine::Create(o).
struct ReplayEngineOptions {
  // Policy as if every user had an MFA factor: "mfa_if_configured" and
  // "mfa_required" then always challenge. Exported history does not say who
  // has a factor.
  bool assume_mfa_factor = false;

  // Profiles and counters live in the state cache and reach the store only
  // when the cache evicts them; nothing is written back at close, so a crash
  // or closing the engine loses them. Events are still written (unless
  // `record_events` is off). For a throwaway store, such as a replay's
  // temporary database, where this saves most of the store's work. The store
  // must be this engine's alone (it writes no conditions: see
  // engine/evaluation.h on retries).
  bool ephemeral_state = false;

  // A row's outcome comes with the attempt: a challenged attempt with outcome
  // "success" that is not labelled as an attack counts as a passed challenge
  // and is learned at once (its address counting the success), as a live
  // engine learns when the user passes the challenge; one labelled as an
  // attack counts as a challenge failed for good.
  bool learn_passed_challenges = false;

  // Whether Evaluate writes the event to the store. A replay that keeps no
  // history turns it off; GetEvent, ListEvents, RecordOutcome and
  // RecordFeedback then find no event of this engine.
  bool record_events = true;
};

// Engine::Create(options) with the replay options `replay`; the same errors.
absl::StatusOr<std::unique_ptr<Engine>> CreateReplayEngine(
    EngineOptions options, const ReplayEngineOptions& replay);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_REPLAY_OPTIONS_H_
