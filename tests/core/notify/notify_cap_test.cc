// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The per-user cap on notification e-mails (NotifyOptions::
// max_emails_per_user, email_window): a stream of risky attempts against one
// user name sends at most the cap per window, counts the rest as suppressed,
// and the next e-mail after the window says how many were; other users and
// the webhook are not affected; the cap holds across a restart. A real
// engine: RocksDB in a temporary folder, a simulated clock.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/engine_fixture.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

constexpr char kKey[] = "feedback-key-for-tests-0123456789";

class NotifyCapTest : public ::testing::Test {
 protected:
  NotifyCapTest() : f_("", false, {}, Options()) {}

  NotifyOptions Options() const {
    NotifyOptions o;
    o.email_sender = email_;
    o.webhook_sender = webhook_;
    o.feedback_key = std::make_shared<const SecretBytes>(kKey);
    o.link_base_url = "https://risk.example.com";
    o.outbox.deliver_in_background = false;
    return o;  // the default cap: 3 per hour
  }

  void SetEmail(const std::string& user) {
    MfaSettings s;
    s.email = user + "@example.com";
    ASSERT_OK(f_.engine().mfa()->SetSettings(user, s));
  }

  // A trusted history in London for `user`.
  void Baseline(const std::string& user) {
    f_.BuildBaseline(user, kLondon, kChromeWindows, "fp-1", 12,
                     absl::Hours(20));
  }

  // A failed sign-in from Melbourne a minute later: high risk, notified.
  Decision Risky(const std::string& user) {
    f_.clock().Advance(absl::Minutes(1));
    Decision d = f_.engine()
                     .Evaluate(f_.MakeAttempt(user, kMelbourne, kFirefoxLinux,
                                              "fp-2", Outcome::kFailure))
                     .value_or(Decision());
    EXPECT_TRUE(d.notify) << "level " << RiskLevelName(d.level);
    return d;
  }

  // The e-mails sent to `to` so far (delivering what is due first).
  std::vector<OutgoingMessage> MailsTo(const std::string& to) {
    EXPECT_TRUE(f_.engine().outbox()->DeliverDue().ok());
    std::vector<OutgoingMessage> out;
    for (const OutgoingMessage& m : email_->messages()) {
      if (m.to == to) out.push_back(m);
    }
    return out;
  }

  std::shared_ptr<RecordingSender> email_ = std::make_shared<RecordingSender>();
  std::shared_ptr<RecordingSender> webhook_ =
      std::make_shared<RecordingSender>();
  EngineFixture f_;
};

TEST_F(NotifyCapTest, ThirtyRiskyAttemptsSendThreeEmailsAndCountTheRest) {
  SetEmail("alice");
  Baseline("alice");
  for (int i = 0; i < 30; ++i) Risky("alice");
  EXPECT_EQ(MailsTo("alice@example.com").size(), 3u);
  const OutboxStats s = f_.engine().outbox()->stats();
  EXPECT_EQ(s.suppressed, 27);
  // The webhook (a SIEM) sees every event.
  EXPECT_EQ(webhook_->messages().size(), 30u);
  EXPECT_EQ(s.enqueued, 33);
  EXPECT_EQ(f_.engine().stats().outbox.suppressed, 27);
}

TEST_F(NotifyCapTest, TheFirstEmailAfterTheWindowSaysHowManyWereSuppressed) {
  SetEmail("alice");
  Baseline("alice");
  for (int i = 0; i < 10; ++i) Risky("alice");  // 3 sent, 7 suppressed
  ASSERT_EQ(MailsTo("alice@example.com").size(), 3u);
  for (const OutgoingMessage& m : MailsTo("alice@example.com")) {
    EXPECT_FALSE(absl::StrContains(m.text, "not e-mailed")) << m.text;
  }
  f_.clock().Advance(absl::Minutes(55));  // the window began 10 minutes in
  Risky("alice");
  std::vector<OutgoingMessage> mails = MailsTo("alice@example.com");
  ASSERT_EQ(mails.size(), 4u);
  const OutgoingMessage& m = mails.back();
  EXPECT_TRUE(absl::StrContains(
      m.text,
      "7 more alerts about your account since the last one we sent you were "
      "not e-mailed: we send at most 3 per hour."))
      << m.text;
  EXPECT_TRUE(absl::StrContains(m.html, "7 more alerts")) << m.html;
  EXPECT_TRUE(absl::StrContains(m.html, "</p>\n</body>")) << m.html;
  // Counted once: the next e-mail has no note.
  f_.clock().Advance(absl::Minutes(1));
  Risky("alice");
  mails = MailsTo("alice@example.com");
  ASSERT_EQ(mails.size(), 5u);
  EXPECT_FALSE(absl::StrContains(mails.back().text, "not e-mailed"));
}

TEST_F(NotifyCapTest, EachUserIdHasItsOwnCap) {
  for (const char* user : {"bob", "Bob", "bob2"}) {
    SetEmail(user);
    Baseline(user);
  }
  for (int i = 0; i < 5; ++i) Risky("bob");
  Risky("Bob");
  Risky("bob2");
  EXPECT_EQ(MailsTo("bob@example.com").size(), 3u);
  EXPECT_EQ(MailsTo("Bob@example.com").size(), 1u);
  EXPECT_EQ(MailsTo("bob2@example.com").size(), 1u);
  EXPECT_EQ(f_.engine().outbox()->stats().suppressed, 2);
}

TEST_F(NotifyCapTest, TheCapHoldsAcrossARestart) {
  SetEmail("carol");
  Baseline("carol");
  Risky("carol");
  Risky("carol");
  ASSERT_EQ(MailsTo("carol@example.com").size(), 2u);
  const std::string db = f_.data_dir() + "/db";
  f_.Close();

  EngineOptions o;
  o.data_dir = db;
  o.model_path = SourcePath("models/default.toml");
  o.geo.city_dbs = {TestDataPath("maxmind/GeoIP2-City-Test.mmdb")};
  o.geo.asn_dbs = {TestDataPath("maxmind/GeoLite2-ASN-Test.mmdb")};
  o.clock = &f_.clock();
  o.notify = Options();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Engine> engine, Engine::Create(o));
  for (int i = 0; i < 3; ++i) {
    f_.clock().Advance(absl::Minutes(1));
    ASSERT_OK(engine->Evaluate(f_.MakeAttempt(
        "carol", kMelbourne, kFirefoxLinux, "fp-2", Outcome::kFailure)));
  }
  ASSERT_OK(engine->outbox()->DeliverDue());
  int to_carol = 0;
  for (const OutgoingMessage& m : email_->messages()) {
    to_carol += m.to == "carol@example.com";
  }
  EXPECT_EQ(to_carol, 3) << "one more fits in the window, two do not";
  EXPECT_EQ(engine->outbox()->stats().suppressed, 2);
}

TEST(NotifyCapOptionsTest, BadCapsAreRefusedByCreate) {
  for (const auto& [cap, window] :
       std::vector<std::pair<int, absl::Duration>>{{0, absl::Hours(1)},
                                                   {1001, absl::Hours(1)},
                                                   {3, absl::Seconds(59)},
                                                   {3, absl::Hours(24 * 8)}}) {
    TempDir dir;
    EngineOptions options;
    options.data_dir = dir.path() + "/db";
    options.model_path = SourcePath("models/default.toml");
    options.notify.email_sender = std::make_shared<RecordingSender>();
    options.notify.feedback_key = std::make_shared<const SecretBytes>(kKey);
    options.notify.link_base_url = "https://risk.example.com";
    options.notify.outbox.deliver_in_background = false;
    options.notify.max_emails_per_user = cap;
    options.notify.email_window = window;
    absl::StatusOr<std::unique_ptr<Engine>> e = Engine::Create(options);
    ASSERT_FALSE(e.ok()) << cap << " " << window;
    EXPECT_TRUE(absl::IsInvalidArgument(e.status()));
    EXPECT_TRUE(absl::StrContains(e.status().message(), "notify."))
        << e.status();
  }
}

}  // namespace
}  // namespace vigil::testing
