// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/notify_setup.h: the engine's NotifyOptions from vigild's config
// (e-mail over the [smtp] sender, the [webhook] signed POST, templates, the
// feedback key and the outbox).

#ifndef VIGIL_SERVICE_NOTIFY_SETUP_H_
#define VIGIL_SERVICE_NOTIFY_SETUP_H_

#include <memory>

#include "absl/status/status.h"
#include "service/config.h"
#include "vigil/notify.h"
#include "vigil/sender.h"

namespace vigil::service {

// `smtp` is the [smtp] sender (null if none). Reads the key files; errors
// name the config key.
absl::Status NotifyOptionsFromConfig(const ServiceConfig& c,
                                     std::shared_ptr<Sender> smtp,
                                     NotifyOptions* out);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_NOTIFY_SETUP_H_
