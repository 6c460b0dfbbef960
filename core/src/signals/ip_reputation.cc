// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// ip_reputation: blocklists (FireHOL netsets), anonymizer flags, hosting
// providers by their organisation's name, and the user's own "not me". The
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
    auto add = [&](bool hit, double score, absl::string_view what) {
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
    const auto& h = in.features->hashes;
    // A hosting or VPN provider's network, by the anonymizer database or by
    // its organisation's name, counts where this user has no trusted sign-in
    // from its autonomous system (a VPN user's own exit is their network).
    const bool by_name =
        !g.is_hosting_provider && c.hosting_names.Matches(g.asn, g.asn_org);
    if ((g.is_hosting_provider || by_name) && c.hosting_score > 0 &&
        (g.asn == 0 ||
         in.profile->Count(Feature::kAsn, h[static_cast<int>(Feature::kAsn)]) ==
             0)) {
      add(true, c.hosting_score,
          by_name ? absl::StrCat("hosting provider by its name (AS", g.asn, " ",
                                 g.asn_org, ")")
                  : "hosting provider");
    }
    add(g.is_anonymous, c.anonymous_score, "anonymizer");
    // This user's own reports ("this wasn't me").
    if (in.profile->IsDistrusted(Feature::kIp,
                                 h[static_cast<int>(Feature::kIp)])) {
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
