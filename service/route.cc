// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/route.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace vigil::service {

namespace http = boost::beast::http;

absl::string_view RouteTemplate(RouteId route) {
  switch (route) {
    case RouteId::kEvaluate:
      return "/v1/evaluate";
    case RouteId::kEventOutcome:
      return "/v1/events/{id}/outcome";
    case RouteId::kEventFeedback:
      return "/v1/events/{id}/feedback";
    case RouteId::kUserEvents:
      return "/v1/users/{user}/events";
    case RouteId::kAdminReload:
      return "/v1/admin/reload";
    case RouteId::kHealthz:
      return "/healthz";
    case RouteId::kReadyz:
      return "/readyz";
    case RouteId::kMetrics:
      return "/metrics";
    case RouteId::kOpenApi:
      return "/openapi.yaml";
    case RouteId::kChallengeSend:
      return "/v1/challenges/{id}/send";
    case RouteId::kChallengeVerify:
      return "/v1/challenges/{id}/verify";
    case RouteId::kMfaSettings:
    case RouteId::kMfaSettingsGet:
      return "/v1/users/{user}/mfa";
    case RouteId::kTotpEnroll:
      return "/v1/users/{user}/mfa/totp";
    case RouteId::kTotpVerify:
      return "/v1/users/{user}/mfa/totp/verify";
    case RouteId::kDevices:
      return "/v1/users/{user}/devices";
    case RouteId::kDeviceUpdate:
    case RouteId::kDeviceDelete:
      return "/v1/users/{user}/devices/{id}";
    case RouteId::kRange:
      return "/range/{prefix}";
    case RouteId::kPasswordCheck:
      return "/v1/passwords/check";
    case RouteId::kFeedbackLink:
      return "/v1/feedback";
    case RouteId::kBackupCreate:
    case RouteId::kBackupList:
      return "/v1/admin/backups";
    case RouteId::kDeadLetters:
      return "/v1/admin/outbox/dead-letters";
    case RouteId::kDeadLetterRetry:
      return "/v1/admin/outbox/dead-letters/{id}/retry";
    case RouteId::kEvents:
      return "/v1/events";
    case RouteId::kDovecotPolicy:
      return "/v1/policy/dovecot";
    case RouteId::kPasskeyRegistrationStart:
      return "/v1/users/{user}/passkeys/registrations";
    case RouteId::kPasskeyCreate:
    case RouteId::kPasskeys:
      return "/v1/users/{user}/passkeys";
    case RouteId::kPasskeyUpdate:
    case RouteId::kPasskeyDelete:
      return "/v1/users/{user}/passkeys/{id}";
    case RouteId::kChallengeWebauthn:
      return "/v1/challenges/{id}/webauthn";
    case RouteId::kPasskeyDemo:
      return "/demo/passkeys";
    case RouteId::kUnknown:
      break;
  }
  return "unknown";
}

http::verb RouteMethod(RouteId route) {
  switch (route) {
    case RouteId::kEvaluate:
    case RouteId::kEventOutcome:
    case RouteId::kEventFeedback:
    case RouteId::kAdminReload:
    case RouteId::kChallengeSend:
    case RouteId::kChallengeVerify:
    case RouteId::kTotpEnroll:
    case RouteId::kTotpVerify:
    case RouteId::kPasswordCheck:
    case RouteId::kBackupCreate:
    case RouteId::kDeadLetterRetry:
    case RouteId::kDovecotPolicy:
    case RouteId::kPasskeyRegistrationStart:
    case RouteId::kPasskeyCreate:
    case RouteId::kChallengeWebauthn:
      return http::verb::post;
    case RouteId::kMfaSettings:
      return http::verb::put;
    case RouteId::kDeviceUpdate:
    case RouteId::kPasskeyUpdate:
      return http::verb::patch;
    case RouteId::kDeviceDelete:
    case RouteId::kPasskeyDelete:
      return http::verb::delete_;
    default:
      return http::verb::get;
  }
}

bool PercentDecode(absl::string_view in, bool plus_is_space, std::string* out) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex(in[i + 1]);
      int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

RouteMatch MatchRoute(absl::string_view target) {
  RouteMatch m;
  absl::string_view path = target.substr(0, target.find('?'));
  if (path == "/v1/evaluate") {
    m.route = RouteId::kEvaluate;
  } else if (path == "/healthz") {
    m.route = RouteId::kHealthz;
  } else if (path == "/readyz") {
    m.route = RouteId::kReadyz;
  } else if (path == "/metrics") {
    m.route = RouteId::kMetrics;
  } else if (path == "/openapi.yaml") {
    m.route = RouteId::kOpenApi;
  } else if (path == "/v1/admin/reload") {
    m.route = RouteId::kAdminReload;
  } else if (path == "/v1/admin/backups") {
    m.route = RouteId::kBackupCreate;
  } else if (path == "/v1/admin/outbox/dead-letters") {
    m.route = RouteId::kDeadLetters;
  } else if (absl::StartsWith(path, "/v1/admin/outbox/dead-letters/") &&
             absl::EndsWith(path, "/retry") &&
             path.size() > sizeof("/v1/admin/outbox/dead-letters/retry") - 1) {
    // The {id} between them, one path segment.
    absl::string_view id = path.substr(
        sizeof("/v1/admin/outbox/dead-letters/") - 1,
        path.size() - (sizeof("/v1/admin/outbox/dead-letters/") - 1) -
            (sizeof("/retry") - 1));
    if (id.find('/') != absl::string_view::npos) return m;
    m.route = RouteId::kDeadLetterRetry;
    m.bad_escape = !PercentDecode(id, false, &m.param);
  } else if (path == "/v1/passwords/check") {
    m.route = RouteId::kPasswordCheck;
  } else if (path == "/v1/feedback") {
    m.route = RouteId::kFeedbackLink;
  } else if (path == "/v1/events") {
    m.route = RouteId::kEvents;
  } else if (path == "/v1/policy/dovecot") {
    m.route = RouteId::kDovecotPolicy;
  } else if (path == "/demo/passkeys") {
    m.route = RouteId::kPasskeyDemo;
  } else if (path.size() > 7 && path.substr(0, 7) == "/range/" &&
             path.find('/', 7) == absl::string_view::npos) {
    m.route = RouteId::kRange;
    m.bad_escape = !PercentDecode(path.substr(7), false, &m.param);
  } else {
    // /v1/events/{id}/outcome|feedback, /v1/users/{user}/events
    std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
    if (parts.size() >= 6 && parts.size() <= 7 && parts[0].empty() &&
        parts[1] == "v1" && parts[2] == "users" && !parts[3].empty()) {
      // /v1/users/{user}/mfa/totp[/verify], /v1/users/{user}/devices/{id}
      if (parts.size() == 6 && parts[4] == "mfa" && parts[5] == "totp") {
        m.route = RouteId::kTotpEnroll;
      } else if (parts.size() == 7 && parts[4] == "mfa" && parts[5] == "totp" &&
                 parts[6] == "verify") {
        m.route = RouteId::kTotpVerify;
      } else if (parts.size() == 6 && parts[4] == "devices" && !parts[5].empty()) {
        m.route = RouteId::kDeviceUpdate;
        m.bad_escape = !PercentDecode(parts[5], false, &m.param2);
      } else if (parts.size() == 6 && parts[4] == "passkeys" &&
                 parts[5] == "registrations") {
        m.route = RouteId::kPasskeyRegistrationStart;
      } else if (parts.size() == 6 && parts[4] == "passkeys" && !parts[5].empty()) {
        m.route = RouteId::kPasskeyUpdate;
        m.bad_escape = !PercentDecode(parts[5], false, &m.param2);
      } else {
        return m;
      }
      m.bad_escape = !PercentDecode(parts[3], false, &m.param) || m.bad_escape;
      return m;
    }
    if (parts.size() != 5 || !parts[0].empty() || parts[1] != "v1" ||
        parts[3].empty()) {
      return m;
    }
    if (parts[2] == "events" && parts[4] == "outcome") {
      m.route = RouteId::kEventOutcome;
    } else if (parts[2] == "events" && parts[4] == "feedback") {
      m.route = RouteId::kEventFeedback;
    } else if (parts[2] == "users" && parts[4] == "events") {
      m.route = RouteId::kUserEvents;
    } else if (parts[2] == "challenges" && parts[4] == "send") {
      m.route = RouteId::kChallengeSend;
    } else if (parts[2] == "challenges" && parts[4] == "verify") {
      m.route = RouteId::kChallengeVerify;
    } else if (parts[2] == "users" && parts[4] == "mfa") {
      m.route = RouteId::kMfaSettings;
    } else if (parts[2] == "users" && parts[4] == "devices") {
      m.route = RouteId::kDevices;
    } else if (parts[2] == "users" && parts[4] == "passkeys") {
      m.route = RouteId::kPasskeyCreate;
    } else if (parts[2] == "challenges" && parts[4] == "webauthn") {
      m.route = RouteId::kChallengeWebauthn;
    } else {
      return m;
    }
    m.bad_escape = !PercentDecode(parts[3], false, &m.param);
  }
  return m;
}

RouteId RouteForMethod(RouteId route, http::verb method) {
  if (route == RouteId::kMfaSettings && method == http::verb::get) {
    return RouteId::kMfaSettingsGet;
  }
  if (route == RouteId::kDeviceUpdate && method == http::verb::delete_) {
    return RouteId::kDeviceDelete;
  }
  if (route == RouteId::kBackupCreate && method == http::verb::get) {
    return RouteId::kBackupList;
  }
  if (route == RouteId::kPasskeyCreate && method == http::verb::get) {
    return RouteId::kPasskeys;
  }
  if (route == RouteId::kPasskeyUpdate && method == http::verb::delete_) {
    return RouteId::kPasskeyDelete;
  }
  return route;
}

bool ParseQuery(absl::string_view target,
                std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  size_t q = target.find('?');
  if (q == absl::string_view::npos) return true;
  for (absl::string_view part :
       absl::StrSplit(target.substr(q + 1), '&', absl::SkipEmpty())) {
    size_t eq = part.find('=');
    std::string name, value;
    if (!PercentDecode(part.substr(0, eq), true, &name)) return false;
    if (eq != absl::string_view::npos &&
        !PercentDecode(part.substr(eq + 1), true, &value)) {
      return false;
    }
    out->emplace_back(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace vigil::service
