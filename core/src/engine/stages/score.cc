// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/stages/stages.h"
#include "model/scoring.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

// absl::StrFormat("%.2f", factor), remembered per thread for the last factor
// formatted: the factors come from the model, so nearly every call repeats
// the last one, and formatting a double costs more than the rest of the
// reason.
const std::string& FactorText(double factor) {
  thread_local double last = 0;
  thread_local std::string text = absl::StrFormat("%.2f", 0.0);
  if (factor != last || std::signbit(factor) != std::signbit(last)) {
    text = absl::StrFormat("%.2f", factor);
    last = factor;
  }
  return text;
}

}  // namespace

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
  in.device_known = l.device_known;
  in.ip_counters = &l.ip_counters;
  in.asn_counters = &l.asn_counters;
  in.counters_failed = l.counters_failed;
  in.now = x.now;
  in.model = &m;
  const double maturity = BaselineMaturity(m, l.profile.successful_sign_ins);
  e->scored.maturity = maturity;
  // A device key this user has not trusted yet: a browser that signed in
  // to this account before, which speaks against a new device and network
  // (the familiarity signals), not against impossible travel or an attack.
  // Else a fingerprint this user has trusted, without a key (weaker: a
  // client's claim): likewise on the familiarity signals only. Else a new
  // fingerprint without a key from a browser the user has trusted without
  // one (a privacy mode): likewise.
  const bool has_key = !attempt.device_key.empty();
  const bool known_fingerprint =
      !has_key && !attempt.device_fingerprint.empty() && l.device_trusted > 0;
  const NewDeviceConfig& nd = m.new_device;
  // (Counted by Load for a new device without a key only.)
  const bool keyless_browser =
      l.keyless_browser_trusted >=
      static_cast<uint32_t>(nd.keyless_browser_min_sign_ins);
  const double key_factor = has_key && l.device_trusted == 0
                                ? nd.unknown_key_factor
                            : known_fingerprint ? nd.known_fingerprint_factor
                            : keyless_browser   ? nd.keyless_browser_factor
                                                : 1.0;
  std::vector<double> contributions;
  std::vector<double> undiscounted;
  contributions.reserve(8);
  if (key_factor < 1) undiscounted.reserve(8);
  for (const auto& signal : BuiltinSignals()) {
    SignalResult r = signal->Evaluate(in);
    if (r.failed) {
      ++e->scored.signal_failures;
      d.signal_failures.emplace_back(signal->name());
    }
    double c = signal->weight(m) * r.score;
    if (signal->scaled_by_maturity()) c *= maturity;
    if (c >= kMinReportedContribution) {
      d.reasons.push_back(
          {std::string(signal->name()), r.score, c, std::move(r.detail)});
    }
    if (key_factor < 1) {
      undiscounted.push_back(c);
      if (signal->scaled_by_maturity()) c *= key_factor;  // "device_key"
    }
    contributions.push_back(c);
  }
  std::sort(d.reasons.begin(), d.reasons.end(),
            [](const Reason& a, const Reason& b) {
              return a.contribution > b.contribution;
            });
  d.score = CombineContributions(contributions);
  if (key_factor < 1 && d.score > 0) {
    const double before = CombineContributions(undiscounted);
    if (before > d.score) {
      d.reasons.push_back(
          known_fingerprint
              ? Reason{"known_device", 1, d.score - before,
                       absl::StrCat("device fingerprint trusted in ",
                                    l.device_trusted,
                                    " sign-ins (no key): new device and "
                                    "network x ",
                                    FactorText(key_factor))}
          : keyless_browser
              ? Reason{"known_device", 1, d.score - before,
                       absl::StrCat("browser trusted in ",
                                    l.keyless_browser_trusted,
                                    " sign-ins without a key, with other "
                                    "fingerprints: new device and network x ",
                                    FactorText(key_factor))}
              : Reason{"device_key", 1, d.score - before,
                       absl::StrCat("device key not yet trusted for this "
                                    "user: new device and network x ",
                                    FactorText(key_factor))});
    }
  }
  // A device key the user has trusted: the strongest evidence for the user.
  if (has_key && l.device_trusted > 0 && m.new_device.known_key_factor < 1 &&
      d.score > 0) {
    const double before = d.score;
    d.score *= m.new_device.known_key_factor;
    d.reasons.push_back(
        {"known_device", 1, d.score - before,
         absl::StrCat("device key trusted in ", l.device_trusted,
                      " sign-ins: score x ",
                      FactorText(m.new_device.known_key_factor))});
  }
}

}  // namespace vigil::internal
