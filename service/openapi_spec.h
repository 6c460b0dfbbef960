// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/openapi_spec.h: docs/openapi.yaml, the OpenAPI 3.1 contract of
// every route, built into the binary (cmake/EmbedFile.cmake) and served at
// GET /openapi.yaml.

#ifndef VIGIL_SERVICE_OPENAPI_SPEC_H_
#define VIGIL_SERVICE_OPENAPI_SPEC_H_

#include "absl/strings/string_view.h"

namespace vigil::service {

// The bytes of docs/openapi.yaml as they were at build time.
absl::string_view OpenApiSpec();

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_OPENAPI_SPEC_H_
