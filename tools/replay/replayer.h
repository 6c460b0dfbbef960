// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/replayer.h: replays a history file against a model.
//
// A fresh engine on a temporary RocksDB (no write-ahead log: the store is
// thrown away) sees every row in file order, on a simulated clock set to the
// row's timestamp, and learns as the live engine would under the candidate
// model:
//   - `allow` with outcome `success` is learned (the engine does it);
//   - `challenge` with outcome `success` counts as passed, and is learned
//     (its address counts the success, as for a live challenge passed),
//     when the row is not labelled as an attack; when it is, the challenge
//     counts as failed and nothing is learned;
//   - `block` is never learned.
// With ReplayOptions::label_blind the engine is given no label: a challenge
// of an attack row counts as passed too (what replaying a passive export
// without labels does), while the result keeps the labels for the metrics.
//
// Exported history does not say who has an MFA factor, so the replay engine
// assumes every user has one (assume_mfa_factor of the engine's replay
// options, engine/replay_options.h): the policy's `mfa_if_configured` and
// `mfa_required` levels challenge.

#ifndef VIGIL_TOOLS_REPLAY_REPLAYER_H_
#define VIGIL_TOOLS_REPLAY_REPLAYER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/replay/event_reader.h"
#include "vigil/decision.h"
#include "vigil/geo.h"
#include "vigil/model.h"

namespace vigil::tools {

// The built-in signals, in a fixed order.
inline constexpr int kSignalCount = 5;
extern const char* const kSignalNames[kSignalCount];
// Index in kSignalNames; -1 if unknown.
int SignalIndex(absl::string_view name);

// What the metrics and the report keep of one replayed row.
struct RowResult {
  int64_t index = 0;
  int64_t time = 0;  // Unix seconds
  float score = 0;
  Verdict verdict = Verdict::kAllow;
  RiskLevel level = RiskLevel::kNone;
  bool success = false;  // outcome success (the right password)
  bool sign_in = true;   // event_type sign_in
  bool labelled = false;
  bool attack = false;
  bool takeover = false;
  int16_t kind = -1;  // index into ReplayResult::kinds; -1: none
  int8_t top_signal = -1;
  int32_t prior_sign_ins = 0;  // the user's trusted sign-ins before this one
  int32_t user = 0;            // index into ReplayResult::users, if kept
  // Each signal's own sub-score (0 when it did not contribute).
  std::array<float, kSignalCount> signal_scores{};
};

struct ReplayResult {
  InputFormat format = InputFormat::kJsonLines;
  std::string model_id;
  std::vector<RowResult> rows;
  std::vector<std::string> kinds;
  std::vector<std::string> users;  // only with ReplayOptions::keep_users
  int64_t bad_rows = 0;
  std::vector<std::string> bad_row_errors;  // the first 100
  double seconds = 0;                       // wall time of the replay loop
};

struct ReplayOptions {
  std::string events_path;
  std::shared_ptr<const Model> model;
  GeoOptions geo;  // for JSON Lines; the RBA columns replace it
  // Decisions JSON Lines; empty: not written.
  std::string out_path;
  // Skip bad rows (reported on `err`, and as {"i":..,"error":..} lines in
  // the output) instead of stopping at the first.
  bool skip_bad_rows = false;
  // Where the temporary store goes; empty: $TMPDIR or /tmp.
  std::string temp_parent;
  // The throwaway store: empty, a temporary RocksDB folder under
  // temp_parent; "memory:", the in-memory store.
  std::string store_url;
  bool keep_users = false;
  // Labels reach the metrics only, never the engine (see above).
  bool label_blind = false;
  // Stop after this many rows (0: all).
  int64_t limit = 0;
  // Rows with an index below this are replayed (and learned from) but not
  // kept in the result: a warm-up, e.g. the training half of a history.
  int64_t score_from = 0;
  // Starts the progress line on a terminal (cli/progress.h), e.g.
  // "replay"; empty: none. It goes to `progress_stream` if set, else to the
  // `err` of Replay().
  std::string progress_label;
  std::ostream* progress_stream = nullptr;
};

// Replays and returns what each row decided. Bad rows: InvalidArgument
// "line N: ..." unless skip_bad_rows. `err` receives bad-row reports.
absl::StatusOr<ReplayResult> Replay(const ReplayOptions& options,
                                    std::ostream& err);

// One decision as a JSON line (no newline), as written to --out.
std::string DecisionLine(int64_t index, const Attempt& attempt,
                         const Decision& decision);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_REPLAYER_H_
