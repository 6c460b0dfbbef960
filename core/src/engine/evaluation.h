// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// One Engine::Evaluate in progress: what each stage (engine/stages/stages.h)
// found, in the order the stages run:
//   enrich  the attempt validated, its place, network, user agent, the IP
//           lists and the password check; the event and the start of its
//           decision. Runs once.
//   load    the user's profile, the IP and ASN counters, the remembered
//           device (under the user's lock).
//   score   the signals and their combined score.
//   decide  level, policy, remembered device, MFA, notification.
//   record  what the profile learns, the counters, the event, one commit.
// A commit that loses a race with another process (Aborted) reruns load to
// record over fresh state; ResetToEnriched forgets what the last pass found.

#ifndef VIGIL_CORE_SRC_ENGINE_EVALUATION_H_
#define VIGIL_CORE_SRC_ENGINE_EVALUATION_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "context/user_agent.h"
#include "devices/remembered_devices.h"
#include "model/model_config.h"
#include "model/score_quantile.h"
#include "notify/notifier.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "vigil/attempt.h"
#include "vigil/decision.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"
#include "vigil/model.h"
#include "vigil/store.h"

namespace vigil::internal {

// Enrich's findings: fixed for the whole evaluation, retries included.
struct Enriched {
  // The model and its derived-threshold state (null without a target rate),
  // read once: the evaluation finishes with the model it started with.
  std::shared_ptr<const Model> model;
  std::shared_ptr<ScoreQuantile> target;
  const ModelConfig* config = nullptr;  // model->config()
  // The engine's clock's time, and the event's (clock_now, or the attempt's
  // timestamp under EngineOptions::trust_attempt_timestamps).
  absl::Time clock_now;
  absl::Time now;
  IpAddress ip;
  GeoInfo geo;
  bool geo_failed = false;  // the lookup failed (not merely "unknown")
  UserAgentInfo user_agent;
  // An IP list of the model decides alone: no signal is evaluated.
  enum class IpList { kNone, kAlwaysAllow, kAlwaysBlock };
  IpList ip_list = IpList::kNone;
  Cidr ip_list_range;  // the range that matched
  // The compromised-password check (its hash goes nowhere else).
  bool password_check_failed = false;  // failed or degraded
  bool password_compromised = false;
  std::string password_detail;
};

// Load's findings.
struct Loaded {
  UserProfile profile;
  // `profile` was taken out of the state cache and not yet handed back
  // (Record's commit hands it back; HandBack on any other exit).
  bool profile_held = false;
  CounterRecord ip_counters;
  CounterRecord asn_counters;
  bool counters_failed = false;
  DeviceMatch device;
  // Trusted sign-ins of the attempt's device hash (its key, else its
  // fingerprint, else browser and OS), and whether the device is known by
  // that hash or by the fingerprint beside its key (UserProfile::
  // KnowsDevice): found once, read by Score and the signals.
  uint32_t device_trusted = 0;
  bool device_known = false;
  // For a new device without a key: trusted sign-ins of its browser without
  // a key (LearnableFeatures::KeylessBrowser); 0 otherwise.
  uint32_t keyless_browser_trusted = 0;
};

// Score's findings (the score and reasons are in the decision).
struct Scored {
  double maturity = 0;      // what the familiarity signals weighed
  int signal_failures = 0;  // signals that could not be evaluated
};

// Decide's findings (the rest is in the decision).
struct Decided {
  // The score the target challenge rate learns (a successful sign-in).
  std::optional<double> target_sample;
};

// Record's work.
struct Recorded {
  WriteBatch batch;
  CounterKind counter_kind = CounterKind::kAttempt;
  bool profile_changed = false;
  std::vector<std::string> touched_counters;  // cached ahead of the commit
  EnqueueCount notified;
};

struct Evaluation {
  explicit Evaluation(const Attempt& a) : attempt(a) {}
  Evaluation(const Evaluation&) = delete;
  Evaluation& operator=(const Evaluation&) = delete;

  const Attempt& attempt;  // must outlive this
  Enriched enriched;
  // The event. Enrich sets its fields and starts its decision (StartDecision);
  // the later stages change only the decision and `stored.learned`.
  StoredEvent stored;
  Loaded loaded;
  Scored scored;
  Decided decided;
  Recorded recorded;

  Decision& decision() { return stored.event.decision; }
  const ModelConfig& config() const { return *enriched.config; }

  // Back to what enrich left, for another pass of load to record: the
  // decision as StartDecision made it, the event and `enriched` as they are,
  // the rest empty. The caller has handed back a held profile (HandBack).
  // Moves only: costs nothing when no pass is retried.
  void ResetToEnriched();
};

// The decision as enrich makes it, from `e.stored.event` and `e.enriched`:
// its event id, mode, model, place and network, and the password check's
// failure.
void StartDecision(const Evaluation& e, Decision* d);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_EVALUATION_H_
