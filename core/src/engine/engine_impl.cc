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

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "context/user_agent.h"
#include "engine/attempt_validation.h"
#include "engine/features.h"
#include "engine/learning.h"
#include "model/model_config.h"
#include "model/scoring.h"
#include "signals/signal.h"
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

constexpr int kLockStripes = 1024;
constexpr uint64_t kUserHashSeed = 0x7573;  // distinct users in counters
constexpr double kMinReportedContribution = 0.005;

class StripedLocks {
 public:
  std::mutex& For(absl::string_view user_id) {
    return locks_[internal::StableHash(user_id) % kLockStripes];
  }

 private:
  std::array<std::mutex, kLockStripes> locks_;
};

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

absl::Status StoreError(AtomicStats* stats, const absl::Status& s) {
  stats->store_errors.fetch_add(1, std::memory_order_relaxed);
  if (absl::IsUnavailable(s) || absl::IsDataLoss(s)) return s;
  return absl::UnavailableError(absl::StrCat("store: ", s.message()));
}

class EngineImpl final : public Engine {
 public:
  EngineImpl(std::shared_ptr<Store> store, std::shared_ptr<const Model> model,
             std::shared_ptr<const GeoResolver> geo, const Clock* clock)
      : store_(std::move(store)),
        model_(std::move(model)),
        geo_(std::move(geo)),
        clock_(clock) {}

  absl::StatusOr<Decision> Evaluate(const Attempt& attempt) override;
  absl::Status RecordOutcome(absl::string_view event_id,
                             Outcome outcome) override;
  absl::Status RecordFeedback(absl::string_view event_id, FeedbackValue value,
                              absl::string_view source) override;
  absl::StatusOr<Event> GetEvent(absl::string_view event_id) override;
  absl::StatusOr<EventPage> ListEvents(absl::string_view user_id,
                                       absl::string_view cursor,
                                       int limit) override;

  void SetModel(std::shared_ptr<const Model> model) override {
    absl::MutexLock lock(&model_mu_);
    model_ = std::move(model);
  }
  std::shared_ptr<const Model> model() const override {
    absl::ReaderMutexLock lock(&model_mu_);
    return model_;
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
    return s;
  }

 private:
  // Loads an event; NotFound / DataLoss / Unavailable.
  absl::StatusOr<StoredEvent> LoadEvent(absl::string_view event_id);
  // Loads a profile; an absent one is empty.
  absl::StatusOr<UserProfile> LoadProfile(absl::string_view user_id);
  void AddCounters(const StoredEvent& e, CounterKind kind, WriteBatch* batch);

  std::shared_ptr<Store> store_;
  mutable absl::Mutex model_mu_;
  std::shared_ptr<const Model> model_ ABSL_GUARDED_BY(model_mu_);
  std::shared_ptr<const GeoResolver> geo_;
  const Clock* clock_;
  StripedLocks locks_;
  AtomicStats stats_;
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
  IpAddress ip;
  if (absl::Status s = internal::ValidateAttempt(attempt, &ip); !s.ok()) {
    stats_.invalid_attempts.fetch_add(1, std::memory_order_relaxed);
    return s;
  }
  const std::shared_ptr<const Model> model_ref = model();
  const internal::ModelConfig& m = model_ref->config();
  const absl::Time now = attempt.timestamp.value_or(clock_->Now());

  // Enrichment.
  GeoInfo geo;
  bool geo_failed = false;
  if (!geo_->Lookup(ip, &geo).ok()) {
    geo_failed = true;
    geo = GeoInfo();
    stats_.geo_failures.fetch_add(1, std::memory_order_relaxed);
  }
  const UserAgentInfo ua = ParseUserAgent(attempt.user_agent);

  StoredEvent stored;
  VIGIL_ASSIGN_OR_RETURN(stored.event.event_id, internal::RandomHex(16));
  stored.features = internal::ExtractFeatures(attempt, ip, geo, ua);
  Event& event = stored.event;
  event.user_id = attempt.user_id;
  event.time = now;
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

  std::lock_guard<std::mutex> user_lock(locks_.For(attempt.user_id));

  // One read round trip: profile, IP counters, ASN counters.
  const std::string ip_key = internal::IpCounterKey(absl::string_view(
      reinterpret_cast<const char*>(ip.bytes().data()), ip.bytes().size()));
  const std::string asn_key = internal::AsnCounterKey(geo.asn);
  std::vector<std::string> values;
  std::vector<absl::Status> statuses;
  absl::Status read = store_->MultiGet(
      {{Table::kUsers, attempt.user_id},
       {Table::kCounters, ip_key},
       {Table::kCounters, asn_key}},
      &values, &statuses);
  if (!read.ok()) return StoreError(&stats_, read);
  if (!statuses[0].ok() && !absl::IsNotFound(statuses[0])) {
    return StoreError(&stats_, statuses[0]);
  }
  UserProfile profile;
  if (statuses[0].ok() && !profile.Decode(values[0])) {
    stats_.store_errors.fetch_add(1, std::memory_order_relaxed);
    return absl::DataLossError(
        absl::StrCat("store: profile of user is unreadable"));
  }
  CounterRecord ip_counters, asn_counters;
  bool counters_failed = false;
  for (int i : {1, 2}) {
    if (statuses[i].ok()) {
      CounterRecord& rec = i == 1 ? ip_counters : asn_counters;
      if (!rec.Decode(values[i])) counters_failed = true;
    } else if (!absl::IsNotFound(statuses[i])) {
      counters_failed = true;
    }
  }

  const int64_t n = profile.successful_sign_ins;
  d.baseline.successful_sign_ins = n;
  d.baseline.mature = n >= m.mature_after;
  const uint64_t device_hash =
      stored.features.hashes[static_cast<int>(internal::Feature::kDevice)];
  d.context.device =
      device_hash != 0 && profile.Count(internal::Feature::kDevice, device_hash) > 0
          ? "known"
          : "new";
  d.password_reset_required = profile.password_reset_required;

  Cidr match;
  if (m.ip_reputation.always_allow.Find(ip, &match)) {
    // Decides alone: no signal is evaluated.
    d.level = RiskLevel::kNone;
    d.enforced_verdict = Verdict::kAllow;
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
    const double maturity =
        std::min(1.0, static_cast<double>(n) / m.mature_after);
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
    d.level = internal::LevelForScore(m, d.score);
    d.enforced_verdict = internal::PolicyVerdict(
        m, attempt.event_type, d.level, profile.mfa_factors != 0);
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
    internal::LearnTrustedSuccess(stored, &profile);
    stored.learned = true;
    profile_changed = true;
    kind = CounterKind::kSuccess;
  } else if (attempt.outcome == Outcome::kFailure) {
    internal::RecordFailure(absl::ToUnixSeconds(now), &profile);
    profile_changed = true;
    kind = CounterKind::kFailure;
  }
  batch.Put(Table::kEvents, internal::EventKey(event.event_id), stored.Encode());
  batch.Put(Table::kEvents,
            internal::UserEventKey(event.user_id, absl::ToUnixNanos(now),
                                   event.event_id),
            "");
  AddCounters(stored, kind, &batch);
  if (profile_changed) {
    batch.Put(Table::kUsers, attempt.user_id, profile.Encode());
  }
  if (absl::Status s = store_->Write(batch); !s.ok()) {
    return StoreError(&stats_, s);
  }

  stats_.evaluations.fetch_add(1, std::memory_order_relaxed);
  stats_.verdicts[static_cast<int>(d.verdict)].fetch_add(1, std::memory_order_relaxed);
  stats_.levels[static_cast<int>(d.level)].fetch_add(1, std::memory_order_relaxed);
  return std::move(d);
}

void EngineImpl::AddCounters(const StoredEvent& e, CounterKind kind,
                             WriteBatch* batch) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  const uint64_t user = internal::StableHash(e.event.user_id, kUserHashSeed);
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(e.event.ip);
  if (ip.ok()) {
    batch->Merge(Table::kCounters,
                 internal::IpCounterKey(absl::string_view(
                     reinterpret_cast<const char*>(ip->bytes().data()), 16)),
                 internal::EncodeCounterOperand(t, kind, user));
  }
  if (e.event.decision.context.asn != 0) {
    batch->Merge(Table::kCounters,
                 internal::AsnCounterKey(e.event.decision.context.asn),
                 internal::EncodeCounterOperand(t, kind, user));
  }
}

absl::StatusOr<StoredEvent> EngineImpl::LoadEvent(absl::string_view event_id) {
  if (event_id.empty() || event_id.size() > 64) {
    return absl::NotFoundError("event: no such event");
  }
  std::string value;
  absl::Status s = store_->Get(Table::kEvents, internal::EventKey(event_id), &value);
  if (absl::IsNotFound(s)) return absl::NotFoundError("event: no such event");
  if (!s.ok()) return StoreError(&stats_, s);
  StoredEvent e;
  if (!e.Decode(value)) {
    stats_.store_errors.fetch_add(1, std::memory_order_relaxed);
    return absl::DataLossError("store: event record is unreadable");
  }
  return e;
}

absl::StatusOr<UserProfile> EngineImpl::LoadProfile(absl::string_view user_id) {
  std::string value;
  UserProfile p;
  absl::Status s = store_->Get(Table::kUsers, user_id, &value);
  if (absl::IsNotFound(s)) return p;
  if (!s.ok()) return StoreError(&stats_, s);
  if (!p.Decode(value)) {
    stats_.store_errors.fetch_add(1, std::memory_order_relaxed);
    return absl::DataLossError("store: profile of user is unreadable");
  }
  return p;
}

absl::Status EngineImpl::RecordOutcome(absl::string_view event_id,
                                       Outcome outcome) {
  if (outcome == Outcome::kUnknown) {
    return absl::InvalidArgumentError("outcome: must be success or failure");
  }
  VIGIL_ASSIGN_OR_RETURN(StoredEvent probe, LoadEvent(event_id));
  std::lock_guard<std::mutex> lock(locks_.For(probe.event.user_id));
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));  // under lock
  if (e.event.outcome != Outcome::kUnknown) {
    return absl::FailedPreconditionError(absl::StrCat(
        "outcome: event already has outcome ", OutcomeName(e.event.outcome)));
  }
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, LoadProfile(e.event.user_id));
  e.event.outcome = outcome;
  WriteBatch batch;
  if (outcome == Outcome::kSuccess) {
    if (e.event.decision.enforced_verdict == Verdict::kAllow && !e.learned) {
      internal::LearnTrustedSuccess(e, &profile);
      e.learned = true;
      AddCounters(e, CounterKind::kSuccess, &batch);
      batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
    }
  } else {
    internal::RecordFailure(absl::ToUnixSeconds(e.event.time), &profile);
    AddCounters(e, CounterKind::kFailure, &batch);
    batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
  }
  batch.Put(Table::kEvents, internal::EventKey(event_id), e.Encode());
  if (absl::Status s = store_->Write(batch); !s.ok()) return StoreError(&stats_, s);
  stats_.outcomes.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status EngineImpl::RecordFeedback(absl::string_view event_id,
                                        FeedbackValue value,
                                        absl::string_view source) {
  VIGIL_ASSIGN_OR_RETURN(StoredEvent probe, LoadEvent(event_id));
  std::lock_guard<std::mutex> lock(locks_.For(probe.event.user_id));
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, LoadProfile(e.event.user_id));
  e.event.feedback = Feedback{value, std::string(source), clock_->Now()};
  if (value == FeedbackValue::kValid) {
    if (!e.learned) {
      internal::LearnTrustedSuccess(e, &profile);
      e.learned = true;
    }
  } else {
    internal::ForgetDistrusted(e, &profile);
  }
  WriteBatch batch;
  batch.Put(Table::kEvents, internal::EventKey(event_id), e.Encode());
  batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
  if (absl::Status s = store_->Write(batch); !s.ok()) return StoreError(&stats_, s);
  return absl::OkStatus();
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
  std::string after;
  if (!cursor.empty()) {
    // A cursor is the hex of the last returned index key's suffix: 8 bytes of
    // time and a 32-character event id.
    bool hex = cursor.size() == 80;
    for (char c : cursor) hex = hex && isxdigit(static_cast<unsigned char>(c));
    if (!hex) return absl::InvalidArgumentError("cursor: not a valid cursor");
    after = prefix + absl::HexStringToBytes(cursor);
    start = after;
  }
  const std::string limit_key = prefix + std::string(9, '\xff');
  std::unique_ptr<StoreIterator> it = store_->Scan(Table::kEvents, start, limit_key);
  std::vector<std::string> ids;
  std::string last_key;
  bool more = false;
  for (; it->Valid(); it->Next()) {
    if (!after.empty() && it->key() == after) continue;
    if (static_cast<int>(ids.size()) == limit) {
      more = true;
      break;
    }
    const absl::string_view key = it->key();
    if (key.size() < prefix.size() + 8) continue;
    ids.emplace_back(key.substr(prefix.size() + 8));
    last_key = std::string(key);
  }
  if (absl::Status s = it->status(); !s.ok()) return StoreError(&stats_, s);
  EventPage page;
  page.events.reserve(ids.size());
  for (const std::string& id : ids) {
    VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(id));
    page.events.push_back(std::move(e.event));
  }
  if (more) {
    page.next_cursor = absl::BytesToHexString(
        absl::string_view(last_key).substr(prefix.size()));
  }
  return page;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  std::shared_ptr<Store> store = std::move(options.store);
  if (store == nullptr) {
    if (options.data_dir.empty()) {
      return absl::InvalidArgumentError(
          "data_dir: required when no store is given");
    }
    RocksDbOptions ro;
    ro.path = options.data_dir;
    VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Store> opened, OpenRocksDbStore(ro));
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
                             CreateGeoResolver(g));
      geo = std::move(made);
    }
  }
  const Clock* clock = options.clock != nullptr ? options.clock : RealClock();
  return std::unique_ptr<Engine>(
      new EngineImpl(std::move(store), std::move(model), std::move(geo), clock));
}

}  // namespace vigil
