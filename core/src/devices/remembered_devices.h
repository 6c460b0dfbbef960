// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Remembered devices as a service over the device registry
// (devices/device_record.h): the lookup Engine::Evaluate makes, remembering a
// device after a passed challenge, and the user's device list. Callers that
// change a user's devices hold that user's MFA lock.

#ifndef VIGIL_CORE_SRC_DEVICES_REMEMBERED_DEVICES_H_
#define VIGIL_CORE_SRC_DEVICES_REMEMBERED_DEVICES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "devices/device_record.h"
#include "model/model_config.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil::internal {

// A remembered-device lookup for Evaluate.
struct DeviceMatch {
  bool found = false;
  bool active = false;  // remembered and not expired at the attempt's time
  DeviceRecord record;
};
absl::Status FindDevice(Store* store, absl::string_view user_id,
                        absl::string_view device_key, int64_t now,
                        DeviceMatch* out);

class RememberedDevices {
 public:
  explicit RememberedDevices(Store* store) : store_(store) {}

  // Remembers `r` until now + the policy's TTL; adds its record, and the
  // deletion of the oldest remembered devices beyond the policy's maximum,
  // to `batch`.
  absl::Status Remember(DeviceRecord* r, int64_t now, const MfaPolicyConfig& p,
                        WriteBatch* batch) const;
  // The user's devices, most recently seen first.
  absl::StatusOr<std::vector<DeviceInfo>> List(absl::string_view user_id,
                                               int64_t now) const;
  // NotFound "device: no such device"; InvalidArgument for a bad name.
  absl::Status Update(absl::string_view user_id, absl::string_view device_id,
                      const DeviceUpdate& update, int64_t now,
                      const MfaPolicyConfig& p) const;
  absl::Status Delete(absl::string_view user_id,
                      absl::string_view device_id) const;

 private:
  Store* store_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_DEVICES_REMEMBERED_DEVICES_H_
