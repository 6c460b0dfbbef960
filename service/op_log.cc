// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/op_log.h"

#include "absl/time/clock.h"
#include "service/access_log.h"
#include "service/json_codec.h"
#include "service/json_writer.h"

namespace vigil::service {

std::string FormatLogLine(absl::Time time, LogLevel level,
                          absl::string_view event, absl::string_view message,
                          std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(256);
  JsonWriter w(&line);
  w.BeginObject();
  w.Key("time");
  w.String(FormatTimestamp(time));
  w.Key("level");
  w.String(LogLevelName(level));
  w.Key("event");
  w.String(event);
  if (!message.empty()) {
    w.Key("msg");
    w.String(message);
  }
  for (const LogField& f : fields) {
    w.Key(f.key);
    switch (f.type) {
      case LogField::Type::kString:
        w.String(f.string_value);
        break;
      case LogField::Type::kInt:
        w.Int(f.int_value);
        break;
      case LogField::Type::kDouble:
        w.Double(f.double_value);
        break;
      case LogField::Type::kBool:
        w.Bool(f.bool_value);
        break;
    }
  }
  w.EndObject();
  line.push_back('\n');
  return line;
}

void JsonLogger::Write(LogLevel level, absl::string_view event,
                       absl::string_view message,
                       std::initializer_list<LogField> fields) {
  WriteLogLine(FormatLogLine(absl::Now(), level, event, message, fields));
}

}  // namespace vigil::service
