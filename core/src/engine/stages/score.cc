// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/stages/stages.h"
#include "model/scoring.h"
#include "signals/signal.h"

namespace vigil::internal {

void Score(const EngineParts& p, Evaluation* e) {
  const Enriched& x = e->enriched;
  if (x.ip_list != Enriched::IpList::kNone) return;  // decides alone
  const Attempt& attempt = e->attempt;
  const ModelConfig& m = e->config();
  const Loaded& l = e->loaded;
  Decision& d = e->decision();

  SignalInput in;
  in.attempt = &attempt;
  in.ip = &x.ip;
  in.geo = &x.geo;
  in.geo_failed = x.geo_failed;
  in.user_agent = &x.user_agent;
  in.profile = &l.profile;
  in.features = &e->stored.features;
  in.ip_counters = &l.ip_counters;
  in.asn_counters = &l.asn_counters;
  in.counters_failed = l.counters_failed;
  in.now = x.now;
  in.model = &m;
  const double maturity = BaselineMaturity(m, l.profile.successful_sign_ins);
  e->scored.maturity = maturity;
  std::vector<double> contributions;
  contributions.reserve(8);
  for (const auto& signal : BuiltinSignals()) {
    SignalResult r = signal->Evaluate(in);
    if (r.failed) {
      ++e->scored.signal_failures;
      d.signal_failures.emplace_back(signal->name());
    }
    double c = signal->weight(m) * r.score;
    if (signal->scaled_by_maturity()) c *= maturity;
    contributions.push_back(c);
    if (c >= kMinReportedContribution) {
      d.reasons.push_back(
          {std::string(signal->name()), r.score, c, std::move(r.detail)});
    }
  }
  std::sort(d.reasons.begin(), d.reasons.end(),
            [](const Reason& a, const Reason& b) {
              return a.contribution > b.contribution;
            });
  d.score = CombineContributions(contributions);
  // A device key: the strongest evidence for the user. Trusted, or issued
  // to a browser of this account that vigil has not trusted yet.
  if (!attempt.device_key.empty() && d.score > 0) {
    const uint64_t key =
        e->stored.features.hashes[static_cast<int>(Feature::kDevice)];
    const uint32_t seen = l.profile.Count(Feature::kDevice, key);
    const double factor = seen > 0 ? m.new_device.known_key_factor
                                   : m.new_device.unknown_key_factor;
    if (factor < 1) {
      const double before = d.score;
      d.score *= factor;
      d.reasons.push_back(
          seen > 0
              ? Reason{"known_device", 1, d.score - before,
                       absl::StrFormat(
                           "device key trusted in %u sign-ins: score x %.2f",
                           seen, factor)}
              : Reason{"device_key", 1, d.score - before,
                       absl::StrFormat("device key not yet trusted for this "
                                       "user: score x %.2f",
                                       factor)});
    }
  }
}

}  // namespace vigil::internal
