// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "devices/device_record.h"

#include <openssl/crypto.h>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {
constexpr uint8_t kDeviceVersion = 1;
}  // namespace

std::string DeviceRecord::id() const { return LowerHex(key_hash.substr(0, 16)); }

std::string DeviceRecord::Encode() const {
  std::string out;
  Encoder e(&out);
  e.PutU8(kDeviceVersion);
  e.PutString(user_id);
  e.PutString(key_hash);
  e.PutString(name);
  e.PutSignedVarint(first_seen);
  e.PutSignedVarint(last_seen);
  e.PutString(last_ip);
  e.PutString(last_city);
  e.PutString(last_country);
  e.PutU8(remembered ? 1 : 0);
  e.PutSignedVarint(remembered_at);
  e.PutSignedVarint(expires);
  return out;
}

bool DeviceRecord::Decode(absl::string_view data) {
  *this = DeviceRecord();
  Decoder d(data);
  uint8_t version, rem;
  if (!d.GetU8(&version) || version != kDeviceVersion || !d.GetString(&user_id) ||
      !d.GetString(&key_hash) || key_hash.size() != 32 || !d.GetString(&name) ||
      !d.GetSignedVarint(&first_seen) || !d.GetSignedVarint(&last_seen) ||
      !d.GetString(&last_ip) || !d.GetString(&last_city) ||
      !d.GetString(&last_country) || !d.GetU8(&rem) ||
      !d.GetSignedVarint(&remembered_at) || !d.GetSignedVarint(&expires)) {
    return false;
  }
  remembered = rem != 0;
  return d.done();
}

std::string DevicePrefix(absl::string_view user_id) {
  std::string out;
  Encoder e(&out);
  e.PutString(user_id);
  return out;
}

std::string DeviceStoreKey(absl::string_view user_id, absl::string_view key_hash) {
  return absl::StrCat(DevicePrefix(user_id), key_hash);
}

absl::StatusOr<SecretBytes> NewDeviceKey() {
  VIGIL_ASSIGN_OR_RETURN(std::string raw, RandomBytes(32));
  SecretBytes key(Base64Url(raw));
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

std::string HashDeviceKey(absl::string_view device_key) {
  return Sha256(absl::StrCat("vigil-device-key:", device_key));
}

absl::StatusOr<std::vector<DeviceRecord>> LoadDevices(Store* store,
                                                      absl::string_view user_id) {
  const std::string prefix = DevicePrefix(user_id);
  std::vector<DeviceRecord> out;
  std::unique_ptr<StoreIterator> it = store->Scan(Table::kDevices, prefix, PrefixLimit(prefix));
  for (; it->Valid(); it->Next()) {
    if (it->key().substr(0, prefix.size()) != prefix) break;
    DeviceRecord r;
    if (!r.Decode(it->value())) {
      return absl::DataLossError("store: device record is unreadable");
    }
    if (r.user_id != user_id) continue;
    out.push_back(std::move(r));
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  return out;
}

absl::StatusOr<int> ForgetAllDevices(Store* store, absl::string_view user_id,
                                     WriteBatch* batch) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store, user_id));
  int n = 0;
  for (DeviceRecord& r : devices) {
    if (!r.remembered) continue;
    r.remembered = false;
    r.expires = 0;
    batch->Put(Table::kDevices, DeviceStoreKey(user_id, r.key_hash), r.Encode());
    ++n;
  }
  return n;
}

}  // namespace vigil::internal
