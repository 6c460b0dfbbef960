// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "context/user_agent.h"

#include <string>

#include "gtest/gtest.h"

namespace vigil {
namespace {

struct UaCase {
  const char* ua;
  const char* browser;
  int major;
  const char* os;
  const char* os_version;
  DeviceType device;
};

// Real user agents as browsers, crawlers and tools send them.
const UaCase kCases[] = {
    // Desktop.
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", 120, "Windows", "10", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/109.0.0.0 Safari/537.36",
     "Chrome", 109, "Windows", "7", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 6.3; Win64; x64; rv:115.0) Gecko/20100101 "
     "Firefox/115.0",
     "Firefox", 115, "Windows", "8.1", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
     "Edge", 120, "Windows", "10", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/52.0.2743.116 Safari/537.36 Edge/15.15063",
     "Edge", 15, "Windows", "10", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
     "Opera", 106, "Windows", "10", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
     "IE", 11, "Windows", "7", DeviceType::kDesktop},
    {"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)", "IE", 8,
     "Windows", "XP", DeviceType::kDesktop},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.2 Safari/605.1.15",
     "Safari", 17, "Mac OS X", "10.15.7", DeviceType::kDesktop},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", 120, "Mac OS X", "10.15.7", DeviceType::kDesktop},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 "
     "Firefox/121.0",
     "Firefox", 121, "Mac OS X", "10.15", DeviceType::kDesktop},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
     "Firefox", 121, "Linux", "", DeviceType::kDesktop},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 "
     "Firefox/115.0",
     "Firefox", 115, "Linux", "", DeviceType::kDesktop},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36",
     "Chrome", 120, "Linux", "", DeviceType::kDesktop},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", 120, "Chrome OS", "14541.0.0", DeviceType::kDesktop},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36",
     "Yandex Browser", 24, "Windows", "10", DeviceType::kDesktop},
    {"Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
     "Opera", 12, "Windows", "7", DeviceType::kDesktop},
    // Phones.
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 "
     "Safari/604.1",
     "Mobile Safari", 17, "iOS", "17.1.2", DeviceType::kMobile},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 "
     "Mobile/15E148 Safari/604.1",
     "Chrome Mobile iOS", 120, "iOS", "16.6", DeviceType::kMobile},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 "
     "Safari/605.1.15",
     "Firefox iOS", 121, "iOS", "17.2", DeviceType::kMobile},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 15_4 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/19E241 "
     "[FBAN/FBIOS;FBAV/360.0.0.30.113]",
     "Mobile Safari", 0, "iOS", "15.4", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", 120, "Android", "10", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, "
     "like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     "Samsung Internet", 23, "Android", "13", DeviceType::kMobile},
    {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", 121, "Android", "14", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SD1A.210817.023; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
     "Chrome/94.0.4606.71 Mobile Safari/537.36",
     "Chrome Mobile WebView", 94, "Android", "12", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) "
     "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile "
     "Safari/534.30",
     "Android Browser", 4, "Android", "4.0.3", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 EdgA/120.0.0.0",
     "Edge Mobile", 120, "Android", "10", DeviceType::kMobile},
    {"Mozilla/5.0 (Linux; Android 11; CUBOT P50) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", 119, "Android", "11", DeviceType::kMobile},
    {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile "
     "Safari/537.36 Edge/15.15063",
     "Edge", 15, "Windows Phone", "10.0", DeviceType::kMobile},
    // Tablets.
    {"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
     "Mobile Safari", 17, "iPadOS", "17.1", DeviceType::kTablet},
    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", 120, "Android", "13", DeviceType::kTablet},
    {"Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", 121, "Android", "13", DeviceType::kTablet},
    // Crawlers.
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     "Googlebot", 2, "Other", "", DeviceType::kBot},
    {"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile "
     "Safari/537.36 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)",
     "Googlebot", 2, "Android", "6.0.1", DeviceType::kBot},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     "bingbot", 2, "Other", "", DeviceType::kBot},
    {"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
     "AhrefsBot", 7, "Other", "", DeviceType::kBot},
    {"Mozilla/5.0 (compatible; Baiduspider/2.0; "
     "+http://www.baidu.com/search/spider.html)",
     "Baiduspider", 2, "Other", "", DeviceType::kBot},
    {"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
     "spider", 4, "Other", "", DeviceType::kBot},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/120.0.6099.109 Safari/537.36",
     "HeadlessChrome", 120, "Linux", "", DeviceType::kBot},
    // Tools and libraries.
    {"curl/8.4.0", "curl", 8, "Other", "", DeviceType::kBot},
    {"Wget/1.21.4", "Wget", 1, "Other", "", DeviceType::kBot},
    {"python-requests/2.31.0", "python-requests", 2, "Other", "",
     DeviceType::kBot},
    {"Go-http-client/1.1", "Go-http-client", 1, "Other", "", DeviceType::kBot},
    {"okhttp/4.12.0", "okhttp", 4, "Other", "", DeviceType::kBot},
    // Unknown.
    {"Mozilla/5.0", "Other", 0, "Other", "", DeviceType::kUnknown},
    {"MyCompanyApp/3.2 (build 4411)", "Other", 0, "Other", "",
     DeviceType::kUnknown},
    {"   ", "Other", 0, "Other", "", DeviceType::kUnknown},
};

TEST(UserAgentTest, RealUserAgents) {
  for (const UaCase& c : kCases) {
    SCOPED_TRACE(c.ua);
    const UserAgentInfo info = ParseUserAgent(c.ua);
    EXPECT_EQ(info.browser, c.browser);
    EXPECT_EQ(info.browser_major, c.major);
    EXPECT_EQ(info.os, c.os);
    EXPECT_EQ(info.os_version, c.os_version);
    EXPECT_EQ(DeviceTypeName(info.device_type), DeviceTypeName(c.device));
  }
}

TEST(UserAgentTest, EmptyIsUnknown) {
  const UserAgentInfo info = ParseUserAgent("");
  EXPECT_EQ(info.browser, "");
  EXPECT_EQ(info.browser_major, 0);
  EXPECT_EQ(info.os, "");
  EXPECT_EQ(info.os_version, "");
  EXPECT_EQ(info.device_type, DeviceType::kUnknown);
}

TEST(UserAgentTest, GarbageBytesAreOther) {
  const std::string kGarbage[] = {
      std::string("\x00\x01\x02\xff\xfe\x80", 6),
      "\xc3\x28\xa0\xa1\xe2\x28\xa1",
      std::string(1, '\0'),
      "(((((((((;;;;;;;/////",
      "Chrome/",
      "Chrome/99999999999999999999999",
      "Mozilla/5.0 (Windows NT ",
      "Mac OS X ____________",
      "Android",
  };
  for (const std::string& ua : kGarbage) {
    SCOPED_TRACE(::testing::PrintToString(ua));
    const UserAgentInfo info = ParseUserAgent(ua);
    EXPECT_FALSE(info.browser.empty());
    EXPECT_FALSE(info.os.empty());
    EXPECT_GE(info.browser_major, 0);
    EXPECT_LE(info.browser_major, 999999);
    EXPECT_LE(info.os_version.size(), 16u);
  }
  EXPECT_EQ(ParseUserAgent(kGarbage[0]).browser, "Other");
  EXPECT_EQ(ParseUserAgent("Chrome/").browser_major, 0);
  EXPECT_EQ(ParseUserAgent("Mac OS X ____________").os_version, "");
}

TEST(UserAgentTest, LongInputIsTruncatedTo1024Bytes) {
  // A real UA followed by 10 KB of padding.
  const std::string real =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/120.0.0.0 Safari/537.36 ";
  const std::string padded = real + std::string(10 * 1024, 'A');
  UserAgentInfo info = ParseUserAgent(padded);
  EXPECT_EQ(info.browser, "Chrome");
  EXPECT_EQ(info.browser_major, 120);
  EXPECT_EQ(info.os, "Windows");

  // Tokens past byte 1024 are not seen.
  const std::string late = std::string(2000, ' ') + "Googlebot/2.1";
  info = ParseUserAgent(late);
  EXPECT_EQ(info.browser, "Other");
  EXPECT_NE(info.device_type, DeviceType::kBot);

  // 10 KB of one repeated token.
  std::string repeated;
  while (repeated.size() < 10 * 1024) repeated += "Mozilla/5.0 (";
  info = ParseUserAgent(repeated);
  EXPECT_EQ(info.browser, "Other");
}

TEST(UserAgentTest, DeviceTypeNames) {
  EXPECT_EQ(DeviceTypeName(DeviceType::kUnknown), "unknown");
  EXPECT_EQ(DeviceTypeName(DeviceType::kDesktop), "desktop");
  EXPECT_EQ(DeviceTypeName(DeviceType::kMobile), "mobile");
  EXPECT_EQ(DeviceTypeName(DeviceType::kTablet), "tablet");
  EXPECT_EQ(DeviceTypeName(DeviceType::kBot), "bot");
}

}  // namespace
}  // namespace vigil
