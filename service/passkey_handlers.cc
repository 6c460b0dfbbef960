// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The passkey routes: registration (start, finish), a user's passkeys (list,
// rename, delete), a challenge's WebAuthn request options, and the demo
// page. Thin: parse, call the engine's PasskeyService / MfaService, write
// JSON (service/json_codec_passkeys.cc).

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/handlers.h"
#include "service/json_body.h"
#include "service/json_codec.h"
#include "service/passkey_demo_page.h"
#include "vigil/engine.h"
#include "vigil/mfa.h"
#include "vigil/passkeys.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

// The engine's passkey service if passkeys are configured, else null with
// `reply` set.
PasskeyService* Passkeys(ServiceContext& ctx, Reply* reply) {
  PasskeyService* p = ctx.engine()->passkeys();
  if (p == nullptr || !p->enabled()) {
    *reply = ErrorReply(409, "passkeys_not_configured",
                        "passkeys: not configured (set [passkeys] rp_id and "
                        "origins in vigild.toml)");
    return nullptr;
  }
  return p;
}

Reply Json(std::string body, int status = 200) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

Reply HandlePasskeyRegistrationStart(const Request& req,
                                     const std::string& user_id,
                                     ServiceContext& ctx) {
  Reply refused;
  PasskeyService* passkeys = Passkeys(ctx, &refused);
  if (passkeys == nullptr) return refused;
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  const json::object& o = *body.object();
  std::optional<std::string> user_name, display_name;
  absl::Status s = OnlyKeys(o, {"user_name", "display_name"});
  if (s.ok()) s = GetString(o, "user_name", &user_name);
  if (s.ok()) s = GetString(o, "display_name", &display_name);
  if (!s.ok()) return Invalid422(s);
  PasskeyRegistrationRequest request;
  request.user_name = user_name.value_or("");
  request.user_display_name = display_name.value_or("");
  absl::StatusOr<PasskeyRegistrationStart> start =
      passkeys->StartRegistration(user_id, request);
  if (!start.ok()) return EngineErrorReply(start.status());
  return Json(RegistrationStartToJson(*start));
}

Reply HandlePasskeyCreate(const Request& req, const std::string& user_id,
                          ServiceContext& ctx) {
  Reply refused;
  PasskeyService* passkeys = Passkeys(ctx, &refused);
  if (passkeys == nullptr) return refused;
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  const json::object& o = *body.object();
  std::optional<std::string> registration_id, name;
  absl::Status s = OnlyKeys(o, {"registration_id", "credential", "name"});
  if (s.ok()) s = GetString(o, "registration_id", &registration_id);
  if (s.ok()) s = GetString(o, "name", &name);
  if (s.ok() && !registration_id) {
    s = absl::InvalidArgumentError("registration_id: is required");
  }
  const json::value* credential = o.if_contains("credential");
  if (s.ok() && credential == nullptr) {
    s = absl::InvalidArgumentError("credential: is required");
  }
  if (!s.ok()) return Invalid422(s);
  absl::StatusOr<PasskeyRegistrationResponse> response =
      RegistrationResponseFromJson(*credential, "credential");
  if (!response.ok()) return Invalid422(response.status());
  absl::StatusOr<PasskeyInfo> passkey = passkeys->FinishRegistration(
      user_id, *registration_id, *response, name.value_or(""));
  if (absl::IsPermissionDenied(passkey.status())) {
    // Well-formed, but it does not verify: the message starts with the
    // reason token (docs/passkeys.md).
    return ErrorReply(422, "credential_refused", passkey.status().message());
  }
  if (!passkey.ok()) return EngineErrorReply(passkey.status());
  return Json(PasskeyToJson(*passkey), 201);
}

Reply HandlePasskeys(const std::string& user_id, ServiceContext& ctx) {
  Reply refused;
  PasskeyService* passkeys = Passkeys(ctx, &refused);
  if (passkeys == nullptr) return refused;
  absl::StatusOr<std::vector<PasskeyInfo>> list = passkeys->List(user_id);
  if (!list.ok()) return EngineErrorReply(list.status());
  return Json(PasskeysToJson(*list));
}

Reply HandlePasskeyUpdate(const Request& req, const std::string& user_id,
                          const std::string& passkey_id, ServiceContext& ctx) {
  Reply refused;
  PasskeyService* passkeys = Passkeys(ctx, &refused);
  if (passkeys == nullptr) return refused;
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  const json::object& o = *body.object();
  std::optional<std::string> name;
  absl::Status s = OnlyKeys(o, {"name"});
  if (s.ok()) s = GetString(o, "name", &name);
  if (s.ok() && !name) s = absl::InvalidArgumentError("name: is required");
  if (!s.ok()) return Invalid422(s);
  absl::StatusOr<PasskeyInfo> passkey =
      passkeys->Rename(user_id, passkey_id, *name);
  if (!passkey.ok()) return EngineErrorReply(passkey.status());
  return Json(PasskeyToJson(*passkey));
}

Reply HandlePasskeyDelete(const std::string& user_id,
                          const std::string& passkey_id, ServiceContext& ctx) {
  Reply refused;
  PasskeyService* passkeys = Passkeys(ctx, &refused);
  if (passkeys == nullptr) return refused;
  absl::Status s = passkeys->Delete(user_id, passkey_id);
  if (!s.ok()) return EngineErrorReply(s);
  Reply r;
  r.status = 204;
  return r;
}

Reply HandleChallengeWebauthn(const Request& req,
                              const std::string& challenge_id,
                              ServiceContext& ctx) {
  Reply refused;
  if (Passkeys(ctx, &refused) == nullptr) return refused;
  Body body(req, ctx, true);
  if (body.object() == nullptr) return body.error();
  if (!body.object()->empty()) {
    return Invalid422(absl::InvalidArgumentError(
        "body: takes no members (send {} or nothing)"));
  }
  absl::StatusOr<ChallengeStart> start =
      ctx.engine()->mfa()->StartChallenge(challenge_id, MfaMethod::kWebauthn);
  if (!start.ok()) return EngineErrorReply(start.status());
  if (!start->webauthn.has_value()) {
    return ErrorReply(500, "internal", "webauthn: no request options");
  }
  return Json(RequestOptionsToJson(*start->webauthn, start->expires_at));
}

Reply HandlePasskeyDemo(ServiceContext& ctx) {
  if (!ctx.config().passkey_demo_page) {
    return ErrorReply(
        404, "not_found",
        "path: the passkey demo page is off ([passkeys] demo_page)");
  }
  Reply reply;
  reply.content_type = "text/html; charset=utf-8";
  reply.body = std::string(PasskeyDemoPage());
  reply.headers.emplace_back("X-Frame-Options", "DENY");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return reply;
}

}  // namespace vigil::service
