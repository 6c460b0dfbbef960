// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// velocity: credential stuffing and password spraying (many users failing
// from one IP or ASN) and brute force (one user failing again and again).
// Volume alone is not suspicious: an IP earns tolerance for every distinct
// user who signed in successfully from it recently, so a shared NAT or an
// office is not treated as an attacker.

#include "signals/velocity.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "model/table_reader.h"

namespace vigil::internal {
namespace {

class Velocity final : public Signal {
 public:
  absl::string_view name() const override { return VelocitySettings::kSignal; }
  double weight(const ModelConfig& m) const override {
    return SettingsOf<VelocitySettings>(m).weight;
  }

  absl::StatusOr<std::shared_ptr<const SignalSettings>> LoadSettings(
      TableReader& r) const override {
    auto v = std::make_shared<VelocitySettings>();
    VIGIL_RETURN_IF_ERROR(r.Double("weight", 0, 1, &v->weight));
    VIGIL_RETURN_IF_ERROR(
        r.Int("ip_window_minutes", 5, 60, &v->ip_window_minutes));
    VIGIL_RETURN_IF_ERROR(
        r.Double("ip_failed_users", 0, 1e6, &v->ip_failed_users));
    VIGIL_RETURN_IF_ERROR(r.Double("ip_trust_per_success_user", 0, 1e3,
                                   &v->ip_trust_per_success_user));
    VIGIL_RETURN_IF_ERROR(r.Int("ip_trust_days", 1, 7, &v->ip_trust_days));
    VIGIL_RETURN_IF_ERROR(r.Double("ip_ramp_users", 1, 1e6, &v->ip_ramp_users));
    VIGIL_RETURN_IF_ERROR(r.Double("ip_failures", 0, 1e6, &v->ip_failures));
    VIGIL_RETURN_IF_ERROR(
        r.Double("ip_ramp_failures", 1, 1e6, &v->ip_ramp_failures));
    VIGIL_RETURN_IF_ERROR(
        r.Double("asn_failed_users", 0, 1e6, &v->asn_failed_users));
    VIGIL_RETURN_IF_ERROR(
        r.Double("asn_ramp_users", 1, 1e6, &v->asn_ramp_users));
    VIGIL_RETURN_IF_ERROR(
        r.Double("user_failure_streak", 0, 1e6, &v->user_failure_streak));
    VIGIL_RETURN_IF_ERROR(
        r.Double("user_ramp_failures", 1, 1e6, &v->user_ramp_failures));
    VIGIL_RETURN_IF_ERROR(r.OnErrorValue("on_error", &v->on_error));
    return v;
  }

  SignalResult Evaluate(const SignalInput& in) const override {
    const VelocitySettings& c = SettingsOf<VelocitySettings>(*in.model);
    SignalResult r;
    // Per user: consecutive failures within the last day (from the profile,
    // so it holds even when the counters cannot be read).
    const UserProfile& p = *in.profile;
    double s_user = 0;
    if (p.failure_streak > 0 &&
        absl::ToUnixSeconds(in.now) - p.last_failure < 86400) {
      s_user = Clamp01((p.failure_streak - c.user_failure_streak + 1) /
                       c.user_ramp_failures);
    }
    auto streak_detail = [&] {
      return absl::StrFormat("%u consecutive failed sign-ins for this user",
                             p.failure_streak);
    };
    if (in.counters_failed) {
      r.failed = true;
      r.score = std::max(s_user, c.on_error == OnError::kClosed ? 1.0 : 0.0);
      r.detail = s_user > 0 ? absl::StrCat(streak_detail(),
                                           "; velocity counters unavailable")
                            : "velocity counters unavailable";
      return r;
    }
    const absl::Duration window = absl::Minutes(c.ip_window_minutes);

    // Per IP.
    const CounterRecord::Totals ip = in.ip_counters->ShortWindow(in.now, window);
    const double trusted_users =
        in.ip_counters->LongWindow(in.now, absl::Hours(24 * c.ip_trust_days))
            .success_users.Estimate();
    const double failed_users = ip.failure_users.Estimate();
    const double user_tolerance =
        c.ip_failed_users + c.ip_trust_per_success_user * trusted_users;
    const double s_users =
        Clamp01((failed_users - user_tolerance) / c.ip_ramp_users);
    const double failure_tolerance = c.ip_failures + ip.successes;
    const double s_failures =
        Clamp01((ip.failures - failure_tolerance) / c.ip_ramp_failures);
    const double s_ip = std::max(s_users, s_failures);

    // Per ASN.
    double s_asn = 0, asn_users = 0;
    if (in.geo->asn != 0) {
      const CounterRecord::Totals asn = in.asn_counters->ShortWindow(in.now, window);
      asn_users = asn.failure_users.Estimate();
      const double asn_trusted = in.asn_counters
                                     ->LongWindow(in.now, absl::Hours(24 * c.ip_trust_days))
                                     .success_users.Estimate();
      s_asn = Clamp01((asn_users - c.asn_failed_users -
                       c.ip_trust_per_success_user * asn_trusted) /
                      c.asn_ramp_users);
    }

    r.score = std::max({s_ip, s_asn, s_user});
    if (r.score <= 0) return r;
    if (r.score == s_ip) {
      r.detail = absl::StrFormat(
          "IP %s: %u failed sign-ins for ~%.0f users in %d min "
          "(%u successes; ~%.0f users trusted from it this week)",
          in.ip->ToString(), ip.failures, failed_users, c.ip_window_minutes,
          ip.successes, trusted_users);
    } else if (r.score == s_asn) {
      r.detail = absl::StrFormat("AS%u: failed sign-ins for ~%.0f users in %d min",
                                 in.geo->asn, asn_users, c.ip_window_minutes);
    } else {
      r.detail = streak_detail();
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> VelocitySignal() { return std::make_unique<Velocity>(); }

}  // namespace vigil::internal
