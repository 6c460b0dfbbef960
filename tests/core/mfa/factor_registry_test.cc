// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The factor seam: a factor registered for a method makes it offerable;
// without one (webauthn today) nothing changes, and an answer of a type no
// factor takes is refused before anything is consumed.

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mfa/challenges.h"
#include "mfa/factor.h"
#include "mfa/mfa_records.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "vigil/mfa.h"

namespace vigil {
namespace {

using internal::ChallengeRecord;
using internal::Factor;
using internal::FactorCall;
using internal::FactorRegistry;
using internal::FactorStart;
using internal::FactorVerdict;
using internal::MethodBit;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A stand-in for a factor answered with an assertion, not a sent code.
class AssertionFactor final : public Factor {
 public:
  MfaMethod method() const override { return MfaMethod::kWebauthn; }
  bool Takes(const ChallengeAnswer& a) const override {
    return std::holds_alternative<WebAuthnAssertion>(a.value);
  }
  absl::Status CheckEnable(const internal::MfaUserRecord&,
                           const internal::UserContacts&) const override {
    return absl::OkStatus();
  }
  absl::StatusOr<FactorStart> Start(FactorCall& call) override {
    call.challenge->factor_method = static_cast<int>(method());
    call.challenge->factor_state = "nonce";
    FactorStart s;
    s.options_json = R"({"challenge":"bm9uY2U"})";
    return s;
  }
  absl::StatusOr<FactorVerdict> Verify(FactorCall& call,
                                       const ChallengeAnswer& a) override {
    const auto& w = std::get<WebAuthnAssertion>(a.value);
    return call.challenge->factor_state == "nonce" && w.signature == "good"
               ? FactorVerdict::kPassed
               : FactorVerdict::kNoMatch;
  }
};

ChallengeAnswer Assertion() {
  WebAuthnAssertion w;
  w.credential_id = "cred";
  w.client_data_json = "{}";
  w.authenticator_data = std::string(37, '\0');
  w.signature = "good";
  return ChallengeAnswer{std::move(w)};
}

TEST(FactorRegistryTest, ARegisteredFactorMakesItsMethodOfferable) {
  Event event;
  event.user_id = "alice";
  event.event_id = "e1";
  internal::MfaPolicyConfig policy;
  // The profile enables webauthn (preferred) and totp.
  const uint32_t factors = MethodBit(static_cast<int>(MfaMethod::kWebauthn)) |
                           MethodBit(static_cast<int>(MfaMethod::kTotp)) |
                           (static_cast<uint32_t>(MfaMethod::kWebauthn) + 1)
                               << 8;
  FactorRegistry registry;
  EXPECT_EQ(registry.methods(), 0u);
  EXPECT_FALSE(registry.AnyTakes(Assertion()));
  WriteBatch batch;
  absl::StatusOr<ChallengeInfo> none = internal::NewChallenge(
      policy, event, factors, registry.methods(), absl::Now(), &batch);
  ASSERT_OK(none);
  EXPECT_TRUE(none->methods.empty());

  ASSERT_OK(registry.Register(std::make_unique<AssertionFactor>()));
  EXPECT_EQ(registry.methods(),
            MethodBit(static_cast<int>(MfaMethod::kWebauthn)));
  EXPECT_NE(registry.Get<AssertionFactor>(MfaMethod::kWebauthn), nullptr);
  EXPECT_EQ(registry.Find(MfaMethod::kTotp), nullptr);
  EXPECT_TRUE(registry.AnyTakes(Assertion()));
  EXPECT_FALSE(
      registry.AnyTakes(ChallengeAnswer{OneTimeCode{SecretBytes("1")}}));
  absl::StatusOr<ChallengeInfo> offered = internal::NewChallenge(
      policy, event, factors, registry.methods(), absl::Now(), &batch);
  ASSERT_OK(offered);
  EXPECT_THAT(offered->methods, ElementsAre("webauthn"));

  // One factor per method; null is refused.
  EXPECT_TRUE(absl::IsAlreadyExists(
      registry.Register(std::make_unique<AssertionFactor>())));
  EXPECT_TRUE(absl::IsInvalidArgument(registry.Register(nullptr)));
  EXPECT_EQ(registry.all().size(), 1u);
}

TEST(FactorRegistryTest, ChallengeRecordKeepsFactorStateAsATrailer) {
  ChallengeRecord c;
  c.user_id = "alice";
  c.event_id = "e1";
  const std::string without = c.Encode();
  c.factor_method = static_cast<int>(MfaMethod::kWebauthn);
  c.factor_state = std::string(32, '\x01');
  const std::string with = c.Encode();
  ChallengeRecord back;
  ASSERT_TRUE(back.Decode(with));
  EXPECT_EQ(back.factor_method, 3);
  EXPECT_EQ(back.factor_state, c.factor_state);
  EXPECT_EQ(back.Encode(), with);
  ASSERT_TRUE(back.Decode(without));  // as stored before: no trailer
  EXPECT_EQ(back.factor_method, -1);
  EXPECT_EQ(back.Encode(), without);
  EXPECT_FALSE(back.Decode(with + '\0'));
  EXPECT_FALSE(back.Decode(with.substr(0, with.size() - 1)));
}

class SeamEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MfaOptions o;
    o.key_file = testing::WriteKeyFile(keys_.path());
    o.email_sender = email_;
    f_ = std::make_unique<testing::EngineFixture>(testing::ChallengeAllModel(),
                                                  false, o);
  }
  MfaService& mfa() { return *f_->engine().mfa(); }

  testing::TempDir keys_;
  std::shared_ptr<testing::RecordingSender> email_ =
      std::make_shared<testing::RecordingSender>();
  std::unique_ptr<testing::EngineFixture> f_;
};

TEST_F(SeamEngineTest, WithoutAWebauthnFactorNothingChanges) {
  EXPECT_EQ(MfaMethodName(MfaMethod::kWebauthn), "webauthn");
  MfaMethod m;
  ASSERT_TRUE(ParseMfaMethod("webauthn", &m));
  EXPECT_EQ(m, MfaMethod::kWebauthn);

  MfaSettings s;
  s.enabled = {MfaMethod::kEmail, MfaMethod::kWebauthn};
  s.email = "alice@example.com";
  absl::Status refused = mfa().SetSettings("alice", s);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("webauthn is not configured"));
  EXPECT_TRUE(mfa().GetSettings("alice")->enabled.empty());  // nothing saved

  s.enabled = {MfaMethod::kEmail};
  ASSERT_OK(mfa().SetSettings("alice", s));
  Decision d = f_->Evaluate(f_->MakeAttempt("alice", testing::kLondon,
                                            testing::kChromeWindows, "fp-1",
                                            Outcome::kUnknown));
  ASSERT_TRUE(d.challenge);
  EXPECT_THAT(d.challenge->methods, ElementsAre("email"));
  const std::string id = d.challenge->id;
  absl::StatusOr<ChallengeStart> start =
      mfa().StartChallenge(id, MfaMethod::kWebauthn);
  EXPECT_TRUE(absl::IsInvalidArgument(start.status())) << start.status();
  EXPECT_TRUE(email_->messages().empty());

  // StartChallenge sends a code as SendCode does.
  start = mfa().StartChallenge(id, MfaMethod::kEmail);
  ASSERT_OK(start);
  EXPECT_EQ(start->method, MfaMethod::kEmail);
  EXPECT_TRUE(start->options_json.empty());
  EXPECT_EQ(start->expires_at, f_->clock().Now() + absl::Minutes(5));
  const std::string code = email_->LastCode();
  ASSERT_EQ(code.size(), 6u);

  // An assertion: no factor takes it; refused, nothing consumed.
  absl::StatusOr<VerifyOutcome> bad =
      mfa().VerifyChallenge(id, Assertion(), {});
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_THAT(bad.status().message(), HasSubstr("answer: "));
  EXPECT_EQ(
      mfa().stats().verifications[static_cast<int>(ChallengeResult::kFailed)],
      0);
  absl::StatusOr<Event> e = f_->engine().GetEvent(d.event_id);
  ASSERT_OK(e);
  EXPECT_TRUE(e->challenge_responses.empty());

  // The typed answer with the code passes, once.
  absl::StatusOr<VerifyOutcome> ok = mfa().VerifyChallenge(
      id, ChallengeAnswer{OneTimeCode{SecretBytes(code)}}, {});
  ASSERT_OK(ok);
  EXPECT_EQ(ok->result, ChallengeResult::kPassed);
  e = f_->engine().GetEvent(d.event_id);
  ASSERT_EQ(e->challenge_responses.size(), 1u);
  EXPECT_EQ(e->challenge_responses[0].method, "email");
}

}  // namespace
}  // namespace vigil
