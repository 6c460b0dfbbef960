// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/log.h: the operational log, a seam in the style of LevelDB's Logger.
//
// Components that run on their own (the store's failure and recovery, the
// outbox's delivery worker, the GeoIP and breach-corpus loaders) report what
// an operator must know as events: a level, a stable event name, a short
// message for people and typed fields for machines.
//
//   logger->Log(LogLevel::kWarn, "delivery_failed", "will retry",
//               {{"message_id", id}, {"attempt", 3}, {"next_retry_s", 120}});
//
// Whoever builds the component passes a Logger (RocksDbOptions::logger,
// EngineOptions::logger, ...); null means DefaultLogger(), one text line per
// warning or error on stderr. vigild passes one that writes a JSON object per
// line.
//
// Fields never hold secrets (keys, passwords, TOTP secrets, one-click link
// tokens) nor whole e-mail addresses (MaskEmail): callers see to it, and
// every event's fields are listed in docs/operations.md.

#ifndef VIGIL_LOG_H_
#define VIGIL_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace vigil {

enum class LogLevel : uint8_t { kDebug = 0, kInfo, kWarn, kError };

// "debug", "info", "warn", "error".
absl::string_view LogLevelName(LogLevel level);
// The inverse of LogLevelName (also "warning"); false if unknown.
bool ParseLogLevel(absl::string_view name, LogLevel* level);

// One typed field of an event. The views must outlive the Log call only.
struct LogField {
  enum class Type : uint8_t { kString, kInt, kDouble, kBool };

  LogField(absl::string_view k, absl::string_view v)
      : key(k), type(Type::kString), string_value(v) {}
  LogField(absl::string_view k, const char* v)
      : key(k), type(Type::kString), string_value(v) {}
  LogField(absl::string_view k, const std::string& v)
      : key(k), type(Type::kString), string_value(v) {}
  LogField(absl::string_view k, bool v)
      : key(k), type(Type::kBool), bool_value(v) {}
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  LogField(absl::string_view k, T v)
      : key(k), type(Type::kInt), int_value(static_cast<int64_t>(v)) {}
  LogField(absl::string_view k, double v)
      : key(k), type(Type::kDouble), double_value(v) {}

  absl::string_view key;
  Type type;
  absl::string_view string_value;
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
};

// Thread-safe: events come from any thread, RocksDB's included (so Write
// must not call back into the store).
class Logger {
 public:
  virtual ~Logger() = default;

  // Events below this level are dropped before they are formatted.
  virtual LogLevel min_level() const { return LogLevel::kInfo; }

  // Writes one event (one line); `message` may be empty.
  virtual void Write(LogLevel level, absl::string_view event,
                     absl::string_view message,
                     std::initializer_list<LogField> fields) = 0;

  void Log(LogLevel level, absl::string_view event, absl::string_view message,
           std::initializer_list<LogField> fields = {}) {
    if (level >= min_level()) Write(level, event, message, fields);
  }
};

// Text lines on stderr, one write(2) each:
//   "vigil: warn delivery_failed: will retry message_id=... attempt=3"
// Warnings and errors only, so a library user's stderr gets what needs
// attention and no chatter. Never null; lives as long as the process.
Logger* DefaultLogger();

// `logger`, or DefaultLogger() if it is null.
inline Logger* OrDefault(Logger* logger) {
  return logger != nullptr ? logger : DefaultLogger();
}

// An e-mail address with its local part hidden: "alice@example.com" ->
// "a***@example.com". Anything that is not an address becomes "***" (empty
// stays empty).
std::string MaskEmail(absl::string_view address);
// `text` with every e-mail address in it masked as MaskEmail does (for
// errors that quote a server's reply, which may name the recipient).
std::string MaskEmailsIn(absl::string_view text);

}  // namespace vigil

#endif  // VIGIL_LOG_H_
