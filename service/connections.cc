// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/connections.h"

#include <vector>

namespace vigil::service {

std::string PeerKey(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().to_string();
  boost::asio::ip::address_v6 v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6)
        .to_string();
  }
  boost::asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
  for (size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

ConnectionRegistry::Admission ConnectionRegistry::Add(
    std::weak_ptr<Connection> connection, std::string peer, uint64_t* id,
    bool per_peer_cap) {
  std::shared_ptr<Connection> evicted;
  Admission admission = Admission::kAdmitted;
  {
    absl::MutexLock lock(&mu_);
    if (shutting_down_) return Admission::kRefusedShuttingDown;
    auto peer_it = per_peer_.find(peer);
    if (per_peer_cap && peer_it != per_peer_.end() &&
        peer_it->second >= max_per_peer_) {
      return Admission::kRefusedPeerFull;
    }
    if (static_cast<int>(open_.size()) >= max_connections_) {
      if (idle_.empty()) return Admission::kRefusedFull;
      const uint64_t victim = idle_.begin()->second;
      evicted = open_[victim].connection.lock();
      EraseLocked(victim);
      admission = Admission::kAdmittedByEvicting;
    }
    *id = next_id_++;
    const uint64_t since = next_idle_++;
    ++per_peer_[peer];
    open_.emplace(*id, Entry{std::move(connection), std::move(peer), since});
    idle_.emplace(since, *id);
  }
  // Outside the lock: the connection may call back into the registry.
  if (evicted != nullptr) evicted->Evict();
  return admission;
}

bool ConnectionRegistry::SetIdle(uint64_t id, bool idle) {
  absl::MutexLock lock(&mu_);
  auto it = open_.find(id);
  if (it == open_.end()) return false;
  Entry& e = it->second;
  if (e.idle_since != 0) idle_.erase(e.idle_since);
  e.idle_since = 0;
  if (idle) {
    e.idle_since = next_idle_++;
    idle_.emplace(e.idle_since, id);
  }
  return true;
}

void ConnectionRegistry::EraseLocked(uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  if (it->second.idle_since != 0) idle_.erase(it->second.idle_since);
  auto peer = per_peer_.find(it->second.peer);
  if (peer != per_peer_.end() && --peer->second == 0) per_peer_.erase(peer);
  open_.erase(it);
}

void ConnectionRegistry::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  EraseLocked(id);
}

void ConnectionRegistry::ShutdownAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    for (auto& [id, entry] : open_) {
      if (std::shared_ptr<Connection> c = entry.connection.lock()) {
        live.push_back(c);
      }
    }
  }
  // Outside the lock: a connection may remove itself meanwhile.
  for (auto& c : live) c->Shutdown();
}

int ConnectionRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(open_.size());
}

}  // namespace vigil::service
