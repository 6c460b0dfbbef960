// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Challenges through the library, on a simulated clock: TOTP enrolment with
// codes from oathtool at fixed times, e-mail and SMS codes, lockout, expiry,
// resend limits, single use, and what a passed challenge teaches.

#include <memory>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "vigil/mfa.h"

namespace vigil::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChallengeTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(ChallengeAllModel()); }

  void Open(const std::string& model) {
    f_.reset();
    MfaOptions o;
    o.key_file = WriteKeyFile(keys_.path());
    o.issuer = "Example";
    o.email_sender = email_;
    o.sms_sender = sms_;
    f_ = std::make_unique<EngineFixture>(model, false, o);
  }

  MfaService& mfa() { return *f_->engine().mfa(); }
  int64_t Now() { return absl::ToUnixSeconds(f_->clock().Now()); }

  Decision SignIn(const std::string& user) {
    return f_->Evaluate(f_->MakeAttempt(user, kLondon, kChromeWindows, "fp-1",
                                        Outcome::kUnknown));
  }
  std::string Challenge(const std::string& user) {
    Decision d = SignIn(user);
    EXPECT_EQ(d.verdict, Verdict::kChallenge);
    EXPECT_TRUE(d.challenge.has_value());
    return d.challenge ? d.challenge->id : "";
  }

  void EnableEmailAndSms(const std::string& user) {
    MfaSettings s;
    s.enabled = {MfaMethod::kEmail, MfaMethod::kSms};
    s.preferred = MfaMethod::kEmail;
    s.email = user + "@example.com";
    s.phone = "+4915112345678";
    ASSERT_OK(mfa().SetSettings(user, s));
  }

  // Enrols TOTP and confirms it with oathtool's code for now; returns the
  // base32 secret.
  std::string EnrolTotp(const std::string& user) {
    absl::StatusOr<TotpEnrollment> e = mfa().StartTotpEnrollment(user, "");
    EXPECT_TRUE(e.ok()) << e.status();
    if (!e.ok()) return "";
    const std::string secret(e->secret_base32.reveal());
    absl::StatusOr<ChallengeResult> r =
        mfa().ConfirmTotp(user, OathtoolCode(secret, Now()));
    EXPECT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, ChallengeResult::kPassed);
    return secret;
  }

  ChallengeResult Verify(const std::string& id, const std::string& code,
                         bool remember = false) {
    VerifyOptions o;
    o.remember_device = remember;
    absl::StatusOr<VerifyOutcome> r = mfa().VerifyChallenge(id, code, o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->result : ChallengeResult::kFailed;
  }

  TempDir keys_;
  std::shared_ptr<RecordingSender> email_ = std::make_shared<RecordingSender>();
  std::shared_ptr<RecordingSender> sms_ = std::make_shared<RecordingSender>();
  std::unique_ptr<EngineFixture> f_;
};

TEST_F(ChallengeTest, TotpEnrolmentUriAndActivation) {
  absl::StatusOr<TotpEnrollment> e =
      mfa().StartTotpEnrollment("alice", "alice@example.com");
  ASSERT_OK(e);
  EXPECT_EQ(e->secret_base32.size(), 32u);  // 160 bits
  EXPECT_EQ(e->uri.reveal(),
            absl::StrCat("otpauth://totp/Example:alice@example.com?secret=",
                         e->secret_base32.reveal(),
                         "&issuer=Example&algorithm=SHA1&digits=6&period=30"));
  // Not active before the first valid code: no factor, no challenge.
  EXPECT_EQ(SignIn("alice").verdict, Verdict::kAllow);
  EXPECT_FALSE(mfa().GetSettings("alice")->totp_active);
  const std::string secret(e->secret_base32.reveal());
  if (OathtoolCode(secret, Now()) != "000000") {
    EXPECT_EQ(*mfa().ConfirmTotp("alice", "000000"), ChallengeResult::kFailed);
  }
  EXPECT_EQ(*mfa().ConfirmTotp("alice", OathtoolCode(secret, Now())),
            ChallengeResult::kPassed);
  absl::StatusOr<MfaSettings> s = mfa().GetSettings("alice");
  EXPECT_TRUE(s->totp_active);
  EXPECT_THAT(s->enabled, ElementsAre(MfaMethod::kTotp));
  Decision d = SignIn("alice");
  EXPECT_EQ(d.verdict, Verdict::kChallenge);
  ASSERT_TRUE(d.challenge);
  EXPECT_THAT(d.challenge->methods, ElementsAre("totp"));
  EXPECT_EQ(d.challenge->id.size(), 32u);  // 128 bits
  EXPECT_EQ(d.challenge->expires_at, f_->clock().Now() + absl::Minutes(10));
}

TEST_F(ChallengeTest, OathtoolCodesInsideWindowPassOutsideFailReplayFails) {
  const std::string secret = EnrolTotp("alice");  // step of T0 used
  f_->clock().Advance(absl::Seconds(120));
  const int64_t t = Now();
  const std::string id = Challenge("alice");
  EXPECT_EQ(Verify(id, OathtoolCode(secret, t - 90)), ChallengeResult::kFailed);
  EXPECT_EQ(Verify(id, OathtoolCode(secret, t + 90)), ChallengeResult::kFailed);
  const std::string inside = OathtoolCode(secret, t - 30);
  EXPECT_EQ(Verify(id, inside), ChallengeResult::kPassed);
  // The same code again (a new sign-in, same step): replay.
  const std::string id2 = Challenge("alice");
  EXPECT_EQ(Verify(id2, inside), ChallengeResult::kFailed);
  // An earlier step than the one accepted: also refused.
  EXPECT_EQ(Verify(id2, OathtoolCode(secret, t - 60)), ChallengeResult::kFailed);
  EXPECT_EQ(Verify(id2, OathtoolCode(secret, t + 30)), ChallengeResult::kPassed);
}

TEST_F(ChallengeTest, TotpWindowIsConfigurable) {
  Open(EditedDefaultModel({{"[policy.sign_in]\nnone = \"allow\"",
                            "[policy.sign_in]\nnone = \"mfa_if_configured\""},
                           {"totp_window = 1", "totp_window = 0"}}));
  const std::string secret = EnrolTotp("bob");
  f_->clock().Advance(absl::Seconds(120));
  const std::string id = Challenge("bob");
  EXPECT_EQ(Verify(id, OathtoolCode(secret, Now() - 30)), ChallengeResult::kFailed);
  EXPECT_EQ(Verify(id, OathtoolCode(secret, Now())), ChallengeResult::kPassed);
}

TEST_F(ChallengeTest, LockedAfterFiveWrongCodes) {
  const std::string secret = EnrolTotp("alice");
  f_->clock().Advance(absl::Seconds(60));
  const std::string id = Challenge("alice");
  for (int i = 1; i <= 4; ++i) {
    absl::StatusOr<VerifyOutcome> r = mfa().VerifyChallenge(id, "000000", {});
    ASSERT_OK(r);
    EXPECT_EQ(r->result, ChallengeResult::kFailed);
    EXPECT_EQ(r->attempts_left, 5 - i);
  }
  EXPECT_EQ(Verify(id, "000000"), ChallengeResult::kLocked);
  // Even the right code does not open a locked challenge.
  EXPECT_EQ(Verify(id, OathtoolCode(secret, Now())), ChallengeResult::kLocked);
  // The event records each answer.
  Event e = *f_->engine().ListEvents("alice", "", 1)->events.begin();
  ASSERT_EQ(e.challenge_responses.size(), 5u);
  EXPECT_EQ(e.challenge_responses.back().result, "locked");
  EXPECT_EQ(e.outcome, Outcome::kUnknown);
}

TEST_F(ChallengeTest, PerUserFailuresOverFifteenMinutesLock) {
  const std::string secret = EnrolTotp("alice");
  // Two challenges with 4 wrong codes each, then 2 more: 10 failures.
  for (int c = 0; c < 3; ++c) {
    f_->clock().Advance(absl::Seconds(31));
    const std::string id = Challenge("alice");
    for (int i = 0; i < (c < 2 ? 4 : 2); ++i) Verify(id, "000000");
  }
  f_->clock().Advance(absl::Seconds(31));
  const std::string id = Challenge("alice");
  EXPECT_EQ(Verify(id, OathtoolCode(secret, Now())), ChallengeResult::kLocked);
  f_->clock().Advance(absl::Minutes(16));
  const std::string later = Challenge("alice");
  EXPECT_EQ(Verify(later, OathtoolCode(secret, Now())), ChallengeResult::kPassed);
}

TEST_F(ChallengeTest, EmailCodePassesOnceAndCompletesTheEvent) {
  EnableEmailAndSms("alice");
  Decision d = SignIn("alice");
  ASSERT_TRUE(d.challenge);
  EXPECT_THAT(d.challenge->methods, ElementsAre("email", "sms"));  // preferred first
  absl::StatusOr<SendReceipt> r = mfa().SendCode(d.challenge->id, MfaMethod::kEmail);
  ASSERT_OK(r);
  EXPECT_EQ(r->code_expires_at, f_->clock().Now() + absl::Minutes(5));
  ASSERT_EQ(email_->messages().size(), 1u);
  const OutgoingMessage m = email_->messages()[0];
  EXPECT_EQ(m.to, "alice@example.com");
  EXPECT_EQ(m.subject, "Your Example verification code");
  const std::string code = email_->LastCode();
  ASSERT_EQ(code.size(), 6u);
  EXPECT_EQ(Verify(d.challenge->id, code == "999999" ? "999998" : "999999"),
            ChallengeResult::kFailed);
  EXPECT_EQ(Verify(d.challenge->id, code), ChallengeResult::kPassed);
  // Used: the challenge is done, and the code is no good for another one.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      mfa().VerifyChallenge(d.challenge->id, code, {}).status()));
  const std::string next = Challenge("alice");
  EXPECT_EQ(Verify(next, code), ChallengeResult::kFailed);
  // The event: completed (success) and each answer recorded.
  absl::StatusOr<Event> e = f_->engine().GetEvent(d.event_id);
  ASSERT_OK(e);
  EXPECT_EQ(e->outcome, Outcome::kSuccess);
  ASSERT_EQ(e->challenge_responses.size(), 2u);
  EXPECT_EQ(e->challenge_responses[0].result, "failed");
  EXPECT_EQ(e->challenge_responses[1].result, "passed");
  EXPECT_EQ(e->challenge_responses[1].method, "email");
  // The profile learned from the passed challenge.
  EXPECT_EQ(SignIn("alice").baseline.successful_sign_ins, 1);
}

TEST_F(ChallengeTest, SmsCodeGoesToThePhone) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kSms));
  ASSERT_EQ(sms_->messages().size(), 1u);
  EXPECT_EQ(sms_->messages()[0].to, "+4915112345678");
  EXPECT_THAT(sms_->messages()[0].text, HasSubstr("Example verification code"));
  EXPECT_EQ(Verify(id, sms_->LastCode()), ChallengeResult::kPassed);
}

TEST_F(ChallengeTest, CodeAndChallengeExpire) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  const std::string code = email_->LastCode();
  f_->clock().Advance(absl::Seconds(301));
  EXPECT_EQ(Verify(id, code), ChallengeResult::kExpired);
  // A fresh code works while the challenge lives.
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  f_->clock().Advance(absl::Seconds(300));  // challenge: 601 s old
  EXPECT_EQ(Verify(id, email_->LastCode()), ChallengeResult::kExpired);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      mfa().SendCode(id, MfaMethod::kEmail).status()));
}

TEST_F(ChallengeTest, ResendLimits) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  absl::Status again = mfa().SendCode(id, MfaMethod::kSms).status();
  EXPECT_TRUE(absl::IsResourceExhausted(again)) << again;
  EXPECT_THAT(std::string(again.message()), HasSubstr("retry in 30 s"));
  f_->clock().Advance(absl::Seconds(30));
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kSms));
  // Per user, not per challenge: a new sign-in does not reset the count.
  for (int i = 0; i < 3; ++i) {
    f_->clock().Advance(absl::Seconds(30));
    ASSERT_OK(mfa().SendCode(Challenge("alice"), MfaMethod::kEmail));
  }
  f_->clock().Advance(absl::Seconds(30));
  absl::Status hourly = mfa().SendCode(Challenge("alice"), MfaMethod::kEmail).status();
  EXPECT_TRUE(absl::IsResourceExhausted(hourly)) << hourly;
  EXPECT_THAT(std::string(hourly.message()), HasSubstr("5 codes per hour"));
  EXPECT_EQ(email_->messages().size() + sms_->messages().size(), 5u);
  f_->clock().Advance(absl::Minutes(60));
  EXPECT_OK(mfa().SendCode(Challenge("alice"), MfaMethod::kEmail));
}

// Issue 13, defect 12: a code the user could not answer is not sent.
TEST_F(ChallengeTest, NoCodeIsSentForALockedChallengeOrUser) {
  EnableEmailAndSms("alice");
  // Two challenges locked by 5 wrong codes each: 10 failures, the user limit.
  std::string locked;
  for (int c = 0; c < 2; ++c) {
    locked = Challenge("alice");
    for (int i = 0; i < 5; ++i) Verify(locked, "000000");
  }
  // The locked challenge: 409-style refusal, nothing sent.
  absl::Status s = mfa().SendCode(locked, MfaMethod::kSms).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(s.message(), "challenge: locked");
  // A fresh challenge of the locked user: the lock outlives the challenge
  // (15 min window > 10 min challenge), so it can never be answered.
  const std::string fresh = Challenge("alice");
  for (MfaMethod m : {MfaMethod::kSms, MfaMethod::kEmail}) {
    s = mfa().SendCode(fresh, m).status();
    EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("too many wrong codes"));
    EXPECT_EQ(MfaRetryAfterSeconds(s), 0);
  }
  EXPECT_EQ(Verify(fresh, "123456"), ChallengeResult::kLocked);
  // 14 minutes on, the lock lifts 61 s from now, before a new challenge
  // expires: ResourceExhausted with the wait, still nothing sent.
  f_->clock().Advance(absl::Minutes(14));
  const std::string later = Challenge("alice");
  s = mfa().SendCode(later, MfaMethod::kSms).status();
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_EQ(MfaRetryAfterSeconds(s), 61);
  EXPECT_THAT(std::string(s.message()), HasSubstr("retry in 61 s"));
  EXPECT_TRUE(sms_->messages().empty());
  EXPECT_TRUE(email_->messages().empty());
  MfaStats st = f_->engine().stats().mfa;
  EXPECT_EQ(st.sends_refused_locked, 4);
  EXPECT_EQ(st.sends_rate_limited, 0);
  EXPECT_EQ(st.codes_sent[static_cast<int>(MfaMethod::kSms)], 0);
  EXPECT_EQ(st.codes_sent[static_cast<int>(MfaMethod::kEmail)], 0);
  // Once it lifts, the code goes out and answers the challenge.
  f_->clock().Advance(absl::Seconds(60));
  EXPECT_TRUE(absl::IsResourceExhausted(
      mfa().SendCode(later, MfaMethod::kSms).status()));
  f_->clock().Advance(absl::Seconds(1));
  ASSERT_OK(mfa().SendCode(later, MfaMethod::kSms));
  ASSERT_EQ(sms_->messages().size(), 1u);
  EXPECT_EQ(Verify(later, sms_->LastCode()), ChallengeResult::kPassed);
  EXPECT_EQ(f_->engine().stats().mfa.sends_refused_locked, 5);
}

TEST_F(ChallengeTest, ResendLimitsCarryTheWait) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  f_->clock().Advance(absl::Seconds(10));
  absl::Status again = mfa().SendCode(id, MfaMethod::kEmail).status();
  EXPECT_TRUE(absl::IsResourceExhausted(again)) << again;
  EXPECT_EQ(MfaRetryAfterSeconds(again), 20);
  EXPECT_EQ(MfaRetryAfterSeconds(absl::OkStatus()), 0);
  EXPECT_EQ(MfaRetryAfterSeconds(absl::ResourceExhaustedError("x")), 0);
}

// Issue 17: every refusal's wait is truthful: one second before it the send
// is still refused, at it the send goes out (the resend interval, the
// hourly limit and the receipt's next_send_at).
TEST_F(ChallengeTest, EveryRetryAfterIsTheFirstSecondTheSendGoesOut) {
  EnableEmailAndSms("alice");
  // Waits until `SendCode` of a fresh challenge is accepted, checking that
  // the wait it asked for was exact.
  auto wait_and_send = [&](absl::Status refused) {
    ASSERT_TRUE(absl::IsResourceExhausted(refused)) << refused;
    const int64_t wait = MfaRetryAfterSeconds(refused);
    ASSERT_GE(wait, 1);
    f_->clock().Advance(absl::Seconds(wait - 1));
    const std::string id = Challenge("alice");
    absl::Status early = mfa().SendCode(id, MfaMethod::kEmail).status();
    EXPECT_TRUE(absl::IsResourceExhausted(early))
        << "refused with a wait of " << wait << " s, accepted after "
        << wait - 1 << " s";
    f_->clock().Advance(absl::Seconds(1));
    absl::StatusOr<SendReceipt> sent = mfa().SendCode(id, MfaMethod::kEmail);
    EXPECT_TRUE(sent.ok()) << "refused with a wait of " << wait
                           << " s, still refused after it: " << sent.status();
  };
  absl::StatusOr<SendReceipt> first =
      mfa().SendCode(Challenge("alice"), MfaMethod::kEmail);
  ASSERT_OK(first);
  // The resend interval.
  f_->clock().Advance(absl::Seconds(7));
  wait_and_send(mfa().SendCode(Challenge("alice"), MfaMethod::kEmail).status());
  // The hourly limit (5): three more, 40 s apart; the last receipt says when
  // the next send is possible, and a send before then is refused with the
  // same wait.
  absl::StatusOr<SendReceipt> last;
  for (int i = 0; i < 3; ++i) {
    f_->clock().Advance(absl::Seconds(40));
    last = mfa().SendCode(Challenge("alice"), MfaMethod::kEmail);
    ASSERT_OK(last);
  }
  f_->clock().Advance(absl::Seconds(40));
  absl::Status hourly =
      mfa().SendCode(Challenge("alice"), MfaMethod::kEmail).status();
  EXPECT_THAT(std::string(hourly.message()), HasSubstr("5 codes per hour"));
  EXPECT_EQ(absl::FromUnixSeconds(Now() + MfaRetryAfterSeconds(hourly)),
            last->next_send_at);
  wait_and_send(hourly);
}

TEST_F(ChallengeTest, SenderFailureIsUnavailableAndNotCounted) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  email_->FailWith(absl::UnavailableError("smtp down"));
  EXPECT_TRUE(absl::IsUnavailable(mfa().SendCode(id, MfaMethod::kEmail).status()));
  email_->FailWith(absl::OkStatus());
  EXPECT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  const MfaStats st = f_->engine().stats().mfa;
  EXPECT_EQ(st.send_failures, 1);
  EXPECT_EQ(st.codes_sent[static_cast<int>(MfaMethod::kEmail)], 1);
  EXPECT_EQ(st.sends_rate_limited, 0);
}

TEST_F(ChallengeTest, SettingsAreValidated) {
  MfaSettings s;
  s.enabled = {MfaMethod::kTotp};
  EXPECT_TRUE(absl::IsFailedPrecondition(mfa().SetSettings("alice", s)));
  s.enabled = {MfaMethod::kSms};
  EXPECT_TRUE(absl::IsInvalidArgument(mfa().SetSettings("alice", s)));
  s.phone = "0151 1234";
  EXPECT_TRUE(absl::IsInvalidArgument(mfa().SetSettings("alice", s)));
  s.phone = "+4915112345678";
  s.preferred = MfaMethod::kEmail;
  EXPECT_TRUE(absl::IsInvalidArgument(mfa().SetSettings("alice", s)));
  s.preferred = MfaMethod::kSms;
  EXPECT_OK(mfa().SetSettings("alice", s));
  // Disabling every factor: no more challenges.
  EXPECT_EQ(SignIn("alice").verdict, Verdict::kChallenge);
  EXPECT_OK(mfa().SetSettings("alice", MfaSettings()));
  EXPECT_EQ(SignIn("alice").verdict, Verdict::kAllow);
}

TEST_F(ChallengeTest, ConcurrentAnswersPassAtMostOnce) {
  EnableEmailAndSms("alice");
  const std::string id = Challenge("alice");
  ASSERT_OK(mfa().SendCode(id, MfaMethod::kEmail));
  const std::string code = email_->LastCode();
  std::atomic<int> passed{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<VerifyOutcome> r = mfa().VerifyChallenge(id, code, {});
      if (r.ok() && r->result == ChallengeResult::kPassed) {
        ++passed;
      } else if (absl::IsFailedPrecondition(r.status())) {
        ++already;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(passed.load(), 1);
  EXPECT_EQ(already.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(f_->engine().GetEvent(
                f_->engine().ListEvents("alice", "", 1)->events[0].event_id)
                ->challenge_responses.size(),
            1u);
}

TEST_F(ChallengeTest, UnknownChallengeIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(
      mfa().VerifyChallenge("0123456789abcdef0123456789abcdef", "123456", {}).status()));
  EXPECT_TRUE(absl::IsNotFound(mfa().SendCode("nope", MfaMethod::kSms).status()));
}

TEST(MfaPolicyTest, NoFactorIfConfiguredAllowsRequiredBlocks) {
  EngineFixture allow(ChallengeAllModel());
  Decision d = allow.Evaluate(allow.MakeAttempt("nofactor", kLondon, kChromeWindows,
                                                "fp", Outcome::kUnknown));
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_FALSE(d.challenge);
  EngineFixture block(EditedDefaultModel(
      {{"[policy.sign_in]\nnone = \"allow\"", "[policy.sign_in]\nnone = \"mfa_required\""}}));
  d = block.Evaluate(block.MakeAttempt("nofactor", kLondon, kChromeWindows, "fp",
                                       Outcome::kUnknown));
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_FALSE(d.challenge);
}

TEST(MfaPolicyTest, NoKeyFileRefusesTotpEnrolment) {
  EngineFixture f(ChallengeAllModel());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      f.engine().mfa()->StartTotpEnrollment("alice", "").status()));
}

}  // namespace
}  // namespace vigil::testing
