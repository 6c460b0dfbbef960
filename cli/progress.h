// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// cli/progress.h: the progress line of long work (replay, compare, train,
// simulate, pwned import, backup) on a terminal.
//
// Only when the stream is std::cerr and standard error is a terminal
// (isatty(2)): one line, redrawn in place with "\r" at most four times a
// second, e.g.
//   replay: 45000 rows (45%), 120345 rows/s, ETA 0:03
//   simulate: 1200/5000 users (24%), 800 users/s, ETA 0:05
// and a last line ending in "\n" when the work is done. Anything else (a
// pipe, a file, an in-process caller's string stream) gets nothing at all,
// and every call costs a comparison.

#ifndef VIGIL_CLI_PROGRESS_H_
#define VIGIL_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace vigil {

class Progress {
 public:
  // `label` starts the line ("replay"); `unit` names what is counted
  // ("rows"). Draws on `err` only if it is std::cerr and stderr is a
  // terminal.
  Progress(std::ostream& err, std::string label, std::string unit);
  // Draws on `os` only if `enabled` (e.g. OnTerminal(os) && wanted).
  Progress(std::ostream& os, bool enabled, std::string label, std::string unit);
  // Whether `os` is std::cerr and standard error is a terminal.
  static bool OnTerminal(const std::ostream& os);
  // Finish()es if the work did not.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // How many units there are in all (0: unknown). Then the line shows
  // done/total, the share and the ETA.
  void SetTotal(int64_t total) { total_ = total; }
  // `done` units so far. The first call draws at once, later ones at most
  // every 250 ms.
  void Update(int64_t done) { Update(done, -1); }
  // Also the share of the work done (0..1), when it is known otherwise than
  // by units, e.g. the bytes read of a file of rows.
  void Update(int64_t done, double fraction);
  // Draws the final line (count, rate, elapsed time) and ends it with "\n".
  // Later calls do nothing.
  void Finish();

 private:
  void Draw(bool final);

  std::ostream& os_;
  const bool enabled_;
  const std::string label_;
  const std::string unit_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  int64_t total_ = 0;
  int64_t done_ = 0;
  double fraction_ = -1;
  bool drawn_ = false;
  bool finished_ = false;
  size_t last_width_ = 0;
};

}  // namespace vigil

#endif  // VIGIL_CLI_PROGRESS_H_
