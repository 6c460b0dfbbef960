// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "state/user_state.h"

#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "common/status_macros.h"
#include "devices/device_record.h"
#include "engine/learning.h"
#include "vigil/ip_address.h"

namespace vigil::internal {
namespace {

constexpr uint64_t kUserHashSeed = 0x7573;  // distinct users in counters

}  // namespace

UserState::UserState(std::shared_ptr<Store> store, const ModelSlot* model,
                     size_t cache_entries, bool ephemeral,
                     std::atomic<int64_t>* store_errors)
    : store_(std::move(store)),
      model_(model),
      ephemeral_(ephemeral && cache_entries > 0),
      store_errors_(store_errors),
      profiles_(cache_entries),
      counters_(cache_entries) {
  if (ephemeral_) {
    // Write-back: an evicted record is saved, else it would be lost.
    profiles_.set_on_evict([this](absl::string_view key, const UserProfile& p) {
      WriteBack(Table::kUsers, key, p.Encode());
    });
    counters_.set_on_evict(
        [this](absl::string_view key, const CounterRecord& r) {
          WriteBack(Table::kCounters, key, r.Encode());
        });
  }
}

absl::Status UserState::StoreError(const absl::Status& s) {
  CountStoreError();
  if (absl::IsUnavailable(s) || absl::IsDataLoss(s)) return s;
  return absl::UnavailableError(absl::StrCat("store: ", s.message()));
}

void UserState::WriteBack(Table table, absl::string_view key,
                          std::string value) {
  WriteBatch batch;
  batch.Put(table, key, value);
  if (!store_->Write(batch).ok()) CountStoreError();
}

absl::Status UserState::ForgetDevicesOnPasswordChange(const ModelConfig& m,
                                                      absl::string_view user_id,
                                                      WriteBatch* batch) {
  if (!m.mfa.forget_devices_on_password_change) return absl::OkStatus();
  absl::StatusOr<int> n = ForgetAllDevices(store_.get(), user_id, batch);
  if (!n.ok()) return StoreError(n.status());
  return absl::OkStatus();
}

std::vector<std::string> UserState::AddCounters(const StoredEvent& e,
                                                CounterKind kind,
                                                WriteBatch* batch) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(e.event.ip);
  if (!ip.ok()) return {};  // stored events hold valid addresses
  return AddCounters(e, *ip, kind, batch);
}

std::vector<std::string> UserState::AddCounters(const StoredEvent& e,
                                                const IpAddress& ip,
                                                CounterKind kind,
                                                WriteBatch* batch) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  const uint64_t user = StableHash(e.event.user_id, kUserHashSeed);
  const std::string operand = EncodeCounterOperand(t, kind, user);
  std::vector<std::string> keys = CounterKeys(e, ip);
  for (const std::string& key : keys) {
    batch->AddCounter(key, operand);
    // Only a cached record is updated; an absent one is read from the store
    // (with this operand in it) when next needed.
    counters_.Update(
        key, [](CounterRecord*) { return false; },
        [&](CounterRecord* r) { r->Add(t, kind, user); });
  }
  return keys;
}

bool UserState::AddCountersInCache(const StoredEvent& e, const IpAddress& ip,
                                   CounterKind kind) {
  const int64_t t = absl::ToUnixSeconds(e.event.time);
  const uint64_t user = StableHash(e.event.user_id, kUserHashSeed);
  bool ok = true;
  for (const std::string& key : CounterKeys(e, ip)) {
    ok &= counters_.Update(
        key, [&](CounterRecord* r) { return ReadStoredCounters(key, r); },
        [&](CounterRecord* r) { r->Add(t, kind, user); });
  }
  return ok;
}

std::vector<std::string> UserState::CounterKeys(const StoredEvent& e,
                                                const IpAddress& ip) {
  std::vector<std::string> keys;
  keys.push_back(IpCounterKey(
      absl::string_view(reinterpret_cast<const char*>(ip.bytes().data()), 16)));
  if (e.event.decision.context.asn != 0) {
    keys.push_back(AsnCounterKey(e.event.decision.context.asn));
  }
  return keys;
}

bool UserState::ReadStoredCounters(const std::string& key, CounterRecord* r) {
  std::string value;
  absl::Status s = store_->Get(Table::kCounters, key, &value);
  if (absl::IsNotFound(s)) return true;
  if (!s.ok()) {
    CountStoreError();
    return false;
  }
  return r->Decode(value);
}

bool UserState::ReadCounters(const std::string& key, CounterRecord* out) {
  return counters_.Update(
      key, [&](CounterRecord* r) { return ReadStoredCounters(key, r); },
      [&](CounterRecord* r) { *out = *r; });
}

absl::Status UserState::Commit(const WriteBatch& batch,
                               absl::string_view user_id, UserProfile* profile,
                               const std::vector<std::string>& counter_keys) {
  absl::Status s;
  if (!batch.ops().empty()) s = store_->Write(batch);  // empty: ephemeral state
  if (!s.ok()) {
    for (const std::string& key : counter_keys) counters_.Erase(key);
    // Ephemeral state is only in the cache: keep it.
    if (ephemeral_ && profile != nullptr) {
      profiles_.Put(user_id, std::move(*profile));
    }
    return StoreError(s);
  }
  if (profile != nullptr) profiles_.Put(user_id, std::move(*profile));
  return absl::OkStatus();
}

absl::StatusOr<StoredEvent> UserState::LoadEvent(absl::string_view event_id) {
  std::string key, value;
  if (!EventKey(event_id, &key)) {
    return absl::NotFoundError("event: no such event");
  }
  absl::Status s = store_->Get(Table::kEvents, key, &value);
  if (absl::IsNotFound(s)) return absl::NotFoundError("event: no such event");
  if (!s.ok()) return StoreError(s);
  StoredEvent e;
  if (!e.Decode(value)) {
    CountStoreError();
    return absl::DataLossError("store: event record is unreadable");
  }
  return e;
}

absl::StatusOr<UserProfile> UserState::ReadStoredProfile(
    absl::string_view user_id) {
  UserProfile p;
  std::string value;
  absl::Status s = store_->Get(Table::kUsers, user_id, &value);
  if (absl::IsNotFound(s)) return p;
  if (!s.ok()) return StoreError(s);
  if (!p.Decode(value)) {
    CountStoreError();
    return absl::DataLossError("store: profile of user is unreadable");
  }
  return p;
}

absl::StatusOr<UserProfile> UserState::LoadProfile(absl::string_view user_id) {
  UserProfile p;
  if (profiles_.Get(user_id, &p)) return p;
  VIGIL_ASSIGN_OR_RETURN(p, ReadStoredProfile(user_id));
  profiles_.Put(user_id, p);
  return p;
}

absl::StatusOr<UserProfile> UserState::TakeProfile(absl::string_view user_id) {
  UserProfile p;
  if (profiles_.Take(user_id, &p)) return p;
  return ReadStoredProfile(user_id);
}

absl::Status UserState::UpdateProfile(
    absl::string_view user_id, const std::function<void(UserProfile*)>& edit,
    WriteBatch batch) {
  std::lock_guard<std::mutex> lock(LockFor(user_id));
  VIGIL_ASSIGN_OR_RETURN(UserProfile profile, LoadProfile(user_id));
  edit(&profile);
  batch.Put(Table::kUsers, user_id, profile.Encode());
  return Commit(batch, user_id, &profile, {});
}

absl::Status UserState::RecordChallengeResponse(
    absl::string_view event_id, const ChallengeResponse& response, bool passed,
    WriteBatch batch) {
  absl::StatusOr<StoredEvent> probe = LoadEvent(event_id);
  if (absl::IsNotFound(probe.status())) {
    // The event is gone (retention): keep the challenge's own changes.
    if (absl::Status s = store_->Write(batch); !s.ok()) return StoreError(s);
    return absl::OkStatus();
  }
  VIGIL_RETURN_IF_ERROR(probe.status());
  std::lock_guard<std::mutex> lock(LockFor(probe->event.user_id));
  VIGIL_ASSIGN_OR_RETURN(StoredEvent e, LoadEvent(event_id));
  e.event.challenge_responses.push_back(response);
  std::vector<std::string> touched;
  UserProfile profile;
  bool profile_changed = false;
  if (passed && e.event.outcome != Outcome::kFailure) {
    // The credentials were valid (a challenge follows them) and the second
    // factor passed: a trusted success.
    VIGIL_ASSIGN_OR_RETURN(profile, LoadProfile(e.event.user_id));
    e.event.outcome = Outcome::kSuccess;
    const std::shared_ptr<const Model> model = model_->model();
    const ModelConfig& m = model->config();
    if (!e.learned) {
      e.learned = LearnSuccess(e, Confirmation::kSecondFactor, m, &profile);
      touched = AddCounters(e, CounterKind::kSuccess, &batch);
      profile_changed = true;
    }
    profile_changed |= UpdateUserRisk(e, /*second_factor=*/true, m, &profile);
    if (profile_changed) {
      batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
    }
    if (e.event.event_type == EventType::kPasswordChange) {
      VIGIL_RETURN_IF_ERROR(
          ForgetDevicesOnPasswordChange(m, e.event.user_id, &batch));
    }
  } else if (!passed && response.result == "locked") {
    VIGIL_ASSIGN_OR_RETURN(profile, LoadProfile(e.event.user_id));
    RecordFailedChallenge(e, &profile);
    profile_changed = true;
    batch.Put(Table::kUsers, e.event.user_id, profile.Encode());
  }
  std::string event_key;
  EventKey(event_id, &event_key);
  batch.Put(Table::kEvents, event_key, e.Encode());
  return Commit(batch, e.event.user_id, profile_changed ? &profile : nullptr,
                touched);
}

}  // namespace vigil::internal
