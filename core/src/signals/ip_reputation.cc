// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ip_reputation: blocklists (FireHOL netsets) and anonymizer flags. The
// always-allow and always-block lists are applied by the engine before any
// signal runs (see engine/), since they decide alone.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

class IpReputation final : public Signal {
 public:
  absl::string_view name() const override { return "ip_reputation"; }
  double weight(const ModelConfig& m) const override {
    return m.ip_reputation.weight;
  }

  SignalResult Evaluate(const SignalInput& in) const override {
    const IpReputationConfig& c = in.model->ip_reputation;
    SignalResult r;
    std::vector<std::string> why;
    auto add = [&](bool hit, double score, const char* what) {
      if (!hit || score <= 0) return;
      r.score = std::max(r.score, score);
      why.emplace_back(what);
    };
    Cidr match;
    if (!c.blocklist.empty() && c.blocklist.Find(*in.ip, &match)) {
      r.score = std::max(r.score, c.blocklist_score);
      why.push_back(absl::StrCat("in blocklist range ", match.ToString()));
    }
    if (in.geo_failed) {
      r.failed = true;
      if (c.on_error == OnError::kClosed) r.score = 1;
      why.emplace_back("GeoIP lookup failed");
    }
    const GeoInfo& g = *in.geo;
    add(g.is_tor_exit_node, c.tor_score, "Tor exit node");
    add(g.is_public_proxy, c.public_proxy_score, "public proxy");
    add(g.is_anonymous_vpn, c.anonymous_vpn_score, "anonymous VPN");
    add(g.is_residential_proxy, c.residential_proxy_score, "residential proxy");
    add(g.is_hosting_provider, c.hosting_score, "hosting provider");
    add(g.is_anonymous, c.anonymous_score, "anonymizer");
    // This user's own reports ("this wasn't me").
    const auto& h = in.features->hashes;
    if (in.profile->IsDistrusted(Feature::kIp, h[static_cast<int>(Feature::kIp)])) {
      add(true, c.distrusted_ip_score, "IP reported by the user as not them");
    } else if (in.profile->IsDistrusted(
                   Feature::kNetwork, h[static_cast<int>(Feature::kNetwork)])) {
      add(true, c.distrusted_network_score,
          "network reported by the user as not them");
    }
    r.detail = absl::StrJoin(why, ", ");
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> IpReputationSignal() {
  return std::make_unique<IpReputation>();
}

}  // namespace vigil::internal
