// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/notification_template.h"

#include "absl/strings/str_cat.h"

namespace vigil::internal {
namespace {

constexpr absl::string_view kNames[kPlaceholderCount] = {
    "ip-address",
    "city",
    "country",
    "login-time",
    "device-name",
    "event-id",
    "one-click-link-valid",
    "one-click-link-invalid"};

// The placeholder named `name`, or -1.
int Find(absl::string_view name) {
  for (int i = 0; i < kPlaceholderCount; ++i) {
    if (kNames[i] == name) return i;
  }
  return -1;
}

std::string Escaped(absl::string_view value, Escape escape) {
  switch (escape) {
    case Escape::kHtml:
      return HtmlEscape(value);
    case Escape::kHeader: {
      std::string out(value);
      for (char& c : out) {
        if (c == '\r' || c == '\n') c = ' ';
      }
      return out;
    }
    case Escape::kNone:
      break;
  }
  return std::string(value);
}

}  // namespace

absl::string_view PlaceholderName(Placeholder p) {
  return kNames[static_cast<int>(p)];
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

absl::Status ValidateTemplate(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "unclosed '{' (write {{ for a literal brace)");
    }
    absl::string_view name = text.substr(i + 1, close - i - 1);
    if (Find(name) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown placeholder {", name.substr(0, 40),
                       "} (known: {ip-address} {city} {country} {login-time} "
                       "{device-name} {event-id} {one-click-link-valid} "
                       "{one-click-link-invalid})"));
    }
    i = close;
  }
  return absl::OkStatus();
}

absl::Status ValidateTemplates(const NotificationTemplates& t) {
  const std::pair<absl::string_view, const NotificationTemplate*> all[] = {
      {"blocked", &t.blocked},
      {"challenged", &t.challenged},
      {"risky_allowed", &t.risky_allowed}};
  for (const auto& [name, tpl] : all) {
    const std::pair<absl::string_view, const std::string*> parts[] = {
        {"subject", &tpl->subject}, {"text", &tpl->text}, {"html", &tpl->html}};
    for (const auto& [part, value] : parts) {
      if (part != "html" && value->empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("templates.", name, ".", part, ": empty"));
      }
      if (absl::Status s = ValidateTemplate(*value); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("templates.", name, ".", part, ": ", s.message()));
      }
    }
  }
  return absl::OkStatus();
}

std::string RenderTemplate(absl::string_view text,
                           const PlaceholderValues& values, Escape escape) {
  std::string out;
  out.reserve(text.size() + 256);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '{') {
      out.push_back(escape == Escape::kHeader && (c == '\r' || c == '\n') ? ' '
                                                                          : c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    const size_t close = text.find('}', i);
    const int p = close == absl::string_view::npos
                      ? -1
                      : Find(text.substr(i + 1, close - i - 1));
    if (p < 0) {  // not valid: kept as it is
      out.push_back(c);
      continue;
    }
    out += Escaped(values[p], escape);
    i = close;
  }
  return out;
}

}  // namespace vigil::internal

namespace vigil {

absl::Status ValidateNotificationTemplates(const NotificationTemplates& t) {
  return internal::ValidateTemplates(t);
}

}  // namespace vigil
