// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "context/user_agent.h"
#include "engine/attempt_validation.h"
#include "engine/features.h"
#include "engine/stages/stages.h"

namespace vigil::internal {
namespace {

// ParseUserAgent, remembering the last few thousand user agents of this
// thread: a pool's clients send few distinct strings, and parsing one costs
// far more than a lookup.
UserAgentInfo CachedParseUserAgent(const std::string& text) {
  constexpr size_t kMaxEntries = 4096;
  thread_local absl::flat_hash_map<std::string, UserAgentInfo> cache;
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  UserAgentInfo ua = ParseUserAgent(text);
  if (text.size() <= 512) {
    if (cache.size() >= kMaxEntries) cache.clear();
    cache.emplace(text, ua);
  }
  return ua;
}

// The compromised-password check of `attempt` under `cc`, into `x`.
void CheckPassword(const EngineParts& p, const Attempt& attempt,
                   const CompromisedCredentialsConfig& cc, Enriched* x) {
  if (attempt.password_sha1.empty() ||
      !cc.event_types[static_cast<int>(attempt.event_type)]) {
    return;
  }
  absl::StatusOr<PasswordCheck> check =
      p.passwords->Check(HashKind::kSha1, attempt.password_sha1);
  if (!check.ok() || check->degraded) {
    p.counters->signal_failures.fetch_add(1, std::memory_order_relaxed);
    x->password_check_failed = true;
  }
  if (check.ok() && check->compromised &&
      (check->count >= cc.min_count ||
       (check->degraded && check->count == 0))) {
    // count 0 with compromised: the check failed closed.
    x->password_compromised = true;
    x->password_detail =
        check->count > 0
            ? absl::StrCat("password seen ", check->count,
                           " times in breach corpora")
            : std::string("breach corpus unavailable; failing closed");
  }
}

}  // namespace

absl::Status Enrich(const EngineParts& p, Evaluation* e) {
  const Attempt& attempt = e->attempt;
  Enriched& x = e->enriched;
  x.clock_now = p.clock->Now();
  if (absl::Status s = ValidateAttempt(attempt, x.clock_now, &x.ip); !s.ok()) {
    p.counters->invalid_attempts.fetch_add(1, std::memory_order_relaxed);
    return s;
  }
  // The model and its derived-threshold state, read under one lock.
  p.model->Read(&x.model, &x.target);
  x.config = &x.model->config();
  const ModelConfig& m = *x.config;
  // Live, the clock decides; the attempt's timestamp is the client's claim.
  x.now = p.trust_attempt_timestamps ? attempt.timestamp.value_or(x.clock_now)
                                     : x.clock_now;

  if (!p.geo->Lookup(x.ip, &x.geo).ok()) {
    x.geo_failed = true;
    x.geo = GeoInfo();
    p.counters->geo_failures.fetch_add(1, std::memory_order_relaxed);
  }
  x.user_agent = CachedParseUserAgent(attempt.user_agent);

  StoredEvent& stored = e->stored;
  Event& event = stored.event;
  VIGIL_ASSIGN_OR_RETURN(event.event_id,
                         NewEventId(attempt.user_id, absl::ToUnixNanos(x.now)));
  stored.features = ExtractFeatures(attempt, x.ip, x.geo, x.user_agent);
  event.user_id = attempt.user_id;
  event.time = x.now;
  if (!p.trust_attempt_timestamps) event.client_time = attempt.timestamp;
  event.event_type = attempt.event_type;
  event.ip = x.ip.ToString();
  event.user_agent = attempt.user_agent;
  event.device_name = DeviceName(x.user_agent);
  event.time_zone = x.geo.time_zone;
  event.outcome = attempt.outcome;

  if (m.ip_reputation.always_allow.Find(x.ip, &x.ip_list_range)) {
    x.ip_list = Enriched::IpList::kAlwaysAllow;
  } else if (m.ip_reputation.always_block.Find(x.ip, &x.ip_list_range)) {
    x.ip_list = Enriched::IpList::kAlwaysBlock;
  }

  CheckPassword(p, attempt, m.compromised_credentials, &x);
  StartDecision(*e, &event.decision);
  return absl::OkStatus();
}

}  // namespace vigil::internal
