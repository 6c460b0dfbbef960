// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The stages of Engine::Evaluate over one Evaluation (engine/evaluation.h):
//
//   Enrich(p, &e)                         once, without the user's lock
//   lock the user
//   RetryOnConflict(RunPass) (state/conflicts.h):
//     [pass > 0: e.ResetToEnriched()]
//     Load -> Score -> Decide -> Record   Record's commit may answer Aborted
//     HandBack
//   Settle(p, e)
//
// Each stage reads what the earlier ones found and adds its own; none calls
// another. They share the engine's parts (EngineParts), which are fixed once
// the engine is built.

#ifndef VIGIL_CORE_SRC_ENGINE_STAGES_STAGES_H_
#define VIGIL_CORE_SRC_ENGINE_STAGES_STAGES_H_

#include <atomic>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "engine/evaluation.h"
#include "engine/replay_options.h"
#include "mfa/mfa_service.h"
#include "model/model_slot.h"
#include "notify/notifier.h"
#include "state/user_state.h"
#include "vigil/clock.h"
#include "vigil/decision.h"
#include "vigil/geo.h"
#include "vigil/pwned.h"

namespace vigil::internal {

// A signal's contribution below this is not reported as a reason.
inline constexpr double kMinReportedContribution = 0.005;

// What the engine counted (EngineStats), shared by all evaluations.
struct EngineCounters {
  std::atomic<int64_t> evaluations{0};
  std::atomic<int64_t> verdicts[3] = {};
  std::atomic<int64_t> levels[kRiskLevelCount] = {};
  std::atomic<int64_t> outcomes{0};
  std::atomic<int64_t> invalid_attempts{0};
  std::atomic<int64_t> store_errors{0};
  std::atomic<int64_t> geo_failures{0};
  std::atomic<int64_t> signal_failures{0};
};

// The engine's parts the stages use. Not owned; they outlive every
// evaluation. Set up by Engine::Create, then only read.
struct EngineParts {
  UserState* state = nullptr;  // the per-user state (locks, caches, store)
  const ModelSlot* model = nullptr;
  const GeoResolver* geo = nullptr;
  const PasswordChecker* passwords = nullptr;
  const Clock* clock = nullptr;
  // EngineOptions::trust_attempt_timestamps.
  bool trust_attempt_timestamps = false;
  ReplayEngineOptions replay;
  const MfaServiceInternal* mfa = nullptr;  // null: no MFA service
  Notifier* notifier = nullptr;             // null: no notifications
  EngineCounters* counters = nullptr;
};

// Validates the attempt (InvalidArgument, counted as invalid_attempts),
// reads the model, dates the event, resolves the IP's place and network
// (counting a failed lookup), parses the user agent, matches the model's IP
// lists, checks the password (before the user's lock: it may wait on a
// remote range server), and makes the event with the start of its decision.
absl::Status Enrich(const EngineParts& p, Evaluation* e);

// Takes the user's profile from the state (Loaded::profile_held), reads the
// IP and ASN counters (a failure is Loaded::counters_failed, for the
// signals) and the remembered device of the attempt's device key; fills in
// the decision's baseline, device and password_reset_required. Unavailable
// (or DataLoss) if the store failed. Under the user's lock.
absl::Status Load(const EngineParts& p, Evaluation* e);

// Runs the signals (unless an IP list decides alone) and combines their
// contributions into the decision's score and reasons; a trusted device key
// scales the score down.
void Score(const EngineParts& p, Evaluation* e);

// The level (by the target challenge rate's threshold when the model has
// one), the policy's verdict given the user's factors, a remembered device's
// pass, the compromised password, the verdict the mode answers, notify.
void Decide(const EngineParts& p, Evaluation* e);

// What the profile learns from the outcome, a challenge, the device's last
// sighting, forgotten devices after a password change, the event, the
// notification, the counters and the profile, in one commit; hands the
// profile back to the state. Store errors as Commit answers them (Aborted:
// a conditional write lost a race on a shared store, where Load's profile
// read is a condition of the batch; the caller reruns from Load). An
// exclusive store gets no conditions, so its passes are never rerun;
// neither is ephemeral state's (replays on an exclusive temporary store),
// whose counters are added in the cache before the commit.
absl::Status Record(const EngineParts& p, Evaluation* e);

// Ephemeral state lives only in the cache: hands a profile Load took and
// Record did not commit back to it. Nothing otherwise (the store has it).
void HandBack(const EngineParts& p, Evaluation* e);

// Pass number `pass` (0, 1, ...) of Load, Score, Decide and Record, each
// after the first from ResetToEnriched; then HandBack. Record's status.
absl::Status RunPass(const EngineParts& p, Evaluation* e, int pass);

// After the last pass, whatever its status: what it leaves outside the
// store, once per evaluation (the target rate's sample, the signal failures
// counted).
void Settle(const EngineParts& p, const Evaluation& e);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_STAGES_STAGES_H_
