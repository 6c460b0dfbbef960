// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The passkey shapes of service/json_codec.h.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/json_codec.h"
#include "service/json_writer.h"
#include "vigil/passkeys.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

const json::object* Object(const json::value& v) {
  return v.is_object() ? &v.as_object() : nullptr;
}

// A member of `o` that must be a string: its value, or an error naming
// `path`.name. Absent: "" if !required.
absl::StatusOr<std::string> Text(const json::object& o, absl::string_view path,
                                 absl::string_view name, bool required) {
  const json::value* v =
      o.if_contains(json::string_view(name.data(), name.size()));
  const std::string field = absl::StrCat(path, ".", name);
  if (v == nullptr || v->is_null()) {
    if (required) return Invalid(field, "is required");
    return std::string();
  }
  if (!v->is_string()) return Invalid(field, "must be a string");
  return std::string(v->as_string().data(), v->as_string().size());
}

// As Text, then base64url-decoded.
absl::StatusOr<std::string> Bytes(const json::object& o, absl::string_view path,
                                  absl::string_view name, bool required) {
  absl::StatusOr<std::string> text = Text(o, path, name, required);
  if (!text.ok()) return text.status();
  if (text->empty()) {
    if (required) return Invalid(absl::StrCat(path, ".", name), "is empty");
    return std::string();
  }
  absl::StatusOr<std::string> bytes = Base64UrlDecode(*text);
  if (!bytes.ok()) {
    return Invalid(absl::StrCat(path, ".", name),
                   "must be base64url without padding");
  }
  return bytes;
}

// The members every PublicKeyCredential JSON has: type "public-key", the
// credential id (rawId, equal to id when both are there), the response.
absl::StatusOr<const json::object*> Credential(const json::value& json,
                                               absl::string_view field,
                                               std::string* credential_id) {
  const json::object* o = Object(json);
  if (o == nullptr) return Invalid(field, "must be an object");
  absl::StatusOr<std::string> type = Text(*o, field, "type", true);
  if (!type.ok()) return type.status();
  if (*type != "public-key") {
    return Invalid(absl::StrCat(field, ".type"), "must be \"public-key\"");
  }
  absl::StatusOr<std::string> raw = Bytes(*o, field, "rawId", false);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<std::string> id = Bytes(*o, field, "id", false);
  if (!id.ok()) return id.status();
  if (raw->empty() && id->empty())
    return Invalid(absl::StrCat(field, ".rawId"), "is required");
  if (!raw->empty() && !id->empty() && *raw != *id) {
    return Invalid(absl::StrCat(field, ".id"), "differs from rawId");
  }
  *credential_id = raw->empty() ? *id : *raw;
  const json::value* r = o->if_contains("response");
  const std::string response = absl::StrCat(field, ".response");
  if (r == nullptr) return Invalid(response, "is required");
  if (!r->is_object()) return Invalid(response, "must be an object");
  return &r->as_object();
}

void Descriptors(JsonWriter& w, const std::vector<PasskeyDescriptor>& list) {
  w.BeginArray();
  for (const PasskeyDescriptor& d : list) {
    w.BeginObject();
    w.Key("type");
    w.String("public-key");
    w.Key("id");
    w.String(Base64UrlEncode(d.credential_id));
    if (!d.transports.empty()) {
      w.Key("transports");
      w.BeginArray();
      for (const std::string& t : d.transports) w.String(t);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
}

void WritePasskey(JsonWriter& w, const PasskeyInfo& p) {
  w.BeginObject();
  w.Key("id");
  w.String(p.id);
  w.Key("name");
  w.String(p.name);
  w.Key("algorithm");
  w.Int(p.algorithm);
  w.Key("aaguid");
  w.String(p.aaguid);
  w.Key("backup_eligible");
  w.Bool(p.backup_eligible);
  w.Key("backed_up");
  w.Bool(p.backed_up);
  w.Key("sign_count");
  w.Int(p.sign_count);
  w.Key("transports");
  w.BeginArray();
  for (const std::string& t : p.transports) w.String(t);
  w.EndArray();
  w.Key("created_at");
  w.String(FormatTimestamp(p.created));
  w.Key("last_used_at");
  if (p.last_used == absl::InfinitePast()) {
    w.Null();
  } else {
    w.String(FormatTimestamp(p.last_used));
  }
  w.EndObject();
}

}  // namespace

absl::StatusOr<PasskeyRegistrationResponse> RegistrationResponseFromJson(
    const json::value& json, absl::string_view field) {
  PasskeyRegistrationResponse out;
  absl::StatusOr<const json::object*> r =
      Credential(json, field, &out.credential_id);
  if (!r.ok()) return r.status();
  const std::string path = absl::StrCat(field, ".response");
  absl::StatusOr<std::string> client_data =
      Bytes(**r, path, "clientDataJSON", true);
  if (!client_data.ok()) return client_data.status();
  absl::StatusOr<std::string> attestation =
      Bytes(**r, path, "attestationObject", true);
  if (!attestation.ok()) return attestation.status();
  out.client_data_json = *std::move(client_data);
  out.attestation_object = *std::move(attestation);
  if (const json::value* t = (*r)->if_contains("transports");
      t && !t->is_null()) {
    if (!t->is_array() || t->as_array().size() > 8) {
      return Invalid(absl::StrCat(path, ".transports"),
                     "must be an array of at most 8 strings");
    }
    for (const json::value& v : t->as_array()) {
      if (!v.is_string() || v.as_string().size() > 32) {
        return Invalid(absl::StrCat(path, ".transports"),
                       "must hold short strings");
      }
      out.transports.emplace_back(v.as_string().data(), v.as_string().size());
    }
  }
  return out;
}

absl::StatusOr<WebAuthnAssertion> AssertionFromJson(const json::value& json,
                                                    absl::string_view field) {
  WebAuthnAssertion out;
  absl::StatusOr<const json::object*> r =
      Credential(json, field, &out.credential_id);
  if (!r.ok()) return r.status();
  const std::string path = absl::StrCat(field, ".response");
  absl::StatusOr<std::string> client_data =
      Bytes(**r, path, "clientDataJSON", true);
  if (!client_data.ok()) return client_data.status();
  absl::StatusOr<std::string> auth_data =
      Bytes(**r, path, "authenticatorData", true);
  if (!auth_data.ok()) return auth_data.status();
  absl::StatusOr<std::string> signature = Bytes(**r, path, "signature", true);
  if (!signature.ok()) return signature.status();
  absl::StatusOr<std::string> user_handle =
      Bytes(**r, path, "userHandle", false);
  if (!user_handle.ok()) return user_handle.status();
  out.client_data_json = *std::move(client_data);
  out.authenticator_data = *std::move(auth_data);
  out.signature = *std::move(signature);
  out.user_handle = *std::move(user_handle);
  return out;
}

std::string RegistrationStartToJson(const PasskeyRegistrationStart& start) {
  const PasskeyCreationOptions& o = start.options;
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("registration_id");
  w.String(start.registration_id);
  w.Key("expires_at");
  w.String(FormatTimestamp(start.expires_at));
  w.Key("public_key");
  w.BeginObject();
  w.Key("rp");
  w.BeginObject();
  w.Key("id");
  w.String(o.rp_id);
  w.Key("name");
  w.String(o.rp_name);
  w.EndObject();
  w.Key("user");
  w.BeginObject();
  w.Key("id");
  w.String(Base64UrlEncode(o.user_handle));
  w.Key("name");
  w.String(o.user_name);
  w.Key("displayName");
  w.String(o.user_display_name);
  w.EndObject();
  w.Key("challenge");
  w.String(Base64UrlEncode(o.challenge));
  w.Key("pubKeyCredParams");
  w.BeginArray();
  for (int64_t alg : o.algorithms) {
    w.BeginObject();
    w.Key("type");
    w.String("public-key");
    w.Key("alg");
    w.Int(alg);
    w.EndObject();
  }
  w.EndArray();
  w.Key("timeout");
  w.Int(absl::ToInt64Milliseconds(o.timeout));
  w.Key("excludeCredentials");
  Descriptors(w, o.exclude_credentials);
  w.Key("authenticatorSelection");
  w.BeginObject();
  w.Key("residentKey");
  w.String(o.resident_key);
  w.Key("requireResidentKey");
  w.Bool(o.resident_key == "required");
  w.Key("userVerification");
  w.String(o.user_verification);
  w.EndObject();
  w.Key("attestation");
  w.String(o.attestation);
  w.EndObject();
  w.EndObject();
  return out;
}

std::string RequestOptionsToJson(const PasskeyRequestOptions& o,
                                 absl::Time expires_at) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("expires_at");
  w.String(FormatTimestamp(expires_at));
  w.Key("public_key");
  w.BeginObject();
  w.Key("challenge");
  w.String(Base64UrlEncode(o.challenge));
  w.Key("timeout");
  w.Int(absl::ToInt64Milliseconds(o.timeout));
  w.Key("rpId");
  w.String(o.rp_id);
  w.Key("allowCredentials");
  Descriptors(w, o.allow_credentials);
  w.Key("userVerification");
  w.String(o.user_verification);
  w.EndObject();
  w.EndObject();
  return out;
}

std::string PasskeyToJson(const PasskeyInfo& passkey) {
  std::string out;
  JsonWriter w(&out);
  WritePasskey(w, passkey);
  return out;
}

std::string PasskeysToJson(const std::vector<PasskeyInfo>& passkeys) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("passkeys");
  w.BeginArray();
  for (const PasskeyInfo& p : passkeys) WritePasskey(w, p);
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace vigil::service
