// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/worldgen/browsers.h: the browsers of the independent world
// generator (`vigil worldgen`), as the user agent strings real browsers sent
// in 2025, with versions that follow each vendor's release calendar.
//
// A browser is a template (browser family on an OS on a kind of device).
// Its version on a date is the vendor's current release then, minus the
// device's lag in releases (people update late); Chrome, Edge and Firefox
// ship every four weeks, Safari / iOS about every nine weeks.

#ifndef VIGIL_TOOLS_WORLDGEN_BROWSERS_H_
#define VIGIL_TOOLS_WORLDGEN_BROWSERS_H_

#include <cstdint>
#include <string>

namespace vigil::tools::worldgen {

enum class Os : uint8_t { kWindows, kMac, kLinux, kIos, kAndroid };
enum class Form : uint8_t { kDesktop, kPhone, kTablet };

enum Browser : uint8_t {
  kChromeWindows,
  kEdgeWindows,
  kFirefoxWindows,
  kChromeMac,
  kSafariMac,
  kFirefoxMac,
  kChromeLinux,
  kFirefoxLinux,
  kSafariIphone,
  kChromeIphone,
  kSafariIpad,
  kChromeAndroid,
  kSamsungAndroid,
  kBrowserCount
};

Os OsOf(Browser b);
Form FormOf(Browser b);

// A browser of `form` as people use them (market shares of 2025), from a
// uniform draw `u` in [0, 1).
Browser PickBrowser(Form form, double u);

// The user agent of `b` at `unix_ms`, `lag` releases behind the newest.
// `variant` picks stable details that differ between devices of the same
// browser (an Android phone model, an iOS patch level).
std::string UserAgent(Browser b, int64_t unix_ms, int lag, uint32_t variant);

// An old Windows or Android browser: what attacker tooling often sends.
std::string OutdatedUserAgent(int64_t unix_ms, uint32_t variant);

}  // namespace vigil::tools::worldgen

#endif  // VIGIL_TOOLS_WORLDGEN_BROWSERS_H_
