// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/access_log.h: one JSON line per request on stderr.
//
//   {"time":"...","method":"POST","route":"/v1/evaluate","status":200,
//    "latency_us":412,"event_id":"...","key":"pool-a"}
//
// The route is the template, never the raw path (which holds user ids); the
// key is the configured key's name; "client" is the caller's address (the
// TCP peer, or behind [server] trusted_proxies the address their headers
// name, service/client_address.h). Nothing here ever sees a key, a hash, a
// password or a body.

#ifndef VIGIL_SERVICE_ACCESS_LOG_H_
#define VIGIL_SERVICE_ACCESS_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/route.h"

namespace vigil::service {

struct AccessLogEntry {
  absl::Time time;
  absl::string_view method;
  RouteId route = RouteId::kUnknown;
  int status = 0;
  absl::Duration latency;
  absl::string_view event_id;  // may be empty
  absl::string_view key_name;  // may be empty
  absl::string_view client;    // may be empty
};

// The line, with its trailing newline.
std::string FormatAccessLog(const AccessLogEntry& entry);

// Queues the line for stderr. A background thread writes whatever is queued
// with one write(2) per batch (group commit): under load one syscall carries
// many lines, and a lone line still goes out at once. Lines never
// interleave. If stderr cannot keep up and 4 MiB are waiting, further lines
// are dropped (and counted in DroppedAccessLogLines()) rather than holding
// up requests.
void WriteAccessLog(const AccessLogEntry& entry);
// Queues an operational log line (service/op_log.h) in the same stream:
// ordered with the access lines, never interleaved, never dropped.
void WriteLogLine(const std::string& line);
// Returns once every line queued before the call has been written.
void FlushAccessLog();
int64_t DroppedAccessLogLines();

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_ACCESS_LOG_H_
