// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/simulate/user_agents.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace vigil::tools {
namespace {

// {C}: Chrome / Edge major, {F}: Firefox major, {S}: Samsung Internet major,
// {I}: iOS / Safari 17 minor.
const char* const kTemplates[] = {
    // 0-1 iPhone
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{I} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.{I} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{I} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/{C}.0.0.0 Mobile/15E148 Safari/604.1",
    // 2-4 Android
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/{S}.0 Chrome/{C}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; M2101K6G) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Mobile Safari/537.36",
    // 5-10 desktop
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Safari/537.36 Edg/{C}.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{F}.0) Gecko/20100101 Firefox/{F}.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.{I} Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/{C}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Safari/537.36",
    // 11-12 tablet
    "Mozilla/5.0 (iPad; CPU OS 17_{I} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.{I} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Safari/537.36",
    // 13-15 scripts
    "python-requests/2.31.0",
    "curl/8.5.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{C}.0.0.0 Safari/537.36",
};

}  // namespace

const std::vector<uint16_t> kIphoneUas = {0, 0, 0, 1};
const std::vector<uint16_t> kAndroidUas = {2, 3, 3, 4};
const std::vector<uint16_t> kDesktopUas = {5, 5, 5, 6, 7, 8, 9, 10};
const std::vector<uint16_t> kTabletUas = {11, 11, 12};
const std::vector<uint16_t> kScriptUas = {13, 14, 15, 15};
const std::vector<uint16_t> kAnyUas = {0, 2, 3, 5, 6, 7, 8, 9, 10, 11};

std::string RenderUserAgent(uint16_t ua, int64_t day) {
  const int64_t release = day < 0 ? 0 : day / 28;
  return absl::StrReplaceAll(
      kTemplates[ua % (sizeof(kTemplates) / sizeof(kTemplates[0]))],
      {{"{C}", absl::StrCat(131 + release)},
       {"{F}", absl::StrCat(133 + release)},
       {"{S}", absl::StrCat(26 + release / 2)},
       {"{I}", absl::StrCat(2 + release / 2)}});
}

}  // namespace vigil::tools
