// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/event_reader.h"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "service/json_codec.h"
#include "vigil/ip_address.h"

namespace vigil::tools {
namespace {

constexpr int kMaxJsonDepth = 16;

// The RBA dataset header, exactly.
constexpr char kRbaHeader[] =
    "index,Login Timestamp,User ID,Round-Trip Time [ms],IP Address,Country,"
    "Region,City,ASN,User Agent String,Browser Name and Version,"
    "OS Name and Version,Device Type,Login Successful,Is Attack IP,"
    "Is Account Takeover";
enum RbaColumn {
  kIndex,
  kTimestamp,
  kUserId,
  kRtt,
  kIp,
  kCountry,
  kRegion,
  kCity,
  kAsn,
  kUserAgent,
  kBrowser,
  kOs,
  kDeviceType,
  kSuccess,
  kAttackIp,
  kTakeover,
  kRbaColumns
};

void StripCr(std::string* s) {
  if (!s->empty() && s->back() == '\r') s->pop_back();
}

bool IsBlank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

bool ParseBool(absl::string_view s, bool* b) {
  if (s == "True" || s == "true") {
    *b = true;
  } else if (s == "False" || s == "false") {
    *b = false;
  } else {
    return false;
  }
  return true;
}

}  // namespace

const char* InputFormatName(InputFormat format) {
  return format == InputFormat::kJsonLines ? "jsonl" : "rba-csv";
}

bool SplitCsvLine(const std::string& line, std::vector<std::string>* fields) {
  fields->clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) return false;
  fields->push_back(std::move(field));
  return true;
}

absl::StatusOr<std::unique_ptr<EventReader>> EventReader::Open(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::error_code size_error;
  const std::uintmax_t file_size =
      std::filesystem::is_regular_file(path, size_error)
          ? std::filesystem::file_size(path, size_error)
          : 0;
  const int64_t size = size_error ? 0 : static_cast<int64_t>(file_size);
  // Detect from the first non-empty line.
  std::string first;
  int64_t line = 0;
  std::streampos start = in.tellg();
  while (std::getline(in, first)) {
    ++line;
    StripCr(&first);
    if (!IsBlank(first)) break;
    start = in.tellg();
  }
  if (IsBlank(first)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no rows"));
  }
  const absl::string_view head = absl::StripLeadingAsciiWhitespace(first);
  if (head.front() == '{') {
    in.clear();
    in.seekg(start);
    return std::unique_ptr<EventReader>(new EventReader(
        std::move(in), InputFormat::kJsonLines, line - 1, size));
  }
  if (first == kRbaHeader) {
    return std::unique_ptr<EventReader>(
        new EventReader(std::move(in), InputFormat::kRbaCsv, line, size));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": line ", line,
      ": neither JSON Lines of attempts nor the RBA dataset CSV header"));
}

double EventReader::FractionRead() {
  if (size_ <= 0) return -1;
  const std::streamoff at = in_.tellg();
  if (at < 0) return in_.eof() ? 1.0 : -1;
  return std::min(1.0, static_cast<double>(at) / static_cast<double>(size_));
}

EventReader::Result EventReader::Next(ReplayRow* row, std::string* error) {
  while (true) {
    if (!std::getline(in_, buffer_)) {
      if (in_.bad()) {
        *error = absl::StrCat("line ", line_ + 1, ": read error");
        return Result::kBadRow;
      }
      return Result::kEnd;
    }
    ++line_;
    StripCr(&buffer_);
    if (!IsBlank(buffer_)) break;
  }
  row->line = line_;
  row->index = index_++;
  row->geo.reset();
  absl::Status s = format_ == InputFormat::kJsonLines ? ParseJson(buffer_, row)
                                                      : ParseRba(buffer_, row);
  if (s.ok() && row->attempt.user_id.empty()) {
    s = absl::InvalidArgumentError("user_id: is required");
  }
  if (s.ok() && !IpAddress::Parse(row->attempt.ip).ok()) {
    s = absl::InvalidArgumentError("ip: not an IPv4 or IPv6 address");
  }
  if (s.ok() && !row->attempt.timestamp.has_value()) {
    s = absl::InvalidArgumentError("timestamp: is required in a replay");
  }
  if (s.ok() && last_time_.has_value() &&
      *row->attempt.timestamp < *last_time_) {
    s = absl::InvalidArgumentError(
        "timestamp: out of time order (earlier than the row before)");
  }
  if (!s.ok()) {
    *error = absl::StrCat("line ", line_, ": ", s.message());
    return Result::kBadRow;
  }
  last_time_ = row->attempt.timestamp;
  return Result::kRow;
}

absl::Status EventReader::ParseJson(const std::string& text, ReplayRow* row) {
  // The DOM lives in a per-row arena on the stack (spilling to the heap for
  // an unusually long row).
  unsigned char arena[4096];
  boost::json::monotonic_resource resource(arena, sizeof arena);
  absl::StatusOr<boost::json::value> json = service::ParseJsonBody(
      text, kMaxJsonDepth, boost::json::storage_ptr(&resource));
  if (!json.ok()) return json.status();
  absl::StatusOr<Attempt> attempt = service::AttemptFromJson(*json);
  if (!attempt.ok()) return attempt.status();
  row->attempt = *std::move(attempt);
  return absl::OkStatus();
}

absl::Status EventReader::ParseRba(const std::string& text, ReplayRow* row) {
  std::vector<std::string> f;
  if (!SplitCsvLine(text, &f)) {
    return absl::InvalidArgumentError("csv: unterminated quoted field");
  }
  if (f.size() != kRbaColumns) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: ", f.size(), " fields, expected ",
                     static_cast<int>(kRbaColumns)));
  }
  Attempt a;
  a.event_type = EventType::kSignIn;
  a.user_id = f[kUserId];
  a.ip = f[kIp];
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", f[kTimestamp],
                       absl::UTCTimeZone(), &t, &err)) {
    return absl::InvalidArgumentError("timestamp: not YYYY-MM-DD HH:MM:SS.fff");
  }
  a.timestamp = t;
  a.user_agent = f[kUserAgent];
  // The dataset's own browser / OS / device type stand in for a client
  // fingerprint.
  a.device_fingerprint =
      absl::StrCat(f[kBrowser], "|", f[kOs], "|", f[kDeviceType]);
  if (a.device_fingerprint.size() > 256) a.device_fingerprint.resize(256);
  bool success = false, attack = false, takeover = false;
  if (!ParseBool(f[kSuccess], &success)) {
    return absl::InvalidArgumentError("Login Successful: not True or False");
  }
  if (!ParseBool(f[kAttackIp], &attack) ||
      !ParseBool(f[kTakeover], &takeover)) {
    return absl::InvalidArgumentError(
        "Is Attack IP / Is Account Takeover: not True or False");
  }
  a.outcome = success ? Outcome::kSuccess : Outcome::kFailure;
  AttemptLabel label;
  label.account_takeover = takeover;
  label.attack = attack || takeover;
  label.kind = takeover ? "account_takeover" : (attack ? "attack_ip" : "");
  a.label = std::move(label);
  GeoInfo geo;
  if (f[kCountry] != "-") geo.country = f[kCountry];
  if (f[kRegion] != "-") geo.region = f[kRegion];
  if (f[kCity] != "-") geo.city = f[kCity];
  if (!f[kAsn].empty() && !absl::SimpleAtoi(f[kAsn], &geo.asn)) {
    return absl::InvalidArgumentError("ASN: not a number");
  }
  row->attempt = std::move(a);
  row->geo = std::move(geo);
  return absl::OkStatus();
}

}  // namespace vigil::tools
