// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Around the stages: one pass, and settling an evaluation's last pass.

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

}  // namespace vigil::internal
