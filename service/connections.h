// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/connections.h: the open connections, for the connection cap and
// for graceful shutdown (idle connections are closed at once, busy ones
// after their response).

#ifndef VIGIL_SERVICE_CONNECTIONS_H_
#define VIGIL_SERVICE_CONNECTIONS_H_

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace vigil::service {

// What the registry needs from a connection.
class Connection {
 public:
  virtual ~Connection() = default;
  // Called from any thread: finish the request under way, if any, then
  // close; close at once if idle.
  virtual void Shutdown() = 0;
};

// Thread-safe.
class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(int max_connections)
      : max_connections_(max_connections) {}

  // Registers a connection; false (and nothing registered) if the cap is
  // reached or shutdown has begun. The id is for Remove().
  bool Add(std::weak_ptr<Connection> connection, uint64_t* id);
  void Remove(uint64_t id);

  // Refuses new connections and asks every open one to shut down.
  void ShutdownAll();
  int size() const;

 private:
  const int max_connections_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<uint64_t, std::weak_ptr<Connection>> open_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_CONNECTIONS_H_
