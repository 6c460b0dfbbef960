// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/worldgen/browsers.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace vigil::tools::worldgen {
namespace {

constexpr int64_t kDayMs = 86'400'000;
// Chrome 133 and Firefox 135 shipped on 2025-02-04; Safari 18.3 on
// 2025-01-27. Unix days.
constexpr int64_t kChromeEpochDay = 20123;
constexpr int64_t kSafariEpochDay = 20115;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int ChromeMajor(int64_t ms, int lag) {
  return static_cast<int>(133 + FloorDiv(ms / kDayMs - kChromeEpochDay, 28)) -
         lag;
}
int FirefoxMajor(int64_t ms, int lag) { return ChromeMajor(ms, lag) + 2; }
// Safari 18.x minor; iOS follows it.
int SafariMinor(int64_t ms, int lag) {
  return std::max(
      0,
      static_cast<int>(3 + FloorDiv(ms / kDayMs - kSafariEpochDay, 63)) - lag);
}

const char* const kSamsungModels[] = {"SM-A346B", "SM-S921B", "SM-A155F",
                                      "SM-G991B", "SM-A546B", "SM-S911U"};

}  // namespace

Os OsOf(Browser b) {
  switch (b) {
    case kChromeWindows:
    case kEdgeWindows:
    case kFirefoxWindows:
      return Os::kWindows;
    case kChromeMac:
    case kSafariMac:
    case kFirefoxMac:
      return Os::kMac;
    case kChromeLinux:
    case kFirefoxLinux:
      return Os::kLinux;
    case kSafariIphone:
    case kChromeIphone:
    case kSafariIpad:
      return Os::kIos;
    default:
      return Os::kAndroid;
  }
}

Form FormOf(Browser b) {
  switch (b) {
    case kSafariIphone:
    case kChromeIphone:
    case kChromeAndroid:
    case kSamsungAndroid:
      return Form::kPhone;
    case kSafariIpad:
      return Form::kTablet;
    default:
      return Form::kDesktop;
  }
}

Browser PickBrowser(Form form, double u) {
  struct Share {
    Browser b;
    double w;
  };
  static const Share kDesktop[] = {
      {kChromeWindows, 0.42}, {kEdgeWindows, 0.13}, {kFirefoxWindows, 0.06},
      {kChromeMac, 0.15},     {kSafariMac, 0.12},   {kFirefoxMac, 0.02},
      {kChromeLinux, 0.06},   {kFirefoxLinux, 0.04}};
  static const Share kPhone[] = {{kSafariIphone, 0.38},
                                 {kChromeIphone, 0.06},
                                 {kChromeAndroid, 0.44},
                                 {kSamsungAndroid, 0.12}};
  static const Share kTablet[] = {{kSafariIpad, 0.7}, {kChromeAndroid, 0.3}};
  const Share* s = kDesktop;
  size_t n = std::size(kDesktop);
  if (form == Form::kPhone) s = kPhone, n = std::size(kPhone);
  if (form == Form::kTablet) s = kTablet, n = std::size(kTablet);
  double acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc += s[i].w;
    if (u < acc) return s[i].b;
  }
  return s[n - 1].b;
}

std::string UserAgent(Browser b, int64_t ms, int lag, uint32_t variant) {
  const int chrome = ChromeMajor(ms, lag);
  const int firefox = FirefoxMajor(ms, lag);
  const int safari = SafariMinor(ms, lag);
  const std::string ios =
      absl::StrCat("18_", safari,
                   variant % 3 == 0 ? "" : absl::StrCat("_", 1 + variant % 2));
  const std::string webkit_chrome = absl::StrCat(
      " AppleWebKit/537.36 (KHTML, like Gecko) Chrome/", chrome, ".0.0.0");
  switch (b) {
    case kChromeWindows:
      return absl::StrCat("Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                          webkit_chrome, " Safari/537.36");
    case kEdgeWindows:
      return absl::StrCat("Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                          webkit_chrome, " Safari/537.36 Edg/", chrome, ".0.",
                          3000 + chrome, ".", 40 + variant % 60);
    case kFirefoxWindows:
      return absl::StrCat(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:", firefox,
          ".0) Gecko/20100101 Firefox/", firefox, ".0");
    case kChromeMac:
      return absl::StrCat("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
                          webkit_chrome, " Safari/537.36");
    case kSafariMac:
      return absl::StrCat(
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
          "AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/18.",
          safari, variant % 2 == 0 ? "" : ".1", " Safari/605.1.15");
    case kFirefoxMac:
      return absl::StrCat(
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:", firefox,
          ".0) Gecko/20100101 Firefox/", firefox, ".0");
    case kChromeLinux:
      return absl::StrCat("Mozilla/5.0 (X11; Linux x86_64)", webkit_chrome,
                          " Safari/537.36");
    case kFirefoxLinux:
      return absl::StrCat("Mozilla/5.0 (X11; Linux x86_64; rv:", firefox,
                          ".0) Gecko/20100101 Firefox/", firefox, ".0");
    case kSafariIphone:
      return absl::StrCat("Mozilla/5.0 (iPhone; CPU iPhone OS ", ios,
                          " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                          "Gecko) Version/18.",
                          safari, " Mobile/15E148 Safari/604.1");
    case kChromeIphone:
      return absl::StrCat(
          "Mozilla/5.0 (iPhone; CPU iPhone OS ", ios,
          " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/",
          chrome, ".0.", 6800 + chrome % 100, ".", 100 + variant % 90,
          " Mobile/15E148 Safari/604.1");
    case kSafariIpad:
      return absl::StrCat("Mozilla/5.0 (iPad; CPU OS ", ios,
                          " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                          "Gecko) Version/18.",
                          safari, " Mobile/15E148 Safari/604.1");
    case kChromeAndroid:
      // Chrome's reduced Android user agent: the same for every model.
      return absl::StrCat("Mozilla/5.0 (Linux; Android 10; K)", webkit_chrome,
                          " Mobile Safari/537.36");
    case kSamsungAndroid:
    default: {
      const int android = 13 + static_cast<int>(variant % 3);
      return absl::StrCat(
          "Mozilla/5.0 (Linux; Android ", android, "; SAMSUNG ",
          kSamsungModels[variant % std::size(kSamsungModels)],
          ") AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/",
          27 - static_cast<int>(lag > 1), ".", variant % 2,
          " Chrome/125.0.0.0 Mobile Safari/537.36");
    }
  }
}

std::string OutdatedUserAgent(int64_t ms, uint32_t variant) {
  const int lag =
      6 + static_cast<int>(variant % 40);  // half a year to three years
  const int chrome = ChromeMajor(ms, lag);
  switch (variant / 40 % 5) {
    case 0:
      return absl::StrCat(
          "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, "
          "like "
          "Gecko) Chrome/",
          chrome, ".0.0.0 Safari/537.36");
    case 1:
      return absl::StrCat(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:", chrome + 2,
          ".0) Gecko/20100101 Firefox/", chrome + 2, ".0");
    case 2:
      return absl::StrCat("Mozilla/5.0 (Linux; Android ", 8 + variant % 4,
                          "; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
                          chrome, ".0.0.0 Mobile Safari/537.36");
    default:
      return UserAgent(kChromeWindows, ms, lag, variant);
  }
}

}  // namespace vigil::tools::worldgen
