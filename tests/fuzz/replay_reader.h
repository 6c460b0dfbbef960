// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Shared by the replay fuzz targets: writes the input to a temporary file
// (EventReader reads files) and reads it row by row, checking what
// tools/replay/event_reader.h promises:
//   - Open() fails with NotFound / InvalidArgument only;
//   - Next() ends (bounded by the number of lines); rows and bad rows are
//     numbered by increasing 1-based lines and consecutive indices; a bad
//     row's error is "line N: <reason>";
//   - every good row has a user, a valid IP and a timestamp not earlier than
//     the good row before.
// `on_row` gets each good row for target-specific checks.

#ifndef VIGIL_TESTS_FUZZ_REPLAY_READER_H_
#define VIGIL_TESTS_FUZZ_REPLAY_READER_H_

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz_check.h"
#include "tools/replay/event_reader.h"
#include "vigil/ip_address.h"

namespace vigil::fuzz {

// A file name of this process, removed at exit: in /dev/shm if there is
// one (ext4 flushes a truncated-and-rewritten file on close, which made the
// replay targets ten times slower on disk), else $TMPDIR or /tmp.
inline const std::string& ScratchFile() {
  static const std::string* path = [] {
    const char* dir = std::getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0) dir = "/dev/shm";
    auto* p = new std::string(absl::StrCat(dir != nullptr ? dir : "/tmp",
                                           "/vigil-fuzz-replay-", getpid()));
    std::atexit([] { std::remove(ScratchFile().c_str()); });
    return p;
  }();
  return *path;
}

inline void ReadAll(
    absl::string_view text, std::optional<tools::InputFormat> expect_format,
    const std::function<void(const tools::ReplayRow&)>& on_row) {
  const std::string& path = ScratchFile();
  {
    std::remove(path.c_str());  // a new file, not a truncated one
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    FUZZ_CHECK(out.good(), "cannot write %s", path.c_str());
  }
  absl::StatusOr<std::unique_ptr<tools::EventReader>> reader =
      tools::EventReader::Open(path);
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().code() == absl::StatusCode::kInvalidArgument,
               "code %d", static_cast<int>(reader.status().code()));
    return;
  }
  if (expect_format.has_value()) {
    FUZZ_CHECK((*reader)->format() == *expect_format, "format %s",
               tools::InputFormatName((*reader)->format()));
  }
  const int64_t max_lines =
      static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::optional<absl::Time> last_time;
  int64_t last_line = 0;
  int64_t next_index = 0;
  for (int64_t calls = 0;; ++calls) {
    FUZZ_CHECK(calls <= max_lines, "more rows than lines");
    tools::ReplayRow row;
    std::string error;
    const tools::EventReader::Result r = (*reader)->Next(&row, &error);
    if (r == tools::EventReader::Result::kEnd) break;
    FUZZ_CHECK(row.line > last_line && row.line <= max_lines, "line %lld",
               static_cast<long long>(row.line));
    FUZZ_CHECK(row.index == next_index, "index %lld, expected %lld",
               static_cast<long long>(row.index),
               static_cast<long long>(next_index));
    last_line = row.line;
    ++next_index;
    if (r == tools::EventReader::Result::kBadRow) {
      FUZZ_CHECK(absl::StartsWith(error, absl::StrCat("line ", row.line, ": ")),
                 "error '%s'", error.c_str());
      continue;
    }
    const Attempt& a = row.attempt;
    FUZZ_CHECK(!a.user_id.empty(), "row without a user");
    FUZZ_CHECK(IpAddress::Parse(a.ip).ok(), "row with ip '%s'", a.ip.c_str());
    FUZZ_CHECK(a.timestamp.has_value(), "row without a timestamp");
    FUZZ_CHECK(!last_time.has_value() || *a.timestamp >= *last_time,
               "rows out of time order");
    last_time = a.timestamp;
    on_row(row);
  }
}

}  // namespace vigil::fuzz

#endif  // VIGIL_TESTS_FUZZ_REPLAY_READER_H_
