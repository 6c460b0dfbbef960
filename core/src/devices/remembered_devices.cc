// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "devices/remembered_devices.h"

#include <algorithm>

#include "common/status_macros.h"

namespace vigil::internal {
namespace {

DeviceInfo ToInfo(const DeviceRecord& r, int64_t now) {
  DeviceInfo d;
  d.id = r.id();
  d.name = r.name;
  d.first_seen = absl::FromUnixSeconds(r.first_seen);
  d.last_seen = absl::FromUnixSeconds(r.last_seen);
  d.last_ip = r.last_ip;
  d.last_city = r.last_city;
  d.last_country = r.last_country;
  d.remembered = r.ActiveAt(now);
  if (d.remembered) d.expires_at = absl::FromUnixSeconds(r.expires);
  return d;
}

}  // namespace

absl::Status FindDevice(Store* store, absl::string_view user_id,
                        absl::string_view device_key, int64_t now,
                        DeviceMatch* out) {
  *out = DeviceMatch();
  std::string value;
  absl::Status s =
      store->Get(Table::kDevices,
                 DeviceStoreKey(user_id, HashDeviceKey(device_key)), &value);
  if (absl::IsNotFound(s)) return absl::OkStatus();
  VIGIL_RETURN_IF_ERROR(s);
  if (!out->record.Decode(value) || out->record.user_id != user_id) {
    return absl::OkStatus();  // unreadable: treated as unknown
  }
  out->found = true;
  out->active = out->record.ActiveAt(now);
  return absl::OkStatus();
}

absl::Status RememberedDevices::Remember(DeviceRecord* r, int64_t now,
                                         const MfaPolicyConfig& p,
                                         WriteBatch* batch) const {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, r->user_id));
  r->remembered = true;
  r->remembered_at = now;
  r->expires = now + int64_t{p.remembered_device_ttl_days} * 86400;
  std::vector<const DeviceRecord*> others;
  for (const DeviceRecord& d : devices) {
    if (d.key_hash != r->key_hash && d.ActiveAt(now)) others.push_back(&d);
  }
  std::sort(others.begin(), others.end(),
            [](const DeviceRecord* a, const DeviceRecord* b) {
              return a->remembered_at < b->remembered_at;
            });
  // Oldest remembered first out, until this one fits.
  for (size_t i = 0; i + p.max_remembered_devices <= others.size(); ++i) {
    batch->Delete(Table::kDevices,
                  DeviceStoreKey(r->user_id, others[i]->key_hash));
  }
  batch->Put(Table::kDevices, DeviceStoreKey(r->user_id, r->key_hash),
             r->Encode());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DeviceInfo>> RememberedDevices::List(
    absl::string_view user_id, int64_t now) const {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  std::sort(devices.begin(), devices.end(),
            [](const DeviceRecord& a, const DeviceRecord& b) {
              return a.last_seen > b.last_seen;
            });
  std::vector<DeviceInfo> out;
  for (const DeviceRecord& r : devices) out.push_back(ToInfo(r, now));
  return out;
}

absl::Status RememberedDevices::Update(absl::string_view user_id,
                                       absl::string_view device_id,
                                       const DeviceUpdate& update, int64_t now,
                                       const MfaPolicyConfig& p) const {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  for (DeviceRecord& r : devices) {
    if (r.id() != device_id) continue;
    WriteBatch batch;
    if (update.name) r.name = *update.name;
    if (update.remembered.has_value()) {
      if (*update.remembered) {
        VIGIL_RETURN_IF_ERROR(Remember(&r, now, p, &batch));
      } else {
        r.remembered = false;
        r.expires = 0;
      }
    }
    batch.Put(Table::kDevices, DeviceStoreKey(user_id, r.key_hash), r.Encode());
    return store_->Write(batch);
  }
  return absl::NotFoundError("device: no such device");
}

absl::Status RememberedDevices::Delete(absl::string_view user_id,
                                       absl::string_view device_id) const {
  VIGIL_ASSIGN_OR_RETURN(std::vector<DeviceRecord> devices,
                         LoadDevices(store_, user_id));
  for (const DeviceRecord& r : devices) {
    if (r.id() != device_id) continue;
    WriteBatch batch;
    batch.Delete(Table::kDevices, DeviceStoreKey(user_id, r.key_hash));
    return store_->Write(batch);
  }
  return absl::NotFoundError("device: no such device");
}

}  // namespace vigil::internal
