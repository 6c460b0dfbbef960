// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "notify/notification_template.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"

namespace vigil::internal {
namespace {

PlaceholderValues Values() {
  PlaceholderValues v;
  v[static_cast<int>(Placeholder::kIpAddress)] = "81.2.69.160";
  v[static_cast<int>(Placeholder::kCity)] = "London";
  v[static_cast<int>(Placeholder::kCountry)] = "GB";
  v[static_cast<int>(Placeholder::kLoginTime)] = "2026-01-01 00:00:00 UTC";
  v[static_cast<int>(Placeholder::kDeviceName)] = "<script>alert(1)</script>";
  v[static_cast<int>(Placeholder::kEventId)] = "abc";
  v[static_cast<int>(Placeholder::kLinkValid)] =
      "https://x/v1/feedback?token=a.b";
  v[static_cast<int>(Placeholder::kLinkInvalid)] =
      "https://x/v1/feedback?token=c.d";
  return v;
}

TEST(NotificationTemplateTest, FillsEveryPlaceholder) {
  const std::string text =
      "{ip-address}|{city}|{country}|{login-time}|{event-id}|"
      "{one-click-link-valid}|{one-click-link-invalid}";
  ASSERT_OK(ValidateTemplate(text));
  EXPECT_EQ(RenderTemplate(text, Values(), Escape::kNone),
            "81.2.69.160|London|GB|2026-01-01 00:00:00 UTC|abc|"
            "https://x/v1/feedback?token=a.b|https://x/v1/feedback?token=c.d");
}

TEST(NotificationTemplateTest, EscapesValuesInHtmlOnly) {
  EXPECT_EQ(RenderTemplate("<b>{device-name}</b>", Values(), Escape::kHtml),
            "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
  EXPECT_EQ(RenderTemplate("{device-name}", Values(), Escape::kNone),
            "<script>alert(1)</script>");
}

TEST(NotificationTemplateTest, HeaderLosesLineBreaks) {
  PlaceholderValues v = Values();
  v[static_cast<int>(Placeholder::kCity)] = "Lon\r\nBcc: x@y";
  EXPECT_EQ(RenderTemplate("Sign-in\nfrom {city}", v, Escape::kHeader),
            "Sign-in from Lon  Bcc: x@y");
}

TEST(NotificationTemplateTest, DoubleBraceIsLiteral) {
  ASSERT_OK(ValidateTemplate("{{city} is {city}"));
  EXPECT_EQ(RenderTemplate("{{city} is {city}", Values(), Escape::kNone),
            "{city} is London");
}

TEST(NotificationTemplateTest, BadTemplatesAreRefusedWithTheirName) {
  EXPECT_TRUE(absl::StrContains(ValidateTemplate("hi {ip}").message(),
                                "unknown placeholder {ip}"));
  EXPECT_TRUE(
      absl::StrContains(ValidateTemplate("hi {city").message(), "unclosed"));
  NotificationTemplates t = NotificationTemplates::Defaults();
  ASSERT_OK(ValidateNotificationTemplates(t));
  t.challenged.text = "from {town}";
  absl::Status s = ValidateNotificationTemplates(t);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(s.message(), "templates.challenged.text: "))
      << s;
  t = NotificationTemplates::Defaults();
  t.blocked.subject = "";
  EXPECT_EQ(ValidateNotificationTemplates(t).message(),
            "templates.blocked.subject: empty");
  t = NotificationTemplates::Defaults();
  t.risky_allowed.html = "";  // allowed: plain-text e-mail
  EXPECT_OK(ValidateNotificationTemplates(t));
}

TEST(NotificationTemplateTest, DefaultsUseEveryPlaceholder) {
  const NotificationTemplates t = NotificationTemplates::Defaults();
  for (const NotificationTemplate* tpl :
       {&t.blocked, &t.challenged, &t.risky_allowed}) {
    for (int p = 0; p < kPlaceholderCount; ++p) {
      const std::string ph =
          std::string("{") +
          std::string(PlaceholderName(static_cast<Placeholder>(p))) + "}";
      EXPECT_TRUE(absl::StrContains(tpl->text, ph)) << ph;
      EXPECT_TRUE(absl::StrContains(tpl->html, ph)) << ph;
    }
    const std::string html = RenderTemplate(tpl->html, Values(), Escape::kHtml);
    EXPECT_FALSE(absl::StrContains(html, "{")) << html;
  }
}

}  // namespace
}  // namespace vigil::internal
