// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/evaluation.h"

#include <utility>

namespace vigil::internal {

void StartDecision(const Evaluation& e, Decision* d) {
  const ModelConfig& m = e.config();
  d->event_id = e.stored.event.event_id;
  d->mode = m.mode;
  d->model = m.id;
  d->context.country = e.enriched.geo.country;
  d->context.city = e.enriched.geo.city;
  d->context.asn = e.enriched.geo.asn;
  if (e.enriched.password_check_failed) {
    d->signal_failures.emplace_back("compromised_password");
  }
}

void Evaluation::ResetToEnriched() {
  StoredEvent fresh;
  fresh.event = std::move(stored.event);
  fresh.features = std::move(stored.features);
  fresh.event.decision = Decision();
  stored = std::move(fresh);
  StartDecision(*this, &stored.event.decision);
  loaded = Loaded();
  scored = Scored();
  decided = Decided();
  recorded = Recorded();
}

}  // namespace vigil::internal
