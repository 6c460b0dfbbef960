#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# Logs in to an IMAP server with Python's imaplib, presenting CLIENT_IP to
# the server with a PROXY protocol v1 header (the server's listener has
# haproxy = yes and trusts 127.0.0.1), as the Dovecot end-to-end test does:
#
#   imap_login.py PORT CLIENT_IP USER:PASSWORD [USER:PASSWORD ...]
#
# One line per login, in order: "OK <user>" or "NO <user> <server's text>".
# Exit 0 when every login got an answer; 2 when the server could not be
# reached or hung up (the line says why).

import imaplib
import socket
import sys


class ProxiedImap(imaplib.IMAP4):
    """imaplib over a socket that first sends "PROXY TCP4 <ip> ..."."""

    def __init__(self, port, client_ip):
        self._client_ip = client_ip
        super().__init__("127.0.0.1", port, timeout=20)

    def _create_socket(self, timeout):
        sock = socket.create_connection((self.host, self.port), timeout)
        family = "TCP6" if ":" in self._client_ip else "TCP4"
        local = "::1" if family == "TCP6" else "127.0.0.1"
        sock.sendall(
            f"PROXY {family} {self._client_ip} {local} 40000 143\r\n".encode())
        return sock


def main():
    port = int(sys.argv[1])
    client_ip = sys.argv[2]
    for pair in sys.argv[3:]:
        user, _, password = pair.partition(":")
        try:
            imap = ProxiedImap(port, client_ip)
        except (OSError, imaplib.IMAP4.error) as e:
            print(f"ERROR {user} connect: {e}", flush=True)
            return 2
        try:
            imap.login(user, password)
            print(f"OK {user}", flush=True)
            imap.logout()
        except imaplib.IMAP4.error as e:
            text = e.args[0] if e.args else ""
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            print(f"NO {user} {text}", flush=True)
            try:
                imap.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
        except OSError as e:
            print(f"ERROR {user} {e}", flush=True)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
