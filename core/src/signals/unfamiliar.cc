// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// unfamiliar: how unusual this sign-in's network and user agent are for this
// user compared with everyone, as a likelihood ratio in the spirit of Freeman
// et al., "Who Are You? A Statistical Approach to Measuring User
// Authenticity" (NDSS 2016), with back-off along each feature hierarchy.

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

struct Level {
  Feature feature;
  double prior;
  const char* label;
};

struct GroupResult {
  double llr = 0;
  int matched = -1;  // level index the user had seen; -1: none
};

// Log likelihood ratio p_global / p_user at the most specific level of
// `levels` that the user has seen.
GroupResult ScoreGroup(const SignalInput& in, const Level* levels, int count) {
  const UserProfile& p = *in.profile;
  const double n = static_cast<double>(p.successful_sign_ins);
  const double alpha = in.model->unfamiliar.alpha;
  GroupResult g;
  int top = -1;
  for (int i = 0; i < count; ++i) {
    const uint64_t h = in.features->hashes[static_cast<int>(levels[i].feature)];
    if (h == 0) continue;
    top = i;
    const uint32_t c = p.Count(levels[i].feature, h);
    if (c > 0) {
      const double p_user = c / (n + alpha);
      g.llr = std::log(levels[i].prior / p_user);
      g.matched = i;
      return g;
    }
  }
  if (top < 0) return g;  // nothing known about this attempt
  const double distinct = static_cast<double>(p.Distinct(levels[top].feature));
  g.llr = std::log((n + alpha) / (distinct + alpha));
  return g;
}

class Unfamiliar final : public Signal {
 public:
  absl::string_view name() const override { return "unfamiliar"; }
  double weight(const ModelConfig& m) const override {
    return m.unfamiliar.weight;
  }
  bool scaled_by_maturity() const override { return true; }

  SignalResult Evaluate(const SignalInput& in) const override {
    const UnfamiliarConfig& c = in.model->unfamiliar;
    double country_prior = c.prior_country;
    if (!in.geo->country.empty()) {
      auto it = c.country_share.find(in.geo->country);
      if (it != c.country_share.end()) country_prior = it->second;
    }
    const Level network[] = {{Feature::kIp, c.prior_ip, "IP"},
                             {Feature::kNetwork, c.prior_network, "network"},
                             {Feature::kAsn, c.prior_asn, "ASN"},
                             {Feature::kCountry, country_prior, "country"}};
    const Level agent[] = {{Feature::kUserAgent, c.prior_user_agent, "user agent"},
                           {Feature::kBrowser, c.prior_browser, "browser"},
                           {Feature::kOs, c.prior_os, "OS"},
                           {Feature::kDeviceType, c.prior_device_type, "device type"}};
    const GroupResult net = ScoreGroup(in, network, 4);
    const GroupResult ua = ScoreGroup(in, agent, 4);
    const double s_net = 1 - std::exp(-std::max(0.0, net.llr) / c.scale);
    const double s_ua = 1 - std::exp(-std::max(0.0, ua.llr) / c.scale);

    SignalResult r;
    r.score = 1 - (1 - c.network_weight * s_net) * (1 - c.user_agent_weight * s_ua);
    if (r.score <= 0) return r;
    if (s_net > 0) {
      std::string where;
      if (net.matched < 0) {
        where = absl::StrCat("country ",
                             in.geo->country.empty() ? "unknown" : in.geo->country,
                             in.geo->asn ? absl::StrCat(", AS", in.geo->asn) : "",
                             " never seen");
      } else {
        where = absl::StrCat(network[net.matched].label, " rarely seen");
      }
      absl::StrAppend(&r.detail, "network: ", where,
                      absl::StrFormat(" (LR %.1f)", std::exp(net.llr)));
    }
    if (s_ua > 0) {
      if (!r.detail.empty()) r.detail += "; ";
      absl::StrAppend(&r.detail, "user agent: ", in.user_agent->browser, " on ",
                      in.user_agent->os,
                      ua.matched < 0 ? " never seen"
                                     : absl::StrCat(", ", agent[ua.matched].label,
                                                    " rarely seen"),
                      absl::StrFormat(" (LR %.1f)", std::exp(ua.llr)));
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> UnfamiliarSignal() {
  return std::make_unique<Unfamiliar>();
}

}  // namespace vigil::internal
