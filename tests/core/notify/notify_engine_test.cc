// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Notifications through a real engine (RocksDB in a temporary folder, the
// MaxMind test databases, a simulated clock): what goes into the outbox with
// an event, the rendered e-mail, one-click links and feedback effects.

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

constexpr char kKey[] = "feedback-key-for-tests-0123456789";

struct Senders {
  std::shared_ptr<RecordingSender> email = std::make_shared<RecordingSender>();
  std::shared_ptr<RecordingSender> webhook =
      std::make_shared<RecordingSender>();
};

NotifyOptions Options(const Senders& s, bool webhook = true) {
  NotifyOptions o;
  o.email_sender = s.email;
  if (webhook) o.webhook_sender = s.webhook;
  o.feedback_key = std::make_shared<const SecretBytes>(kKey);
  o.link_base_url = "https://risk.example.com/";
  o.link_validity = absl::Hours(24);
  o.outbox.deliver_in_background = false;
  return o;
}

// The token of the link after `label` ("This was me:" ...) in `text`.
std::string TokenAfter(const std::string& text, const std::string& label) {
  std::smatch m;
  std::regex re(
      label +
      R"(\s+https://risk\.example\.com/v1/feedback\?token=([A-Za-z0-9_.-]+))");
  if (!std::regex_search(text, m, re)) return "";
  return m[1];
}

class NotifyEngineTest : public ::testing::Test {
 protected:
  NotifyEngineTest() : f_("", false, {}, Options(senders_)) {}

  void SetEmail(const std::string& user) {
    MfaSettings s;
    s.email = user + "@example.com";
    ASSERT_OK(f_.engine().mfa()->SetSettings(user, s));
  }

  // A baseline in London, then a sign-in from Melbourne minutes later
  // (impossible travel): high risk, blocked (no second factor), notified.
  Decision RiskySignIn(const std::string& user) {
    f_.BuildBaseline(user, kLondon, kChromeWindows, "fp-1", 12,
                     absl::Hours(20));
    f_.Evaluate(f_.MakeAttempt(user, kLondon, kChromeWindows, "fp-1",
                               Outcome::kSuccess));
    f_.clock().Advance(absl::Minutes(30));
    Decision d = f_.Evaluate(f_.MakeAttempt(user, kMelbourne, kFirefoxLinux,
                                            "fp-2", Outcome::kUnknown));
    EXPECT_EQ(d.level, RiskLevel::kHigh)
        << d.score << " " << absl::StrJoin(ReasonNames(d), ",");
    EXPECT_TRUE(d.notify);
    return d;
  }

  Decision NextFromMelbourne(const std::string& user) {
    f_.clock().Advance(absl::Minutes(5));
    return f_.Evaluate(f_.MakeAttempt(user, kMelbourne, kFirefoxLinux, "fp-2",
                                      Outcome::kUnknown));
  }

  Senders senders_;
  EngineFixture f_;
};

TEST_F(NotifyEngineTest, RiskySignInWritesOneEmailAndOneWebhook) {
  SetEmail("alice");
  const Decision d = RiskySignIn("alice");
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  Outbox* outbox = f_.engine().outbox();
  ASSERT_NE(outbox, nullptr);
  EXPECT_EQ(outbox->stats().pending, 2);
  EXPECT_TRUE(senders_.email->messages().empty()) << "sent before delivery";
  absl::StatusOr<int> n = outbox->DeliverDue();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);

  ASSERT_EQ(senders_.email->messages().size(), 1u);
  const OutgoingMessage m = senders_.email->messages()[0];
  EXPECT_EQ(m.to, "alice@example.com");
  EXPECT_EQ(m.subject, "We blocked a sign-in to your account");
  EXPECT_EQ(m.idempotency_key, d.event_id + ".email");
  EXPECT_TRUE(absl::StrContains(m.text, kMelbourne)) << m.text;
  EXPECT_TRUE(absl::StrContains(m.text, d.event_id));
  EXPECT_TRUE(absl::StrContains(m.text, "Firefox")) << m.text;
  EXPECT_TRUE(absl::StrContains(
      m.text, absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", f_.clock().Now(),
                               absl::UTCTimeZone())));
  EXPECT_TRUE(absl::StrContains(m.text, d.context.country.empty()
                                            ? "unknown country"
                                            : d.context.country));
  EXPECT_FALSE(absl::StrContains(m.text, "{")) << "unfilled placeholder";
  EXPECT_FALSE(absl::StrContains(m.html, "{")) << "unfilled placeholder";
  EXPECT_FALSE(TokenAfter(m.text, "This was me:").empty()) << m.text;
  EXPECT_FALSE(TokenAfter(m.text, "This wasn't me:").empty()) << m.text;

  ASSERT_EQ(senders_.webhook->messages().size(), 1u);
  const OutgoingMessage w = senders_.webhook->messages()[0];
  EXPECT_EQ(w.idempotency_key, d.event_id + ".webhook");
  EXPECT_TRUE(absl::StrContains(w.data_json,
                                absl::StrCat("\"event_id\":\"", d.event_id)));
  EXPECT_TRUE(absl::StrContains(w.data_json, "\"level\":\"high\""));
  EXPECT_FALSE(absl::StrContains(w.data_json, "token"))
      << "links are the user's";
  EXPECT_EQ(outbox->stats().pending, 0);
  EXPECT_EQ(outbox->stats().delivered, 2);
}

TEST_F(NotifyEngineTest, QuietSignInsAddNothing) {
  SetEmail("carol");
  f_.BuildBaseline("carol", kLondon, kChromeWindows, "fp-1", 12,
                   absl::Hours(20));
  EXPECT_EQ(f_.engine().outbox()->stats().enqueued, 0);
}

TEST_F(NotifyEngineTest, UserWithoutAddressGetsNoEmailButIsCounted) {
  RiskySignIn("dave");
  const OutboxStats s = f_.engine().outbox()->stats();
  EXPECT_EQ(s.no_address, 1);
  EXPECT_EQ(s.enqueued, 1);  // the webhook only
}

TEST_F(NotifyEngineTest, NotMeDistrustsTheIpAndIsReversedByItWasMe) {
  SetEmail("alice");
  const Decision first = RiskySignIn("alice");
  ASSERT_OK(f_.engine().outbox()->DeliverDue());
  const std::string text = senders_.email->messages().at(0).text;
  const std::string not_me = TokenAfter(text, "This wasn't me:");
  const std::string me = TokenAfter(text, "This was me:");

  absl::StatusOr<FeedbackLinkResult> r =
      f_.engine().RecordFeedbackFromLink(not_me);
  ASSERT_OK(r);
  EXPECT_EQ(r->event_id, first.event_id);
  EXPECT_EQ(r->value, FeedbackValue::kInvalid);
  absl::StatusOr<Event> e = f_.engine().GetEvent(first.event_id);
  ASSERT_OK(e);
  ASSERT_TRUE(e->feedback.has_value());
  EXPECT_EQ(e->feedback->value, FeedbackValue::kInvalid);
  EXPECT_EQ(e->feedback->source, "email");
  EXPECT_EQ(e->feedback->time, f_.clock().Now());

  const Decision after = NextFromMelbourne("alice");
  EXPECT_GT(after.score, first.score);
  EXPECT_TRUE(after.password_reset_required);
  bool distrust_reason = false;
  for (const Reason& reason : after.reasons) {
    distrust_reason |= reason.signal == "ip_reputation" &&
                       absl::StrContains(reason.detail, "reported by the user");
  }
  EXPECT_TRUE(distrust_reason) << absl::StrJoin(ReasonNames(after), ",");

  // The same link again: refused, nothing changes.
  EXPECT_EQ(f_.engine().RecordFeedbackFromLink(not_me).status().code(),
            absl::StatusCode::kAlreadyExists);

  // The opposite link undoes it.
  ASSERT_OK(f_.engine().RecordFeedbackFromLink(me));
  const Decision undone = NextFromMelbourne("alice");
  EXPECT_LT(undone.score, after.score);
  EXPECT_FALSE(undone.password_reset_required);
  for (const Reason& reason : undone.reasons) {
    EXPECT_FALSE(absl::StrContains(reason.detail, "reported by the user"));
  }
  e = f_.engine().GetEvent(first.event_id);
  ASSERT_OK(e);
  EXPECT_EQ(e->feedback->value, FeedbackValue::kValid);
}

TEST_F(NotifyEngineTest, ItWasMeMakesThePlaceFamiliar) {
  SetEmail("bob");
  const Decision first = RiskySignIn("bob");
  ASSERT_OK(f_.engine().outbox()->DeliverDue());
  const std::string me =
      TokenAfter(senders_.email->messages().at(0).text, "This was me:");
  ASSERT_OK(f_.engine().RecordFeedbackFromLink(me));
  const Decision next = NextFromMelbourne("bob");
  EXPECT_LT(next.score, first.score);
  EXPECT_LT(static_cast<int>(next.level), static_cast<int>(first.level));
}

TEST_F(NotifyEngineTest, AdminFeedbackHasTheSameEffects) {
  const Decision first = RiskySignIn("erin");
  ASSERT_OK(f_.engine().RecordFeedback(first.event_id, FeedbackValue::kInvalid,
                                       "admin"));
  const Decision after = NextFromMelbourne("erin");
  EXPECT_GT(after.score, first.score);
  EXPECT_TRUE(after.password_reset_required);
  ASSERT_OK(f_.engine().RecordFeedback(first.event_id, FeedbackValue::kValid,
                                       "admin"));
  EXPECT_FALSE(NextFromMelbourne("erin").password_reset_required);
}

TEST_F(NotifyEngineTest, BadLinksChangeNothing) {
  SetEmail("alice");
  const Decision first = RiskySignIn("alice");
  ASSERT_OK(f_.engine().outbox()->DeliverDue());
  const std::string not_me =
      TokenAfter(senders_.email->messages().at(0).text, "This wasn't me:");
  std::string tampered = not_me;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(f_.engine().RecordFeedbackFromLink(tampered).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f_.engine().RecordFeedbackFromLink("").status().code(),
            absl::StatusCode::kInvalidArgument);
  f_.clock().Advance(absl::Hours(25));  // links are valid for 24 h
  absl::StatusOr<FeedbackLinkResult> expired =
      f_.engine().RecordFeedbackFromLink(not_me);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(expired.status().message(), "token: expired");
  absl::StatusOr<Event> e = f_.engine().GetEvent(first.event_id);
  ASSERT_OK(e);
  EXPECT_FALSE(e->feedback.has_value());
}

TEST(NotifyFilterTest, WebhookFilterSelectsLevelsAndDecisions) {
  Senders s;
  NotifyOptions o = Options(s);
  o.email_sender = nullptr;
  o.webhook_filter.levels = {RiskLevel::kHigh};
  o.webhook_filter.verdicts = {Verdict::kChallenge};  // not block
  EngineFixture f("", false, {}, o);
  f.BuildBaseline("u", kLondon, kChromeWindows, "fp-1", 12, absl::Hours(20));
  f.Evaluate(
      f.MakeAttempt("u", kLondon, kChromeWindows, "fp-1", Outcome::kSuccess));
  f.clock().Advance(absl::Minutes(30));
  Decision d = f.Evaluate(
      f.MakeAttempt("u", kMelbourne, kFirefoxLinux, "fp-2", Outcome::kUnknown));
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(f.engine().outbox()->stats().enqueued, 0);
}

TEST(NotifyOptionsTest, BadOptionsAreRefusedByCreate) {
  Senders s;
  struct Case {
    std::function<void(NotifyOptions*)> edit;
    std::string error;
  } cases[] = {
      {[](NotifyOptions* o) { o->feedback_key = nullptr; },
       "notify.feedback_key"},
      {[](NotifyOptions* o) {
         o->feedback_key = std::make_shared<const SecretBytes>("short");
       },
       "notify.feedback_key"},
      {[](NotifyOptions* o) { o->link_base_url = "ftp://x"; },
       "notify.link_base_url"},
      {[](NotifyOptions* o) { o->link_base_url = "https://x/?a=b"; },
       "notify.link_base_url"},
      {[](NotifyOptions* o) { o->templates.blocked.text = "{nope}"; },
       "templates.blocked.text"},
      {[](NotifyOptions* o) { o->outbox.max_attempts = 0; },
       "outbox.max_attempts"},
  };
  for (const Case& c : cases) {
    NotifyOptions o = Options(s);
    c.edit(&o);
    TempDir dir;
    EngineOptions options;
    options.data_dir = dir.path() + "/db";
    options.model_path = SourcePath("models/default.toml");
    options.notify = o;
    absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(options);
    ASSERT_FALSE(e.ok()) << c.error;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(e.status().message(), c.error)) << e.status();
    EXPECT_FALSE(absl::StrContains(e.status().message(), kKey));
  }
}

}  // namespace
}  // namespace vigil::testing
