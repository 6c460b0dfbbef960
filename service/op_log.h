// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/op_log.h: vigild's operational log, the vigil::Logger that vigild
// hands to the store, the engine and its own code. One JSON object per line
// on stderr, in the same stream as the access log (service/access_log.h) and
// through the same writer, so the two never interleave and keep their order:
//
//   {"time":"2026-12-03T18:00:00.123Z","level":"info","event":"ready",
//    "msg":"serving","address":"127.0.0.1:8080",...}
//
// "time", "level", "event" come first, "msg" when there is one, then the
// event's fields (docs/operations.md lists them). Access lines carry no
// "level"/"event". Unlike access lines, operational lines are never dropped
// when stderr falls behind (there are few of them).

#ifndef VIGIL_SERVICE_OP_LOG_H_
#define VIGIL_SERVICE_OP_LOG_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vigil/log.h"

namespace vigil::service {

// The line for one event, with its trailing newline.
std::string FormatLogLine(absl::Time time, LogLevel level,
                          absl::string_view event, absl::string_view message,
                          std::initializer_list<LogField> fields);

class JsonLogger final : public Logger {
 public:
  explicit JsonLogger(LogLevel min_level) : min_level_(min_level) {}
  LogLevel min_level() const override { return min_level_; }
  void Write(LogLevel level, absl::string_view event, absl::string_view message,
             std::initializer_list<LogField> fields) override;

 private:
  const LogLevel min_level_;
};

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_OP_LOG_H_
