// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "vigil/history.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "store/event_record.h"

namespace vigil {
namespace {

using internal::DeviceSource;
using internal::Feature;
using internal::StoredEvent;

// The order of the history: time, then key (which holds the event id).
struct Position {
  absl::Time time;
  std::string key;
  bool operator<(const Position& o) const {
    return time != o.time ? time < o.time : key < o.key;
  }
};

std::string DeviceToken(uint64_t hash) {
  return absl::StrFormat("%016x", hash);
}

Attempt ReplayAttempt(const StoredEvent& stored) {
  const Event& e = stored.event;
  Attempt a;
  a.event_type = e.event_type;
  a.user_id = e.user_id;
  a.ip = e.ip;
  a.user_agent = e.user_agent;
  a.timestamp = e.time;
  a.outcome = e.outcome;
  const uint64_t device =
      stored.features.hashes[static_cast<int>(Feature::kDevice)];
  const uint64_t fingerprint = stored.features.fingerprint;
  switch (stored.features.device_source) {
    case DeviceSource::kKey:
      a.device_key = DeviceToken(device);
      if (fingerprint != 0) a.device_fingerprint = DeviceToken(fingerprint);
      break;
    case DeviceSource::kFingerprint:
      a.device_fingerprint = DeviceToken(device);
      break;
    case DeviceSource::kNone:
    case DeviceSource::kUserAgent:
      break;  // the replay derives it from the user agent again
    case DeviceSource::kUnknown:
      // A record from before the source was kept: a fingerprint beside the
      // hash means a key; otherwise the hash stands in as a fingerprint
      // (which knows and misses the same devices, but is no key for the
      // engine's trusted-key factor).
      if (device == 0) break;
      if (fingerprint != 0) {
        a.device_key = DeviceToken(device);
        a.device_fingerprint = DeviceToken(fingerprint);
      } else {
        a.device_fingerprint = DeviceToken(device);
      }
      break;
  }
  if (e.feedback.has_value()) {
    AttemptLabel label;
    if (e.feedback->value == FeedbackValue::kInvalid) {
      label.attack = true;
      label.account_takeover = e.outcome == Outcome::kSuccess;
      label.kind = "feedback_invalid";
    } else {
      label.kind = kFeedbackValidKind;
    }
    a.label = std::move(label);
  } else {
    for (const ChallengeResponse& r : e.challenge_responses) {
      if (r.result == "locked") {
        a.label = AttemptLabel{.attack = true, .kind = "challenge_locked"};
      }
    }
  }
  return a;
}

}  // namespace

absl::StatusOr<HistoryPage> ReadHistory(Store* store,
                                        const HistoryQuery& query) {
  if (query.limit < 1 || query.limit > kMaxHistoryPage) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: must be from 1 to ", kMaxHistoryPage));
  }
  if (query.since > query.until) {
    return absl::InvalidArgumentError("since: later than until");
  }
  std::string start = "v";
  std::string limit_key = "w";
  if (!query.user_id.empty()) {
    if (absl::Status s = ValidateUserId(query.user_id); !s.ok()) return s;
    start = internal::UserEventPrefix(query.user_id);
    limit_key = PrefixLimit(start);
  }
  std::optional<Position> after;
  if (!query.cursor.empty()) {
    Position p;
    if (!internal::EventKey(query.cursor, &p.key) ||
        !internal::EventKeyTime(p.key, &p.time)) {
      return absl::InvalidArgumentError(
          "cursor: not a cursor (the id of an event)");
    }
    after = std::move(p);
  }

  // The `limit` + 1 first positions, in a max-heap (the + 1 tells whether
  // more follow).
  const size_t keep = static_cast<size_t>(query.limit) + 1;
  std::priority_queue<Position> heap;
  std::unique_ptr<StoreIterator> it =
      store->Scan(Table::kEvents, start, limit_key);
  StoredEvent decoded;
  for (; it->Valid(); it->Next()) {
    Position p;
    if (!internal::EventKeyTime(it->key(), &p.time)) continue;
    if (p.time < query.since || p.time >= query.until) continue;
    if (heap.size() == keep && !(p.time <= heap.top().time)) continue;
    p.key = std::string(it->key());
    if (after.has_value() && !(*after < p)) continue;
    if (heap.size() == keep && !(p < heap.top())) continue;
    if (!query.user_id.empty()) {
      // Another user whose id hashes alike.
      if (!decoded.Decode(it->value())) {
        return absl::DataLossError("events: a record cannot be decoded");
      }
      if (decoded.event.user_id != query.user_id) continue;
    }
    heap.push(std::move(p));
    if (heap.size() > keep) heap.pop();
  }
  if (absl::Status s = it->status(); !s.ok()) return s;

  std::vector<Position> positions(heap.size());
  for (size_t i = positions.size(); i > 0; --i) {
    positions[i - 1] = heap.top();
    heap.pop();
  }
  HistoryPage page;
  const bool more = positions.size() == keep;
  if (more) positions.pop_back();
  page.events.reserve(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    std::string value;
    absl::Status got = store->Get(Table::kEvents, positions[i].key, &value);
    if (absl::IsNotFound(got)) continue;  // removed since the scan
    if (!got.ok()) return got;
    StoredEvent e;
    if (!e.Decode(value)) {
      return absl::DataLossError("events: a record cannot be decoded");
    }
    HistoryEvent h;
    h.attempt = ReplayAttempt(e);
    h.event = std::move(e.event);
    page.events.push_back(std::move(h));
  }
  if (more) {
    // The last position's event id (its key without the "v").
    page.next_cursor = absl::BytesToHexString(
        absl::string_view(positions.back().key).substr(1));
  }
  return page;
}

}  // namespace vigil
