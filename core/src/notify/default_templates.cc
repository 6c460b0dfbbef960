// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The shipped notification templates (English). service/vigild.toml shows
// them, and [notify.templates.*] overrides them.

#include "absl/strings/str_cat.h"
#include "vigil/notify.h"

namespace vigil {
namespace {

constexpr char kDetailsText[] =
    "When:    {login-time}\n"
    "Where:   {city}, {country} (IP address {ip-address})\n"
    "Device:  {device-name}\n\n";

constexpr char kLinksText[] =
    "Was this you? Tell us with one click:\n"
    "  This was me:       {one-click-link-valid}\n"
    "  This wasn't me:    {one-click-link-invalid}\n\n"
    "If it wasn't you, change your password now.\n\n"
    "Reference: {event-id}\n";

constexpr char kDetailsHtml[] =
    "<table>"
    "<tr><td>When</td><td>{login-time}</td></tr>"
    "<tr><td>Where</td><td>{city}, {country} (IP address "
    "{ip-address})</td></tr>"
    "<tr><td>Device</td><td>{device-name}</td></tr>"
    "</table>\n";

constexpr char kLinksHtml[] =
    "<p>Was this you?</p>\n"
    "<p><a href=\"{one-click-link-valid}\">This was me</a> &middot; "
    "<a href=\"{one-click-link-invalid}\">This wasn't me</a></p>\n"
    "<p>If it wasn't you, change your password now.</p>\n"
    "<p><small>Reference: {event-id}</small></p>\n";

NotificationTemplate Make(const char* subject, const char* lead) {
  NotificationTemplate t;
  t.subject = subject;
  t.text = absl::StrCat(lead, "\n\n", kDetailsText, kLinksText);
  t.html = absl::StrCat("<!DOCTYPE html>\n<html><body>\n<p>", lead, "</p>\n",
                        kDetailsHtml, kLinksHtml, "</body></html>\n");
  return t;
}

}  // namespace

NotificationTemplates NotificationTemplates::Defaults() {
  NotificationTemplates t;
  t.blocked = Make("We blocked a sign-in to your account",
                   "We blocked an attempt to sign in to your account because "
                   "it looked risky.");
  t.challenged = Make("Confirm a sign-in to your account",
                      "A sign-in to your account looked unusual, so we asked "
                      "for a second factor.");
  t.risky_allowed = Make("New sign-in to your account",
                         "Your account was signed in to from a place or "
                         "device we don't usually see.");
  return t;
}

}  // namespace vigil
