// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/challenges.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/random.h"
#include "common/status_macros.h"
#include "state/conflicts.h"
#include "store/partitions.h"
#include "vigil/mfa.h"

namespace vigil::internal {

absl::StatusOr<ChallengeRecord> LoadChallenge(Store* store,
                                              absl::string_view id,
                                              WriteBatch* guard) {
  if (id.size() != 32 ||
      id.find_first_not_of("0123456789abcdef") != absl::string_view::npos) {
    return absl::NotFoundError("challenge: no such challenge");
  }
  std::string value;
  absl::Status s = GuardedGet(store, Table::kChallenges, id, &value, guard);
  if (absl::IsNotFound(s))
    return absl::NotFoundError("challenge: no such challenge");
  VIGIL_RETURN_IF_ERROR(s);
  ChallengeRecord r;
  if (!r.Decode(value)) {
    return absl::DataLossError("store: challenge record is unreadable");
  }
  return r;
}

absl::StatusOr<ChallengeInfo> NewChallenge(const MfaPolicyConfig& policy,
                                           const Event& event, uint32_t factors,
                                           uint32_t offerable, absl::Time now,
                                           WriteBatch* batch) {
  ChallengeInfo info;
  // The first four hex digits name the user's partition (PartitionOf), so
  // that the challenge changes atomically with the user's other records on
  // a store spread over machines; 112 random bits follow.
  VIGIL_ASSIGN_OR_RETURN(std::string random, RandomHex(14));
  info.id = absl::StrCat(UserPartitionHex(event.user_id), random);
  ChallengeRecord c;
  c.user_id = event.user_id;
  c.event_id = event.event_id;
  c.created = absl::ToUnixSeconds(now);
  c.expires = c.created + policy.challenge_ttl_seconds;
  c.methods = factors & 0xff & offerable;
  c.device_name = event.device_name;
  c.ip = event.ip;
  c.city = event.decision.context.city;
  c.country = event.decision.context.country;
  const int preferred = static_cast<int>((factors >> 8) & 0xf) - 1;
  if (preferred >= 0 && preferred < kMfaMethodCount &&
      (c.methods & MethodBit(preferred))) {
    info.methods.emplace_back(MfaMethodName(static_cast<MfaMethod>(preferred)));
  }
  for (int m = 0; m < kMfaMethodCount; ++m) {
    if ((c.methods & MethodBit(m)) && m != preferred) {
      info.methods.emplace_back(MfaMethodName(static_cast<MfaMethod>(m)));
    }
  }
  info.expires_at = absl::FromUnixSeconds(c.expires);
  batch->Put(Table::kChallenges, info.id, c.Encode());
  return info;
}

}  // namespace vigil::internal
