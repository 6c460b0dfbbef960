// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A bounded, sharded, thread-safe map from byte-string keys to decoded
// records: the engine's write-through cache of profiles and counters.
//
// Why it is coherent: one Engine owns its store (RocksDB's LOCK file keeps
// other processes out), every change to a cached record goes through the
// engine, and the engine updates the cache only after the store accepted the
// write (profiles, under the user's lock) or together with emitting the merge
// operand (counters, under the shard lock). A record that is evicted is read
// back from the store, which holds the same value.

#ifndef VIGIL_CORE_SRC_ENGINE_STATE_CACHE_H_
#define VIGIL_CORE_SRC_ENGINE_STATE_CACHE_H_

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/hash.h"

namespace vigil::internal {

template <typename V>
class StateCache {
 public:
  static constexpr int kShards = 64;

  // At most about `capacity` entries; 0 disables the cache.
  explicit StateCache(size_t capacity)
      : per_shard_(capacity == 0 ? 0 : std::max<size_t>(1, capacity / kShards)) {}

  bool enabled() const { return per_shard_ > 0; }

  // Called with each entry the cache evicts to make room, under the shard's
  // lock, before it is dropped (a write-back cache saves it here). Set before
  // the cache is used.
  void set_on_evict(std::function<void(absl::string_view, const V&)> fn) {
    on_evict_ = std::move(fn);
  }

  // Copies the cached value into `out`; false on a miss.
  bool Get(absl::string_view key, V* out) const {
    if (!enabled()) return false;
    const Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    *out = it->second;
    return true;
  }

  // Moves the cached value into `out` and drops the entry; false on a miss.
  // For a caller that owns the key's updates (under its own lock) and puts
  // the value back when done: no copy either way.
  bool Take(absl::string_view key, V* out) {
    if (!enabled()) return false;
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    *out = std::move(it->second);
    s.map.erase(it);
    return true;
  }

  void Put(absl::string_view key, V value) {
    if (!enabled()) return;
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    InsertLocked(s, key, std::move(value));
  }

  // Runs `fn(V*)` on the entry for `key` under the shard's lock. If absent,
  // `load(V*)` fills it first; if that fails (returns false) `fn` is not
  // called and nothing is cached. Returns whether `fn` ran.
  template <typename Load, typename Fn>
  bool Update(absl::string_view key, Load&& load, Fn&& fn) {
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) {
      V value;
      if (!load(&value)) return false;
      if (!enabled()) {
        fn(&value);
        return true;
      }
      it = InsertLocked(s, key, std::move(value));
    }
    fn(&it->second);
    return true;
  }

  void Erase(absl::string_view key) {
    if (!enabled()) return;
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    s.map.erase(key);
  }

 private:
  struct Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<std::string, V> map;
  };

  typename absl::flat_hash_map<std::string, V>::iterator InsertLocked(
      Shard& s, absl::string_view key, V value) {
    if (s.map.size() >= per_shard_ && s.map.find(key) == s.map.end()) {
      // Evict an arbitrary entry: cheap, and good enough for a working set
      // that mostly fits.
      auto victim = s.map.begin();
      if (on_evict_) on_evict_(victim->first, victim->second);
      s.map.erase(victim);
    }
    return s.map.insert_or_assign(std::string(key), std::move(value)).first;
  }

  Shard& shard(absl::string_view key) {
    return shards_[StableHash(key, 0x5eed) % kShards];
  }
  const Shard& shard(absl::string_view key) const {
    return shards_[StableHash(key, 0x5eed) % kShards];
  }

  size_t per_shard_;
  std::function<void(absl::string_view, const V&)> on_evict_;
  std::array<Shard, kShards> shards_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_STATE_CACHE_H_
