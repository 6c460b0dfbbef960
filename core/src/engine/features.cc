// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "engine/features.h"

#include "absl/strings/str_cat.h"
#include "common/hash.h"

namespace vigil::internal {
namespace {

void Set(LearnableFeatures* f, Feature feature, absl::string_view value) {
  if (value.empty()) return;
  uint64_t h = StableHash(value, static_cast<uint64_t>(feature) + 1);
  f->hashes[static_cast<int>(feature)] = h == 0 ? 1 : h;
}

}  // namespace

LearnableFeatures ExtractFeatures(const Attempt& attempt, const IpAddress& ip,
                                  const GeoInfo& geo, const UserAgentInfo& ua) {
  LearnableFeatures f;
  const auto& b = ip.bytes();
  Set(&f, Feature::kIp,
      absl::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  const IpAddress net = ip.Masked(ip.is_v4() ? 24 : 48);
  const auto& nb = net.bytes();
  Set(&f, Feature::kNetwork,
      absl::string_view(reinterpret_cast<const char*>(nb.data()), nb.size()));
  if (geo.asn != 0) Set(&f, Feature::kAsn, absl::StrCat(geo.asn));
  Set(&f, Feature::kCountry, geo.country);
  if (!geo.city.empty())
    Set(&f, Feature::kCity, absl::StrCat(geo.country, "/", geo.city));
  if (!attempt.user_agent.empty()) {
    Set(&f, Feature::kUserAgent,
        absl::StrCat(ua.browser, "/", ua.browser_major, "/", ua.os, "/",
                     ua.os_version));
    Set(&f, Feature::kBrowser, ua.browser);
    Set(&f, Feature::kOs, ua.os);
    Set(&f, Feature::kDeviceType, DeviceTypeName(ua.device_type));
  }
  f.device_source = DeviceSource::kNone;
  if (!attempt.device_key.empty()) {
    f.device_source = DeviceSource::kKey;
    Set(&f, Feature::kDevice, absl::StrCat("k:", attempt.device_key));
    if (!attempt.device_fingerprint.empty()) {
      LearnableFeatures fp;
      Set(&fp, Feature::kDevice,
          absl::StrCat("f:", attempt.device_fingerprint));
      f.fingerprint = fp.hashes[static_cast<int>(Feature::kDevice)];
    }
  } else if (!attempt.device_fingerprint.empty()) {
    f.device_source = DeviceSource::kFingerprint;
    Set(&f, Feature::kDevice, absl::StrCat("f:", attempt.device_fingerprint));
  } else if (!attempt.user_agent.empty()) {
    f.device_source = DeviceSource::kUserAgent;
    Set(&f, Feature::kDevice, absl::StrCat("u:", ua.browser, "/", ua.os));
  }
  f.has_location = geo.has_location;
  f.latitude = geo.latitude;
  f.longitude = geo.longitude;
  f.accuracy_km = geo.accuracy_radius_km;
  return f;
}

std::string DeviceName(const UserAgentInfo& ua) {
  if (ua.browser.empty()) return "";
  std::string name = ua.browser;
  if (ua.browser_major > 0) absl::StrAppend(&name, " ", ua.browser_major);
  if (!ua.os.empty()) {
    absl::StrAppend(&name, " on ", ua.os);
    if (!ua.os_version.empty()) absl::StrAppend(&name, " ", ua.os_version);
  }
  return name;
}

}  // namespace vigil::internal
