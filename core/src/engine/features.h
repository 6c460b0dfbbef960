// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The feature values of one attempt, hashed for the profile.

#ifndef VIGIL_CORE_SRC_ENGINE_FEATURES_H_
#define VIGIL_CORE_SRC_ENGINE_FEATURES_H_

#include <string>

#include "context/user_agent.h"
#include "store/event_record.h"
#include "vigil/attempt.h"
#include "vigil/geo.h"
#include "vigil/ip_address.h"

namespace vigil::internal {

LearnableFeatures ExtractFeatures(const Attempt& attempt, const IpAddress& ip,
                                  const GeoInfo& geo, const UserAgentInfo& ua);

// "Chrome 120 on Windows 10"; empty when nothing is known.
std::string DeviceName(const UserAgentInfo& ua);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_ENGINE_FEATURES_H_
