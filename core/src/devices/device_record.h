// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The remembered-device registry: Table::kDevices, one record per device a
// user chose to remember, under DeviceKey(user, SHA-256 of the device key).
// The device key itself is never stored.

#ifndef VIGIL_CORE_SRC_DEVICES_DEVICE_RECORD_H_
#define VIGIL_CORE_SRC_DEVICES_DEVICE_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vigil/secret.h"
#include "vigil/store.h"

namespace vigil::internal {

struct DeviceRecord {
  std::string user_id;
  std::string key_hash;  // SHA-256 of the device key, 32 bytes
  std::string name;
  int64_t first_seen = 0;  // unix seconds
  int64_t last_seen = 0;
  std::string last_ip;
  std::string last_city;
  std::string last_country;
  bool remembered = false;
  int64_t remembered_at = 0;
  int64_t expires = 0;  // while remembered

  // The public id: hex of the first 16 bytes of key_hash.
  std::string id() const;
  bool ActiveAt(int64_t now) const { return remembered && now < expires; }

  std::string Encode() const;
  bool Decode(absl::string_view data);
};

// The prefix of all of `user_id`'s device records.
std::string DevicePrefix(absl::string_view user_id);
std::string DeviceStoreKey(absl::string_view user_id, absl::string_view key_hash);

// A fresh random device key (256 bits, base64url) and its SHA-256.
absl::StatusOr<SecretBytes> NewDeviceKey();
std::string HashDeviceKey(absl::string_view device_key);

// All of `user_id`'s devices, in key order.
absl::StatusOr<std::vector<DeviceRecord>> LoadDevices(Store* store,
                                                      absl::string_view user_id);

// Adds to `batch` the changes that forget every remembered device of the
// user (the entries stay, not remembered). Returns how many.
absl::StatusOr<int> ForgetAllDevices(Store* store, absl::string_view user_id,
                                     WriteBatch* batch);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_DEVICES_DEVICE_RECORD_H_
