// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// new_device: the device (remembered-device key, else fingerprint, else
// browser and OS) has never been seen in a trusted sign-in of this user. A
// sign-in with a device key also learns its fingerprint, so the same browser
// with a new or lost key (cleared storage) is still known.

#include "absl/strings/str_cat.h"
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
    const uint64_t device = in.features->hashes[static_cast<int>(Feature::kDevice)];
    if (device == 0 ||
        in.profile->KnowsDevice(device, in.features->fingerprint)) {
      return r;
    }
    // A new device on a network the user has trusted (a new phone at home)
    // is less telling than one on a network never seen.
    const uint64_t net = in.features->hashes[static_cast<int>(Feature::kNetwork)];
    const bool known_network = net != 0 && in.profile->Count(Feature::kNetwork, net) > 0;
    r.score = known_network ? in.model->new_device.known_network_score : 1;
    if (!in.attempt->device_key.empty()) {
      r.detail = "device key never seen for this user";
    } else if (!in.attempt->device_fingerprint.empty()) {
      r.detail = "device fingerprint never seen for this user";
    } else {
      r.detail = absl::StrCat(in.user_agent->browser, " on ", in.user_agent->os,
                              " never seen for this user");
    }
    if (known_network) r.detail += ", on a known network";
    return r;
  }
};

}  // namespace

std::unique_ptr<Signal> NewDeviceSignal() { return std::make_unique<NewDevice>(); }

}  // namespace vigil::internal
