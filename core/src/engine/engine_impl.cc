// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The Engine: enrich -> signals -> score -> policy -> event log, with one
// store read round trip and one atomic write batch per evaluation.
//
// Concurrency: updates to one user's profile are serialised by a striped
// lock keyed by the user id, held from reading the profile to writing the
// batch, so concurrent requests for one user lose no update. Counters are
// merge operands and need no lock.

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "context/user_agent.h"
#include "engine/attempt_validation.h"
#include "engine/features.h"
#include "engine/learning.h"
#include "engine/state_cache.h"
#include "mfa/mfa_service.h"
#include "model/model_config.h"
#include "model/model_slot.h"
#include "model/score_quantile.h"
#include "model/scoring.h"
#include "notify/notifier.h"
#include "signals/signal.h"
#include "state/user_state.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "vigil/engine.h"

namespace vigil {
namespace {

using internal::CounterKind;
using internal::CounterRecord;
using internal::StoredEvent;
using internal::UserProfile;

constexpr double kMinReportedContribution = 0.005;

// The reason of a decision no signal contributed to: what was checked and
// found ordinary, so that an allow is never unexplained.
// `maturity`: what the familiarity signals weighed (BaselineMaturity).
std::string NothingUnusualDetail(const Decision& d, double maturity) {
  std::string detail = absl::StrCat(
      "no signal contributed (each below ", kMinReportedContribution,
      "); device ", d.context.device, "; ", d.baseline.successful_sign_ins,
      " trusted sign-in", d.baseline.successful_sign_ins == 1 ? "" : "s");
  if (!d.baseline.mature) {
    std::vector<absl::string_view> scaled;
    for (const auto& signal : internal::BuiltinSignals()) {
      if (signal->scaled_by_maturity()) scaled.push_back(signal->name());
    }
    absl::StrAppend(
        &detail, " (baseline not mature: ", absl::StrJoin(scaled, " and "),
        absl::StrFormat(" weigh %.2f)", maturity));
  }
  if (!d.signal_failures.empty()) {
    absl::StrAppend(&detail,
                    "; without data: ", absl::StrJoin(d.signal_failures, ", "));
  }
  return detail;
}

struct AtomicStats {
  std::atomic<int64_t> evaluations{0};
  std::atomic<int64_t> verdicts[3] = {};
  std::atomic<int64_t> levels[kRiskLevelCount] = {};
  std::atomic<int64_t> outcomes{0};
  std::atomic<int64_t> invalid_attempts{0};
  std::atomic<int64_t> store_errors{0};
  std::atomic<int64_t> geo_failures{0};
  std::atomic<int64_t> signal_failures{0};
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(std::shared_ptr<Store> store, std::shared_ptr<const Model> model,
             std::shared_ptr<const GeoResolver> geo,
             std::shared_ptr<const PasswordChecker> passwords,
             const Clock* clock, size_t cache_entries,
             const EngineOptions& options)
      : store_(store),
        model_(std::move(model)),
        state_(std::move(store), &model_, cache_entries,
               options.ephemeral_state, &stats_.store_errors),
        geo_(std::move(geo)),
        passwords_(std::move(passwords)),
        clock_(clock),
        assume_mfa_factor_(options.assume_mfa_factor),
        ephemeral_state_(state_.ephemeral()),
        learn_passed_challenges_(options.learn_passed_challenges),
        trust_attempt_timestamps_(options.trust_attempt_timestamps),
        record_events_(options.record_events) {}

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
  }
  Outbox* outbox() override {
    return notifier_ != nullptr ? notifier_->outbox() : nullptr;
  }
  void set_notifier(std::unique_ptr<internal::Notifier> n) {
    notifier_ = std::move(n);
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
  absl::StatusOr<UserProfile> TakeProfile(absl::string_view user_id) {
    return state_.TakeProfile(user_id);
  }
  absl::Status Commit(const WriteBatch& batch, absl::string_view user_id,
                      UserProfile* profile,
                      const std::vector<std::string>& counter_keys) {
    return state_.Commit(batch, user_id, profile, counter_keys);
  }
  bool AddCountersInCache(const StoredEvent& e, const IpAddress& ip,
                          CounterKind kind) {
    return state_.AddCountersInCache(e, ip, kind);
  }
  bool ReadCounters(const std::string& key, CounterRecord* out) {
    return state_.ReadCounters(key, out);
  }
  std::vector<std::string> AddCounters(const StoredEvent& e, const IpAddress& ip,
                                       CounterKind kind, WriteBatch* batch) {
    return state_.AddCounters(e, ip, kind, batch);
  }
  std::vector<std::string> AddCounters(const StoredEvent& e, CounterKind kind,
                                       WriteBatch* batch) {
    return state_.AddCounters(e, kind, batch);
  }
  // RecordFeedback; `from_link`: each value's link works once.
  absl::Status ApplyFeedback(absl::string_view event_id, FeedbackValue value,
                             absl::string_view source, bool from_link);

  std::shared_ptr<internal::ScoreQuantile> target() const {
    return model_.target();
  }

  // store_ and stats_ first: state_ is built on them.
  std::shared_ptr<Store> store_;
  AtomicStats stats_;
  internal::ModelSlot model_;
  internal::UserState state_;
  std::shared_ptr<const GeoResolver> geo_;
  std::shared_ptr<const PasswordChecker> passwords_;
  const Clock* clock_;
  const bool assume_mfa_factor_;
  // EngineOptions::ephemeral_state (and a cache to hold the state).
  const bool ephemeral_state_;
  const bool learn_passed_challenges_;
  const bool trust_attempt_timestamps_;
  const bool record_events_;
  std::unique_ptr<internal::MfaServiceInternal> mfa_;
  // Last: its delivery thread stops before anything else goes away.
  std::unique_ptr<internal::Notifier> notifier_;
};

// ParseUserAgent, remembering the last few thousand user agents of this
// thread: a pool's clients send few distinct strings, and parsing one costs
// far more than a lookup.
UserAgentInfo CachedParseUserAgent(const std::string& text) {
  constexpr size_t kMaxEntries = 4096;
  thread_local absl::flat_hash_map<std::string, UserAgentInfo> cache;
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  UserAgentInfo ua = ParseUserAgent(text);
  if (text.size() <= 512) {
    if (cache.size() >= kMaxEntries) cache.clear();
    cache.emplace(text, ua);
  }
  return ua;
}

// The resolver used when no GeoIP file is configured: knows nothing.
class EmptyGeoResolver final : public GeoResolver {
 public:
  absl::Status Lookup(const IpAddress&, GeoInfo* out) const override {
    *out = GeoInfo();
    return absl::OkStatus();
  }
};

absl::StatusOr<Decision> EngineImpl::Evaluate(const Attempt& attempt) {
  IpAddress ip;
  const absl::Time clock_now = clock_->Now();
  if (absl::Status s = internal::ValidateAttempt(attempt, clock_now, &ip);
      !s.ok()) {
    stats_.invalid_attempts.fetch_add(1, std::memory_order_relaxed);
    return s;
  }
  // The model and its derived-threshold state, read under one lock.
  std::shared_ptr<const Model> model_ref;
  std::shared_ptr<internal::ScoreQuantile> target;
  {
    model_.Read(&model_ref, &target);
  }
  const internal::ModelConfig& m = model_ref->config();
  // Live, the clock decides; the attempt's timestamp is the client's claim.
  const absl::Time now = trust_attempt_timestamps_
                             ? attempt.timestamp.value_or(clock_now)
                             : clock_now;

  // Enrichment.
  GeoInfo geo;
  bool geo_failed = false;
  if (!geo_->Lookup(ip, &geo).ok()) {
    geo_failed = true;
    geo = GeoInfo();
    stats_.geo_failures.fetch_add(1, std::memory_order_relaxed);
  }
  const UserAgentInfo ua = CachedParseUserAgent(attempt.user_agent);

  StoredEvent stored;
  VIGIL_ASSIGN_OR_RETURN(stored.event.event_id,
                         internal::NewEventId(attempt.user_id,
                                              absl::ToUnixNanos(now)));
  stored.features = internal::ExtractFeatures(attempt, ip, geo, ua);
  Event& event = stored.event;
  event.user_id = attempt.user_id;
  event.time = now;
  if (!trust_attempt_timestamps_) event.client_time = attempt.timestamp;
  event.event_type = attempt.event_type;
  event.ip = ip.ToString();
  event.user_agent = attempt.user_agent;
  event.device_name = internal::DeviceName(ua);
  event.time_zone = geo.time_zone;
  event.outcome = attempt.outcome;
  Decision& d = event.decision;
  d.event_id = event.event_id;
  d.mode = m.mode;
  d.model = m.id;
  d.context.country = geo.country;
  d.context.city = geo.city;
  d.context.asn = geo.asn;

  // The compromised-password check, before the user lock (it may wait on a
  // remote range server). The hash goes nowhere else.
  const internal::CompromisedCredentialsConfig& cc = m.compromised_credentials;
  bool password_compromised = false;
  std::string password_detail;
  if (!attempt.password_sha1.empty() &&
      cc.event_types[static_cast<int>(attempt.event_type)]) {
    absl::StatusOr<PasswordCheck> check =
        passwords_->Check(HashKind::kSha1, attempt.password_sha1);
    if (!check.ok() || check->degraded) {
      stats_.signal_failures.fetch_add(1, std::memory_order_relaxed);
      d.signal_failures.emplace_back("compromised_password");
    }
    if (check.ok() && check->compromised &&
        (check->count >= cc.min_count ||
         (check->degraded && check->count == 0))) {
      // count 0 with compromised: the check failed closed.
      password_compromised = true;
      password_detail =
          check->count > 0
              ? absl::StrCat("password seen ", check->count,
                             " times in breach corpora")
              : std::string("breach corpus unavailable; failing closed");
    }
  }

  std::lock_guard<std::mutex> user_lock(state_.LockFor(attempt.user_id));

  // State: the profile and the IP and ASN counters, from the cache when hot,
  // else from the store.
  const std::string ip_key = internal::IpCounterKey(absl::string_view(
      reinterpret_cast<const char*>(ip.bytes().data()), ip.bytes().size()));
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, TakeProfile(attempt.user_id));
  // Ephemeral state exists only in the cache: an early return hands the
  // profile back (Commit does on the normal path).
  bool profile_handed_back = false;
  absl::Cleanup hand_back = [&] {
    if (ephemeral_state_ && !profile_handed_back) {
      state_.profiles().Put(attempt.user_id, std::move(profile));
    }
  };
  CounterRecord ip_counters, asn_counters;
  bool counters_failed = !ReadCounters(ip_key, &ip_counters);
  if (geo.asn != 0 &&
      !ReadCounters(internal::AsnCounterKey(geo.asn), &asn_counters)) {
    counters_failed = true;
  }

  const int64_t n = profile.successful_sign_ins;
  d.baseline.successful_sign_ins = n;
  d.baseline.mature = n >= m.mature_after;
  const uint64_t device_hash =
      stored.features.hashes[static_cast<int>(internal::Feature::kDevice)];
  d.context.device =
      profile.KnowsDevice(device_hash, stored.features.fingerprint) ? "known"
                                                                     : "new";
  d.password_reset_required = profile.password_reset_required;
  internal::DeviceMatch device;
  if (!attempt.device_key.empty()) {
    if (absl::Status s = internal::FindDevice(store_.get(), attempt.user_id,
                                              attempt.device_key,
                                              absl::ToUnixSeconds(now), &device);
        !s.ok()) {
      return StoreError(s);
    }
    if (device.active) d.context.device = "remembered";
  }

  Cidr match;
  const bool always_allowed = m.ip_reputation.always_allow.Find(ip, &match);
  if (always_allowed) {
    // Decides alone: no signal is evaluated.
    d.level = RiskLevel::kNone;
    d.enforced_verdict = Verdict::kAllow;
    d.reasons.push_back(
        {"ip_reputation", 0, 0,
         absl::StrCat("in always-allow range ", match.ToString(),
                      ": allowed without evaluating the signals")});
  } else if (m.ip_reputation.always_block.Find(ip, &match)) {
    d.level = RiskLevel::kHigh;
    d.score = 1;
    d.enforced_verdict = Verdict::kBlock;
    d.reasons.push_back({"ip_reputation", 1, 1,
                         absl::StrCat("in always-block range ", match.ToString())});
  } else {
    internal::SignalInput in;
    in.attempt = &attempt;
    in.ip = &ip;
    in.geo = &geo;
    in.geo_failed = geo_failed;
    in.user_agent = &ua;
    in.profile = &profile;
    in.features = &stored.features;
    in.ip_counters = &ip_counters;
    in.asn_counters = &asn_counters;
    in.counters_failed = counters_failed;
    in.now = now;
    in.model = &m;
    const double maturity = internal::BaselineMaturity(m, n);
    std::vector<double> contributions;
    contributions.reserve(8);
    for (const auto& signal : internal::BuiltinSignals()) {
      internal::SignalResult r = signal->Evaluate(in);
      if (r.failed) {
        stats_.signal_failures.fetch_add(1, std::memory_order_relaxed);
        d.signal_failures.emplace_back(signal->name());
      }
      double c = signal->weight(m) * r.score;
      if (signal->scaled_by_maturity()) c *= maturity;
      contributions.push_back(c);
      if (c >= kMinReportedContribution) {
        d.reasons.push_back(
            {std::string(signal->name()), r.score, c, std::move(r.detail)});
      }
    }
    std::sort(d.reasons.begin(), d.reasons.end(),
              [](const Reason& a, const Reason& b) {
                return a.contribution > b.contribution;
              });
    d.score = internal::CombineContributions(contributions);
    // A device key the user has trusted: the strongest evidence for the user.
    if (!attempt.device_key.empty() && m.new_device.known_key_factor < 1 &&
        d.score > 0) {
      const uint64_t key =
          stored.features.hashes[static_cast<int>(internal::Feature::kDevice)];
      const uint32_t seen = profile.Count(internal::Feature::kDevice, key);
      if (seen > 0) {
        const double before = d.score;
        d.score *= m.new_device.known_key_factor;
        d.reasons.push_back(
            {"known_device", 1, d.score - before,
             absl::StrFormat("device key trusted in %u sign-ins: score x %.2f",
                             seen, m.new_device.known_key_factor)});
      }
    }
    double medium = m.medium;
    if (target != nullptr) {
      const double t = target->Threshold();
      if (t >= 0) medium = std::clamp(t, m.low, m.high);
    }
    d.level = internal::LevelForScore(m, d.score, medium);
    if (d.level != internal::LevelForScore(m, d.score)) {
      d.reasons.push_back(
          {"target_challenge_rate", 0, 0,
           absl::StrFormat("medium threshold %.3f (model: %.2f), under which "
                           "%.1f%% of the last %d successful sign-ins fell",
                           medium, m.medium,
                           100 * (1 - m.target_challenge_rate),
                           static_cast<int>(target->size()))});
    }
    if (target != nullptr && attempt.event_type == EventType::kSignIn &&
        attempt.outcome == Outcome::kSuccess) {
      target->Add(d.score);
    }
    const bool has_factor = assume_mfa_factor_ || profile.mfa_factors != 0;
    d.enforced_verdict =
        internal::PolicyVerdict(m, attempt.event_type, d.level, has_factor);
    if (std::optional<Reason> why = internal::PolicyReason(
            m, attempt.event_type, d.level, has_factor)) {
      d.reasons.push_back(*std::move(why));
    }
    // A remembered device answers the challenge at the levels the policy says.
    if (device.active && d.enforced_verdict == Verdict::kChallenge &&
        m.mfa.remembered_suppresses[static_cast<int>(d.level)]) {
      d.enforced_verdict = Verdict::kAllow;
      d.reasons.push_back({"remembered_device", 1, 0,
                           absl::StrCat("remembered device: no challenge at ",
                                        RiskLevelName(d.level), " risk")});
    }
    if (d.reasons.empty()) {
      d.reasons.push_back(
          {"baseline", 0, 0, NothingUnusualDetail(d, maturity)});
    }
  }
  if (password_compromised) {
    d.compromised_credentials = true;
    d.reasons.push_back({"compromised_password", 1, 0, password_detail});
    // An always-allow range decides alone, as for the signals.
    if (cc.block && !always_allowed) {
      d.enforced_verdict = Verdict::kBlock;
      d.password_reset_required = true;
    }
  }
  d.verdict = m.mode == Mode::kAudit ? Verdict::kAllow : d.enforced_verdict;
  d.notify = m.policy[static_cast<int>(attempt.event_type)]
                     [static_cast<int>(d.level)].notify;

  // Record: the event, its index entry, counters, and what the profile
  // learns, in one atomic batch.
  WriteBatch batch;
  bool profile_changed = false;
  CounterKind kind = CounterKind::kAttempt;
  if (attempt.outcome == Outcome::kSuccess &&
      d.enforced_verdict == Verdict::kAllow) {
    // A success on probation counts as an attempt, not a trusted success.
    stored.learned = internal::LearnSuccess(
        stored, internal::Confirmation::kPassword, m, &profile);
    profile_changed = true;
    if (stored.learned) kind = CounterKind::kSuccess;
    internal::UpdateUserRisk(stored, /*second_factor=*/false, m, &profile);
  } else if (learn_passed_challenges_ && attempt.outcome == Outcome::kSuccess &&
             d.enforced_verdict == Verdict::kChallenge &&
             !(attempt.label.has_value() &&
               (attempt.label->attack || attempt.label->account_takeover))) {
    // As a passed challenge: the profile learns, and the address counts the
    // success, as a live challenge passed (or "it was me" feedback) counts it
    // when it is learned.
    stored.learned = internal::LearnSuccess(
        stored, internal::Confirmation::kSecondFactor, m, &profile);
    if (stored.learned) kind = CounterKind::kSuccess;
    internal::UpdateUserRisk(stored, /*second_factor=*/true, m, &profile);
    profile_changed = true;
  } else if (learn_passed_challenges_ && attempt.outcome == Outcome::kSuccess &&
             d.enforced_verdict == Verdict::kChallenge) {
    // A labelled attack: the challenge counts as failed for good.
    internal::RecordFailedChallenge(stored, &profile);
    profile_changed = true;
  } else if (attempt.outcome == Outcome::kSuccess) {
    // The right password, challenged or blocked: the user risk may rise.
    profile_changed |=
        internal::UpdateUserRisk(stored, /*second_factor=*/false, m, &profile);
  } else if (attempt.outcome == Outcome::kFailure) {
    internal::RecordFailure(absl::ToUnixSeconds(now), &profile);
    profile_changed = true;
    kind = CounterKind::kFailure;
  }
  if (d.verdict == Verdict::kChallenge) {
    VIGIL_ASSIGN_OR_RETURN(d.challenge,
                           internal::NewChallenge(m.mfa, event, profile.mfa_factors,
                                                  mfa_ != nullptr ? mfa_->offerable_methods() : 0,
                                                  clock_now, &batch));
  }
  if (device.found) {
    device.record.last_seen = absl::ToUnixSeconds(now);
    device.record.last_ip = event.ip;
    device.record.last_city = geo.city;
    device.record.last_country = geo.country;
    batch.Put(Table::kDevices,
              internal::DeviceStoreKey(attempt.user_id, device.record.key_hash),
              device.record.Encode());
  }
  if (attempt.event_type == EventType::kPasswordChange &&
      attempt.outcome == Outcome::kSuccess &&
      d.enforced_verdict == Verdict::kAllow) {
    VIGIL_RETURN_IF_ERROR(ForgetDevicesOnPasswordChange(m, attempt.user_id, &batch));
  }
  if (record_events_) {
    std::string event_key;
    internal::EventKey(event.event_id, &event_key);
    batch.Put(Table::kEvents, event_key, stored.Encode());
  }
  // Notifications go into the outbox in the same batch as the event.
  internal::EnqueueCount notified;
  if (notifier_ != nullptr && notifier_->Wants(d)) {
    if (absl::Status s =
            notifier_->Enqueue(event, clock_now, &batch, &profile, &notified);
        !s.ok()) {
      return StoreError(s);
    }
    profile_changed |= notified.profile_changed;
  }
  std::vector<std::string> touched;
  if (ephemeral_state_) {
    if (!AddCountersInCache(stored, ip, kind)) {
      state_.CountStoreError();
    }
  } else {
    touched = AddCounters(stored, ip, kind, &batch);
    if (profile_changed) {
      batch.Put(Table::kUsers, attempt.user_id, profile.Encode());
    }
  }
  // The profile goes back to the cache, changed or not (it was taken).
  profile_handed_back = true;
  VIGIL_RETURN_IF_ERROR(Commit(batch, attempt.user_id, &profile, touched));
  if (notified.messages + notified.no_address + notified.suppressed > 0) {
    notifier_->Committed(notified);
  }

  stats_.evaluations.fetch_add(1, std::memory_order_relaxed);
  stats_.verdicts[static_cast<int>(d.verdict)].fetch_add(1, std::memory_order_relaxed);
  stats_.levels[static_cast<int>(d.level)].fetch_add(1, std::memory_order_relaxed);
  return std::move(d);
}

absl::Status EngineImpl::RecordOutcome(absl::string_view event_id,
                                       Outcome outcome) {
  if (outcome == Outcome::kUnknown) {
    return absl::InvalidArgumentError("outcome: must be success or failure");
  }
  VIGIL_ASSIGN_OR_RETURN(StoredEvent probe, LoadEvent(event_id));
  std::lock_guard<std::mutex> lock(state_.LockFor(probe.event.user_id));
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));  // under lock
  if (e.event.outcome != Outcome::kUnknown) {
    return absl::FailedPreconditionError(absl::StrCat(
        "outcome: event already has outcome ", OutcomeName(e.event.outcome)));
  }
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, LoadProfile(e.event.user_id));
  e.event.outcome = outcome;
  WriteBatch batch;
  std::vector<std::string> touched;
  bool profile_changed = false;
  if (outcome == Outcome::kSuccess) {
    if (e.event.event_type == EventType::kPasswordChange &&
        e.event.decision.enforced_verdict == Verdict::kAllow) {
      VIGIL_RETURN_IF_ERROR(ForgetDevicesOnPasswordChange(
          model()->config(), e.event.user_id, &batch));
    }
    const internal::ModelConfig& m = model()->config();
    if (e.event.event_type == EventType::kSignIn) {
      if (const auto target = this->target()) target->Add(e.event.decision.score);
    }
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
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));
  const uint8_t link_bit = 1u << static_cast<int>(value);
  if (from_link && (e.links_used & link_bit) != 0) {
    return absl::AlreadyExistsError("token: this link was already used");
  }
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, LoadProfile(e.event.user_id));
  const absl::Time now = clock_->Now();
  e.event.feedback = Feedback{value, std::string(source), now};
  if (from_link) e.links_used |= link_bit;
  internal::ApplyFeedback(value, absl::ToUnixSeconds(now), &e, &profile);
  WriteBatch batch;
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
  // The first key after every key with `prefix` (which starts with "v", so
  // it is never all 0xff bytes).
  std::string limit_key = prefix;
  while (static_cast<uint8_t>(limit_key.back()) == 0xff) limit_key.pop_back();
  limit_key.back() = static_cast<char>(static_cast<uint8_t>(limit_key.back()) + 1);
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

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
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
      clock, options.state_cache_entries, options);
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

}  // namespace vigil
