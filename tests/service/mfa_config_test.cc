// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The [mfa], [smtp] and [sms] tables of vigild.toml.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "testing/test_util.h"

namespace vigil::service {
namespace {

TEST(MfaConfigTest, ShippedDefaultsAreTheBuiltInOnes) {
  std::string text = vigil::testing::ReadFileOrDie(
      vigil::testing::SourcePath("service/vigild.toml"));
  std::string uncommented;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "# ") && absl::StrContains(line, " = ") &&
        !absl::StrContains(line, "<")) {
      line.remove_prefix(2);
    }
    if (absl::StartsWith(line, "# [[api_keys]]")) break;
    absl::StrAppend(&uncommented, line, "\n");
  }
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(uncommented, "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  ServiceConfig d;
  EXPECT_EQ(c->mfa_key_file, d.mfa_key_file);
  EXPECT_EQ(c->mfa_issuer, d.mfa_issuer);
  EXPECT_EQ(c->mfa_sms_template, d.mfa_sms_template);
  EXPECT_EQ(c->mfa_email_subject, d.mfa_email_subject);
  EXPECT_EQ(c->mfa_email_text, d.mfa_email_text);
  EXPECT_EQ(c->smtp_host, d.smtp_host);
  EXPECT_EQ(c->smtp_port, d.smtp_port);
  EXPECT_EQ(c->smtp_tls, d.smtp_tls);
  EXPECT_EQ(c->smtp_verify_certificate, d.smtp_verify_certificate);
  EXPECT_EQ(c->smtp_from, d.smtp_from);
  EXPECT_EQ(c->smtp_helo_name, d.smtp_helo_name);
  EXPECT_EQ(c->smtp_timeout, d.smtp_timeout);
  EXPECT_EQ(c->smtp_allow_plain_auth, d.smtp_allow_plain_auth);
  EXPECT_EQ(c->sms_url, d.sms_url);
  EXPECT_EQ(c->sms_signature_header, d.sms_signature_header);
  EXPECT_EQ(c->sms_timeout, d.sms_timeout);
}

TEST(MfaConfigTest, ReadsKeys) {
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(R"(
[mfa]
key_file = "/etc/vigil/keys"
issuer = "Example"
sms_template = "{code}"
[smtp]
host = "mail.example.com"
port = 587
tls = "starttls"
username = "vigil"
password_file = "/etc/vigil/smtp-password"
from = "security@example.com"
timeout_ms = 5000
[sms]
url = "https://sms.example.com/send"
key_file = "/etc/vigil/sms-key"
signature_header = "X-Signature"
)",
                                                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->mfa_key_file, "/etc/vigil/keys");
  EXPECT_EQ(c->mfa_issuer, "Example");
  EXPECT_EQ(c->mfa_sms_template, "{code}");
  EXPECT_EQ(c->smtp_port, 587);
  EXPECT_EQ(c->smtp_tls, "starttls");
  EXPECT_EQ(c->smtp_timeout, absl::Seconds(5));
  EXPECT_EQ(c->sms_signature_header, "X-Signature");
}

TEST(MfaConfigTest, BadValuesAreRefused) {
  for (const char* text : {
           "[smtp]\ntls = \"ssl\"\n",
           "[smtp]\nhost = \"h\"\n",  // no from
           "[smtp]\nport = 0\n",
           "[smtp]\nhostname = \"h\"\n",
           "[sms]\nurl = \"http://x/\"\n",  // no key_file
           "[mfa]\nissuer = \"a:b\"\n",
           "[mfa]\nkeyfile = \"x\"\n",
       }) {
    EXPECT_FALSE(ParseServiceConfig(text, "t.toml").ok()) << text;
  }
}

}  // namespace
}  // namespace vigil::service
