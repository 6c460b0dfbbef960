// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/connections.h: the open connections, for the connection caps and
// for graceful shutdown (idle connections are closed at once, busy ones
// after their response).
//
// Caps: at most max_connections in all and max_per_peer from one peer (see
// PeerKey). A connection over its peer's cap is refused. At the global cap,
// the connection that has been idle the longest (waiting for the first byte
// of a request, or of its TLS handshake) is evicted to admit the new one; a
// busy connection (reading a request, or between its first byte and its
// response) is never evicted. Only when none is idle is the new one refused.

#ifndef VIGIL_SERVICE_CONNECTIONS_H_
#define VIGIL_SERVICE_CONNECTIONS_H_

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

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
  // Called from any thread, without the registry's lock, once the registry
  // has evicted this connection (it was idle and is no longer registered):
  // close at once.
  virtual void Evict() = 0;
};

// What a peer's cap counts: an IPv4 address; an IPv6 address's /64 (what one
// subscriber gets); an IPv4-mapped IPv6 address as its IPv4 address.
std::string PeerKey(const boost::asio::ip::address& address);

// Thread-safe.
class ConnectionRegistry {
 public:
  ConnectionRegistry(int max_connections, int max_per_peer)
      : max_connections_(max_connections), max_per_peer_(max_per_peer) {}

  enum class Admission {
    kAdmitted,
    kAdmittedByEvicting,  // the longest idle connection was evicted
    kRefusedFull,         // at the cap, none idle
    kRefusedPeerFull,     // at the peer's cap
    kRefusedShuttingDown,
  };
  // Registers a connection from `peer` (a PeerKey), idle. When admitting it
  // evicts another, calls that one's Evict() before returning. The id is
  // for the calls below. `per_peer_cap` false: the peer's cap does not
  // apply (a trusted proxy, which carries many clients' connections).
  Admission Add(std::weak_ptr<Connection> connection, std::string peer,
                uint64_t* id, bool per_peer_cap = true);
  // The connection starts waiting for a request (idle, evictable) or has
  // received its first byte (busy). False if the connection was evicted:
  // it must then close without reading on.
  bool SetIdle(uint64_t id, bool idle);
  // Unregisters (no-op if evicted).
  void Remove(uint64_t id);

  // Refuses new connections and asks every open one to shut down.
  void ShutdownAll();
  int size() const;

 private:
  struct Entry {
    std::weak_ptr<Connection> connection;
    std::string peer;
    uint64_t idle_since = 0;  // a sequence number; 0: busy
  };
  void EraseLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_connections_;
  const int max_per_peer_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_idle_ ABSL_GUARDED_BY(mu_) = 1;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<uint64_t, Entry> open_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> per_peer_ ABSL_GUARDED_BY(mu_);
  // Idle connections: idle_since -> id, the longest idle first.
  std::map<uint64_t, uint64_t> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_CONNECTIONS_H_
