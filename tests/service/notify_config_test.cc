// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The [notify], [notify.templates.*], [webhook] and [outbox] tables of
// vigild.toml, and [storage] event_retention_days.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "service/notify_setup.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

// The shipped file with every "# key = value" line uncommented.
std::string UncommentedShippedFile() {
  std::string text = vigil::testing::ReadFileOrDie(
      vigil::testing::SourcePath("service/vigild.toml"));
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "# ") && absl::StrContains(line, " = ") &&
        !absl::StrContains(line, "<")) {
      line.remove_prefix(2);
    }
    if (absl::StartsWith(line, "# [[api_keys]]")) break;
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

TEST(NotifyConfigTest, ShippedDefaultsAreTheBuiltInOnes) {
  absl::StatusOr<ServiceConfig> c =
      ParseServiceConfig(UncommentedShippedFile(), "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  ServiceConfig d;
  EXPECT_EQ(c->event_retention_days, 730);
  EXPECT_EQ(c->notify_email, d.notify_email);
  EXPECT_EQ(c->notify_link_base_url, d.notify_link_base_url);
  EXPECT_EQ(c->notify_feedback_key_file, d.notify_feedback_key_file);
  EXPECT_EQ(c->notify_link_validity_hours, d.notify_link_validity_hours);
  EXPECT_EQ(c->notify_max_emails_per_user, 3);
  EXPECT_EQ(c->notify_email_window_minutes, 60);
  EXPECT_EQ(c->client_timestamps, "record");
  const NotificationTemplates t = NotificationTemplates::Defaults();
  EXPECT_EQ(c->notify_templates.blocked.subject, t.blocked.subject);
  EXPECT_EQ(c->notify_templates.blocked.text, t.blocked.text);
  EXPECT_EQ(c->notify_templates.challenged.text, t.challenged.text);
  EXPECT_EQ(c->notify_templates.risky_allowed.subject, t.risky_allowed.subject);
  EXPECT_EQ(c->notify_templates.risky_allowed.text, t.risky_allowed.text);
  EXPECT_EQ(c->webhook_url, d.webhook_url);
  EXPECT_EQ(c->webhook_signature_header, d.webhook_signature_header);
  EXPECT_EQ(c->webhook_timeout, d.webhook_timeout);
  EXPECT_EQ(c->webhook_levels, d.webhook_levels);
  EXPECT_EQ(c->webhook_decisions, d.webhook_decisions);
  EXPECT_EQ(c->outbox.max_attempts, d.outbox.max_attempts);
  EXPECT_EQ(c->outbox.initial_backoff, d.outbox.initial_backoff);
  EXPECT_EQ(c->outbox.max_backoff, d.outbox.max_backoff);
  EXPECT_EQ(c->outbox.poll_interval, d.outbox.poll_interval);
}

TEST(NotifyConfigTest, ReadsEveryKey) {
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(R"(
[storage]
event_retention_days = 90
[smtp]
host = "mail.example.com"
from = "security@example.com"
[notify]
email = true
link_base_url = "https://risk.example.com/vigil"
feedback_key_file = "/etc/vigil/feedback.key"
link_validity_hours = 48
[notify.templates.blocked]
subject = "Blocked from {city}"
text = "IP {ip-address}: {one-click-link-invalid}"
html = ""
[webhook]
url = "https://siem.example.com/hook"
key_file = "/etc/vigil/webhook.key"
signature_header = "X-Sig"
timeout_ms = 2000
levels = ["high"]
decisions = ["block", "challenge"]
[outbox]
max_attempts = 5
initial_backoff_ms = 1000
max_backoff_ms = 60000
poll_interval_ms = 250
)",
                                                       "v.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->event_retention_days, 90);
  EXPECT_TRUE(c->notify_email);
  EXPECT_EQ(c->notify_link_base_url, "https://risk.example.com/vigil");
  EXPECT_EQ(c->notify_link_validity_hours, 48);
  EXPECT_EQ(c->notify_templates.blocked.subject, "Blocked from {city}");
  EXPECT_EQ(c->notify_templates.blocked.html, "");
  // Tables not given keep their defaults.
  EXPECT_EQ(c->notify_templates.challenged.subject,
            NotificationTemplates::Defaults().challenged.subject);
  EXPECT_EQ(c->webhook_levels, std::vector<RiskLevel>{RiskLevel::kHigh});
  EXPECT_EQ(c->webhook_decisions,
            (std::vector<Verdict>{Verdict::kBlock, Verdict::kChallenge}));
  EXPECT_EQ(c->webhook_timeout, absl::Seconds(2));
  EXPECT_EQ(c->outbox.max_attempts, 5);
  EXPECT_EQ(c->outbox.initial_backoff, absl::Seconds(1));
  EXPECT_EQ(c->outbox.max_backoff, absl::Minutes(1));
  EXPECT_EQ(c->outbox.poll_interval, absl::Milliseconds(250));
}

struct BadCase {
  std::string toml;
  std::string error;  // expected in the message after "bad.toml: "
};

class NotifyConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(NotifyConfigErrorTest, NamesFileKeyAndReason) {
  absl::StatusOr<ServiceConfig> c =
      ParseServiceConfig(GetParam().toml, "bad.toml");
  ASSERT_FALSE(c.ok()) << GetParam().toml;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(c.status().message(),
                               absl::StrCat("bad.toml: ", GetParam().error)))
      << c.status();
}

constexpr char kSmtp[] = "[smtp]\nhost = \"m\"\nfrom = \"a@b\"\n";

INSTANTIATE_TEST_SUITE_P(
    BadInputs, NotifyConfigErrorTest,
    ::testing::Values(
        BadCase{"[notify]\nemial = true\n", "notify.emial: unknown key"},
        BadCase{"[notify]\nemail = \"yes\"\n",
                "notify.email: expected true or false"},
        BadCase{"[notify]\nemail = true\nlink_base_url = \"https://x\"\n"
                "feedback_key_file = \"k\"\n",
                "notify.email: needs [smtp] host"},
        BadCase{
            absl::StrCat(kSmtp,
                         "[notify]\nemail = true\nfeedback_key_file = \"k\"\n"),
            "notify.link_base_url: required with email = true"},
        BadCase{absl::StrCat(kSmtp,
                             "[notify]\nemail = true\nlink_base_url = "
                             "\"https://x/?a=1\"\nfeedback_key_file = \"k\"\n"),
                "notify.link_base_url: required"},
        BadCase{absl::StrCat(
                    kSmtp,
                    "[notify]\nemail = true\nlink_base_url = \"https://x\"\n"),
                "notify.feedback_key_file: required with email = true"},
        BadCase{"[notify]\nlink_validity_hours = 0\n",
                "notify.link_validity_hours: must be between 1 and 8760"},
        BadCase{"[notify]\ntemplates = 3\n",
                "notify.templates: expected a table"},
        BadCase{"[notify.templates.blocked]\nsubject = \"{ip}\"\n",
                "notify.templates.blocked.subject: unknown placeholder {ip}"},
        BadCase{"[notify.templates.challenged]\ntext = \"\"\n",
                "notify.templates.challenged.text: empty"},
        BadCase{"[notify.templates.risky_allowed]\nhtml = \"<p>{city</p>\"\n",
                "notify.templates.risky_allowed.html: unclosed"},
        BadCase{"[notify.templates.risky]\nsubject = \"x\"\n",
                "notify.templates.risky: unknown key"},
        BadCase{"[notify.templates.blocked]\nbody = \"x\"\n",
                "notify.templates.blocked.body: unknown key"},
        BadCase{"[webhook]\nurl = \"ftp://x\"\nkey_file = \"k\"\n",
                "webhook.url: must be http[s]://"},
        BadCase{"[webhook]\nurl = \"https://x\"\n",
                "webhook.key_file: required"},
        BadCase{"[webhook]\nlevels = [\"severe\"]\n",
                "webhook.levels: unknown value \"severe\""},
        BadCase{"[webhook]\ndecisions = [\"deny\"]\n",
                "webhook.decisions: unknown value \"deny\""},
        BadCase{"[webhook]\nlevels = \"high\"\n",
                "webhook.levels: expected an array of strings"},
        BadCase{"[outbox]\nmax_attempts = 0\n",
                "outbox.max_attempts: must be between 1 and 100"},
        BadCase{"[outbox]\ninitial_backoff_ms = 5000\nmax_backoff_ms = 1000\n",
                "outbox.max_backoff_ms: must be at least initial_backoff_ms"},
        BadCase{"[outbox]\npoll_interval_ms = 0\n",
                "outbox.poll_interval_ms: must be"},
        BadCase{"[outbox]\nretries = 3\n", "outbox.retries: unknown key"},
        BadCase{"[storage]\nevent_retention_days = -1\n",
                "storage.event_retention_days: must be between 0 and 36500"},
        BadCase{"webhook = 1\n", "webhook: expected a table"},
        BadCase{"[notify]\nmax_emails_per_user = 0\n",
                "notify.max_emails_per_user: must be between 1 and 1000"},
        BadCase{"[notify]\nemail_window_minutes = 20000\n",
                "notify.email_window_minutes: must be between 1 and 10080"},
        BadCase{"[evaluate]\nclient_timestamps = \"client\"\n",
                "evaluate.client_timestamps: must be \"record\" or \"trust\""},
        BadCase{"[evaluate]\ntrust = true\n", "evaluate.trust: unknown key"}));

TEST(NotifySetupTest, TheEmailCapReachesTheEngineOptions) {
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(
      "[notify]\nmax_emails_per_user = 5\nemail_window_minutes = 30\n",
      "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  NotifyOptions o;
  ASSERT_TRUE(NotifyOptionsFromConfig(*c, nullptr, &o).ok());
  EXPECT_EQ(o.max_emails_per_user, 5);
  EXPECT_EQ(o.email_window, absl::Minutes(30));
}

TEST(NotifySetupTest, KeyFilesAreReadAndCheckedWithoutShowingThem) {
  vigil::testing::TempDir dir;
  const std::string short_key = dir.path() + "/short.key";
  vigil::testing::WriteFileOrDie(short_key, "tooshort\n");
  ServiceConfig c;
  c.notify_feedback_key_file = short_key;
  NotifyOptions o;
  absl::Status s = NotifyOptionsFromConfig(c, nullptr, &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "at least 16 bytes")) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "tooshort"));

  c.notify_feedback_key_file = dir.path() + "/missing.key";
  s = NotifyOptionsFromConfig(c, nullptr, &o);
  EXPECT_TRUE(
      absl::StartsWith(s.message(), "notify.feedback_key_file: cannot read"));

  const std::string good = dir.path() + "/good.key";
  vigil::testing::WriteFileOrDie(good, "0123456789abcdef0123\n");
  c.notify_feedback_key_file = good;
  c.webhook_url = "http://127.0.0.1:9/hook";
  c.webhook_key_file = short_key;
  s = NotifyOptionsFromConfig(c, nullptr, &o);
  EXPECT_TRUE(absl::StartsWith(s.message(), "webhook: key: at least 16 bytes"))
      << s;

  c.webhook_key_file = good;
  ASSERT_TRUE(NotifyOptionsFromConfig(c, nullptr, &o).ok());
  ASSERT_NE(o.feedback_key, nullptr);
  EXPECT_EQ(o.feedback_key->reveal(), "0123456789abcdef0123");
  EXPECT_NE(o.webhook_sender, nullptr);
  EXPECT_EQ(o.email_sender, nullptr);
}

}  // namespace
}  // namespace vigil::service
