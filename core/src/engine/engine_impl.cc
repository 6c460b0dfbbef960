// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Engine. Evaluate runs the stages of engine/stages/stages.h (enrich,
// load, score, decide, record) over one Evaluation, with one store read
// round trip and one atomic write batch per pass.
//
// Concurrency: updates to one user's profile are serialised by a striped
// lock keyed by the user id, held from reading the profile to writing the
// batch, so concurrent requests for one user lose no update. Counters are
// merge operands and need no lock. A commit that loses a race with another
// process (Aborted) reruns load to record, at most kMaxConflictAttempts
// times.

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/hash.h"
#include "common/status_macros.h"
#include "engine/attempt_validation.h"
#include "engine/evaluation.h"
#include "engine/learning.h"
#include "engine/replay_options.h"
#include "engine/stages/stages.h"
#include "engine/state_cache.h"
#include "mfa/mfa_service.h"
#include "model/model_config.h"
#include "model/model_slot.h"
#include "model/score_quantile.h"
#include "notify/notifier.h"
#include "state/conflicts.h"
#include "state/user_state.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "vigil/engine.h"

namespace vigil {
namespace {

using internal::CounterKind;
using internal::StoredEvent;
using internal::UserProfile;

class EngineImpl final : public Engine {
 public:
  EngineImpl(std::shared_ptr<Store> store, std::shared_ptr<const Model> model,
             std::shared_ptr<const GeoResolver> geo,
             std::shared_ptr<const PasswordChecker> passwords,
             const Clock* clock, size_t cache_entries,
             const EngineOptions& options,
             const internal::ReplayEngineOptions& replay)
      : store_(store),
        model_(std::move(model)),
        state_(std::move(store), &model_, cache_entries,
               replay.ephemeral_state, &stats_.store_errors),
        geo_(std::move(geo)),
        passwords_(std::move(passwords)),
        clock_(clock) {
    parts_.state = &state_;
    parts_.model = &model_;
    parts_.geo = geo_.get();
    parts_.passwords = passwords_.get();
    parts_.clock = clock_;
    parts_.trust_attempt_timestamps = options.trust_attempt_timestamps;
    parts_.replay = replay;
    parts_.counters = &stats_;
  }

  absl::StatusOr<Decision> Evaluate(const Attempt& attempt) override;
  absl::Status RecordOutcome(absl::string_view event_id,
                             Outcome outcome) override;
  absl::Status RecordFeedback(absl::string_view event_id, FeedbackValue value,
                              absl::string_view source) override;
  absl::StatusOr<FeedbackLinkResult> RecordFeedbackFromLink(
      absl::string_view token) override;
  absl::StatusOr<Event> GetEvent(absl::string_view event_id) override;
  absl::StatusOr<EventPage> ListEvents(absl::string_view user_id,
                                       absl::string_view cursor,
                                       int limit) override;

  void SetModel(std::shared_ptr<const Model> model) override {
    model_.Set(std::move(model));
  }
  std::shared_ptr<const Model> model() const override { return model_.model(); }
  // What the MFA service is built on.
  internal::UserState* state() { return &state_; }
  const internal::ModelSlot* model_slot() const { return &model_; }

  MfaService* mfa() override { return mfa_.get(); }
  PasskeyService* passkeys() override {
    return mfa_ ? mfa_->passkeys() : nullptr;
  }
  void set_mfa(std::unique_ptr<internal::MfaServiceInternal> mfa) {
    mfa_ = std::move(mfa);
    parts_.mfa = mfa_.get();
  }
  Outbox* outbox() override {
    return notifier_ != nullptr ? notifier_->outbox() : nullptr;
  }
  void set_notifier(std::unique_ptr<internal::Notifier> n) {
    notifier_ = std::move(n);
    parts_.notifier = notifier_.get();
  }

  EngineStats stats() const override {
    EngineStats s;
    s.evaluations = stats_.evaluations.load();
    for (int i = 0; i < 3; ++i) s.verdicts[i] = stats_.verdicts[i].load();
    for (int i = 0; i < kRiskLevelCount; ++i) s.levels[i] = stats_.levels[i].load();
    s.outcomes = stats_.outcomes.load();
    s.invalid_attempts = stats_.invalid_attempts.load();
    s.store_errors = stats_.store_errors.load();
    s.geo_failures = stats_.geo_failures.load();
    s.signal_failures = stats_.signal_failures.load();
    if (mfa_ != nullptr) s.mfa = mfa_->stats();
    if (notifier_ != nullptr) s.outbox = notifier_->outbox()->stats();
    return s;
  }

 private:
  // The shared user state (state/user_state.h), under the engine's names.
  absl::Status StoreError(const absl::Status& s) { return state_.StoreError(s); }
  absl::Status ForgetDevicesOnPasswordChange(const internal::ModelConfig& m,
                                             absl::string_view user_id,
                                             WriteBatch* batch) {
    return state_.ForgetDevicesOnPasswordChange(m, user_id, batch);
  }
  absl::StatusOr<StoredEvent> LoadEvent(absl::string_view event_id) {
    return state_.LoadEvent(event_id);
  }
  absl::StatusOr<UserProfile> LoadProfile(absl::string_view user_id) {
    return state_.LoadProfile(user_id);
  }
  absl::Status Commit(const WriteBatch& batch, absl::string_view user_id,
                      UserProfile* profile,
                      const std::vector<std::string>& counter_keys) {
    return state_.Commit(batch, user_id, profile, counter_keys);
  }
  std::vector<std::string> AddCounters(const StoredEvent& e, CounterKind kind,
                                       WriteBatch* batch) {
    return state_.AddCounters(e, kind, batch);
  }
  // RecordFeedback; `from_link`: each value's link works once.
  absl::Status ApplyFeedback(absl::string_view event_id, FeedbackValue value,
                             absl::string_view source, bool from_link);
  // One attempt of ApplyFeedback / RecordOutcome under the user's lock:
  // Aborted if, on a shared store, another writer changed the event or the
  // profile after it was read (nothing written; run it again).
  absl::Status ApplyFeedbackOnce(absl::string_view event_id,
                                 FeedbackValue value, absl::string_view source,
                                 bool from_link);
  absl::Status RecordOutcomeOnce(absl::string_view event_id, Outcome outcome);

  std::shared_ptr<internal::ScoreQuantile> target() const {
    return model_.target();
  }

  // store_ and stats_ first: state_ is built on them.
  std::shared_ptr<Store> store_;
  internal::EngineCounters stats_;
  internal::ModelSlot model_;
  internal::UserState state_;
  std::shared_ptr<const GeoResolver> geo_;
  std::shared_ptr<const PasswordChecker> passwords_;
  const Clock* clock_;
  // What the stages of Evaluate use (pointers into the members above and
  // below).
  internal::EngineParts parts_;
  std::unique_ptr<internal::MfaServiceInternal> mfa_;
  // Last: its delivery thread stops before anything else goes away.
  std::unique_ptr<internal::Notifier> notifier_;
};

// The resolver used when no GeoIP file is configured: knows nothing.
class EmptyGeoResolver final : public GeoResolver {
 public:
  absl::Status Lookup(const IpAddress&, GeoInfo* out) const override {
    *out = GeoInfo();
    return absl::OkStatus();
  }
};

absl::StatusOr<Decision> EngineImpl::Evaluate(const Attempt& attempt) {
  internal::Evaluation e(attempt);
  VIGIL_RETURN_IF_ERROR(internal::Enrich(parts_, &e));
  std::lock_guard<std::mutex> user_lock(state_.LockFor(attempt.user_id));
  const absl::Status s = internal::RetryOnConflict(
      [&](int pass) { return internal::RunPass(parts_, &e, pass); });
  internal::Settle(parts_, e);
  VIGIL_RETURN_IF_ERROR(s);
  const Decision& d = e.decision();
  stats_.evaluations.fetch_add(1, std::memory_order_relaxed);
  stats_.verdicts[static_cast<int>(d.verdict)].fetch_add(1, std::memory_order_relaxed);
  stats_.levels[static_cast<int>(d.level)].fetch_add(1, std::memory_order_relaxed);
  return std::move(e.decision());
}

absl::Status EngineImpl::RecordOutcome(absl::string_view event_id,
                                       Outcome outcome) {
  if (outcome == Outcome::kUnknown) {
    return absl::InvalidArgumentError("outcome: must be success or failure");
  }
  VIGIL_ASSIGN_OR_RETURN(StoredEvent probe, LoadEvent(event_id));
  std::lock_guard<std::mutex> lock(state_.LockFor(probe.event.user_id));
  return internal::RetryOnConflict(
      [&] { return RecordOutcomeOnce(event_id, outcome); });
}

absl::Status EngineImpl::RecordOutcomeOnce(absl::string_view event_id,
                                           Outcome outcome) {
  WriteBatch batch;
  WriteBatch* const guard = state_.GuardOf(&batch);
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e,
                         state_.LoadEvent(event_id, guard));  // under lock
  if (e.event.outcome != Outcome::kUnknown) {
    return absl::FailedPreconditionError(absl::StrCat(
        "outcome: event already has outcome ", OutcomeName(e.event.outcome)));
  }
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile,
                         state_.LoadProfile(e.event.user_id, guard));
  e.event.outcome = outcome;
  std::vector<std::string> touched;
  bool profile_changed = false;
  if (outcome == Outcome::kSuccess) {
    if (e.event.event_type == EventType::kPasswordChange &&
        e.event.decision.enforced_verdict == Verdict::kAllow) {
      VIGIL_RETURN_IF_ERROR(ForgetDevicesOnPasswordChange(
          model()->config(), e.event.user_id, &batch));
    }
    const internal::ModelConfig& m = model()->config();
    if (e.event.decision.enforced_verdict == Verdict::kAllow && !e.learned) {
      e.learned = internal::LearnSuccess(
          e, internal::Confirmation::kPassword, m, &profile);
      // On probation it stays counted as the attempt it was.
      if (e.learned) touched = AddCounters(e, CounterKind::kSuccess, &batch);
      profile_changed = true;
    }
    profile_changed |=
        internal::UpdateUserRisk(e, /*second_factor=*/false, m, &profile);
  } else {
    internal::RecordFailure(absl::ToUnixSeconds(e.event.time), &profile);
    touched = AddCounters(e, CounterKind::kFailure, &batch);
    profile_changed = true;
  }
  if (profile_changed) batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
  std::string event_key;
  internal::EventKey(event_id, &event_key);
  batch.Put(Table::kEvents, event_key, e.Encode());
  VIGIL_RETURN_IF_ERROR(Commit(batch, e.event.user_id,
                               profile_changed ? &profile : nullptr, touched));
  if (outcome == Outcome::kSuccess &&
      e.event.event_type == EventType::kSignIn) {
    if (const auto target = this->target()) target->Add(e.event.decision.score);
  }
  stats_.outcomes.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status EngineImpl::RecordFeedback(absl::string_view event_id,
                                        FeedbackValue value,
                                        absl::string_view source) {
  return ApplyFeedback(event_id, value, source, /*from_link=*/false);
}

absl::StatusOr<FeedbackLinkResult> EngineImpl::RecordFeedbackFromLink(
    absl::string_view token) {
  if (notifier_ == nullptr) {
    return absl::FailedPreconditionError("feedback links are not configured");
  }
  VIGIL_ASSIGN_OR_RETURN(internal::FeedbackClaim claim,
                         notifier_->VerifyLink(token));
  VIGIL_RETURN_IF_ERROR(
      ApplyFeedback(claim.event_id, claim.value, "email", /*from_link=*/true));
  return FeedbackLinkResult{claim.event_id, claim.value};
}

absl::Status EngineImpl::ApplyFeedback(absl::string_view event_id,
                                       FeedbackValue value,
                                       absl::string_view source,
                                       bool from_link) {
  VIGIL_ASSIGN_OR_RETURN(StoredEvent probe, LoadEvent(event_id));
  std::lock_guard<std::mutex> lock(state_.LockFor(probe.event.user_id));
  return internal::RetryOnConflict(
      [&] { return ApplyFeedbackOnce(event_id, value, source, from_link); });
}

absl::Status EngineImpl::ApplyFeedbackOnce(absl::string_view event_id,
                                           FeedbackValue value,
                                           absl::string_view source,
                                           bool from_link) {
  // On a shared store the event's link bits are the condition of the write:
  // a link used through two processes at once takes effect once.
  WriteBatch batch;
  WriteBatch* const guard = state_.GuardOf(&batch);
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, state_.LoadEvent(event_id, guard));
  const uint8_t link_bit = 1u << static_cast<int>(value);
  if (from_link && (e.links_used & link_bit) != 0) {
    return absl::AlreadyExistsError("token: this link was already used");
  }
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile,
                         state_.LoadProfile(e.event.user_id, guard));
  const absl::Time now = clock_->Now();
  e.event.feedback = Feedback{value, std::string(source), now};
  if (from_link) e.links_used |= link_bit;
  internal::ApplyFeedback(value, absl::ToUnixSeconds(now), &e, &profile);
  std::string event_key;
  internal::EventKey(event_id, &event_key);
  batch.Put(Table::kEvents, event_key, e.Encode());
  batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
  return Commit(batch, e.event.user_id, &profile, {});
}

absl::StatusOr<Event> EngineImpl::GetEvent(absl::string_view event_id) {
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));
  return std::move(e.event);
}

absl::StatusOr<EventPage> EngineImpl::ListEvents(absl::string_view user_id,
                                                 absl::string_view cursor,
                                                 int limit) {
  VIGIL_RETURN_IF_ERROR(internal::ValidateUserId(user_id));
  if (limit < 1 || limit > 1000) {
    return absl::InvalidArgumentError("limit: must be in [1, 1000]");
  }
  const std::string prefix = internal::UserEventPrefix(user_id);
  std::string start = prefix;
  if (!cursor.empty()) {
    // A cursor is the id of the last event returned, which must be one of
    // this user's.
    if (!internal::EventKey(cursor, &start) ||
        !absl::StartsWith(start, prefix)) {
      return absl::InvalidArgumentError("cursor: not a valid cursor");
    }
  }
  // Every key with `prefix` (which starts with "v", so the limit is never
  // empty).
  const std::string limit_key = PrefixLimit(prefix);
  std::unique_ptr<StoreIterator> it = store_->Scan(Table::kEvents, start, limit_key);
  EventPage page;
  for (; it->Valid(); it->Next()) {
    if (!cursor.empty() && it->key() == start) continue;
    StoredEvent e;
    if (!e.Decode(it->value())) {
      state_.CountStoreError();
      return absl::DataLossError("store: event record is unreadable");
    }
    if (e.event.user_id != user_id) continue;  // another user, same hash
    if (static_cast<int>(page.events.size()) == limit) {
      page.next_cursor = page.events.back().event_id;
      break;
    }
    page.events.push_back(std::move(e.event));
  }
  if (absl::Status s = it->status(); !s.ok()) return StoreError(s);
  return page;
}

absl::StatusOr<std::unique_ptr<Engine>> CreateEngine(
    EngineOptions options, const internal::ReplayEngineOptions& replay) {
  std::shared_ptr<Store> store = std::move(options.store);
  if (store == nullptr) {
    if (options.store_url.empty() && options.data_dir.empty()) {
      return absl::InvalidArgumentError(
          "store_url or data_dir: required when no store is given");
    }
    StoreOptions so;
    so.logger = options.logger;
    VIGIL_ASSIGN_OR_RETURN(
        std::unique_ptr<Store> opened,
        OpenStore(options.store_url.empty() ? RocksDbStoreUrl(options.data_dir)
                                            : options.store_url,
                  so));
    store = std::move(opened);
  }
  std::shared_ptr<const Model> model = std::move(options.model);
  if (model == nullptr) {
    if (options.model_path.empty()) {
      return absl::InvalidArgumentError(
          "model_path: required when no model is given");
    }
    VIGIL_ASSIGN_OR_RETURN(model, Model::LoadFile(options.model_path));
  }
  std::shared_ptr<const GeoResolver> geo = std::move(options.geo_resolver);
  if (geo == nullptr) {
    const GeoOptions& g = options.geo;
    if (g.city_dbs.empty() && g.asn_dbs.empty() && g.asn_csvs.empty() &&
        g.anonymous_ip_dbs.empty()) {
      geo = std::make_shared<EmptyGeoResolver>();
    } else {
      VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<GeoResolver> made,
                             CreateGeoResolver(g, options.logger.get()));
      geo = std::move(made);
    }
  }
  std::shared_ptr<const PasswordChecker> passwords =
      std::move(options.password_checker);
  if (passwords == nullptr) {
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<BreachCorpus> corpus,
                           OpenBreachCorpus(store));
    passwords = std::move(corpus);
  }
  const Clock* clock = options.clock != nullptr ? options.clock : RealClock();
  Store* raw_store = store.get();
  std::shared_ptr<Store> shared_store = store;
  auto engine = std::make_unique<EngineImpl>(
      std::move(store), std::move(model), std::move(geo), std::move(passwords),
      clock, options.state_cache_entries, options, replay);
  VIGIL_ASSIGN_OR_RETURN(
      std::unique_ptr<internal::MfaServiceInternal> mfa,
      internal::CreateMfaService(options.mfa, engine->state(),
                                 engine->model_slot(), raw_store, clock));
  engine->set_mfa(std::move(mfa));
  if (options.notify.outbox.logger == nullptr) {
    options.notify.outbox.logger = options.logger;
  }
  VIGIL_ASSIGN_OR_RETURN(
      std::unique_ptr<internal::Notifier> notifier,
      internal::Notifier::Create(std::move(options.notify), shared_store, clock));
  engine->set_notifier(std::move(notifier));
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  return CreateEngine(std::move(options), internal::ReplayEngineOptions());
}

namespace internal {

absl::StatusOr<std::unique_ptr<Engine>> CreateReplayEngine(
    EngineOptions options, const ReplayEngineOptions& replay) {
  return CreateEngine(std::move(options), replay);
}

}  // namespace internal

}  // namespace vigil
