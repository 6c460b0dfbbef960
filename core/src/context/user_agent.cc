// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// A hand-written user-agent parser. Every step is a bounded number of
// substring searches or one forward scan over at most 1024 bytes, so the
// cost is linear in the input whatever it holds. The rules follow the
// tokens browsers actually send, checked in the order that resolves their
// overlaps (every Chromium browser also says "Chrome/" and "Safari/", every
// iOS browser says "like Mac OS X", Edge says "Chrome/", ...).

#include "context/user_agent.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace vigil {
namespace {

constexpr size_t kMaxUserAgent = 1024;
constexpr size_t kMaxVersionText = 16;
constexpr size_t kMaxBotName = 32;

bool Has(absl::string_view ua, absl::string_view token) {
  return ua.find(token) != absl::string_view::npos;
}

// The integer right after the first `token` in `ua` ("Chrome/" in
// "Chrome/120.0" -> 120); 0 if absent.
int MajorAfter(absl::string_view ua, absl::string_view token) {
  size_t pos = ua.find(token);
  if (pos == absl::string_view::npos) return 0;
  pos += token.size();
  int major = 0;
  for (int digits = 0; pos < ua.size() && digits < 6; ++pos, ++digits) {
    const char c = ua[pos];
    if (c < '0' || c > '9') break;
    major = major * 10 + (c - '0');
  }
  return major;
}

// The version text starting at `pos`: digits, dots and underscores (as
// dots), e.g. "10_15_7" -> "10.15.7"; empty if none.
std::string VersionAt(absl::string_view ua, size_t pos) {
  std::string out;
  for (; pos < ua.size() && out.size() < kMaxVersionText; ++pos) {
    const char c = ua[pos];
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if ((c == '.' || c == '_') && !out.empty() && out.back() != '.') {
      out.push_back('.');
    } else {
      break;
    }
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string VersionAfter(absl::string_view ua, absl::string_view token) {
  const size_t pos = ua.find(token);
  if (pos == absl::string_view::npos) return "";
  return VersionAt(ua, pos + token.size());
}

// Case-insensitive search; `needle` must be lower case.
bool ContainsLower(absl::string_view text, absl::string_view needle) {
  if (needle.size() > text.size()) return false;
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && absl::ascii_tolower(static_cast<unsigned char>(
                                    text[i + k])) == needle[k]) {
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == '-';
}

// Crawlers that name themselves: a word ending in "bot" (but not the phone
// maker Cubot), or containing "spider", "crawl" or "slurp". Returns the
// word, or empty.
absl::string_view FindBotWord(absl::string_view ua) {
  size_t i = 0;
  while (i < ua.size()) {
    if (!IsWordChar(ua[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < ua.size() && IsWordChar(ua[j])) ++j;
    const absl::string_view word = ua.substr(i, j - i);
    i = j;
    if (word.size() > 64) continue;
    if ((absl::EndsWithIgnoreCase(word, "bot") &&
         !absl::EqualsIgnoreCase(word, "cubot")) ||
        ContainsLower(word, "spider") || ContainsLower(word, "crawl") ||
        ContainsLower(word, "slurp")) {
      return word.substr(0, kMaxBotName);
    }
  }
  return "";
}

struct Family {
  absl::string_view token;  // what the UA contains, e.g. "Googlebot/"
  absl::string_view name;   // the family reported
};

// Named crawlers, checked before the generic rule so that the family is
// the crawler and not a browser it imitates.
constexpr Family kBots[] = {
    {"Googlebot", "Googlebot"},
    {"bingbot", "bingbot"},
    {"YandexBot", "YandexBot"},
    {"DuckDuckBot", "DuckDuckBot"},
    {"Baiduspider", "Baiduspider"},
    {"Applebot", "Applebot"},
    {"facebookexternalhit", "facebookexternalhit"},
    {"HeadlessChrome", "HeadlessChrome"},
};

// HTTP client libraries and command-line tools, recognised at the start.
constexpr Family kTools[] = {
    {"curl/", "curl"},
    {"Wget/", "Wget"},
    {"python-requests/", "python-requests"},
    {"Python-urllib/", "Python-urllib"},
    {"python-httpx/", "python-httpx"},
    {"aiohttp/", "aiohttp"},
    {"Go-http-client/", "Go-http-client"},
    {"okhttp/", "okhttp"},
    {"Java/", "Java"},
    {"Apache-HttpClient/", "Apache-HttpClient"},
    {"libwww-perl/", "libwww-perl"},
    {"PostmanRuntime/", "PostmanRuntime"},
    {"axios/", "axios"},
    {"node-fetch/", "node-fetch"},
};

void ParseOs(absl::string_view ua, UserAgentInfo* info) {
  if (Has(ua, "Windows Phone")) {
    info->os = "Windows Phone";
    info->os_version = VersionAfter(ua, "Windows Phone ");
    return;
  }
  if (Has(ua, "Windows NT ")) {
    info->os = "Windows";
    const std::string nt = VersionAfter(ua, "Windows NT ");
    struct NtName {
      absl::string_view nt, name;
    };
    static constexpr NtName kNames[] = {
        {"10.0", "10"},   {"6.3", "8.1"}, {"6.2", "8"},  {"6.1", "7"},
        {"6.0", "Vista"}, {"5.2", "XP"},  {"5.1", "XP"}, {"5.0", "2000"},
    };
    info->os_version = nt;
    for (const NtName& n : kNames) {
      if (nt == n.nt) info->os_version = std::string(n.name);
    }
    return;
  }
  // iOS before Mac: every iOS UA says "like Mac OS X".
  if (Has(ua, "iPad")) {
    info->os = "iPadOS";
    info->os_version = VersionAfter(ua, " OS ");
    return;
  }
  if (Has(ua, "iPhone") || Has(ua, "iPod")) {
    info->os = "iOS";
    info->os_version = VersionAfter(ua, " OS ");
    return;
  }
  const size_t cros = ua.find("CrOS ");
  if (cros != absl::string_view::npos) {
    info->os = "Chrome OS";
    // "CrOS x86_64 14541.0.0": skip the architecture.
    const size_t space = ua.find(' ', cros + 5);
    if (space != absl::string_view::npos) {
      info->os_version = VersionAt(ua, space + 1);
    }
    return;
  }
  if (Has(ua, "Android")) {
    info->os = "Android";
    info->os_version = VersionAfter(ua, "Android ");
    return;
  }
  if (Has(ua, "Mac OS X")) {
    info->os = "Mac OS X";
    info->os_version = VersionAfter(ua, "Mac OS X ");
    return;
  }
  if (Has(ua, "Windows")) {
    info->os = "Windows";
    return;
  }
  if (Has(ua, "Linux") || Has(ua, "X11")) {
    info->os = "Linux";
    return;
  }
  info->os = "Other";
}

void ParseBrowser(absl::string_view ua, UserAgentInfo* info) {
  const bool android = info->os == "Android";
  const bool ios = info->os == "iOS" || info->os == "iPadOS";
  auto set = [&](absl::string_view name, absl::string_view version_token) {
    info->browser = std::string(name);
    info->browser_major = MajorAfter(ua, version_token);
  };
  if (Has(ua, "EdgA/")) return set("Edge Mobile", "EdgA/");
  if (Has(ua, "EdgiOS/")) return set("Edge Mobile", "EdgiOS/");
  if (Has(ua, "Edg/")) return set("Edge", "Edg/");
  if (Has(ua, "Edge/")) return set("Edge", "Edge/");
  if (Has(ua, "Opera Mini/")) return set("Opera Mini", "Opera Mini/");
  if (Has(ua, "OPiOS/")) return set("Opera Mini", "OPiOS/");
  if (Has(ua, "OPR/")) return set("Opera", "OPR/");
  if (Has(ua, "Opera")) {
    // Presto-era Opera: "Opera/9.80 (...) Presto/2.12 Version/12.16".
    return set("Opera", Has(ua, "Version/") ? "Version/" : "Opera/");
  }
  if (Has(ua, "SamsungBrowser/")) {
    return set("Samsung Internet", "SamsungBrowser/");
  }
  if (Has(ua, "YaBrowser/")) return set("Yandex Browser", "YaBrowser/");
  if (Has(ua, "UCBrowser/")) return set("UC Browser", "UCBrowser/");
  if (Has(ua, "Vivaldi/")) return set("Vivaldi", "Vivaldi/");
  if (Has(ua, "CriOS/")) return set("Chrome Mobile iOS", "CriOS/");
  if (Has(ua, "FxiOS/")) return set("Firefox iOS", "FxiOS/");
  if (Has(ua, "Firefox/")) {
    const bool mobile = android || Has(ua, "Mobile") || Has(ua, "Tablet");
    return set(mobile ? "Firefox Mobile" : "Firefox", "Firefox/");
  }
  if (Has(ua, "MSIE ")) return set("IE", "MSIE ");
  if (Has(ua, "Trident/")) return set("IE", "rv:");
  if (Has(ua, "Chrome/") || Has(ua, "Chromium/")) {
    const absl::string_view token =
        Has(ua, "Chrome/") ? "Chrome/" : "Chromium/";
    if (android && Has(ua, "; wv)")) return set("Chrome Mobile WebView", token);
    if (android && Has(ua, "Mobile")) return set("Chrome Mobile", token);
    return set("Chrome", token);
  }
  if (android && Has(ua, "Version/")) {
    return set("Android Browser", "Version/");
  }
  if (ios && Has(ua, "AppleWebKit/")) {
    // Without "Version/" this is an app's embedded web view.
    return set("Mobile Safari", "Version/");
  }
  if (Has(ua, "Safari/") && Has(ua, "Version/")) {
    return set(Has(ua, "Mobile/") ? "Mobile Safari" : "Safari", "Version/");
  }
  info->browser = "Other";
}

DeviceType ParseDevice(absl::string_view ua, const UserAgentInfo& info) {
  if (Has(ua, "iPad")) return DeviceType::kTablet;
  if (Has(ua, "iPhone") || Has(ua, "iPod")) return DeviceType::kMobile;
  if (info.os == "Android") {
    // Android phones say "Mobile"; tablets do not (Firefox says "Tablet").
    return Has(ua, "Mobile") ? DeviceType::kMobile : DeviceType::kTablet;
  }
  if (info.os == "Windows Phone") return DeviceType::kMobile;
  if (Has(ua, "Tablet")) return DeviceType::kTablet;
  if (Has(ua, "Mobile")) return DeviceType::kMobile;
  if (info.os == "Windows" || info.os == "Mac OS X" || info.os == "Linux" ||
      info.os == "Chrome OS") {
    return DeviceType::kDesktop;
  }
  return DeviceType::kUnknown;
}

}  // namespace

absl::string_view DeviceTypeName(DeviceType type) {
  switch (type) {
    case DeviceType::kUnknown:
      return "unknown";
    case DeviceType::kDesktop:
      return "desktop";
    case DeviceType::kMobile:
      return "mobile";
    case DeviceType::kTablet:
      return "tablet";
    case DeviceType::kBot:
      return "bot";
  }
  return "unknown";
}

UserAgentInfo ParseUserAgent(absl::string_view user_agent) {
  UserAgentInfo info;
  const absl::string_view ua = user_agent.substr(0, kMaxUserAgent);
  if (ua.empty()) return info;

  ParseOs(ua, &info);

  for (const Family& tool : kTools) {
    if (absl::StartsWith(ua, tool.token)) {
      info.browser = std::string(tool.name);
      info.browser_major = MajorAfter(ua, tool.token);
      info.device_type = DeviceType::kBot;
      return info;
    }
  }
  for (const Family& bot : kBots) {
    if (Has(ua, bot.token)) {
      info.browser = std::string(bot.name);
      const size_t pos = ua.find(bot.token) + bot.token.size();
      if (pos < ua.size() && ua[pos] == '/') {
        info.browser_major = MajorAfter(ua.substr(pos), "/");
      }
      info.device_type = DeviceType::kBot;
      return info;
    }
  }
  const absl::string_view bot_word = FindBotWord(ua);
  if (!bot_word.empty()) {
    info.browser = std::string(bot_word);
    // "AhrefsBot/7.0": the version follows the name.
    const size_t end =
        static_cast<size_t>(bot_word.data() - ua.data()) + bot_word.size();
    if (end < ua.size() && ua[end] == '/') {
      info.browser_major = MajorAfter(ua.substr(end), "/");
    }
    info.device_type = DeviceType::kBot;
    return info;
  }

  ParseBrowser(ua, &info);
  info.device_type = ParseDevice(ua, info);
  return info;
}

}  // namespace vigil
