// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil/history.h: the recorded history of every user, in time order, as the
// attempts a replay (`vigil replay`, docs/replay.md) feeds a fresh engine.
//
// Each stored event becomes the attempt the engine saw, as far as the store
// kept it: event type, user, IP, user agent, time (the engine's), outcome,
// and the device as an opaque token in place of the device key or the
// fingerprint (16 hex digits of the hash the engine keeps; the same device
// gives the same token, so that a replay knows and misses the same devices;
// the key itself is never stored; records written before the store kept
// whether a hash was a key's give a fingerprint token unless a fingerprint
// was kept beside it). Never a password hash. The label is set
// where the live history has an answer a replay's MFA oracle needs:
//   - "not me" feedback: {attack: true, account_takeover: outcome success,
//     kind "feedback_invalid"};
//   - "it was me" feedback: {attack: false, account_takeover: false,
//     kind "feedback_valid"};
//   - else a challenge locked by wrong answers: {attack: true,
//     account_takeover: false, kind "challenge_locked"};
//   - else none (a replay counts a challenged success as passed).

#ifndef VIGIL_HISTORY_H_
#define VIGIL_HISTORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vigil/attempt.h"
#include "vigil/event.h"
#include "vigil/store.h"

namespace vigil {

// The label kind of an exported "it was me": a replay trusts the event at
// once, as live feedback did.
inline constexpr char kFeedbackValidKind[] = "feedback_valid";

struct HistoryQuery {
  // Events with since <= time < until.
  absl::Time since = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
  // Only this user's events; empty: every user's.
  std::string user_id;
  // Empty for the first page, else the next_cursor of the page before (the
  // id of its last event): the page starts after it.
  std::string cursor;
  // Events per page, 1..kMaxHistoryPage.
  int limit = 1000;
};

inline constexpr int kMaxHistoryPage = 100000;

struct HistoryEvent {
  Event event;      // as recorded (decision, challenge responses, feedback)
  Attempt attempt;  // what a replay feeds the engine (see above)
};

struct HistoryPage {
  // Oldest first; ties in time by event id.
  std::vector<HistoryEvent> events;
  // The id of the last event when more follow; empty at the end.
  std::string next_cursor;
};

// One page of the history in `store` (an engine's, or one opened with
// RocksDbOptions::read_only). Each page reads the whole events table (or
// the user's part of it) once and keeps at most `limit` events in memory.
// InvalidArgument "limit: ...", "cursor: ...", "user_id: ...", "since: ..."
// for a bad query; the store's error if it fails; DataLoss for a record it
// cannot decode.
absl::StatusOr<HistoryPage> ReadHistory(Store* store,
                                        const HistoryQuery& query);

}  // namespace vigil

#endif  // VIGIL_HISTORY_H_
