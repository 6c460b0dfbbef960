// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace vigil::service {
namespace {

constexpr Scope kAllScopes[] = {Scope::kEvaluate, Scope::kMfa, Scope::kAdmin};

// SHA-256 with the algorithm fetched once: OpenSSL 3's one-shot SHA256()
// looks it up on every call, which cost more than the hashing.
std::array<uint8_t, 32> Sha256(absl::string_view data) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::array<uint8_t, 32> digest;
  unsigned int len = 0;
  if (md == nullptr ||
      EVP_Digest(data.data(), data.size(), digest.data(), &len, md, nullptr) != 1) {
    // Cannot happen with a working libcrypto; never matches a stored hash.
    digest.fill(0);
  }
  return digest;
}

bool ParseHexDigest(absl::string_view hex, std::array<uint8_t, 32>* out) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  std::string bytes = absl::HexStringToBytes(hex);
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return true;
}

}  // namespace

absl::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kEvaluate:
      return "evaluate";
    case Scope::kMfa:
      return "mfa";
    case Scope::kAdmin:
      return "admin";
  }
  return "?";
}

absl::StatusOr<ScopeSet> ParseScopeList(absl::string_view text) {
  ScopeSet set = 0;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    bool found = false;
    for (Scope s : kAllScopes) {
      if (part == ScopeName(s)) {
        if (set & static_cast<ScopeSet>(s)) {
          return absl::InvalidArgumentError(
              absl::StrCat("scope \"", part, "\" given twice"));
        }
        set |= static_cast<ScopeSet>(s);
        found = true;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown scope \"", part, "\" (want evaluate, mfa or admin)"));
    }
  }
  return set;
}

std::vector<std::string> ScopeNames(ScopeSet scopes) {
  std::vector<std::string> names;
  for (Scope s : kAllScopes) {
    if (scopes & static_cast<ScopeSet>(s)) names.emplace_back(ScopeName(s));
  }
  return names;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    std::vector<ApiKeyEntry> keys) {
  std::vector<Stored> stored;
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_set<std::string> digests;
  for (size_t i = 0; i < keys.size(); ++i) {
    ApiKeyEntry& e = keys[i];
    std::string where = absl::StrCat("api_keys[", i, "]");
    if (e.name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".name: empty"));
    }
    if (!names.insert(e.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".name: \"", e.name, "\" used twice"));
    }
    Stored s;
    if (!ParseHexDigest(e.sha256, &s.digest)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".sha256: not 64 hex digits"));
    }
    std::string raw(s.digest.begin(), s.digest.end());
    if (!digests.insert(raw).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".sha256: same key as an earlier entry"));
    }
    if (e.scopes == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".scopes: empty"));
    }
    e.sha256 = absl::AsciiStrToLower(e.sha256);
    s.entry = std::move(e);
    stored.push_back(std::move(s));
  }
  return std::unique_ptr<Authenticator>(new Authenticator(std::move(stored)));
}

Caller Authenticator::Authenticate(absl::string_view authorization,
                                   AuthScheme scheme) const {
  Caller caller;
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.empty()) return caller;  // kMissing
  constexpr absl::string_view kBearer = "bearer ";
  constexpr absl::string_view kBasic = "basic ";
  if (scheme == AuthScheme::kPolicyClient &&
      absl::StartsWithIgnoreCase(authorization, kBasic)) {
    std::string decoded;
    if (!absl::Base64Unescape(absl::StripLeadingAsciiWhitespace(
                                  authorization.substr(kBasic.size())),
                              &decoded)) {
      caller.result = Caller::Result::kMalformed;
      return caller;
    }
    SecretString credentials(std::move(decoded));
    const size_t colon = credentials.reveal().find(':');
    if (colon == absl::string_view::npos ||
        colon + 1 == credentials.reveal().size()) {
      caller.result = Caller::Result::kMalformed;
      return caller;
    }
    return AuthenticateKey(credentials.reveal().substr(colon + 1));
  }
  if (authorization.size() <= kBearer.size() ||
      !absl::StartsWithIgnoreCase(authorization, kBearer)) {
    caller.result = Caller::Result::kMalformed;
    return caller;
  }
  return AuthenticateKey(
      absl::StripLeadingAsciiWhitespace(authorization.substr(kBearer.size())));
}

Caller Authenticator::AuthenticateKey(absl::string_view key) const {
  Caller caller;
  key = absl::StripAsciiWhitespace(key);
  if (key.empty()) return caller;  // kMissing
  std::array<uint8_t, 32> digest = Sha256(key);
  // Look at every key, so the time taken does not depend on which (if any)
  // matched.
  const Stored* match = nullptr;
  for (const Stored& s : keys_) {
    bool equal = CRYPTO_memcmp(s.digest.data(), digest.data(), 32) == 0;
    match = equal ? &s : match;
  }
  OPENSSL_cleanse(digest.data(), digest.size());
  if (match == nullptr) {
    caller.result = Caller::Result::kUnknownKey;
    return caller;
  }
  caller.result = Caller::Result::kOk;
  caller.key = &match->entry;
  return caller;
}

absl::StatusOr<SecretString> GenerateApiKey() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  std::string encoded;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)),
      &encoded);
  OPENSSL_cleanse(bytes, sizeof(bytes));
  SecretString key(absl::StrCat("vgl_", encoded));  // moved, not copied
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return key;
}

std::string HashApiKey(const SecretString& key) {
  std::array<uint8_t, 32> digest = Sha256(key.reveal());
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace vigil::service
