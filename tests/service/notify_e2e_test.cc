// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Notifications end to end: the real vigild on port 0, a real SMTP server
// process (Debian's aiosmtpd) and an HTTP webhook receiver that checks the
// HMAC signature itself (tests/service/mfa_peers.py). A risky sign-in over
// HTTP becomes an e-mail; its one-click links are followed over HTTP; the
// feedback shows in the history and in the next decision. Delivery survives
// a mail server that is down and a vigild killed with SIGKILL.

#include <signal.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "notify/feedback_token.h"
#include "service/child_process.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/test_util.h"
#include "vigil/sender.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;

constexpr char kMelbourne[] = "214.0.1.5";
constexpr char kLondon[] = "81.2.69.160";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0.0.0 Safari/537.36";
constexpr char kFeedbackKey[] = "one-click-feedback-key-0123456789";
constexpr char kWebhookKey[] = "webhook-signing-key-0123456789abcdef";
constexpr char kLinkBase[] = "http://vigil.test";

struct Mail {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

Mail ParseMail(const std::string& raw) {
  Mail m;
  const size_t end = raw.find("\r\n\r\n");
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(raw).substr(0, end), "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    m.headers[name] =
        std::string(absl::StripLeadingAsciiWhitespace(line.substr(colon + 1)));
  }
  m.body = end == std::string::npos ? "" : raw.substr(end + 4);
  return m;
}

// The path and query of the link after `label` in the plain-text part.
std::string LinkAfter(const std::string& body, const std::string& label) {
  std::smatch m;
  const std::regex re(
      label + R"(\s+http://vigil\.test(/v1/feedback\?token=[A-Za-z0-9_.-]+))");
  if (!std::regex_search(body, m, re)) return "";
  return m[1];
}

class NotifyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mail_dir_ = dir_.path() + "/mail";
    hook_dir_ = dir_.path() + "/hooks";
    std::filesystem::create_directories(mail_dir_);
    std::filesystem::create_directories(hook_dir_);
    feedback_key_file_ = dir_.path() + "/feedback.key";
    webhook_key_file_ = dir_.path() + "/webhook.key";
    WriteFileOrDie(feedback_key_file_, absl::StrCat(kFeedbackKey, "\n"));
    WriteFileOrDie(webhook_key_file_, absl::StrCat(kWebhookKey, "\n"));
    StartSmtp();
    ASSERT_GT(smtp_port_, 0) << "aiosmtpd did not start";
    hook_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", Script(), "http", hook_dir_, webhook_key_file_});
    ASSERT_GT(hook_->port(), 0) << "the webhook receiver did not start";
    StartVigild();
  }

  static std::string Script() {
    return SourcePath("tests/service/mfa_peers.py");
  }

  // Starts aiosmtpd, on the port it had before if it ran already.
  void StartSmtp(const std::string& mode = "smtp") {
    std::vector<std::string> args = {"/usr/bin/python3", Script(), mode,
                                     mail_dir_};
    if (smtp_port_ > 0) args.push_back(std::to_string(smtp_port_));
    smtp_ = std::make_unique<Peer>(args);
    smtp_port_ = smtp_->port();
  }

  std::string Config() const {
    return absl::StrCat(
        TestConfigToml(dir_.path() + "/data",
                       SourcePath("models/default.toml")),
        "\n[smtp]\nhost = \"127.0.0.1\"\nport = ", smtp_port_,
        "\nfrom = \"security@vigil.test\"\ntimeout_ms = 3000\n"
        "[notify]\nemail = true\nlink_base_url = \"",
        kLinkBase, "\"\nfeedback_key_file = \"", feedback_key_file_,
        "\"\n[webhook]\nurl = \"http://127.0.0.1:", hook_->port(),
        "/hook\"\nkey_file = \"", webhook_key_file_,
        "\"\nlevels = [\"high\"]\n"
        "[outbox]\ninitial_backoff_ms = 200\nmax_backoff_ms = 1000\n"
        "poll_interval_ms = 100\nmax_attempts = 100\n"
        // A message claimed by a vigild killed mid-attempt is due again when
        // the claim runs out (5 minutes by default): here within the tests'
        // waits, and still longer than the sender's timeout.
        "claim_lease_ms = 4000\n"
        // RiskySignIn dates its history days back.
        "[evaluate]\nclient_timestamps = \"trust\"\n",
        extra_config_);
  }

  void StartVigild() {
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), Config(), &vigild_, &client_));
  }

  HttpResponse Send(absl::string_view method, const std::string& target,
                    const std::string& body, const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty())
      headers.emplace_back("Authorization", absl::StrCat("Bearer ", key));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r =
        client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse();
  }

  json::value Call(absl::string_view method, const std::string& target,
                   const std::string& body, const std::string& key,
                   int want = 200) {
    HttpResponse r = Send(method, target, body, key);
    EXPECT_EQ(r.status, want) << method << " " << target << ": " << r.body;
    if (r.body.empty() || r.status == 0) return nullptr;
    return json::parse(r.body);
  }

  // The user's e-mail address (MFA settings; no factor enabled).
  void SetEmail(const std::string& user) {
    Call("PUT", absl::StrCat("/v1/users/", user, "/mfa"),
         absl::StrCat(R"({"enabled":[],"email":")", user, R"(@example.com"})"),
         kMfaKey);
  }

  json::value Evaluate(const std::string& user, const std::string& ip,
                       const std::string& ua, const std::string& extra = "") {
    return Call("POST", "/v1/evaluate",
                absl::StrCat(R"({"user_id":")", user, R"(","ip":")", ip,
                             R"(","user_agent":")", ua,
                             R"(","device_fingerprint":"fp-)", ua.size(), "\"",
                             extra, "}"),
                kEvaluateKey);
  }

  // Trusted sign-ins from London over the past days, the last 30 minutes
  // ago; then one from Melbourne now: impossible travel, high risk.
  json::value RiskySignIn(const std::string& user) {
    const absl::Time now = absl::Now();
    for (int i = 12; i >= 0; --i) {
      const absl::Time t =
          i == 0 ? now - absl::Minutes(30) : now - absl::Hours(20 * i);
      json::value d = Evaluate(
          user, kLondon, kChromeWindows,
          absl::StrCat(
              R"(,"outcome":"success","timestamp":")",
              absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
              "\""));
      EXPECT_EQ(d.at("decision"), "allow") << json::serialize(d);
    }
    json::value d = Evaluate(user, kMelbourne, kFirefoxLinux);
    EXPECT_EQ(d.at("risk").at("level"), "high") << json::serialize(d);
    return d;
  }

  json::value NextFromMelbourne(const std::string& user) {
    return Evaluate(user, kMelbourne, kFirefoxLinux);
  }

  static double Score(const json::value& d) {
    return d.at("risk").at("score").to_number<double>();
  }

  json::value FindEvent(const std::string& user, const std::string& event_id) {
    json::value page = Call("GET", absl::StrCat("/v1/users/", user, "/events"),
                            "", kEvaluateKey);
    for (const json::value& e : page.at("events").as_array()) {
      if (e.at("event_id") == event_id.c_str()) return e;
    }
    ADD_FAILURE() << "event " << event_id << " not in the history";
    return nullptr;
  }

  std::string Metrics() { return Send("GET", "/metrics", "", "").body; }

  TempDir dir_;
  std::string extra_config_;  // appended to Config()
  std::string mail_dir_, hook_dir_, feedback_key_file_, webhook_key_file_;
  int smtp_port_ = 0;
  std::unique_ptr<Peer> smtp_, hook_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(NotifyE2eTest, NotMeLinkFromARealEmailDistrustsTheIp) {
  SetEmail("alice");
  const json::value first = RiskySignIn("alice");
  const std::string event_id(first.at("event_id").as_string());
  EXPECT_EQ(first.at("decision"), "block");

  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  const Mail mail = ParseMail(mails[0]);
  EXPECT_EQ(mail.headers.at("to"), "alice@example.com");
  EXPECT_EQ(mail.headers.at("subject"), "We blocked a sign-in to your account");
  EXPECT_EQ(mail.headers.at("x-vigil-idempotency-key"), event_id + ".email");
  // Every placeholder was filled, in the text and the HTML part.
  for (const char* name :
       {"{ip-address}", "{city}", "{country}", "{login-time}", "{device-name}",
        "{event-id}", "{one-click-link"}) {
    EXPECT_FALSE(absl::StrContains(mail.body, name)) << name;
  }
  EXPECT_TRUE(
      absl::StrContains(mail.body, absl::StrCat("IP address ", kMelbourne)));
  EXPECT_TRUE(absl::StrContains(mail.body, "Firefox 121 on Linux"))
      << mail.body;
  EXPECT_TRUE(
      absl::StrContains(mail.body, absl::StrCat("Reference: ", event_id)));
  const std::string country(first.at("context").at("country").as_string());
  EXPECT_TRUE(absl::StrContains(mail.body, country)) << mail.body;
  EXPECT_TRUE(absl::StrContains(
      mail.body,
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone())));
  EXPECT_TRUE(absl::StrContains(mail.body, "text/html"));
  const std::string not_me = LinkAfter(mail.body, "This wasn't me:");
  const std::string me = LinkAfter(mail.body, "This was me:");
  ASSERT_FALSE(not_me.empty()) << mail.body;
  ASSERT_FALSE(me.empty());

  // The webhook got the event too, signed; its receiver checked the HMAC.
  const std::vector<std::string> hooks = WaitForFiles(hook_dir_, 1);
  ASSERT_EQ(hooks.size(), 1u);
  json::value hook = json::parse(hooks[0]);
  EXPECT_EQ(hook.at("signature_valid"), true) << hooks[0];
  EXPECT_EQ(hook.at("idempotency_key"), (event_id + ".webhook").c_str());
  const std::string hook_body(hook.at("body").as_string());
  EXPECT_EQ(std::string(hook.at("signature").as_string()),
            SignBody(SecretBytes(kWebhookKey), hook_body));
  json::value payload = json::parse(hook_body);
  EXPECT_EQ(payload.at("data").at("event_id"), event_id.c_str());
  EXPECT_EQ(payload.at("data").at("level"), "high");
  EXPECT_FALSE(absl::StrContains(hook_body, "token="))
      << "links are the user's";

  // Follow "this wasn't me" over HTTP, without an API key.
  HttpResponse page = Send("GET", not_me, "", "");
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(absl::StartsWith(page.headers["content-type"], "text/html"));
  EXPECT_TRUE(absl::StrContains(page.body, "secured your account"));
  EXPECT_EQ(page.headers["cache-control"], "no-store");

  json::value e = FindEvent("alice", event_id);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e.at("feedback").at("value"), "invalid");
  EXPECT_EQ(e.at("feedback").at("source"), "email");
  // Issue 17 (was "in_progress"): high risk, mfa_required and no factor:
  // the sign-in was blocked, and the history says so.
  EXPECT_EQ(e.at("response"), "block");
  EXPECT_EQ(e.at("decision").at("decision"), "block");
  EXPECT_EQ(e.at("ip"), kMelbourne);
  EXPECT_EQ(e.at("decision").at("risk").at("level"), "high");

  const json::value next = NextFromMelbourne("alice");
  EXPECT_GT(Score(next), Score(first)) << json::serialize(next);
  EXPECT_EQ(next.at("risk").at("password_reset_required"), true);
  EXPECT_TRUE(absl::StrContains(json::serialize(next.at("risk").at("reasons")),
                                "reported by the user"));

  // The same link again: refused, with a page saying so.
  page = Send("GET", not_me, "", "");
  EXPECT_EQ(page.status, 409);
  EXPECT_TRUE(absl::StrContains(page.body, "already used"));
}

TEST_F(NotifyE2eTest, ItWasMeLinkMakesThePlaceFamiliar) {
  SetEmail("bob");
  const json::value first = RiskySignIn("bob");
  const std::string event_id(first.at("event_id").as_string());
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  const std::string me = LinkAfter(ParseMail(mails[0]).body, "This was me:");
  ASSERT_FALSE(me.empty());
  HttpResponse page = Send("GET", me, "", "");
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(absl::StrContains(page.body, "Thanks for confirming"));
  json::value e = FindEvent("bob", event_id);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e.at("feedback").at("value"), "valid");
  const json::value next = NextFromMelbourne("bob");
  EXPECT_LT(Score(next), Score(first)) << json::serialize(next);
  EXPECT_NE(next.at("risk").at("level"), "high");
  EXPECT_EQ(next.at("decision"), "allow");
}

TEST_F(NotifyE2eTest, TamperedExpiredAndMissingTokensAreRefused) {
  SetEmail("carol");
  const json::value first = RiskySignIn("carol");
  const std::string event_id(first.at("event_id").as_string());
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  std::string tampered = LinkAfter(ParseMail(mails[0]).body, "This wasn't me:");
  ASSERT_FALSE(tampered.empty());
  const size_t at = tampered.find("token=") + 8;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  HttpResponse page = Send("GET", tampered, "", "");
  EXPECT_EQ(page.status, 400);
  EXPECT_TRUE(absl::StrContains(page.body, "not valid"));

  // A token signed with the right key that expired a minute ago.
  absl::StatusOr<std::string> expired = internal::SignFeedbackToken(
      SecretBytes(kFeedbackKey),
      {event_id, FeedbackValue::kInvalid, absl::Now() - absl::Minutes(1)});
  ASSERT_TRUE(expired.ok());
  page = Send("GET", absl::StrCat("/v1/feedback?token=", *expired), "", "");
  EXPECT_EQ(page.status, 410);
  EXPECT_TRUE(absl::StrContains(page.body, "expired"));

  // The same with another key.
  absl::StatusOr<std::string> foreign = internal::SignFeedbackToken(
      SecretBytes("some-other-key-0123456789abcdef"),
      {event_id, FeedbackValue::kInvalid, absl::Now() + absl::Hours(1)});
  page = Send("GET", absl::StrCat("/v1/feedback?token=", *foreign), "", "");
  EXPECT_EQ(page.status, 400);

  EXPECT_EQ(Send("GET", "/v1/feedback", "", "").status, 400);
  EXPECT_EQ(Send("GET", "/v1/feedback?token=", "", "").status, 400);
  EXPECT_EQ(Send("GET", "/v1/feedback?token=a&token=b", "", "").status, 400);
  EXPECT_EQ(Send("POST", "/v1/feedback?token=a", "", "").status, 405);

  // Nothing changed.
  json::value e = FindEvent("carol", event_id);
  ASSERT_TRUE(e.is_object());
  EXPECT_TRUE(e.at("feedback").is_null());
  EXPECT_EQ(NextFromMelbourne("carol").at("risk").at("password_reset_required"),
            false);

  // A receiver that checks signatures refuses a tampered webhook body.
  absl::StatusOr<std::unique_ptr<HttpClient>> hook =
      HttpClient::Connect(absl::StrCat("127.0.0.1:", hook_->port()));
  ASSERT_TRUE(hook.ok());
  const std::string body = R"({"to":"","subject":"x","text":"forged"})";
  absl::StatusOr<HttpResponse> refused = (*hook)->Send(
      "POST", "/hook", body,
      {{"Content-Type", "application/json"},
       {"X-Vigil-Signature",
        SignBody(SecretBytes("wrong-key-0123456789abcdef"), body)}});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 401);
}

TEST_F(NotifyE2eTest, MailWaitsWhileTheServerIsDownAndGoesOutWhenItIsBack) {
  SetEmail("dora");
  smtp_.reset();  // the mail server goes down
  const json::value d = RiskySignIn("dora");
  const std::string event_id(d.at("event_id").as_string());
  absl::SleepFor(absl::Seconds(2));  // several attempts fail meanwhile
  EXPECT_TRUE(Files(mail_dir_).empty());
  const std::string metrics = Metrics();
  EXPECT_TRUE(absl::StrContains(metrics, "vigil_outbox_pending 1\n"))
      << metrics;
  EXPECT_FALSE(absl::StrContains(
      metrics, "vigil_outbox_messages_total{result=\"retried\"} 0\n"));

  StartSmtp();  // back, on the same port
  ASSERT_GT(smtp_port_, 0);
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(ParseMail(mails[0]).headers.at("x-vigil-idempotency-key"),
            event_id + ".email");
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(absl::StrContains(Metrics(), "vigil_outbox_pending 0\n"));
}

TEST_F(NotifyE2eTest, KilledVigildDeliversAfterRestart) {
  SetEmail("erin");
  smtp_.reset();  // delivery cannot happen before the kill
  const json::value d = RiskySignIn("erin");
  const std::string event_id(d.at("event_id").as_string());
  client_.reset();
  vigild_->Stop(SIGKILL);
  vigild_.reset();

  StartSmtp();
  ASSERT_GT(smtp_port_, 0);
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_TRUE(Files(mail_dir_).empty()) << "nobody was left to send it";
  StartVigild();  // the same data folder: picks up the pending message
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  const Mail mail = ParseMail(mails[0]);
  EXPECT_EQ(mail.headers.at("x-vigil-idempotency-key"), event_id + ".email");
  EXPECT_EQ(mail.headers.at("to"), "erin@example.com");
  // Its links still work against the restarted server.
  const std::string not_me = LinkAfter(mail.body, "This wasn't me:");
  EXPECT_EQ(Send("GET", not_me, "", "").status, 200);
}

TEST_F(NotifyE2eTest, ADuplicateDeliveryCarriesTheSameIdempotencyKey) {
  smtp_.reset();
  smtp_port_ = 0;
  client_.reset();
  vigild_->Stop(SIGTERM);
  vigild_.reset();
  StartSmtp("smtp-flaky");  // stores each message, then answers 451 once
  ASSERT_GT(smtp_port_, 0);
  StartVigild();
  SetEmail("fred");
  const json::value d = RiskySignIn("fred");
  const std::string event_id(d.at("event_id").as_string());
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 2);
  ASSERT_EQ(mails.size(), 2u);
  const Mail a = ParseMail(mails[0]), b = ParseMail(mails[1]);
  EXPECT_EQ(a.headers.at("x-vigil-idempotency-key"), event_id + ".email");
  EXPECT_EQ(b.headers.at("x-vigil-idempotency-key"), event_id + ".email");
  EXPECT_EQ(a.headers.at("message-id"), b.headers.at("message-id"));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Files(mail_dir_).size(), 2u) << "delivered once it was accepted";
}

// A TOML basic string of `s`.
std::string TomlString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

// Issue 17: an HTML template with a 5,000-byte line (and a non-ASCII subject
// longer than a header line) is delivered, not dead-lettered, and the mail
// decodes (Python's email package) back to exactly what was rendered.
TEST_F(NotifyE2eTest, ATemplateWithA5000ByteLineIsDeliveredIntact) {
  std::string line = "<p>";
  while (line.size() < 5000) {
    line += "Wir haben eine Anmeldung gesperrt \xe2\x80\x93 a=b; ";
  }
  line += "</p>";
  const std::string subject =
      "Wir haben eine Anmeldung von {ip-address} gesperrt \xe2\x80\x93 bitte "
      "pr\xc3\xbc"
      "fen Sie Ihr Konto";
  const std::string html =
      absl::StrCat("<html><body>\n", line,
                   "\n<p>Reference: {event-id}</p>\n</body></html>\n");
  extra_config_ = absl::StrCat(
      "[notify.templates.blocked]\nsubject = ", TomlString(subject),
      "\ntext = ",
      TomlString("Blocked: {event-id}\n{one-click-link-invalid}\n"),
      "\nhtml = ", TomlString(html), "\n");
  client_.reset();
  vigild_->Stop(SIGTERM);
  vigild_.reset();
  StartVigild();
  SetEmail("kate");
  const json::value d = RiskySignIn("kate");
  ASSERT_EQ(d.at("decision"), "block") << json::serialize(d);
  const std::string event_id(d.at("event_id").as_string());
  ASSERT_EQ(WaitForFiles(mail_dir_, 1).size(), 1u)
      << "not delivered: " << Metrics();
  json::value v = json::parse(DecodeMailJson(Files(mail_dir_)[0]));
  EXPECT_EQ(v.at("subject").as_string(),
            absl::StrReplaceAll(subject, {{"{ip-address}", kMelbourne}}));
  const json::array& parts = v.at("parts").as_array();
  ASSERT_EQ(parts.size(), 2u) << json::serialize(v);
  EXPECT_EQ(parts[1].at("type").as_string(), "text/html");
  EXPECT_EQ(parts[1].at("content").as_string(),
            absl::StrReplaceAll(html, {{"{event-id}", event_id}}));
  EXPECT_TRUE(absl::StartsWith(std::string(parts[0].at("content").as_string()),
                               absl::StrCat("Blocked: ", event_id, "\n")));
  // RFC 5322's limit (the text part, plain ASCII with its long link, goes
  // as it is).
  EXPECT_LE(v.at("longest_line").to_number<int>(), 998);
  EXPECT_EQ(parts[1].at("transfer_encoding").as_string(), "quoted-printable");
  EXPECT_TRUE(absl::StrContains(
      Metrics(), "vigil_outbox_messages_total{result=\"dead_lettered\"} 0\n"));
}

TEST_F(NotifyE2eTest, ManyRiskyAttemptsMailTheUserAtMostThreeTimesAnHour) {
  SetEmail("hank");
  RiskySignIn("hank");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(NextFromMelbourne("hank").at("risk").at("level"), "high");
  }
  ASSERT_EQ(WaitForFiles(mail_dir_, 3).size(), 3u);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::string metrics = Metrics();
  while (!absl::StrContains(metrics, "vigil_outbox_pending 0\n") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    metrics = Metrics();
  }
  EXPECT_TRUE(absl::StrContains(metrics, "vigil_outbox_pending 0\n"))
      << metrics;
  EXPECT_EQ(Files(mail_dir_).size(), 3u);
  EXPECT_TRUE(absl::StrContains(metrics, "vigil_notify_suppressed_total 3\n"))
      << metrics;
  // The webhook is not capped: six events, six messages.
  EXPECT_EQ(WaitForFiles(hook_dir_, 6).size(), 6u);
}

// The signals of a decision, sorted.
std::vector<std::string> Signals(const json::value& d) {
  std::vector<std::string> out;
  for (const json::value& r : d.at("risk").at("reasons").as_array()) {
    out.emplace_back(r.at("signal").as_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(NotifyE2eTest, AScannerFollowingBothLinksLeavesOnlyTheNotMe) {
  SetEmail("ivan");
  SetEmail("judy");
  RiskySignIn("ivan");
  RiskySignIn("judy");
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 2);
  ASSERT_EQ(mails.size(), 2u);
  std::map<std::string, std::string> body;  // by recipient
  for (const std::string& raw : mails) {
    const Mail m = ParseMail(raw);
    body[m.headers.at("to")] = m.body;
  }
  // Ivan says "this wasn't me"; Judy's mail scanner follows both links.
  EXPECT_EQ(Send("GET", LinkAfter(body["ivan@example.com"], "This wasn't me:"),
                 "", "")
                .status,
            200);
  EXPECT_EQ(
      Send("GET", LinkAfter(body["judy@example.com"], "This was me:"), "", "")
          .status,
      200);
  EXPECT_EQ(Send("GET", LinkAfter(body["judy@example.com"], "This wasn't me:"),
                 "", "")
                .status,
            200);
  const json::value ivan = NextFromMelbourne("ivan");
  const json::value judy = NextFromMelbourne("judy");
  EXPECT_EQ(judy.at("risk").at("level"), ivan.at("risk").at("level"))
      << json::serialize(judy) << "\n"
      << json::serialize(ivan);
  EXPECT_EQ(judy.at("decision"), ivan.at("decision"));
  EXPECT_EQ(Signals(judy), Signals(ivan)) << json::serialize(judy) << "\n"
                                          << json::serialize(ivan);
  EXPECT_EQ(judy.at("risk").at("password_reset_required"), true);
}

TEST_F(NotifyE2eTest, AdminFeedbackRouteHasTheSameEffects) {
  const json::value first = RiskySignIn("gina");
  const std::string event_id(first.at("event_id").as_string());
  const std::string target = absl::StrCat("/v1/events/", event_id, "/feedback");
  Call("POST", target, R"({"value":"invalid"})", kAdminKey);
  json::value e = FindEvent("gina", event_id);
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e.at("feedback").at("source"), "admin");
  const json::value next = NextFromMelbourne("gina");
  EXPECT_GT(Score(next), Score(first));
  EXPECT_EQ(next.at("risk").at("password_reset_required"), true);
  // Reversed by the opposite feedback.
  Call("POST", target, R"({"value":"valid"})", kAdminKey);
  EXPECT_EQ(NextFromMelbourne("gina").at("risk").at("password_reset_required"),
            false);
  // Bad inputs.
  Call("POST", target, R"({"value":"maybe"})", kAdminKey, 422);
  Call("POST", absl::StrCat("/v1/events/", std::string(48, '0'), "/feedback"),
       R"({"value":"valid"})", kAdminKey, 404);
  Call("POST", target, R"({"value":"valid"})", kEvaluateKey, 403);
}

// The outbox's operational log, its dead letters and their retry while
// vigild runs: the mail server is down (delivery_failed, a retry), then back
// but refusing the recipient for good (dead_letter); the admin routes list
// the dead letter and put it back once the server accepts; it is delivered.
// No secret and no whole address reaches the log.
TEST_F(NotifyE2eTest, DeadLetterIsLoggedListedAndRetriedOnline) {
  SetEmail("olga");
  // A TOTP secret exists: it must not reach the log either.
  const json::value totp = Call("POST", "/v1/users/olga/mfa/totp", "", kMfaKey);
  const std::string totp_secret(totp.at("secret").as_string());
  smtp_.reset();  // the mail server goes down: a temporary failure
  const json::value d = RiskySignIn("olga");
  const std::string id =
      absl::StrCat(std::string(d.at("event_id").as_string()), ".email");
  vigild_->WaitForStderr(R"("event":"delivery_failed")", absl::Seconds(10));
  StartSmtp("smtp-refuse");  // back, refusing the recipient for good
  ASSERT_GT(smtp_port_, 0);
  std::string log =
      vigild_->WaitForStderr(R"("event":"dead_letter")", absl::Seconds(20));

  std::vector<json::object> lines = ParseLogLines(log);
  std::vector<json::object> failed = LogEvents(lines, "delivery_failed");
  ASSERT_GE(failed.size(), 1u) << log;
  EXPECT_EQ(LogString(failed[0], "level"), "warn");
  EXPECT_EQ(LogString(failed[0], "message_id"), id);
  EXPECT_EQ(LogString(failed[0], "channel"), "email");
  EXPECT_EQ(LogString(failed[0], "recipient"), "o***@example.com");
  EXPECT_EQ(failed[0].at("attempt"), 1);
  EXPECT_EQ(failed[0].at("max_attempts"), 100);
  EXPECT_EQ(LogString(failed[0], "error_class"), "unavailable");
  absl::Time next_retry;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full,
                              LogString(failed[0], "next_retry"), &next_retry,
                              nullptr))
      << LogString(failed[0], "next_retry");
  std::vector<json::object> dead = LogEvents(lines, "dead_letter");
  ASSERT_EQ(dead.size(), 1u) << log;
  EXPECT_EQ(LogString(dead[0], "level"), "error");
  EXPECT_EQ(LogString(dead[0], "message_id"), id);
  EXPECT_EQ(LogString(dead[0], "reason"), "permanent_refusal");
  EXPECT_EQ(LogString(dead[0], "error_class"), "failed_precondition");
  // The server's reply named the address; the log masks it.
  EXPECT_TRUE(absl::StrContains(LogString(dead[0], "error"), "550"))
      << json::serialize(dead[0]);
  EXPECT_TRUE(
      absl::StrContains(LogString(dead[0], "error"), "o***@example.com"))
      << json::serialize(dead[0]);

  // Listed by the admin route: masked, no body, no link.
  HttpResponse r = Send("GET", "/v1/admin/outbox/dead-letters", "", kAdminKey);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, "olga@")) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, "token=")) << r.body;
  json::value list = json::parse(r.body);
  ASSERT_EQ(list.at("dead_letters").as_array().size(), 1u) << r.body;
  const json::value& letter = list.at("dead_letters").as_array()[0];
  EXPECT_EQ(letter.at("id"), id.c_str());
  EXPECT_EQ(letter.at("channel"), "email");
  EXPECT_EQ(letter.at("recipient"), "o***@example.com");
  EXPECT_GE(letter.at("attempts").as_int64(), 2);
  EXPECT_TRUE(absl::StrContains(
      std::string(letter.at("last_error").as_string()), "550"));
  EXPECT_EQ(list.at("more"), false);
  EXPECT_EQ(
      Send("GET", "/v1/admin/outbox/dead-letters", "", kEvaluateKey).status,
      403);
  EXPECT_TRUE(absl::StrContains(Metrics(), "vigil_outbox_dead_letters 1\n"));

  // An unknown id: 404, and nothing changes.
  Call("POST", "/v1/admin/outbox/dead-letters/no-such-id.email/retry", "",
       kAdminKey, 404);
  EXPECT_EQ(Send("GET", "/v1/admin/outbox/dead-letters", "", kAdminKey).body,
            r.body);

  // The server accepts again; the retry delivers it and the letter is gone.
  smtp_.reset();
  StartSmtp();
  ASSERT_GT(smtp_port_, 0);
  json::value requeued =
      Call("POST", absl::StrCat("/v1/admin/outbox/dead-letters/", id, "/retry"),
           "", kAdminKey);
  EXPECT_EQ(requeued.at("requeued"), id.c_str());
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  const Mail mail = ParseMail(mails[0]);
  EXPECT_EQ(mail.headers.at("x-vigil-idempotency-key"), id);
  EXPECT_EQ(mail.headers.at("to"), "olga@example.com");
  list = Call("GET", "/v1/admin/outbox/dead-letters", "", kAdminKey);
  EXPECT_TRUE(list.at("dead_letters").as_array().empty());
  // Retrying it again: it is no dead letter any more.
  Call("POST", absl::StrCat("/v1/admin/outbox/dead-letters/", id, "/retry"), "",
       kAdminKey, 404);
  absl::SleepFor(absl::Milliseconds(300));
  const std::string metrics = Metrics();
  EXPECT_TRUE(absl::StrContains(metrics, "vigil_outbox_dead_letters 0\n"))
      << metrics;
  EXPECT_TRUE(absl::StrContains(
      metrics, "vigil_outbox_messages_total{result=\"requeued\"} 1\n"));

  // The TOTP key file: in the data folder, or on memory: a temporary one
  // that goes with vigild (read while it runs).
  std::string key_path = dir_.path() + "/data/mfa.key";
  if (TestStoreIsMemory()) {
    std::vector<json::object> key =
        LogEvents(ParseLogLines(vigild_->Stderr()), "mfa_key_file");
    ASSERT_EQ(key.size(), 1u);
    key_path = LogString(key[0], "path");
  }
  const std::string key_line = ReadFileOrDie(key_path);

  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  log = vigild_->Stderr();
  lines = ParseLogLines(log);
  std::vector<json::object> back = LogEvents(lines, "dead_letter_requeued");
  ASSERT_EQ(back.size(), 1u) << log;
  EXPECT_EQ(LogString(back[0], "message_id"), id);

  // No secret reached the log: the API keys, the feedback and webhook keys,
  // the TOTP key file's key and a TOTP secret, the links' tokens, and the
  // whole address.
  const std::string totp_key = key_line.substr(key_line.find(' ') + 1, 64);
  ASSERT_EQ(totp_key.size(), 64u) << key_line;
  std::vector<std::string> secrets = {kEvaluateKey, kAdminKey,         kMfaKey,
                                      kFeedbackKey, kWebhookKey,       totp_key,
                                      totp_secret,  "olga@example.com"};
  for (const char* label : {"This wasn't me:", "This was me:"}) {
    const std::string link = LinkAfter(mail.body, label);
    ASSERT_FALSE(link.empty()) << mail.body;
    secrets.push_back(link.substr(link.find("token=") + 6));
  }
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(absl::StrContains(log, secret)) << secret << "\n" << log;
  }
  EXPECT_FALSE(absl::StrContains(log, "token=")) << log;
}

// The same with vigild stopped: `vigil outbox list|retry` on its data
// folder; while vigild runs, the CLI says the folder is in use.
TEST_F(NotifyE2eTest, DeadLetterIsListedAndRetriedOfflineWithTheCli) {
  smtp_.reset();
  client_.reset();
  vigild_->Stop(SIGTERM);
  vigild_.reset();
  StartSmtp("smtp-refuse");
  ASSERT_GT(smtp_port_, 0);
  StartVigild();
  SetEmail("pia");
  const json::value d = RiskySignIn("pia");
  const std::string id =
      absl::StrCat(std::string(d.at("event_id").as_string()), ".email");
  vigild_->WaitForStderr(R"("event":"dead_letter")", absl::Seconds(20));

  const std::string data = dir_.path() + "/data";
  const std::string cli = absl::StrCat(VIGIL_CLI_PATH, " outbox ");
  int code = 0;
  std::string out =
      RunShell(absl::StrCat(cli, "list --data-dir ", data, " 2>&1"), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_TRUE(absl::StrContains(out, "in use by another process")) << out;
  EXPECT_TRUE(absl::StrContains(out, "/v1/admin/outbox/dead-letters")) << out;

  client_.reset();
  ASSERT_EQ(vigild_->Stop(SIGTERM), 0);
  vigild_.reset();
  out = RunShell(absl::StrCat(cli, "list --data-dir ", data, " 2>&1"), &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(absl::StrContains(out, id)) << out;
  EXPECT_TRUE(absl::StrContains(out, "p***@example.com")) << out;
  EXPECT_TRUE(absl::StrContains(out, "1 dead letter\n")) << out;
  EXPECT_FALSE(absl::StrContains(out, "pia@example.com")) << out;
  const std::string listed = out;

  out =
      RunShell(absl::StrCat(cli, "list --json --store rocksdb:", data), &code);
  EXPECT_EQ(code, 0) << out;
  json::value list = json::parse(out);
  ASSERT_EQ(list.at("dead_letters").as_array().size(), 1u) << out;
  EXPECT_EQ(list.at("dead_letters").as_array()[0].at("id"), id.c_str());
  EXPECT_EQ(list.at("dead_letters").as_array()[0].at("recipient"),
            "p***@example.com");

  // Bad requests change nothing.
  out = RunShell(absl::StrCat(cli, "retry --id no-such-id.email --data-dir ",
                              data, " 2>&1"),
                 &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_TRUE(absl::StrContains(out, "no dead letter")) << out;
  out = RunShell(absl::StrCat(cli, "retry --data-dir ", data, " 2>&1"), &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(absl::StrContains(out, "exactly one of --id ID and --all"))
      << out;
  out = RunShell(absl::StrCat(cli, "retry --all --store memory: 2>&1"), &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(absl::StrContains(out, "--store memory: lives inside one vigild"))
      << out;
  out = RunShell(absl::StrCat(cli, "list 2>&1"), &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(absl::StrContains(out, "--store URL is required")) << out;
  EXPECT_EQ(RunShell(absl::StrCat(cli, "list --data-dir ", data, " 2>&1")),
            listed);

  out = RunShell(absl::StrCat(cli, "retry --all --data-dir ", data, " 2>&1"),
                 &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(absl::StrContains(out, absl::StrCat("requeued ", id))) << out;
  out = RunShell(absl::StrCat(cli, "list --data-dir ", data, " 2>&1"), &code);
  EXPECT_TRUE(absl::StrContains(out, "0 dead letters")) << out;

  // The next vigild, with a mail server that accepts, delivers it.
  smtp_.reset();
  StartSmtp();
  ASSERT_GT(smtp_port_, 0);
  StartVigild();
  const std::vector<std::string> mails = WaitForFiles(mail_dir_, 1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(ParseMail(mails[0]).headers.at("x-vigil-idempotency-key"), id);
  EXPECT_EQ(ParseMail(mails[0]).headers.at("to"), "pia@example.com");
}

}  // namespace
}  // namespace vigil::testing
