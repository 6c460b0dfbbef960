// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Passkey refusals over HTTP (issue 18): a real vigild on loopback, a
// software authenticator (tests/core/mfa/webauthn_authenticator.h: real
// OpenSSL keys and signatures, real CBOR) standing in for the browser, so
// that each answer can be altered the way an attacker or a broken client
// would: a wrong origin, a wrong relying-party id, a replayed assertion, an
// assertion for another user's challenge, a tampered signature, a counter
// that goes backwards, user verification missing. Each is refused with its
// reason, and nothing is learned: the challenge stays open (or locks), the
// event does not complete, the passkey's counter and last use stay.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/mfa/webauthn_authenticator.h"
#include "gtest/gtest.h"
#include "mfa/webauthn/webauthn.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"
#include "vigil/passkeys.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;
namespace wa = internal::webauthn;

constexpr char kOrigin[] = "http://localhost:8080";
constexpr char kLondon[] = "81.2.69.160";
constexpr char kChangchun[] = "175.16.199.1";
constexpr char kMilton[] = "216.160.83.56";
constexpr char kMacUa[] =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15";
constexpr char kHomeUa[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
constexpr char kOtherUa[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0 Safari/537.36";

class PasskeyRefusalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string config = TestConfigToml(dir_.path() + "/data",
                                        SourcePath("models/default.toml"));
    absl::StrAppend(&config,
                    "\n[passkeys]\nrp_id = \"localhost\"\norigins = [\"",
                    kOrigin, "\"]\nuser_verification = \"required\"\n");
    auto v = VigildProcess::Start(dir_.path(), config);
    ASSERT_TRUE(v.ok()) << v.status();
    vigild_ = *std::move(v);
    auto c = HttpClient::Connect(vigild_->address());
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }

  // The evaluate routes with the evaluate key, the rest with the mfa key.
  static const char* KeyFor(absl::string_view target) {
    return absl::StartsWith(target, "/v1/evaluate") ||
                   absl::StartsWith(target, "/v1/events/") ||
                   absl::EndsWith(target.substr(0, target.find('?')), "/events")
               ? kEvaluateKey
               : kMfaKey;
  }
  json::value Post(const std::string& target, const std::string& body,
                   int want_status) {
    auto r = client_->PostJson(target, body, KeyFor(target));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, want_status) << target << " " << r->body;
    return r->body.empty() ? json::value() : json::parse(r->body);
  }
  json::value Get(const std::string& target) {
    auto r = client_->Get(target, KeyFor(target));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, 200) << target << " " << r->body;
    return json::parse(r->body);
  }

  // Registers `auth` for `user` through vigild's two registration routes.
  void Register(const std::string& user, SoftAuthenticator& auth) {
    json::value start =
        Post(absl::StrCat("/v1/users/", user, "/passkeys/registrations"),
             R"({"user_name":"u@example.com"})", 200);
    auto challenge = Base64UrlDecode(
        std::string(start.at("public_key").at("challenge").as_string()));
    ASSERT_TRUE(challenge.ok());
    SoftAuthenticator::Options o;
    o.origin = kOrigin;
    wa::RegistrationResponse r = auth.Register(*challenge, o);
    Post(absl::StrCat("/v1/users/", user, "/passkeys"),
         absl::StrCat(R"({"registration_id":")",
                      std::string(start.at("registration_id").as_string()),
                      R"(","credential":)", RegistrationResponseJson(r), "}"),
         201);
  }

  // A history at home, then a risky sign-in; returns its challenge id.
  std::string RiskyChallenge(const std::string& user,
                             const char* ip = kChangchun,
                             const char* ua = kOtherUa) {
    if (!history_.contains(user)) {
      for (int i = 0; i < 6; ++i) {
        json::value d =
            Post("/v1/evaluate",
                 absl::StrCat(R"({"user_id":")", user, R"(","ip":")", kLondon,
                              R"(","user_agent":")", kHomeUa, R"("})"),
                 200);
        if (d.at("decision") == "allow") {
          Post(absl::StrCat("/v1/events/",
                            std::string(d.at("event_id").as_string()),
                            "/outcome"),
               R"({"outcome":"success"})", 200);
        }
      }
      history_.insert(user);
    }
    json::value d = Post("/v1/evaluate",
                         absl::StrCat(R"({"user_id":")", user, R"(","ip":")",
                                      ip, R"(","user_agent":")", ua, R"("})"),
                         200);
    EXPECT_EQ(d.at("decision"), "challenge") << json::serialize(d);
    if (!d.at("challenge").is_object()) return "";
    const json::array& methods = d.at("challenge").at("methods").as_array();
    EXPECT_NE(
        std::find(methods.begin(), methods.end(), json::value("webauthn")),
        methods.end());
    last_event_ = std::string(d.at("event_id").as_string());
    return std::string(d.at("challenge").at("id").as_string());
  }

  // The raw WebAuthn challenge of fresh request options for `challenge_id`.
  std::string Options(const std::string& challenge_id) {
    json::value o = Post(
        absl::StrCat("/v1/challenges/", challenge_id, "/webauthn"), "{}", 200);
    auto c = Base64UrlDecode(
        std::string(o.at("public_key").at("challenge").as_string()));
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : "";
  }

  json::value Verify(const std::string& challenge_id,
                     const wa::AuthenticationResponse& a) {
    return Post(
        absl::StrCat("/v1/challenges/", challenge_id, "/verify"),
        absl::StrCat(R"({"webauthn":)", AuthenticationResponseJson(a), "}"),
        200);
  }

  json::object Passkey(const std::string& user) {
    json::value list = Get(absl::StrCat("/v1/users/", user, "/passkeys"));
    return list.at("passkeys").as_array().at(0).as_object();
  }

  // The refusal `reason` of an answer, checked not to have taught anything.
  void ExpectRefused(const std::string& user, const std::string& challenge_id,
                     const wa::AuthenticationResponse& a,
                     absl::string_view reason) {
    const json::object before = Passkey(user);
    json::value r = Verify(challenge_id, a);
    EXPECT_EQ(r.at("result"), "failed") << json::serialize(r);
    EXPECT_EQ(r.at("reason"), json::value(std::string(reason)));
    EXPECT_TRUE(r.at("device_key").is_null());
    const json::object after = Passkey(user);
    EXPECT_EQ(after.at("sign_count"), before.at("sign_count"));
    EXPECT_EQ(after.at("last_used_at"), before.at("last_used_at"));
    // The event is not completed: its outcome is still not a success.
    json::value events =
        Get(absl::StrCat("/v1/users/", user, "/events?limit=1"));
    const json::object& e = events.at("events").as_array().at(0).as_object();
    EXPECT_EQ(std::string(e.at("event_id").as_string()), last_event_);
    EXPECT_NE(e.at("outcome"), "success") << json::serialize(e);
  }

  SoftAuthenticator::Options Good() const {
    SoftAuthenticator::Options o;
    o.origin = kOrigin;
    return o;
  }

  TempDir dir_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
  std::set<std::string> history_;
  std::string last_event_;
};

TEST_F(PasskeyRefusalsTest,
       EachAlteredAnswerIsRefusedWithItsReasonAndNothingIsLearned) {
  SoftAuthenticator alice(wa::kEs256);
  Register("alice", alice);
  SoftAuthenticator bob(wa::kEdDsa);
  Register("bob", bob);

  {  // Wrong origin: a phishing page's origin in clientDataJSON.
    const std::string id = RiskyChallenge("alice");
    SoftAuthenticator::Options o = Good();
    o.origin = "https://evil.example";
    ExpectRefused("alice", id, alice.Assert(Options(id), o),
                  "origin_not_allowed");
  }
  {  // Wrong relying-party id: the authenticator signed for another site.
    const std::string id = RiskyChallenge("alice");
    SoftAuthenticator::Options o = Good();
    o.rp_id = "evil.example";
    ExpectRefused("alice", id, alice.Assert(Options(id), o), "rp_id_mismatch");
  }
  {  // User verification missing while required.
    const std::string id = RiskyChallenge("alice");
    SoftAuthenticator::Options o = Good();
    o.user_verified = false;
    ExpectRefused("alice", id, alice.Assert(Options(id), o),
                  "user_not_verified");
  }
  {  // A tampered signature.
    const std::string id = RiskyChallenge("alice");
    wa::AuthenticationResponse a = alice.Assert(Options(id), Good());
    a.signature[a.signature.size() / 2] ^= 0x01;
    ExpectRefused("alice", id, a, "bad_signature");
  }
  {  // Bob's challenge answered with Alice's passkey.
    const std::string id = RiskyChallenge("bob");
    wa::AuthenticationResponse a = alice.Assert(Options(id), Good());
    const json::object before = Passkey("bob");
    json::value r = Verify(id, a);
    EXPECT_EQ(r.at("result"), "failed");
    EXPECT_EQ(r.at("reason"), "credential_mismatch");
    EXPECT_EQ(Passkey("bob").at("sign_count"), before.at("sign_count"));
  }

  // A good answer passes (and the event completes) ...
  const std::string passed = RiskyChallenge("alice", kMilton, kMacUa);
  wa::AuthenticationResponse good = alice.Assert(Options(passed), Good());
  json::value ok = Verify(passed, good);
  EXPECT_EQ(ok.at("result"), "passed") << json::serialize(ok);
  EXPECT_TRUE(ok.at("reason").is_null());
  const json::object used = Passkey("alice");
  EXPECT_EQ(used.at("sign_count").to_number<int64_t>(), alice.sign_count());
  EXPECT_TRUE(used.at("last_used_at").is_string());

  {  // ... and replaying it on the next challenge is refused.
    const std::string id = RiskyChallenge("alice");
    Options(id);
    ExpectRefused("alice", id, good, "challenge_mismatch");
  }
  {  // A clone whose counter lags behind the original.
    const std::string id = RiskyChallenge("alice");
    alice.set_sign_count(0);
    ExpectRefused("alice", id, alice.Assert(Options(id), Good()),
                  "counter_regressed");
  }
}

TEST_F(PasskeyRefusalsTest, RegistrationRefusalsAreClearAndStoreNothing) {
  SoftAuthenticator key(wa::kEs256);
  json::value start = Post("/v1/users/carol/passkeys/registrations",
                           R"({"user_name":"carol@example.com"})", 200);
  const std::string registration(start.at("registration_id").as_string());
  auto challenge = Base64UrlDecode(
      std::string(start.at("public_key").at("challenge").as_string()));
  ASSERT_TRUE(challenge.ok());
  SoftAuthenticator::Options o = Good();
  o.origin = "https://evil.example";
  json::value refused =
      Post("/v1/users/carol/passkeys",
           absl::StrCat(
               R"({"registration_id":")", registration, R"(","credential":)",
               RegistrationResponseJson(key.Register(*challenge, o)), "}"),
           422);
  EXPECT_EQ(refused.at("error").at("code"), "credential_refused");
  EXPECT_TRUE(absl::StartsWith(
      std::string(refused.at("error").at("message").as_string()),
      "origin_not_allowed:"));
  // The registration was consumed by the refusal.
  Post("/v1/users/carol/passkeys",
       absl::StrCat(
           R"({"registration_id":")", registration, R"(","credential":)",
           RegistrationResponseJson(key.Register(*challenge, Good())), "}"),
       404);
  EXPECT_TRUE(
      Get("/v1/users/carol/passkeys").at("passkeys").as_array().empty());
  // Not JSON of a credential at all.
  json::value bad = Post(
      "/v1/users/carol/passkeys",
      R"({"registration_id":"x","credential":{"type":"public-key"}})", 422);
  EXPECT_EQ(bad.at("error").at("code"), "invalid_argument");
}

}  // namespace
}  // namespace vigil::testing
