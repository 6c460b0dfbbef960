#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# The passkey flow in a real browser (run by tests/passkeys/passkey_e2e_test.cc):
# Chromium, headless, with a CTAP2 virtual authenticator (internal transport,
# resident keys, user verification) opens vigild's demo page on an allowed
# origin, registers a passkey with vigild's options, then answers the
# challenge of a risky sign-in with it. A replay of that assertion against
# the next challenge is refused. Prints one JSON object with what happened;
# the test asserts on it.
#
#   passkey_flow.py CHROMIUM BASE_URL MFA_KEY EVALUATE_KEY USER_ID
#
# The page uses the mfa key (passkeys, challenges); the sign-ins, as an auth
# server sends them, the evaluate key.

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

LONDON = "81.2.69.160"
CHANGCHUN = "175.16.199.1"
LINKOPING = "89.160.20.115"
MAC_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
HOME_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
OTHER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def call(base, key, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + key)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, (json.loads(text) if text else None)


def sign_in(base, key, user, ip, ua):
    """A sign-in attempt with the evaluate key."""
    status, d = call(base, key, "POST", "/v1/evaluate",
                     {"user_id": user, "ip": ip, "user_agent": ua})
    if status != 200:
        raise SystemExit("evaluate: HTTP %d %s" % (status, d))
    return d


def main():
    chromium, base, key, evaluate_key, user = sys.argv[1:6]
    out = {}
    # A history at home: the user signs in from London with one browser.
    for _ in range(6):
        d = sign_in(base, evaluate_key, user, LONDON, HOME_UA)
        if d["decision"] == "allow":
            call(base, evaluate_key, "POST", "/v1/events/%s/outcome" % d["event_id"],
                 {"outcome": "success"})
    out["home_decision"] = sign_in(base, evaluate_key, user, LONDON, HOME_UA)["decision"]

    with Browser(chromium, timeout=60) as browser:
        page = browser.new_page()
        page.call("WebAuthn.enable", enableUI=False)
        page.call("WebAuthn.addVirtualAuthenticator", options={
            "protocol": "ctap2", "ctap2Version": "ctap2_1", "transport": "internal",
            "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True,
        })
        page.navigate(base + "/demo/passkeys")
        out["page_title"] = page.evaluate("document.title")

        args = json.dumps({"key": key, "user": user, "userName": user + "@example.com",
                           "name": "Test laptop"})
        out["registered"] = page.evaluate("vigilDemo.register(%s)" % args)
        out["passkeys"] = page.evaluate("vigilDemo.list(%s)" % args)["passkeys"]
        status, settings = call(base, key, "GET", "/v1/users/%s/mfa" % user)
        out["mfa_settings"] = settings

        # A risky sign-in: another country, another browser.
        risky = sign_in(base, evaluate_key, user, CHANGCHUN, OTHER_UA)
        out["risky"] = risky
        challenge = (risky.get("challenge") or {}).get("id")
        if not challenge:
            print(json.dumps(out))
            return
        answered = page.evaluate("vigilDemo.passChallenge(%s)" % json.dumps(
            {"key": key, "challenge": challenge, "rememberDevice": True}))
        out["answer"] = answered["result"]
        out["request_options"] = answered["options"]
        status, event = call(base, evaluate_key, "GET",
                             "/v1/users/%s/events?limit=1" % user)
        out["events_after_pass"] = event

        # The same assertion against the next challenge: a replay.
        again = sign_in(base, evaluate_key, user, LINKOPING, MAC_UA)
        out["risky_again"] = again
        next_challenge = (again.get("challenge") or {}).get("id")
        if next_challenge:
            call(base, key, "POST", "/v1/challenges/%s/webauthn" % next_challenge, {})
            out["replay"] = page.evaluate("vigilDemo.verifyWith(%s)" % json.dumps(
                {"key": key, "challenge": next_challenge,
                 "assertion": answered["assertion"]}))
        status, passkeys = call(base, key, "GET", "/v1/users/%s/passkeys" % user)
        out["passkeys_after"] = passkeys["passkeys"] if passkeys else None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
