#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# A minimal Chrome DevTools Protocol client over --remote-debugging-pipe:
# Chromium reads commands from its fd 3 and writes replies and events to its
# fd 4, each message one JSON object followed by a NUL byte. No npm package,
# no websocket: the Python standard library and the installed Chromium.
#
#   with Browser("/usr/bin/chromium", timeout=60) as b:
#       page = b.new_page("about:blank")       # a flat session on one tab
#       page.call("WebAuthn.enable", enableUI=False)
#       page.navigate("http://localhost:8080/demo/passkeys")
#       value = page.evaluate("1 + 1")         # awaits promises, by value
#
# Every call has a deadline; a dead or silent browser raises CdpError
# instead of hanging. The browser is killed on exit.

import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time


class CdpError(Exception):
    pass


class Browser:
    def __init__(self, chromium, timeout=60.0, extra_args=()):
        self._timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._events = []
        self._profile = tempfile.mkdtemp(prefix="vigil-chromium.")
        # Chromium reads fd 3 and writes fd 4 of its own process.
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds():
            # Move both ends above 4 first so that dup2 onto 3 and 4 cannot
            # clobber one of them.
            a = os.dup(to_child_r)
            b = os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
            # Its own process group: close() ends the browser's helpers
            # (renderer, zygote) with it.
            os.setpgrp()

        args = [
            chromium,
            "--headless=new",
            "--remote-debugging-pipe",
            "--user-data-dir=" + self._profile,
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--metrics-recording-only",
            "--password-store=basic",
            "--use-mock-keychain",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses root otherwise
        args.extend(extra_args)
        args.append("about:blank")
        self._log = open(os.path.join(self._profile, "chromium.log"), "wb")
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            preexec_fn=wire_fds,
            close_fds=False,
            # Its singleton socket's folder goes under the profile, removed
            # with it, not in /tmp where a killed browser leaves it.
            env=dict(os.environ, TMPDIR=self._profile),
        )
        os.close(to_child_r)
        os.close(from_child_w)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        # A helper may still be writing into the profile as it dies: remove
        # it until it stays removed (bounded).
        for _ in range(50):
            shutil.rmtree(self._profile, ignore_errors=True)
            if not os.path.exists(self._profile):
                break
            time.sleep(0.05)

    def log_tail(self, n=2000):
        try:
            with open(os.path.join(self._profile, "chromium.log"), "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _send(self, message):
        data = json.dumps(message).encode() + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise CdpError("the browser closed its pipe: " + self.log_tail())
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, session=None, timeout=None, **params):
        self._next_id += 1
        mid = self._next_id
        message = {"id": mid, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + (timeout or self._timeout)
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CdpError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self._events.append(m)

    def wait_event(self, method, session=None, timeout=None):
        deadline = time.monotonic() + (timeout or self._timeout)
        while True:
            for i, m in enumerate(self._events):
                if m["method"] == method and (session is None or m.get("sessionId") == session):
                    return self._events.pop(i)
            m = self._read_message(deadline)
            if "method" in m:
                self._events.append(m)

    def new_page(self, url="about:blank"):
        target = self.call("Target.createTarget", url=url)["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return Page(self, session)


class Page:
    def __init__(self, browser, session):
        self._browser = browser
        self.session = session
        self.console = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, timeout=None, **params):
        return self._browser.call(method, session=self.session, timeout=timeout, **params)

    def navigate(self, url, timeout=None):
        result = self.call("Page.navigate", url=url)
        if result.get("errorText"):
            raise CdpError("navigate %s: %s" % (url, result["errorText"]))
        self._browser.wait_event("Page.loadEventFired", session=self.session, timeout=timeout)

    def evaluate(self, expression, timeout=None):
        """Evaluates `expression` in the page, awaiting a promise; returns its
        JSON value. A thrown error raises CdpError with its description."""
        r = self.call(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
            userGesture=True,
        )
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d.get("text")
            raise CdpError("page threw: %s" % text)
        return r.get("result", {}).get("value")
