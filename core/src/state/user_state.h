// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The per-user state the engine and the MFA service share: the user locks,
// the profile and counter caches in front of the store, and the atomic
// commit of a batch with the profile it changed. Both the engine and the MFA
// service write a user's profile and events through it, under the same
// per-user lock, so neither calls the other: the dependency graph is
// engine -> mfa -> state, engine -> state.

#ifndef VIGIL_CORE_SRC_STATE_USER_STATE_H_
#define VIGIL_CORE_SRC_STATE_USER_STATE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/hash.h"
#include "engine/state_cache.h"
#include "model/model_config.h"
#include "model/model_slot.h"
#include "store/counter_record.h"
#include "store/event_record.h"
#include "store/profile_record.h"
#include "vigil/event.h"
#include "vigil/ip_address.h"
#include "vigil/store.h"

namespace vigil::internal {

class UserState {
 public:
  // `model` must outlive this. `cache_entries` 0: no cache. `ephemeral`:
  // profiles and counters live in the caches only (written back on
  // eviction). Store failures are counted in `*store_errors`.
  UserState(std::shared_ptr<Store> store, const ModelSlot* model,
            size_t cache_entries, bool ephemeral,
            std::atomic<int64_t>* store_errors);

  Store* store() const { return store_.get(); }
  const std::shared_ptr<Store>& shared_store() const { return store_; }
  bool ephemeral() const { return ephemeral_; }
  // The lock of `user_id`'s state: held while a profile is read, changed
  // and committed, and while an event of the user is.
  std::mutex& LockFor(absl::string_view user_id) {
    return locks_[StableHash(user_id) % locks_.size()];
  }
  StateCache<UserProfile>& profiles() { return profiles_; }

  // Counts a store failure; returns it as Unavailable (DataLoss as is).
  absl::Status StoreError(const absl::Status& s);
  void CountStoreError() {
    store_errors_->fetch_add(1, std::memory_order_relaxed);
  }

  // Whether the store may be written by others too (not Store::exclusive):
  // then the locks below serialize only this process, nothing is cached, and
  // every load that a change depends on adds its condition to the batch that
  // writes the change (`guard` below), so that a lost race answers Aborted
  // and the caller runs the change again (state/conflicts.h).
  bool shared() const { return shared_; }
  // `batch` when the store is shared, else null: where loads add conditions.
  WriteBatch* GuardOf(WriteBatch* batch) const {
    return shared_ ? batch : nullptr;
  }

  // Loads an event; NotFound / DataLoss / Unavailable. With `guard`, the
  // batch that will be written expects the event unchanged.
  absl::StatusOr<StoredEvent> LoadEvent(absl::string_view event_id,
                                        WriteBatch* guard = nullptr);
  // Loads a profile (cache, then store); an absent one is empty. With
  // `guard`, the batch that will be written expects the profile unchanged.
  absl::StatusOr<UserProfile> LoadProfile(absl::string_view user_id,
                                          WriteBatch* guard = nullptr);
  // As LoadProfile, but moves a cached profile out of the cache instead of
  // copying it. The caller holds the user's lock and hands the profile back
  // through Commit; on any other exit the store still has it.
  absl::StatusOr<UserProfile> TakeProfile(absl::string_view user_id,
                                          WriteBatch* guard = nullptr);
  // The profile as stored (an absent one is empty); no cache involved.
  absl::StatusOr<UserProfile> ReadStoredProfile(absl::string_view user_id,
                                                WriteBatch* guard = nullptr);
  // Writes `batch`; then moves `profile` (if given) into the cache as
  // `user_id`'s. On failure, forgets the cached counters of `counter_keys`,
  // which were updated ahead of the write. Aborted (as is, not counted as a
  // store error) if a condition of the batch failed: nothing was written.
  absl::Status Commit(const WriteBatch& batch, absl::string_view user_id,
                      UserProfile* profile,
                      const std::vector<std::string>& counter_keys);

  // Adds the event's observation to the cached IP and ASN counters only,
  // loading absent ones (ephemeral state). False if one could not be read.
  bool AddCountersInCache(const StoredEvent& e, const IpAddress& ip,
                          CounterKind kind);
  // Adds the event's observation to its IP and ASN counters: merge operands
  // in `batch`, and the cached records. Returns the keys touched.
  std::vector<std::string> AddCounters(const StoredEvent& e,
                                       const IpAddress& ip, CounterKind kind,
                                       WriteBatch* batch);
  // The same, parsing the event's IP (for events read back from the store).
  std::vector<std::string> AddCounters(const StoredEvent& e, CounterKind kind,
                                       WriteBatch* batch);
  // A counter record (cache, then store). False if it could not be read.
  bool ReadCounters(const std::string& key, CounterRecord* out);
  // Adds the changes that forget the user's remembered devices, if the
  // policy says a password change does.
  absl::Status ForgetDevicesOnPasswordChange(const ModelConfig& m,
                                             absl::string_view user_id,
                                             WriteBatch* batch);

  // What the MFA service writes. Under the user's lock: loads the profile,
  // lets `edit` change it, then writes `batch` with it atomically; on a
  // shared store, again from the load when another writer changed the
  // profile meanwhile (`batch`'s own conditions failing is Aborted).
  absl::Status UpdateProfile(absl::string_view user_id,
                             const std::function<void(UserProfile*)>& edit,
                             WriteBatch batch);
  // Under the event's user's lock: records `response` on the event; if
  // `passed`, completes it (outcome success, the profile learns as from a
  // second factor; a password_change forgets devices per policy); a
  // "locked" failure records the failed challenge. Writes `batch` in the
  // same atomic write (alone if the event is gone). Aborted if a condition
  // failed (the caller's or the event's and profile's on a shared store):
  // nothing was written, the caller runs its change again.
  absl::Status RecordChallengeResponse(absl::string_view event_id,
                                       const ChallengeResponse& response,
                                       bool passed, WriteBatch batch);

 private:
  // The IP counter key of `ip`, and the ASN one if the event has an ASN.
  static std::vector<std::string> CounterKeys(const StoredEvent& e,
                                              const IpAddress& ip);
  // A counter record as stored (absent: left empty). False, counted as a
  // store error when the read fails, if it could not be read.
  bool ReadStoredCounters(const std::string& key, CounterRecord* r);
  // Saves a record the state cache evicts (ephemeral state only).
  void WriteBack(Table table, absl::string_view key, std::string value);

  const std::shared_ptr<Store> store_;
  const ModelSlot* const model_;
  const bool shared_;
  const bool ephemeral_;
  std::atomic<int64_t>* const store_errors_;
  std::array<std::mutex, 1024> locks_;
  StateCache<UserProfile> profiles_;
  StateCache<CounterRecord> counters_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_STATE_USER_STATE_H_
