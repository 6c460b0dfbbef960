// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "cli/progress.h"

#include <unistd.h>

#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace vigil {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);

std::string Clock(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::ostream& err, std::string label, std::string unit)
    : Progress(err, OnTerminal(err), std::move(label), std::move(unit)) {}

bool Progress::OnTerminal(const std::ostream& os) {
  return &os == &std::cerr && isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::ostream& os, bool enabled, std::string label,
                   std::string unit)
    : os_(os),
      enabled_(enabled),
      label_(std::move(label)),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Update(int64_t done, double fraction) {
  if (!enabled_ || finished_) return;
  done_ = done;
  fraction_ = fraction;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  Draw(false);
}

void Progress::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(true);
}

void Progress::Draw(bool final) {
  drawn_ = true;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0;
  std::string line = absl::StrCat(label_, ": ", done_);
  double share = fraction_;
  if (total_ > 0) {
    absl::StrAppend(&line, "/", total_);
    share = static_cast<double>(done_) / static_cast<double>(total_);
  }
  absl::StrAppend(&line, " ", unit_);
  if (share >= 0 && !final) {
    absl::StrAppendFormat(&line, " (%d%%)", static_cast<int>(100 * share));
  }
  absl::StrAppendFormat(&line, ", %.0f %s/s", rate, unit_);
  if (final) {
    absl::StrAppend(&line, ", done in ", Clock(elapsed));
  } else if (share > 0 && share < 1 && elapsed > 0.5) {
    absl::StrAppend(&line, ", ETA ", Clock(elapsed * (1 - share) / share));
  }
  // Blank out what is left of a longer previous line.
  const size_t width = line.size();
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  os_ << '\r' << line;
  if (final) os_ << '\n';
  os_.flush();
}

}  // namespace vigil
