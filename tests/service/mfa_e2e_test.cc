// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// MFA end-to-end: the real vigild on port 0, a real SMTP server process
// (aiosmtpd) and an HTTP SMS receiver started by the test, TOTP codes from
// oathtool, and the QR code read back with rsvg-convert + zbarimg.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "gtest/gtest.h"
#include "service/child_process.h"
#include "service/http_client.h"
#include "service/vigild_process.h"
#include "testing/mfa_testing.h"
#include "testing/test_util.h"

namespace vigil::testing {
namespace {

namespace json = boost::json;



// Waits (up to 15 s) for the `n`th file in `dir`; returns its contents.
std::string WaitForFile(const std::string& dir, size_t n) {
  for (int i = 0; i < 150; ++i) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".tmp") names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
    if (names.size() >= n) return ReadFileOrDie(names[n - 1]);
    absl::SleepFor(absl::Milliseconds(100));
  }
  return "";
}

class MfaE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mail_dir_ = dir_.path() + "/mail";
    sms_dir_ = dir_.path() + "/sms";
    std::filesystem::create_directories(mail_dir_);
    std::filesystem::create_directories(sms_dir_);
    sms_key_file_ = dir_.path() + "/sms.key";
    WriteFileOrDie(sms_key_file_, "sms-signing-key-0123456789abcdef\n");
    const std::string script = SourcePath("tests/service/mfa_peers.py");
    smtp_ = std::make_unique<Peer>(
        std::vector<std::string>{"/usr/bin/python3", script, "smtp", mail_dir_});
    sms_ = std::make_unique<Peer>(std::vector<std::string>{
        "/usr/bin/python3", script, "http", sms_dir_, sms_key_file_});
    ASSERT_GT(smtp_->port(), 0) << "aiosmtpd did not start";
    ASSERT_GT(sms_->port(), 0) << "the SMS receiver did not start";
    const std::string model = dir_.path() + "/model.toml";
    WriteFileOrDie(model, ChallengeAllModel());
    const std::string config = absl::StrCat(
        TestConfigToml(dir_.path() + "/data", model),
        "\n[mfa]\nkey_file = \"", WriteKeyFile(dir_.path()),
        "\"\nissuer = \"Vigil Test\"\n"
        "[smtp]\nhost = \"127.0.0.1\"\nport = ", smtp_->port(),
        "\nfrom = \"security@vigil.test\"\ntimeout_ms = 10000\n"
        "[sms]\nurl = \"http://127.0.0.1:", sms_->port(), "/sms\"\nkey_file = \"",
        sms_key_file_, "\"\n");
    ASSERT_NO_FATAL_FAILURE(
        StartVigildAndConnect(dir_.path(), config, &vigild_, &client_));
  }

  json::value Call(absl::string_view method, const std::string& target,
                   const std::string& body, int want_status,
                   const std::string& key = kMfaKey) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", absl::StrCat("Bearer ", key)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r = client_->Send(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, want_status) << method << " " << target << ": " << r->body;
    if (r->body.empty()) return nullptr;
    return json::parse(r->body);
  }

  // A sign-in of `user` that the model challenges; returns the challenge id.
  std::string Challenge(const std::string& user, const std::string& device_key = "") {
    json::value d = Call("POST", "/v1/evaluate",
                         absl::StrCat(R"({"user_id":")", user,
                                      R"(","ip":"81.2.69.160","device_key":")",
                                      device_key, R"("})"),
                         200, kEvaluateKey);
    EXPECT_EQ(d.at("decision"), "challenge") << json::serialize(d);
    if (!d.at("challenge").is_object()) return "";
    return std::string(d.at("challenge").at("id").as_string());
  }

  std::string Verify(const std::string& id, const std::string& code,
                     json::value* out = nullptr, bool remember = false) {
    json::value r = Call("POST", absl::StrCat("/v1/challenges/", id, "/verify"),
                         absl::StrCat(R"({"code":")", code, R"(","remember_device":)",
                                      remember ? "true" : "false", "}"),
                         200);
    if (out != nullptr) *out = r;
    return r.is_object() ? std::string(r.at("result").as_string()) : "";
  }

  void EnableEmailAndSms(const std::string& user) {
    json::value s = Call("PUT", absl::StrCat("/v1/users/", user, "/mfa"),
                         absl::StrCat(R"({"enabled":["email","sms"],"preferred":"email",)",
                                      R"("email":")", user,
                                      R"(@example.com","phone":"+4915112345678"})"),
                         200);
    EXPECT_EQ(json::serialize(s.at("enabled")), R"(["sms","email"])");
  }

  TempDir dir_;
  std::string mail_dir_, sms_dir_, sms_key_file_;
  std::unique_ptr<Peer> smtp_, sms_;
  std::unique_ptr<VigildProcess> vigild_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(MfaE2eTest, TotpEnrolmentWithOathtoolCodesAndQrCode) {
  json::value e = Call("POST", "/v1/users/alice/mfa/totp",
                       R"({"account_name":"alice@example.com"})", 200);
  const std::string secret(e.at("secret").as_string());
  const std::string uri(e.at("uri").as_string());
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(uri, absl::StrCat("otpauth://totp/Vigil%20Test:alice@example.com?secret=",
                              secret, "&issuer=Vigil%20Test&algorithm=SHA1&digits=6&period=30"));

  // The QR code is a valid SVG that encodes exactly the URI.
  const std::string svg = dir_.path() + "/qr.svg";
  const std::string png = dir_.path() + "/qr.png";
  WriteFileOrDie(svg, std::string(e.at("qr_svg").as_string()));
  RunShell(absl::StrCat("rsvg-convert -w 600 -b white -o ", png, " ", svg, " 2>&1"));
  ASSERT_TRUE(std::filesystem::exists(png)) << "rsvg-convert failed";
  std::string decoded = RunShell(absl::StrCat("zbarimg --raw -q ", png));
  EXPECT_EQ(absl::StripTrailingAsciiWhitespace(decoded), uri);

  // Stay clear of a step boundary so that "now" is the same step for vigild.
  int64_t t = time(nullptr);
  if (t % 30 > 20) {
    absl::SleepFor(absl::Seconds(31 - t % 30));
    t = time(nullptr);
  }
  // Not active until a valid code.
  EXPECT_EQ(Call("POST", "/v1/evaluate", R"({"user_id":"alice","ip":"81.2.69.160"})",
                 200, kEvaluateKey).at("decision"), "allow");
  const std::string wrong = OathtoolCode(secret, t + 300);
  EXPECT_EQ(Call("POST", "/v1/users/alice/mfa/totp/verify",
                 absl::StrCat(R"({"code":")", wrong, R"("})"), 200).at("result"),
            "failed");
  EXPECT_EQ(Call("POST", "/v1/users/alice/mfa/totp/verify",
                 absl::StrCat(R"({"code":")", OathtoolCode(secret, t - 30), R"("})"),
                 200).at("result"),
            "passed");
  json::value settings = Call("GET", "/v1/users/alice/mfa", "", 200);
  EXPECT_EQ(settings.at("totp_active"), true);

  const std::string id = Challenge("alice");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Verify(id, OathtoolCode(secret, t - 90)), "failed");  // outside
  EXPECT_EQ(Verify(id, OathtoolCode(secret, t + 90)), "failed");  // outside
  EXPECT_EQ(Verify(id, OathtoolCode(secret, t)), "passed");       // inside
  const std::string id2 = Challenge("alice");
  EXPECT_EQ(Verify(id2, OathtoolCode(secret, t)), "failed");       // replay
  EXPECT_EQ(Verify(id2, OathtoolCode(secret, t + 30)), "passed");  // inside (+1)
}

TEST_F(MfaE2eTest, EmailCodeThroughARealSmtpServer) {
  EnableEmailAndSms("bob");
  const std::string id = Challenge("bob");
  json::value sent = Call("POST", absl::StrCat("/v1/challenges/", id, "/send"),
                          R"({"method":"email"})", 200);
  EXPECT_EQ(sent.at("method"), "email");
  const std::string mail = WaitForFile(mail_dir_, 1);
  ASSERT_FALSE(mail.empty()) << "no message reached the SMTP server";
  EXPECT_TRUE(absl::StrContains(mail, "To: bob@example.com")) << mail;
  EXPECT_TRUE(absl::StrContains(mail, "From: security@vigil.test")) << mail;
  EXPECT_TRUE(absl::StrContains(mail, "Subject: Your Vigil Test verification code"));
  EXPECT_TRUE(absl::StrContains(mail, "X-Vigil-Idempotency-Key: ")) << mail;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(mail, m, std::regex("code is ([0-9]{6})"))) << mail;
  const std::string code = m[1];

  json::value v;
  EXPECT_EQ(Verify(id, code, &v, /*remember=*/true), "passed");
  const std::string device_key(v.at("device_key").as_string());
  EXPECT_GE(device_key.size(), 40u);
  // Used once: the challenge is done.
  Call("POST", absl::StrCat("/v1/challenges/", id, "/verify"),
       absl::StrCat(R"({"code":")", code, R"("})"), 409);

  // The history shows the completed event and its challenge response.
  json::value h = Call("GET", "/v1/users/bob/events", "", 200, kEvaluateKey);
  const json::object& ev = h.at("events").as_array()[0].as_object();
  EXPECT_EQ(ev.at("outcome"), "success");
  EXPECT_EQ(json::serialize(ev.at("challenge_responses").as_array()[0].at("result")),
            R"("passed")");

  // The remembered device is not challenged (level none here).
  json::value d = Call("POST", "/v1/evaluate",
                       absl::StrCat(R"({"user_id":"bob","ip":"81.2.69.160","device_key":")",
                                    device_key, R"("})"),
                       200, kEvaluateKey);
  EXPECT_EQ(d.at("decision"), "allow") << json::serialize(d);
  EXPECT_EQ(d.at("context").at("device"), "remembered");

  // Devices: list, rename, forget, delete.
  json::value list = Call("GET", "/v1/users/bob/devices", "", 200);
  ASSERT_EQ(list.at("devices").as_array().size(), 1u);
  const json::object& dev = list.at("devices").as_array()[0].as_object();
  EXPECT_EQ(dev.at("remembered"), true);
  EXPECT_EQ(dev.at("last_place").at("ip"), "81.2.69.160");
  const std::string dev_id(dev.at("id").as_string());
  EXPECT_FALSE(absl::StrContains(json::serialize(list), device_key));
  json::value renamed = Call("PATCH", absl::StrCat("/v1/users/bob/devices/", dev_id),
                             R"({"name":"Bob's laptop","remembered":false})", 200);
  EXPECT_EQ(renamed.at("devices").as_array()[0].at("name"), "Bob's laptop");
  EXPECT_EQ(renamed.at("devices").as_array()[0].at("remembered"), false);
  EXPECT_EQ(Challenge("bob", device_key).empty(), false);
  Call("DELETE", absl::StrCat("/v1/users/bob/devices/", dev_id), "", 204);
  Call("DELETE", absl::StrCat("/v1/users/bob/devices/", dev_id), "", 404);
  EXPECT_TRUE(Call("GET", "/v1/users/bob/devices", "", 200)
                  .at("devices").as_array().empty());

  // Every outcome is counted.
  absl::StatusOr<HttpResponse> metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_TRUE(absl::StrContains(metrics->body,
                                "vigil_mfa_codes_sent_total{method=\"email\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(metrics->body,
                                "vigil_mfa_verifications_total{result=\"passed\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(metrics->body, "vigil_mfa_devices_remembered_total 1\n"));
}

TEST_F(MfaE2eTest, SmsCodeToASignedHttpReceiver) {
  EnableEmailAndSms("carol");
  const std::string id = Challenge("carol");
  Call("POST", absl::StrCat("/v1/challenges/", id, "/send"), R"({"method":"sms"})", 200);
  const std::string got = WaitForFile(sms_dir_, 1);
  ASSERT_FALSE(got.empty()) << "no SMS reached the receiver";
  json::value rec = json::parse(got);
  EXPECT_EQ(rec.at("signature_valid"), true) << got;  // checked by Python's hmac
  const std::string body(rec.at("body").as_string());
  const std::string key =
      std::string(absl::StripTrailingAsciiWhitespace(ReadFileOrDie(sms_key_file_)));
  EXPECT_EQ(std::string(rec.at("signature").as_string()),
            absl::StrCat("sha256=", internal::LowerHex(internal::HmacSha256(key, body))));
  EXPECT_EQ(rec.at("path"), "/sms");
  EXPECT_EQ(rec.at("content_type"), "application/json");
  json::value sms = json::parse(body);
  EXPECT_EQ(sms.at("to"), "+4915112345678");
  EXPECT_EQ(sms.at("idempotency_key"), rec.at("idempotency_key"));
  std::smatch m;
  const std::string text(sms.at("text").as_string());
  ASSERT_TRUE(std::regex_search(text, m, std::regex("^([0-9]{6}) is your Vigil Test")));
  // A resend right away is refused.
  json::value limited = Call("POST", absl::StrCat("/v1/challenges/", id, "/send"),
                             R"({"method":"sms"})", 429);
  EXPECT_EQ(limited.at("error").at("code"), "rate_limited");
  EXPECT_EQ(Verify(id, m[1]), "passed");
}

TEST_F(MfaE2eTest, LockoutErrorsAndScopes) {
  EnableEmailAndSms("dave");
  const std::string id = Challenge("dave");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Verify(id, "000000"), "failed");
  json::value v;
  EXPECT_EQ(Verify(id, "000000", &v), "locked");
  EXPECT_EQ(v.at("attempts_left"), 0);
  Call("POST", "/v1/challenges/0123456789abcdef0123456789abcdef/verify",
       R"({"code":"123456"})", 404);
  Call("POST", absl::StrCat("/v1/challenges/", id, "/verify"), R"({"cod":"1"})", 422);
  Call("POST", absl::StrCat("/v1/challenges/", id, "/send"), R"({"method":"fax"})", 422);
  Call("PUT", "/v1/users/dave/mfa", R"({"enabled":["totp"]})", 409);
  Call("GET", "/v1/users/dave/mfa", "", 403, kEvaluateKey);
  Call("POST", "/v1/users/dave/mfa/totp", "", 403, kEvaluateKey);
}

// Issue 13, defect 12: no code goes out (no SMS spend, no mail) for a
// challenge or a user that cannot answer it; the refusal says why and, for a
// wait, when (Retry-After); /metrics counts it.
TEST_F(MfaE2eTest, ResendRefusalCarriesRetryAfter) {
  EnableEmailAndSms("frank");
  const std::string id = Challenge("frank");
  Call("POST", absl::StrCat("/v1/challenges/", id, "/send"),
       R"({"method":"sms"})", 200);
  absl::StatusOr<HttpResponse> r = client_->Send(
      "POST", absl::StrCat("/v1/challenges/", id, "/send"),
      R"({"method":"sms"})",
      {{"Authorization", absl::StrCat("Bearer ", kMfaKey)},
       {"Content-Type", "application/json"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 429) << r->body;
  int wait = 0;
  EXPECT_TRUE(absl::SimpleAtoi(r->headers["retry-after"], &wait)) << r->body;
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 30);
}

// Issue 17: every 429 carries Retry-After, the hourly limit's too: with no
// resend interval (a model reloaded without one), the sixth code in an hour
// is refused with the wait until the first send leaves the hour.
TEST_F(MfaE2eTest, TheHourlyLimitsRefusalCarriesRetryAfter) {
  std::string model = ChallengeAllModel();
  const std::string from = "resend_interval_seconds = 30";
  ASSERT_NE(model.find(from), std::string::npos);
  model.replace(model.find(from), from.size(), "resend_interval_seconds = 0");
  WriteFileOrDie(dir_.path() + "/model.toml", model);
  Call("POST", "/v1/admin/reload", "", 200, kAdminKey);
  EnableEmailAndSms("gina");
  const std::string id = Challenge("gina");
  // The first send happened within [first, first_done] (seconds).
  const int64_t first = time(nullptr);
  int64_t first_done = 0;
  for (int i = 0; i < 5; ++i) {
    Call("POST", absl::StrCat("/v1/challenges/", id, "/send"),
         R"({"method":"email"})", 200);
    if (i == 0) first_done = time(nullptr);
  }
  const int64_t asked = time(nullptr);  // the refusal is made after this
  absl::StatusOr<HttpResponse> r =
      client_->Send("POST", absl::StrCat("/v1/challenges/", id, "/send"),
                    R"({"method":"email"})",
                    {{"Authorization", absl::StrCat("Bearer ", kMfaKey)},
                     {"Content-Type", "application/json"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 429) << r->body;
  EXPECT_TRUE(absl::StrContains(r->body, "5 codes per hour")) << r->body;
  int64_t wait = 0;
  ASSERT_TRUE(absl::SimpleAtoi(r->headers["retry-after"], &wait)) << r->body;
  // The first send leaves the hour 3601 s after it was made (a window keeps
  // what is at most 3600 s old), counted from when the refusal was made,
  // between `asked` and `now` (whole seconds, rounded up).
  const int64_t now = time(nullptr);
  EXPECT_GE(wait, first + 3601 - now);
  EXPECT_LE(wait, first_done + 3601 - asked + 2);
}

TEST_F(MfaE2eTest, NoCodeIsSentWhileTheUserIsLockedOut) {
  EnableEmailAndSms("erin");
  std::string locked;
  // 10 wrong codes over two challenges: both challenges and the user lock.
  for (int c = 0; c < 2; ++c) {
    locked = Challenge("erin");
    for (int i = 0; i < 4; ++i) EXPECT_EQ(Verify(locked, "000000"), "failed");
    EXPECT_EQ(Verify(locked, "000000"), "locked");
  }
  // A locked challenge gets no code.
  json::value refused =
      Call("POST", absl::StrCat("/v1/challenges/", locked, "/send"),
           R"({"method":"sms"})", 409);
  EXPECT_EQ(refused.at("error").at("code"), "conflict");
  // Nor does a fresh challenge of the locked user, by SMS or e-mail: the lock
  // outlasts the challenge, so there is nothing to wait for (409, no
  // Retry-After).
  const std::string fresh = Challenge("erin");
  for (const char* method : {"sms", "email"}) {
    absl::StatusOr<HttpResponse> r =
        client_->Send("POST", absl::StrCat("/v1/challenges/", fresh, "/send"),
                      absl::StrCat(R"({"method":")", method, R"("})"),
                      {{"Authorization", absl::StrCat("Bearer ", kMfaKey)},
                       {"Content-Type", "application/json"}});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 409) << method << ": " << r->body;
    EXPECT_TRUE(absl::StrContains(r->body, "too many wrong codes")) << r->body;
    EXPECT_EQ(r->headers.count("retry-after"), 0u);
  }
  EXPECT_EQ(Verify(fresh, "123456"), "locked");
  // Delivery is synchronous (a 200 comes after the receiver took the
  // message): no SMS, no mail.
  auto count = [](const std::string& dir) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      n += e.path().extension() != ".tmp";
    }
    return n;
  };
  EXPECT_EQ(count(sms_dir_), 0u);
  EXPECT_EQ(count(mail_dir_), 0u);
  absl::StatusOr<HttpResponse> metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_TRUE(absl::StrContains(metrics->body,
                                "vigil_mfa_sends_refused_locked_total 3\n"))
      << metrics->body;
  EXPECT_TRUE(absl::StrContains(
      metrics->body, "vigil_mfa_codes_sent_total{method=\"sms\"} 0\n"));
  EXPECT_TRUE(absl::StrContains(
      metrics->body, "vigil_mfa_codes_sent_total{method=\"email\"} 0\n"));
}

}  // namespace
}  // namespace vigil::testing
