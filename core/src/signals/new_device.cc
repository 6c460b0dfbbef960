// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// new_device: the device (remembered-device key, else fingerprint, else
// browser and OS) has never been seen in a trusted sign-in of this user. A
// sign-in with a device key also learns its fingerprint, so the same browser
// with a new or lost key (cleared storage) is still known. A new device
// scores 1 - the user's own rate of bringing new devices (shrunk toward the
// population's), less on an IP or a /24 the user has trusted. Without a key,
// off the user's IPs, the kind of device (browser and OS families) moves it:
// up when the user owns that kind, down for a new kind on the user's /24.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

class NewDevice final : public Signal {
 public:
  absl::string_view name() const override { return "new_device"; }
  double weight(const ModelConfig& m) const override {
    return m.new_device.weight;
  }
  bool scaled_by_maturity() const override { return true; }

  SignalResult Evaluate(const SignalInput& in) const override {
    SignalResult r;
    const uint64_t device =
        in.features->hashes[static_cast<int>(Feature::kDevice)];
    if (device == 0 || in.device_known) return r;
    // A new device on an IP or a network the user has trusted (a new phone
    // at home) is less telling than one on a network never seen.
    const uint64_t ip = in.features->hashes[static_cast<int>(Feature::kIp)];
    const uint64_t net =
        in.features->hashes[static_cast<int>(Feature::kNetwork)];
    const bool known_ip = ip != 0 && in.profile->Count(Feature::kIp, ip) > 0;
    const bool known_network =
        known_ip || (net != 0 && in.profile->Count(Feature::kNetwork, net) > 0);
    const NewDeviceConfig& c = in.model->new_device;
    r.score = known_ip        ? c.known_ip_score
              : known_network ? c.known_network_score
                              : 1;
    // How often this user brings a new device, shrunk toward everyone's.
    double p_new = 0;
    if (c.novelty_strength > 0) {
      const UserProfile& p = *in.profile;
      const double chances =
          static_cast<double>(std::max<int64_t>(0, p.successful_sign_ins - 1));
      const double novelties =
          static_cast<double>(std::max<int64_t>(0, p.new_device_sign_ins - 1));
      p_new = std::min(1.0, (novelties + c.novelty_strength * c.novelty_rate) /
                                (chances + c.novelty_strength));
      r.score *= 1 - p_new;
    }
    // Without a key and off the user's own IPs, a device of a kind the user
    // owns (browser and OS families both trusted) is what an impostor
    // copying them brings; on the user's own /24, a kind new to the user is
    // what a person's new device is.
    bool same_kind = false, new_kind = false;
    if (in.attempt->device_key.empty() && !known_ip) {
      const uint64_t browser =
          in.features->hashes[static_cast<int>(Feature::kBrowser)];
      const uint64_t os = in.features->hashes[static_cast<int>(Feature::kOs)];
      if (browser != 0 && os != 0) {
        const bool owned = in.profile->Count(Feature::kBrowser, browser) > 0 &&
                           in.profile->Count(Feature::kOs, os) > 0;
        same_kind = owned && c.same_kind_factor != 1;
        new_kind = !owned && known_network && c.new_kind_factor != 1;
      }
      if (same_kind) r.score = std::min(1.0, r.score * c.same_kind_factor);
      if (new_kind) r.score *= c.new_kind_factor;
    }
    if (!in.attempt->device_key.empty()) {
      r.detail = "device key never seen for this user";
    } else if (!in.attempt->device_fingerprint.empty()) {
      r.detail = "device fingerprint never seen for this user";
    } else {
      r.detail = absl::StrCat(in.user_agent->browser, " on ", in.user_agent->os,
                              " never seen for this user");
    }
    if (p_new > 0) {
      absl::StrAppend(&r.detail,
                      absl::StrFormat(" (the user brings a new one %.0f%% of "
                                      "the time)",
                                      100 * p_new));
    }
    if (same_kind || new_kind) {
      absl::StrAppend(&r.detail,
                      same_kind ? ", of a kind the user has ("
                                : ", of a kind new to the user (",
                      in.user_agent->browser, " on ", in.user_agent->os, ")");
    }
    if (known_ip) {
      r.detail += ", on a known IP";
    } else if (known_network) {
      r.detail += ", on a known network";
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> NewDeviceSignal() {
  return std::make_unique<NewDevice>();
}

}  // namespace vigil::internal
