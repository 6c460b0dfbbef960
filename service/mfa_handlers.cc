// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The MFA routes: challenges (send, verify), MFA settings, TOTP enrolment and
// remembered devices. Thin: parse, call the engine's MfaService, write JSON.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/handlers.h"
#include "service/json_codec.h"
#include "service/json_writer.h"
#include "vigil/mfa.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

// The body as a JSON object (an empty body is an empty object if
// `empty_ok`). Fills `reply` and returns nullptr on error.
class Body {
 public:
  Body(const Request& req, ServiceContext& ctx, bool empty_ok)
      : arena_(buffer_, sizeof(buffer_)) {
    absl::string_view text(req.body().data(), req.body().size());
    if (text.empty() && empty_ok) {
      value_ = json::object(json::storage_ptr(&arena_));
      return;
    }
    absl::StatusOr<json::value> v = ParseJsonBody(
        text, ctx.config().max_json_depth, json::storage_ptr(&arena_));
    if (!v.ok()) {
      error_ = ErrorReply(400, "malformed_json", v.status().message());
      return;
    }
    if (!v->is_object()) {
      error_ = ErrorReply(422, "invalid_argument", "body: must be a JSON object");
      return;
    }
    value_ = *std::move(v);
  }
  const json::object* object() const {
    return error_ ? nullptr : &value_.as_object();
  }
  Reply error() const { return *error_; }

 private:
  unsigned char buffer_[2048];
  json::monotonic_resource arena_;
  json::value value_;
  std::optional<Reply> error_;
};

// Each key must be one of `allowed`.
absl::Status OnlyKeys(const json::object& o,
                      std::initializer_list<absl::string_view> allowed) {
  for (const auto& kv : o) {
    absl::string_view k(kv.key().data(), kv.key().size());
    bool ok = false;
    for (absl::string_view a : allowed) ok = ok || a == k;
    if (!ok) return UnknownFieldError(k, allowed);
  }
  return absl::OkStatus();
}

absl::Status GetString(const json::object& o, absl::string_view key,
                       std::optional<std::string>* out) {
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return Invalid(key, "must be a string");
  *out = std::string(v->as_string().data(), v->as_string().size());
  return absl::OkStatus();
}

absl::Status GetBool(const json::object& o, absl::string_view key,
                     std::optional<bool>* out) {
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_bool()) return Invalid(key, "must be true or false");
  *out = v->as_bool();
  return absl::OkStatus();
}

absl::Status GetMethod(const json::object& o, absl::string_view key,
                       std::optional<MfaMethod>* out) {
  std::optional<std::string> s;
  if (absl::Status st = GetString(o, key, &s); !st.ok()) return st;
  if (!s) return absl::OkStatus();
  MfaMethod m;
  if (!ParseMfaMethod(*s, &m)) return Invalid(key, "must be totp, sms, email or webauthn");
  *out = m;
  return absl::OkStatus();
}

Reply Invalid422(const absl::Status& s) {
  return ErrorReply(422, "invalid_argument", s.message());
}

MfaService* Mfa(ServiceContext& ctx) { return ctx.engine()->mfa(); }

Reply NoMfa() {
  return ErrorReply(503, "unavailable", "mfa: not available in this engine");
}

void WriteSettings(JsonWriter& w, const MfaSettings& s) {
  w.BeginObject();
  w.Key("enabled");
  w.BeginArray();
  for (MfaMethod m : s.enabled) w.String(MfaMethodName(m));
  w.EndArray();
  w.Key("preferred");
  if (s.preferred) {
    w.String(MfaMethodName(*s.preferred));
  } else {
    w.Null();
  }
  w.Key("phone");
  w.StringOrNull(s.phone);
  w.Key("email");
  w.StringOrNull(s.email);
  w.Key("totp_active");
  w.Bool(s.totp_active);
  w.EndObject();
}

}  // namespace

Reply HandleChallengeSend(const Request& req, const std::string& challenge_id,
                          ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  std::optional<MfaMethod> method;
  absl::Status s = OnlyKeys(*body.object(), {"method"});
  if (s.ok()) s = GetMethod(*body.object(), "method", &method);
  if (s.ok() && !method) s = Invalid("method", "is required");
  if (!s.ok()) return Invalid422(s);
  absl::StatusOr<SendReceipt> r = Mfa(ctx)->SendCode(challenge_id, *method);
  if (!r.ok()) return EngineErrorReply(r.status());
  Reply reply;
  JsonWriter w(&reply.body);
  w.BeginObject();
  w.Key("challenge_id");
  w.String(challenge_id);
  w.Key("method");
  w.String(MfaMethodName(r->method));
  w.Key("code_expires_at");
  w.String(FormatTimestamp(r->code_expires_at));
  w.Key("next_send_at");
  w.String(FormatTimestamp(r->next_send_at));
  w.EndObject();
  return reply;
}

Reply HandleChallengeVerify(const Request& req, const std::string& challenge_id,
                            ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  const json::object& o = *body.object();
  std::optional<std::string> code, device_name;
  std::optional<bool> remember;
  absl::Status s = OnlyKeys(o, {"code", "remember_device", "device_name"});
  if (s.ok()) s = GetString(o, "code", &code);
  if (s.ok()) s = GetBool(o, "remember_device", &remember);
  if (s.ok()) s = GetString(o, "device_name", &device_name);
  if (s.ok() && !code) s = Invalid("code", "is required");
  if (!s.ok()) return Invalid422(s);
  VerifyOptions options;
  options.remember_device = remember.value_or(false);
  options.device_name = device_name.value_or("");
  absl::StatusOr<VerifyOutcome> r =
      Mfa(ctx)->VerifyChallenge(challenge_id, SecretBytes(*code).reveal(), options);
  if (!r.ok()) return EngineErrorReply(r.status());
  Reply reply;
  JsonWriter w(&reply.body);
  w.BeginObject();
  w.Key("result");
  w.String(ChallengeResultName(r->result));
  w.Key("attempts_left");
  w.Int(r->attempts_left);
  w.Key("device_key");
  if (r->device_key.empty()) {
    w.Null();
  } else {
    w.String(r->device_key.reveal());  // given to the client once
  }
  w.Key("device_id");
  w.StringOrNull(r->device_id);
  w.EndObject();
  return reply;
}

Reply HandleMfaSettingsGet(const std::string& user_id, ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  absl::StatusOr<MfaSettings> s = Mfa(ctx)->GetSettings(user_id);
  if (!s.ok()) return EngineErrorReply(s.status());
  Reply reply;
  JsonWriter w(&reply.body);
  WriteSettings(w, *s);
  return reply;
}

Reply HandleMfaSettingsPut(const Request& req, const std::string& user_id,
                           ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  const json::object& o = *body.object();
  MfaSettings settings;
  std::optional<std::string> phone, email;
  absl::Status s = OnlyKeys(o, {"enabled", "preferred", "phone", "email"});
  if (s.ok()) s = GetMethod(o, "preferred", &settings.preferred);
  if (s.ok()) s = GetString(o, "phone", &phone);
  if (s.ok()) s = GetString(o, "email", &email);
  if (s.ok()) {
    const json::value* en = o.if_contains("enabled");
    if (en == nullptr) {
      s = Invalid("enabled", "is required");
    } else if (!en->is_array()) {
      s = Invalid("enabled", "must be an array of methods");
    } else {
      for (const json::value& v : en->as_array()) {
        MfaMethod m;
        if (!v.is_string() ||
            !ParseMfaMethod(absl::string_view(v.as_string().data(),
                                              v.as_string().size()),
                            &m)) {
          s = Invalid("enabled", "each must be totp, sms, email or webauthn");
          break;
        }
        settings.enabled.push_back(m);
      }
    }
  }
  if (!s.ok()) return Invalid422(s);
  settings.phone = phone.value_or("");
  settings.email = email.value_or("");
  s = Mfa(ctx)->SetSettings(user_id, settings);
  if (!s.ok()) return EngineErrorReply(s);
  return HandleMfaSettingsGet(user_id, ctx);
}

Reply HandleTotpEnroll(const Request& req, const std::string& user_id,
                       ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, true);
  if (body.object() == nullptr) return body.error();
  std::optional<std::string> account;
  absl::Status s = OnlyKeys(*body.object(), {"account_name"});
  if (s.ok()) s = GetString(*body.object(), "account_name", &account);
  if (!s.ok()) return Invalid422(s);
  absl::StatusOr<TotpEnrollment> e =
      Mfa(ctx)->StartTotpEnrollment(user_id, account.value_or(""));
  if (!e.ok()) return EngineErrorReply(e.status());
  Reply reply;
  JsonWriter w(&reply.body);
  w.BeginObject();
  w.Key("secret");
  w.String(e->secret_base32.reveal());  // shown once, to the user enrolling
  w.Key("uri");
  w.String(e->uri.reveal());
  w.Key("qr_svg");
  w.String(e->qr_svg);
  w.EndObject();
  return reply;
}

Reply HandleTotpVerify(const Request& req, const std::string& user_id,
                       ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  std::optional<std::string> code;
  absl::Status s = OnlyKeys(*body.object(), {"code"});
  if (s.ok()) s = GetString(*body.object(), "code", &code);
  if (s.ok() && !code) s = Invalid("code", "is required");
  if (!s.ok()) return Invalid422(s);
  absl::StatusOr<ChallengeResult> r = Mfa(ctx)->ConfirmTotp(user_id, *code);
  if (!r.ok()) return EngineErrorReply(r.status());
  Reply reply;
  JsonWriter w(&reply.body);
  w.BeginObject();
  w.Key("result");
  w.String(ChallengeResultName(*r));
  w.Key("active");
  w.Bool(*r == ChallengeResult::kPassed);
  w.EndObject();
  return reply;
}

Reply HandleDevices(const std::string& user_id, ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  absl::StatusOr<std::vector<DeviceInfo>> list = Mfa(ctx)->ListDevices(user_id);
  if (!list.ok()) return EngineErrorReply(list.status());
  Reply reply;
  JsonWriter w(&reply.body);
  w.BeginObject();
  w.Key("devices");
  w.BeginArray();
  for (const DeviceInfo& d : *list) {
    w.BeginObject();
    w.Key("id");
    w.String(d.id);
    w.Key("name");
    w.String(d.name);
    w.Key("first_seen");
    w.String(FormatTimestamp(d.first_seen));
    w.Key("last_seen");
    w.String(FormatTimestamp(d.last_seen));
    w.Key("last_place");
    w.BeginObject();
    w.Key("ip");
    w.StringOrNull(d.last_ip);
    w.Key("city");
    w.StringOrNull(d.last_city);
    w.Key("country");
    w.StringOrNull(d.last_country);
    w.EndObject();
    w.Key("remembered");
    w.Bool(d.remembered);
    w.Key("expires_at");
    if (d.remembered) {
      w.String(FormatTimestamp(d.expires_at));
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return reply;
}

Reply HandleDeviceUpdate(const Request& req, const std::string& user_id,
                         const std::string& device_id, ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  Body body(req, ctx, false);
  if (body.object() == nullptr) return body.error();
  DeviceUpdate update;
  absl::Status s = OnlyKeys(*body.object(), {"name", "remembered"});
  if (s.ok()) s = GetString(*body.object(), "name", &update.name);
  if (s.ok()) s = GetBool(*body.object(), "remembered", &update.remembered);
  if (!s.ok()) return Invalid422(s);
  s = Mfa(ctx)->UpdateDevice(user_id, device_id, update);
  if (!s.ok()) return EngineErrorReply(s);
  return HandleDevices(user_id, ctx);
}

Reply HandleDeviceDelete(const std::string& user_id,
                         const std::string& device_id, ServiceContext& ctx) {
  if (Mfa(ctx) == nullptr) return NoMfa();
  absl::Status s = Mfa(ctx)->DeleteDevice(user_id, device_id);
  if (!s.ok()) return EngineErrorReply(s);
  Reply reply;
  reply.status = 204;
  return reply;
}

}  // namespace vigil::service
