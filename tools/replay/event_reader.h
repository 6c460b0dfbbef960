// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/event_reader.h: reads a replay input file row by row.
//
// Two formats, detected from the first non-empty line:
//   - JSON Lines of attempts as in docs/architecture.md (the service's strict
//   codec),
//     each with a `timestamp`, and optionally `outcome` and `label`;
//   - the RBA dataset CSV of Wiefling et al. (header exactly as in
//     testdata/rba/), whose Country and ASN columns stand in for the GeoIP
//     lookup, and whose browser / OS / device type columns become the
//     attempt's device fingerprint.
//
// Streaming: one row in memory at a time. Rows must be in time order; a row
// older than the one before it is a bad row. A bad row (not parseable, no
// user, a bad IP or timestamp, out of order) is returned as a RowError
// naming its 1-based line number; the caller decides to skip it or stop.

#ifndef VIGIL_TOOLS_REPLAY_EVENT_READER_H_
#define VIGIL_TOOLS_REPLAY_EVENT_READER_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vigil/attempt.h"
#include "vigil/geo.h"

namespace vigil::tools {

enum class InputFormat { kJsonLines, kRbaCsv };
const char* InputFormatName(InputFormat format);

struct ReplayRow {
  int64_t index = 0;  // 0-based data row index (the `i` of the output)
  int64_t line = 0;   // 1-based line number in the file
  Attempt attempt;
  // From the RBA columns; absent for JSON Lines (the GeoIP files decide).
  std::optional<GeoInfo> geo;
};

class EventReader {
 public:
  // Opens `path` and detects its format. NotFound / InvalidArgument.
  static absl::StatusOr<std::unique_ptr<EventReader>> Open(
      const std::string& path);

  InputFormat format() const { return format_; }

  enum class Result { kRow, kBadRow, kEnd };
  // Reads the next data row into `row`. kBadRow: `error` holds
  // "line N: <reason>" and row->index / row->line are set. An I/O error is
  // reported as a bad row too.
  Result Next(ReplayRow* row, std::string* error);
  // The share of the file read so far (0..1), for a progress line; -1 if
  // the file's size is unknown (a pipe). Costs a seek: call it now and then.
  double FractionRead();

 private:
  EventReader(std::ifstream in, InputFormat format, int64_t first_line,
              int64_t size)
      : in_(std::move(in)), format_(format), line_(first_line), size_(size) {}
  absl::Status ParseJson(const std::string& text, ReplayRow* row);
  absl::Status ParseRba(const std::string& text, ReplayRow* row);

  std::ifstream in_;
  InputFormat format_;
  int64_t line_;  // lines consumed so far
  int64_t size_;  // bytes in the file; 0: unknown
  int64_t index_ = 0;
  std::optional<absl::Time> last_time_;
  std::string buffer_;
};

// Exposed for tests: splits one CSV record (RFC 4180 quoting) into fields.
bool SplitCsvLine(const std::string& line, std::vector<std::string>* fields);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_EVENT_READER_H_
