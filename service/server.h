// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/server.h: runs vigild until SIGTERM or SIGINT.

#ifndef VIGIL_SERVICE_SERVER_H_
#define VIGIL_SERVICE_SERVER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "service/config.h"

namespace vigil::service {

// Binds the listen address and starts serving at once (/healthz answers,
// everything needing the engine gets 503), opens the store, model and GeoIP
// data, then calls `ready` with the bound "HOST:PORT" and serves until
// SIGTERM/SIGINT. Shutdown: /readyz turns 503, the listener closes, idle
// connections close, in-flight requests finish (up to
// config.shutdown_timeout), then the engine is destroyed, which flushes and
// closes the database. Returns an error if anything failed to open.
absl::Status RunServer(const ServiceConfig& config,
                       const std::function<void(const std::string&)>& ready);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_SERVER_H_
