// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/passkey_demo_page.h: service/passkey_demo.html, built into the
// binary (cmake/EmbedFile.cmake) and served at GET /demo/passkeys when
// [passkeys] demo_page = true.

#ifndef VIGIL_SERVICE_PASSKEY_DEMO_PAGE_H_
#define VIGIL_SERVICE_PASSKEY_DEMO_PAGE_H_

#include "absl/strings/string_view.h"

namespace vigil::service {

// The bytes of service/passkey_demo.html as they were at build time.
absl::string_view PasskeyDemoPage();

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_PASSKEY_DEMO_PAGE_H_
