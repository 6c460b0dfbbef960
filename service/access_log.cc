// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/access_log.h"

#include <unistd.h>

#include "service/json_codec.h"
#include "service/json_writer.h"

namespace vigil::service {

std::string FormatAccessLog(const AccessLogEntry& e) {
  std::string line;
  line.reserve(192);
  JsonWriter w(&line);
  w.BeginObject();
  w.Key("time");
  w.String(FormatTimestamp(e.time));
  w.Key("method");
  w.String(e.method);
  w.Key("route");
  w.String(RouteTemplate(e.route));
  w.Key("status");
  w.Int(e.status);
  w.Key("latency_us");
  w.Int(absl::ToInt64Microseconds(e.latency));
  if (!e.event_id.empty()) {
    w.Key("event_id");
    w.String(e.event_id);
  }
  if (!e.key_name.empty()) {
    w.Key("key");
    w.String(e.key_name);
  }
  w.EndObject();
  line.push_back('\n');
  return line;
}

void WriteAccessLog(const AccessLogEntry& entry) {
  std::string line = FormatAccessLog(entry);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nowhere to report it
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace vigil::service
