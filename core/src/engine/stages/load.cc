// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>
#include <utility>

#include "common/status_macros.h"
#include "devices/remembered_devices.h"
#include "engine/stages/stages.h"

namespace vigil::internal {

absl::Status Load(const EngineParts& p, Evaluation* e) {
  const Attempt& attempt = e->attempt;
  const Enriched& x = e->enriched;
  const ModelConfig& m = e->config();
  Loaded& l = e->loaded;
  Decision& d = e->decision();

  // The profile and the IP and ASN counters, from the cache when hot, else
  // from the store.
  const std::string ip_key = IpCounterKey(absl::string_view(
      reinterpret_cast<const char*>(x.ip.bytes().data()), x.ip.bytes().size()));
  // On a shared store the record stage's batch expects the profile as read.
  VIGIL_ASSIGN_OR_RETURN(
      l.profile, p.state->TakeProfile(attempt.user_id,
                                      p.state->GuardOf(&e->recorded.batch)));
  l.profile_held = true;
  l.counters_failed = !p.state->ReadCounters(ip_key, &l.ip_counters);
  if (x.geo.asn != 0 &&
      !p.state->ReadCounters(AsnCounterKey(x.geo.asn), &l.asn_counters)) {
    l.counters_failed = true;
  }

  const int64_t n = l.profile.successful_sign_ins;
  d.baseline.successful_sign_ins = n;
  d.baseline.mature = n >= m.mature_after;
  const uint64_t device_hash =
      e->stored.features.hashes[static_cast<int>(Feature::kDevice)];
  l.device_trusted =
      device_hash != 0 ? l.profile.Count(Feature::kDevice, device_hash) : 0;
  l.device_known =
      l.profile.KnowsDevice(device_hash, e->stored.features.fingerprint);
  d.context.device = l.device_known ? "known" : "new";
  if (!l.device_known) {
    const uint64_t browser = e->stored.features.KeylessBrowser();
    l.keyless_browser_trusted =
        browser != 0 ? l.profile.Count(Feature::kDevice, browser) : 0;
  }
  d.password_reset_required = l.profile.password_reset_required;
  if (!attempt.device_key.empty()) {
    if (absl::Status s =
            FindDevice(p.state->store(), attempt.user_id, attempt.device_key,
                       absl::ToUnixSeconds(x.now), &l.device);
        !s.ok()) {
      return p.state->StoreError(s);
    }
    if (l.device.active) d.context.device = "remembered";
  }
  return absl::OkStatus();
}

void HandBack(const EngineParts& p, Evaluation* e) {
  Loaded& l = e->loaded;
  if (l.profile_held && p.state->ephemeral()) {
    p.state->profiles().Put(e->attempt.user_id, std::move(l.profile));
  }
  l.profile_held = false;
}

}  // namespace vigil::internal
