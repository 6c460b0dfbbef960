// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/auth.h: caller authentication with API keys.
//
// The config lists keys by name with the SHA-256 of the key (never the key
// itself) and the scopes it grants. A caller sends "Authorization: Bearer
// <key>"; the key is hashed and compared in constant time with every
// configured hash (no early exit), and the scopes of the match decide.
//
// Keys look like "vgl_" followed by 43 base64url characters (32 random bytes
// from RAND_bytes); any printable token is accepted so that keys minted
// elsewhere can be configured too.

#ifndef VIGIL_SERVICE_AUTH_H_
#define VIGIL_SERVICE_AUTH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/secret.h"

namespace vigil::service {

enum class Scope : uint8_t { kEvaluate = 1, kMfa = 2, kAdmin = 4 };
using ScopeSet = uint8_t;

// "evaluate", "mfa", "admin".
absl::string_view ScopeName(Scope scope);
// Parses "evaluate,mfa,admin" (a comma-separated list, no repeats, at least
// one). InvalidArgument naming the bad entry.
absl::StatusOr<ScopeSet> ParseScopeList(absl::string_view text);
// The names in `scopes`, in the order evaluate, mfa, admin.
std::vector<std::string> ScopeNames(ScopeSet scopes);

// One configured key.
struct ApiKeyEntry {
  std::string name;    // for people and the access log; not secret
  std::string sha256;  // 64 lower- or upper-case hex digits
  ScopeSet scopes = 0;
};

// What a request's credentials amount to.
struct Caller {
  enum class Result { kMissing, kMalformed, kUnknownKey, kOk };
  Result result = Result::kMissing;
  const ApiKeyEntry* key = nullptr;  // set when kOk; owned by Authenticator
  bool Has(Scope scope) const {
    return key != nullptr && (key->scopes & static_cast<ScopeSet>(scope));
  }
};

// The credentials a route takes.
enum class AuthScheme : uint8_t {
  // "Authorization: Bearer <key>" only.
  kBearer,
  // Also what a mail server's policy client can send (POST
  // /v1/policy/dovecot): "Authorization: Basic base64(<any name>:<key>)"
  // (the key is the password; the name is not checked), and "X-API-Key:
  // <key>" when there is no Authorization header.
  kPolicyClient,
};

// Immutable after Create(); thread-safe.
class Authenticator {
 public:
  // Validates every entry: a name (unique), a 64-hex-digit hash (unique), at
  // least one scope. Errors name the entry: "api_keys[2].sha256: ...".
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      std::vector<ApiKeyEntry> keys);

  // Checks the value of an Authorization header (empty: none was sent).
  // With kPolicyClient, a Basic header too; a Basic header that is not
  // base64 of "name:key" with a non-empty key is kMalformed.
  Caller Authenticate(absl::string_view authorization,
                      AuthScheme scheme = AuthScheme::kBearer) const;
  // Checks a key given alone (an X-API-Key header's value).
  Caller AuthenticateKey(absl::string_view key) const;

  size_t size() const { return keys_.size(); }

 private:
  struct Stored {
    ApiKeyEntry entry;
    std::array<uint8_t, 32> digest;
  };
  explicit Authenticator(std::vector<Stored> keys) : keys_(std::move(keys)) {}
  std::vector<Stored> keys_;
};

// A fresh random key, "vgl_" + base64url(32 bytes from RAND_bytes).
absl::StatusOr<SecretString> GenerateApiKey();
// The lower-case hex SHA-256 of `key`, as it goes into the config.
std::string HashApiKey(const SecretString& key);

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_AUTH_H_
