// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// unfamiliar: how unusual this sign-in's network and user agent are for this
// user compared with everyone, as a likelihood ratio in the spirit of Freeman
// et al., "Who Are You? A Statistical Approach to Measuring User
// Authenticity" (NDSS 2016), with back-off along each feature hierarchy.

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

struct Level {
  Feature feature;
  double prior;
  // Population rate of new values at this level; 0: a new value here is no
  // news when the level above is known (the IP in a known /24: DHCP).
  double novelty;
  const char* label;
};

struct GroupResult {
  double llr = 0;
  int matched = -1;  // level index the user had seen; -1: none
  int novel = -1;    // level whose novelty gave llr; -1: none
};

// -log of the user's chance of a value never seen at `level`: the user's own
// novelties (distinct - 1 in n - 1 chances: the first sign-in is new by
// necessity) shrunk toward the population's rate. An attacker's value is new
// almost surely, so this is the log likelihood ratio of novelty.
double NoveltyLlr(const SignalInput& in, const Level& level) {
  const UserProfile& p = *in.profile;
  const double n = static_cast<double>(p.successful_sign_ins);
  const double distinct = static_cast<double>(p.Distinct(level.feature));
  const double strength = in.model->unfamiliar.novelty_strength;
  const double p_new =
      (std::max(0.0, distinct - 1) + strength * level.novelty) /
      (std::max(0.0, n - 1) + strength);
  return -std::log(std::min(1.0, p_new));
}

// Log likelihood ratio p_global / p_user at the most specific level of
// `levels` that the user has seen, or of the novelty of the most general
// level the user has not seen, whichever is larger.
GroupResult ScoreGroup(const SignalInput& in, const Level* levels, int count) {
  const UserProfile& p = *in.profile;
  const double n = static_cast<double>(p.successful_sign_ins);
  const double alpha = in.model->unfamiliar.alpha;
  const bool novelty = in.model->unfamiliar.novelty_strength > 0 && n >= 1;
  GroupResult g;
  int unseen = -1;  // the most general level with a value the user lacks
  for (int i = 0; i < count; ++i) {
    const uint64_t h = in.features->hashes[static_cast<int>(levels[i].feature)];
    if (h == 0) continue;
    const uint32_t c = p.Count(levels[i].feature, h);
    if (c > 0) {
      const double p_user = c / (n + alpha);
      g.llr = std::log(levels[i].prior / p_user);
      g.matched = i;
      if (novelty && unseen >= 0 && levels[unseen].novelty > 0) {
        const double llr = NoveltyLlr(in, levels[unseen]);
        if (llr > g.llr) {
          g.llr = llr;
          g.novel = unseen;
        }
      }
      return g;
    }
    unseen = i;
  }
  if (unseen < 0) return g;  // nothing known about this attempt
  g.novel = unseen;
  if (novelty) {
    g.llr = NoveltyLlr(in, levels[unseen]);
  } else {
    const double distinct =
        static_cast<double>(p.Distinct(levels[unseen].feature));
    g.llr = std::log((n + alpha) / (distinct + alpha));
  }
  return g;
}

// What the log likelihood ratio of `g` came from, for a person: "country DE,
// AS3320 never seen" (nothing seen), "AS3320 never seen" (a level below the
// one seen is new), "network rarely seen".
std::string Where(const SignalInput& in, const Level* levels,
                  const GroupResult& g) {
  if (g.novel < 0) return absl::StrCat(levels[g.matched].label, " rarely seen");
  const Feature f = levels[g.novel].feature;
  const std::string as = in.geo->asn ? absl::StrCat("AS", in.geo->asn) : "";
  if (f == Feature::kCountry) {
    return absl::StrCat("country ",
                        in.geo->country.empty() ? "unknown" : in.geo->country,
                        as.empty() ? "" : ", ", as, " never seen");
  }
  if (f == Feature::kAsn && !as.empty()) return absl::StrCat(as, " never seen");
  return absl::StrCat(levels[g.novel].label, " never seen");
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
    const Level network[] = {
        {Feature::kIp, c.prior_ip, 0, "IP"},
        {Feature::kNetwork, c.prior_network, c.novelty_network, "network"},
        {Feature::kAsn, c.prior_asn, c.novelty_asn, "ASN"},
        {Feature::kCountry, country_prior, c.novelty_country, "country"}};
    const Level agent[] = {
        {Feature::kUserAgent, c.prior_user_agent, c.novelty_user_agent,
         "user agent"},
        {Feature::kBrowser, c.prior_browser, c.novelty_browser, "browser"},
        {Feature::kOs, c.prior_os, c.novelty_os, "OS"},
        {Feature::kDeviceType, c.prior_device_type, c.novelty_device_type,
         "device type"}};
    const GroupResult net = ScoreGroup(in, network, 4);
    const GroupResult ua = ScoreGroup(in, agent, 4);
    const double s_net = 1 - std::exp(-std::max(0.0, net.llr) / c.scale);
    double s_ua = 1 - std::exp(-std::max(0.0, ua.llr) / c.scale);
    if (in.features->hashes[static_cast<int>(Feature::kDevice)] != 0 &&
        !in.device_known) {
      s_ua *= c.user_agent_new_device_factor;
    }

    SignalResult r;
    r.score =
        1 - (1 - c.network_weight * s_net) * (1 - c.user_agent_weight * s_ua);
    if (r.score <= 0) return r;
    if (s_net > 0) {
      absl::StrAppend(&r.detail, "network: ", Where(in, network, net),
                      absl::StrFormat(" (LR %.1f)", std::exp(net.llr)));
    }
    if (s_ua > 0) {
      if (!r.detail.empty()) r.detail += "; ";
      absl::StrAppend(&r.detail, "user agent: ", in.user_agent->browser, " on ",
                      in.user_agent->os,
                      ua.matched < 0 ? " never seen"
                                     : absl::StrCat(", ", Where(in, agent, ua)),
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
