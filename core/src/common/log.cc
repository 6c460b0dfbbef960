// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "vigil/log.h"

#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace vigil {
namespace {

class StderrTextLogger final : public Logger {
 public:
  LogLevel min_level() const override { return LogLevel::kWarn; }
  void Write(LogLevel level, absl::string_view event, absl::string_view message,
             std::initializer_list<LogField> fields) override {
    std::string line = absl::StrCat("vigil: ", LogLevelName(level), " ", event);
    if (!message.empty()) absl::StrAppend(&line, ": ", message);
    for (const LogField& f : fields) {
      absl::StrAppend(&line, " ", f.key, "=");
      switch (f.type) {
        case LogField::Type::kString:
          absl::StrAppend(&line, f.string_value);
          break;
        case LogField::Type::kInt:
          absl::StrAppend(&line, f.int_value);
          break;
        case LogField::Type::kDouble:
          absl::StrAppend(&line, f.double_value);
          break;
        case LogField::Type::kBool:
          absl::StrAppend(&line, f.bool_value ? "true" : "false");
          break;
      }
    }
    // One line, one write(2): it never interleaves with other lines.
    for (char& c : line) {
      if (c == '\n') c = ' ';
    }
    line.push_back('\n');
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
  }
};

bool IsAddressChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '%' || c == '+' || c == '-';
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool ParseLogLevel(absl::string_view name, LogLevel* level) {
  if (name == "debug") {
    *level = LogLevel::kDebug;
  } else if (name == "info") {
    *level = LogLevel::kInfo;
  } else if (name == "warn" || name == "warning") {
    *level = LogLevel::kWarn;
  } else if (name == "error") {
    *level = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

Logger* DefaultLogger() {
  static Logger* const logger = new StderrTextLogger();
  return logger;
}

std::string MaskEmail(absl::string_view address) {
  if (address.empty()) return "";
  const size_t at = address.rfind('@');
  if (at == absl::string_view::npos || at == 0 || at + 1 >= address.size()) {
    return "***";
  }
  return absl::StrCat(address.substr(0, 1), "***", address.substr(at));
}

std::string MaskEmailsIn(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t at = text.find('@'); at != absl::string_view::npos;
       at = text.find('@', at + 1)) {
    size_t begin = at;
    while (begin > copied && IsAddressChar(text[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < text.size() && IsAddressChar(text[end])) ++end;
    if (begin == at || end == at + 1) continue;  // not an address
    absl::StrAppend(&out, text.substr(copied, begin - copied));
    out.append(MaskEmail(text.substr(begin, end - begin)));
    copied = end;
    at = end - 1;
  }
  absl::StrAppend(&out, text.substr(copied));
  return out;
}

}  // namespace vigil
