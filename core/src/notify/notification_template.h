// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Rendering of notification templates (see vigil/notify.h for the
// placeholders).

#ifndef VIGIL_CORE_SRC_NOTIFY_NOTIFICATION_TEMPLATE_H_
#define VIGIL_CORE_SRC_NOTIFY_NOTIFICATION_TEMPLATE_H_

#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "vigil/notify.h"

namespace vigil::internal {

enum class Placeholder {
  kIpAddress,
  kCity,
  kCountry,
  kLoginTime,
  kDeviceName,
  kEventId,
  kLinkValid,
  kLinkInvalid,
};
inline constexpr int kPlaceholderCount = 8;
// "ip-address", ...
absl::string_view PlaceholderName(Placeholder p);

using PlaceholderValues = std::array<std::string, kPlaceholderCount>;

// OK if every "{...}" in `text` is a known placeholder (or "{{"), else
// InvalidArgument naming the first bad one.
absl::Status ValidateTemplate(absl::string_view text);

// Checks every part of every template; errors name the part, e.g.
// "templates.blocked.subject: unknown placeholder {ip}".
absl::Status ValidateTemplates(const NotificationTemplates& templates);

enum class Escape { kNone, kHtml, kHeader };

// `text` with its placeholders replaced by `values`, each escaped as
// `escape` says (kHeader: line breaks become spaces). `text` must be valid.
std::string RenderTemplate(absl::string_view text,
                           const PlaceholderValues& values, Escape escape);

std::string HtmlEscape(absl::string_view text);

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_NOTIFY_NOTIFICATION_TEMPLATE_H_
