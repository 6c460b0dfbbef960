// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A QR code (libqrencode) drawn as SVG.

#ifndef VIGIL_CORE_SRC_MFA_QR_SVG_H_
#define VIGIL_CORE_SRC_MFA_QR_SVG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil::internal {

// An SVG image of `text` as a QR code (error correction M, byte mode), with
// a 4-module quiet zone; one module is one user unit.
absl::StatusOr<std::string> QrSvg(absl::string_view text);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_QR_SVG_H_
