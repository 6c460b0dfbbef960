// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/access_log.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>


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
  if (!e.client.empty()) {
    w.Key("client");
    w.String(e.client);
  }
  w.EndObject();
  line.push_back('\n');
  return line;
}

namespace {

constexpr size_t kMaxPending = 4 << 20;
// A batch this big wakes the writer at once; smaller ones wait for the tick.
constexpr size_t kWakeBytes = 64 << 10;
constexpr std::chrono::milliseconds kWriteInterval(20);

// The one writer thread behind WriteAccessLog and WriteLogLine. Created on
// first use; lives until the process exits.
class AccessLogWriter {
 public:
  AccessLogWriter() : thread_([this] { Run(); }) {}

  // `droppable`: dropped (and counted) when kMaxPending bytes wait.
  void Append(const std::string& line, bool droppable) {
    std::lock_guard<std::mutex> lock(mu_);
    if (droppable && pending_.size() + line.size() > kMaxPending) {
      ++dropped_;
      return;
    }
    const bool was_empty = pending_.empty();
    pending_ += line;
    ++queued_;
    // The first line wakes the writer, which then gathers lines for up to
    // kWriteInterval (less if the batch grows big) before writing: under load
    // one wake-up and one write serve many requests.
    if (was_empty ||
        (pending_.size() >= kWakeBytes && pending_.size() - line.size() < kWakeBytes)) {
      has_work_.notify_one();
    }
  }

  void Flush() {
    std::unique_lock<std::mutex> lock(mu_);
    const int64_t target = queued_;
    if (written_ >= target) return;
    flush_requested_ = true;
    has_work_.notify_one();
    written_cv_.wait(lock, [&] { return written_ >= target; });
  }

  int64_t dropped() {
    std::lock_guard<std::mutex> lock(mu_);
    return dropped_;
  }

 private:
  void Run() {
    std::string batch;
    for (;;) {
      int64_t lines = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        has_work_.wait(lock, [&] { return flush_requested_ || !pending_.empty(); });
        has_work_.wait_for(lock, kWriteInterval, [&] {
          return flush_requested_ || pending_.size() >= kWakeBytes;
        });
        flush_requested_ = false;
        batch.swap(pending_);
        lines = queued_ - written_;
      }
      WriteAll(batch);
      batch.clear();
      {
        std::lock_guard<std::mutex> lock(mu_);
        written_ += lines;
      }
      written_cv_.notify_all();
    }
  }

  static void WriteAll(const std::string& data) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n <= 0) return;  // nowhere to report it
      p += n;
      left -= static_cast<size_t>(n);
    }
  }

  std::mutex mu_;
  std::condition_variable has_work_;
  bool flush_requested_ = false;
  std::condition_variable written_cv_;
  std::string pending_;
  int64_t queued_ = 0;   // lines ever queued
  int64_t written_ = 0;  // lines ever written
  int64_t dropped_ = 0;
  std::thread thread_;  // last: starts after the members above exist
};

AccessLogWriter& Writer() {
  static AccessLogWriter* const writer = new AccessLogWriter();
  return *writer;
}

}  // namespace

void WriteAccessLog(const AccessLogEntry& entry) {
  Writer().Append(FormatAccessLog(entry), /*droppable=*/true);
}

void WriteLogLine(const std::string& line) {
  Writer().Append(line, /*droppable=*/false);
}

void FlushAccessLog() { Writer().Flush(); }

int64_t DroppedAccessLogLines() { return Writer().dropped(); }

}  // namespace vigil::service
