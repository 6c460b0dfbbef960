// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/connections.h"

#include <vector>

namespace vigil::service {

bool ConnectionRegistry::Add(std::weak_ptr<Connection> connection,
                             uint64_t* id) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_ || static_cast<int>(open_.size()) >= max_connections_) {
    return false;
  }
  *id = next_id_++;
  open_.emplace(*id, std::move(connection));
  return true;
}

void ConnectionRegistry::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  open_.erase(id);
}

void ConnectionRegistry::ShutdownAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    for (auto& [id, weak] : open_) {
      if (std::shared_ptr<Connection> c = weak.lock()) live.push_back(c);
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
