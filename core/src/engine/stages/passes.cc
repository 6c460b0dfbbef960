// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Around the stages: settling an evaluation's last pass, rerunning aborted
// passes.

#include "engine/stages/stages.h"

namespace vigil::internal {

absl::Status RunPass(const EngineParts& p, Evaluation* e, int pass) {
  if (pass > 0) e->ResetToEnriched();
  absl::Status s = Load(p, e);
  if (s.ok()) {
    Score(p, e);
    Decide(p, e);
    s = Record(p, e);
  }
  HandBack(p, e);
  return s;
}

void Settle(const EngineParts& p, const Evaluation& e) {
  if (e.decided.target_sample.has_value()) {
    e.enriched.target->Add(*e.decided.target_sample);
  }
  if (e.scored.signal_failures > 0) {
    p.counters->signal_failures.fetch_add(e.scored.signal_failures,
                                          std::memory_order_relaxed);
  }
}

absl::Status RetryOnAborted(int max_passes,
                            absl::FunctionRef<absl::Status(int pass)> pass) {
  for (int i = 0; i < max_passes; ++i) {
    absl::Status s = pass(i);
    if (!absl::IsAborted(s)) return s;
  }
  return absl::UnavailableError("store: too much contention on this user");
}

}  // namespace vigil::internal
