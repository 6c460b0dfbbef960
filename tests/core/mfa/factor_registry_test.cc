// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The factor seam: a factor registered for a method makes it offerable (and
// one answered with an assertion, not a code, fits: options, state, typed
// answers); without one (webauthn today) nothing changes, and an answer of a
// type no factor takes is refused before anything is consumed.

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mfa/challenges.h"
#include "mfa/factor.h"
#include "mfa/mfa_records.h"
#include "mfa/mfa_service.h"
#include "model/model_slot.h"
#include "state/user_state.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"
#include "vigil/clock.h"
#include "vigil/mfa.h"
#include "vigil/model.h"
#include "vigil/store.h"

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
  absl::Status CheckEnable(absl::string_view, const internal::MfaUserRecord&,
                           const internal::UserContacts&) const override {
    return absl::OkStatus();
  }
  absl::StatusOr<FactorStart> Start(FactorCall& call) override {
    call.challenge->factor_method = static_cast<int>(method());
    call.challenge->factor_state = "nonce";
    FactorStart s;
    s.webauthn.emplace().challenge = "nonce";
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

// The MFA service built without an engine (it needs only the user state and
// the model slot), with a factor answered by an assertion registered: the
// method becomes enabled-able and offered, starts produce options and the
// factor's state, and its answers pass or count as wrong like codes do.
TEST(FactorSeamServiceTest, AFactorAnsweredWithAnAssertionFitsTheSeam) {
  testing::TempDir dir;
  RocksDbOptions ro;
  ro.path = dir.path() + "/db";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> opened, OpenRocksDbStore(ro));
  std::shared_ptr<Store> store = std::move(opened);
  ASSERT_OK_AND_ASSIGN(
      std::shared_ptr<const Model> model,
      Model::LoadFile(testing::SourcePath("models/default.toml")));
  internal::ModelSlot slot(model);
  std::atomic<int64_t> store_errors{0};
  internal::UserState state(store, &slot, 1000, false, &store_errors);
  SimulatedClock clock(absl::FromUnixSeconds(1767225600));
  std::vector<std::unique_ptr<Factor>> extra;
  extra.push_back(std::make_unique<AssertionFactor>());
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<internal::MfaServiceInternal> mfa,
      internal::CreateMfaService(MfaOptions(), &state, &slot, store.get(),
                                 &clock, std::move(extra)));
  EXPECT_EQ(mfa->offerable_methods(), 0b1111u);

  MfaSettings s;
  s.enabled = {MfaMethod::kWebauthn};
  s.preferred = MfaMethod::kWebauthn;
  ASSERT_OK(mfa->SetSettings("alice", s));
  EXPECT_THAT(mfa->GetSettings("alice")->enabled,
              ElementsAre(MfaMethod::kWebauthn));
  ASSERT_OK_AND_ASSIGN(internal::UserProfile profile,
                       state.LoadProfile("alice"));
  EXPECT_EQ(profile.mfa_factors,
            MethodBit(static_cast<int>(MfaMethod::kWebauthn)) | 4u << 8);

  Event event;  // not stored: answers are kept on the challenge only
  event.user_id = "alice";
  event.event_id = "gone";
  WriteBatch batch;
  ASSERT_OK_AND_ASSIGN(
      ChallengeInfo info,
      internal::NewChallenge(model->config().mfa, event, profile.mfa_factors,
                             mfa->offerable_methods(), clock.Now(), &batch));
  ASSERT_OK(store->Write(batch));
  EXPECT_THAT(info.methods, ElementsAre("webauthn"));

  // Not a code-sending factor.
  EXPECT_TRUE(absl::IsInvalidArgument(
      mfa->SendCode(info.id, MfaMethod::kWebauthn).status()));
  ASSERT_OK_AND_ASSIGN(ChallengeStart start,
                       mfa->StartChallenge(info.id, MfaMethod::kWebauthn));
  EXPECT_EQ(start.method, MfaMethod::kWebauthn);
  ASSERT_TRUE(start.webauthn.has_value());
  EXPECT_EQ(start.webauthn->challenge, "nonce");
  ASSERT_OK_AND_ASSIGN(ChallengeRecord c,
                       internal::LoadChallenge(store.get(), info.id));
  EXPECT_EQ(c.factor_method, static_cast<int>(MfaMethod::kWebauthn));
  EXPECT_EQ(c.factor_state, "nonce");

  // A wrong assertion, and a code (no factor of this challenge takes one),
  // are wrong answers.
  ChallengeAnswer bad = Assertion();
  std::get<WebAuthnAssertion>(bad.value).signature = "bad";
  ASSERT_OK_AND_ASSIGN(VerifyOutcome r, mfa->VerifyChallenge(info.id, bad, {}));
  EXPECT_EQ(r.result, ChallengeResult::kFailed);
  const int left = r.attempts_left;
  ASSERT_OK_AND_ASSIGN(r, mfa->VerifyChallenge(info.id, "123456", {}));
  EXPECT_EQ(r.result, ChallengeResult::kFailed);
  EXPECT_EQ(r.attempts_left, left - 1);

  VerifyOptions remember;
  remember.remember_device = true;
  ASSERT_OK_AND_ASSIGN(r, mfa->VerifyChallenge(info.id, Assertion(), remember));
  EXPECT_EQ(r.result, ChallengeResult::kPassed);
  EXPECT_FALSE(r.device_key.empty());
  EXPECT_EQ(mfa->ListDevices("alice")->size(), 1u);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      mfa->VerifyChallenge(info.id, Assertion(), {}).status()));
  EXPECT_EQ(store_errors.load(), 0);
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
  EXPECT_FALSE(start->webauthn.has_value());
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
