// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/auth.h"

#include <sstream>
#include <type_traits>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/secret.h"

namespace vigil::service {
namespace {

ApiKeyEntry Entry(const std::string& name, const std::string& key,
                  ScopeSet scopes) {
  return {name, HashApiKey(SecretString(key)), scopes};
}

constexpr ScopeSet kEval = static_cast<ScopeSet>(Scope::kEvaluate);
constexpr ScopeSet kAdmin = static_cast<ScopeSet>(Scope::kAdmin);

TEST(AuthTest, KnownKeyGetsItsScopes) {
  auto auth = Authenticator::Create(
      {Entry("pool", "key-one", kEval), Entry("ops", "key-two", kAdmin)});
  ASSERT_TRUE(auth.ok()) << auth.status();
  Caller c = (*auth)->Authenticate("Bearer key-one");
  ASSERT_EQ(c.result, Caller::Result::kOk);
  EXPECT_EQ(c.key->name, "pool");
  EXPECT_TRUE(c.Has(Scope::kEvaluate));
  EXPECT_FALSE(c.Has(Scope::kAdmin));
  Caller o = (*auth)->Authenticate("bearer   key-two");
  ASSERT_EQ(o.result, Caller::Result::kOk);
  EXPECT_EQ(o.key->name, "ops");
  EXPECT_TRUE(o.Has(Scope::kAdmin));
}

// What a mail server's policy client can send (POST /v1/policy/dovecot):
// Basic with the key as the password, or the key alone (X-API-Key).
TEST(AuthTest, PolicyClientsMaySendBasicOrTheKeyAlone) {
  auto auth = Authenticator::Create({Entry("dovecot", "key-one", kEval)});
  ASSERT_TRUE(auth.ok());
  auto basic = [](absl::string_view credentials) {
    return absl::StrCat("Basic ", absl::Base64Escape(credentials));
  };
  const Authenticator& a = **auth;
  EXPECT_EQ(a.Authenticate(basic("any:key-one"), AuthScheme::kPolicyClient)
                .result,
            Caller::Result::kOk);
  // A key with a colon: the password is everything after the first one.
  EXPECT_EQ(a.Authenticate(basic(":key-one"), AuthScheme::kPolicyClient)
                .result,
            Caller::Result::kOk);
  EXPECT_EQ(a.Authenticate("Bearer key-one", AuthScheme::kPolicyClient).result,
            Caller::Result::kOk);
  EXPECT_EQ(a.Authenticate(basic("any:key-two"), AuthScheme::kPolicyClient)
                .result,
            Caller::Result::kUnknownKey);
  for (const std::string& malformed :
       {basic("key-one"), basic("any:"), std::string("Basic %%%"),
        std::string("Basic ")}) {
    EXPECT_EQ(a.Authenticate(malformed, AuthScheme::kPolicyClient).result,
              Caller::Result::kMalformed)
        << malformed;
  }
  // Elsewhere Basic is not a scheme vigild takes.
  EXPECT_EQ(a.Authenticate(basic("any:key-one")).result,
            Caller::Result::kMalformed);
  EXPECT_EQ(a.AuthenticateKey("key-one").result, Caller::Result::kOk);
  EXPECT_EQ(a.AuthenticateKey(" key-one ").result, Caller::Result::kOk);
  EXPECT_EQ(a.AuthenticateKey("").result, Caller::Result::kMissing);
  EXPECT_EQ(a.AuthenticateKey("key").result, Caller::Result::kUnknownKey);
}

TEST(AuthTest, MissingMalformedAndUnknown) {
  auto auth = Authenticator::Create({Entry("pool", "key-one", kEval)});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ((*auth)->Authenticate("").result, Caller::Result::kMissing);
  EXPECT_EQ((*auth)->Authenticate("  ").result, Caller::Result::kMissing);
  EXPECT_EQ((*auth)->Authenticate("key-one").result,
            Caller::Result::kMalformed);
  EXPECT_EQ((*auth)->Authenticate("Basic a2V5").result,
            Caller::Result::kMalformed);
  EXPECT_EQ((*auth)->Authenticate("Bearer ").result,
            Caller::Result::kMalformed);
  EXPECT_EQ((*auth)->Authenticate("Bearer key-on").result,
            Caller::Result::kUnknownKey);
  EXPECT_EQ((*auth)->Authenticate("Bearer key-one1").result,
            Caller::Result::kUnknownKey);
  EXPECT_FALSE((*auth)->Authenticate("Bearer key-on").Has(Scope::kEvaluate));
}

TEST(AuthTest, NoKeysConfiguredRefusesEveryone) {
  auto auth = Authenticator::Create({});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ((*auth)->Authenticate("Bearer anything").result,
            Caller::Result::kUnknownKey);
}

TEST(AuthTest, HashIsCaseInsensitiveInConfig) {
  ApiKeyEntry e = Entry("pool", "key-one", kEval);
  for (char& c : e.sha256) c = static_cast<char>(std::toupper(c));
  auto auth = Authenticator::Create({e});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ((*auth)->Authenticate("Bearer key-one").result,
            Caller::Result::kOk);
}

TEST(AuthTest, CreateRefusesBadEntries) {
  EXPECT_TRUE(absl::StartsWith(
      Authenticator::Create({Entry("", "k", kEval)}).status().message(),
      "api_keys[0].name: empty"));
  EXPECT_TRUE(absl::StartsWith(
      Authenticator::Create({Entry("a", "k", kEval), Entry("b", "k", kEval)})
          .status()
          .message(),
      "api_keys[1].sha256: same key"));
  EXPECT_TRUE(absl::StartsWith(
      Authenticator::Create({Entry("a", "k", 0)}).status().message(),
      "api_keys[0].scopes: empty"));
  EXPECT_TRUE(absl::StartsWith(
      Authenticator::Create({{"a", "12", kEval}}).status().message(),
      "api_keys[0].sha256: not 64 hex digits"));
}

TEST(AuthTest, ScopeLists) {
  EXPECT_EQ(*ParseScopeList("evaluate,mfa,admin"), 7);
  EXPECT_EQ(*ParseScopeList(" admin "), kAdmin);
  EXPECT_FALSE(ParseScopeList("").ok());
  EXPECT_FALSE(ParseScopeList("evaluate,evaluate").ok());
  EXPECT_FALSE(ParseScopeList("evaluate,root").ok());
  EXPECT_EQ(ScopeNames(7),
            (std::vector<std::string>{"evaluate", "mfa", "admin"}));
}

TEST(AuthTest, GeneratedKeysAreFreshAndHashToTheirEntry) {
  absl::StatusOr<SecretString> a = GenerateApiKey();
  absl::StatusOr<SecretString> b = GenerateApiKey();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(absl::StartsWith(a->reveal(), "vgl_"));
  EXPECT_EQ(a->size(), 4u + 43u);
  EXPECT_FALSE(a->Equals(b->reveal()));
  std::string hash = HashApiKey(*a);
  EXPECT_EQ(hash.size(), 64u);
  auto auth = Authenticator::Create({{"gen", hash, kEval}});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ((*auth)->Authenticate(absl::StrCat("Bearer ", a->reveal())).result,
            Caller::Result::kOk);
}

TEST(AuthTest, KnownSha256) {
  // sha256("abc")
  EXPECT_EQ(HashApiKey(SecretString("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  SecretString s("hunter2");
  EXPECT_TRUE(s.Equals("hunter2"));
  EXPECT_FALSE(s.Equals("hunter3"));
}

TEST(SecretTest, MoveLeavesNothingBehind) {
  SecretString a("correct horse battery staple");
  SecretString b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): on purpose
  EXPECT_EQ(b.reveal(), "correct horse battery staple");
  SecretString c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.size(), 28u);
}

// A secret cannot be streamed, copied or converted to a string implicitly.
template <typename T, typename = void>
struct Streamable : std::false_type {};
template <typename T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>()
                                          << std::declval<const T&>())>>
    : std::true_type {};

TEST(SecretTest, CannotLeakByAccident) {
  static_assert(!Streamable<SecretString>::value);
  static_assert(!std::is_copy_constructible_v<SecretString>);
  static_assert(!std::is_convertible_v<SecretString, std::string>);
  static_assert(!std::is_convertible_v<SecretString, absl::string_view>);
  static_assert(!std::is_convertible_v<absl::string_view, SecretString>);
}

}  // namespace
}  // namespace vigil::service
