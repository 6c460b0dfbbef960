#!/usr/bin/python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# Peers for the MFA and notification end-to-end tests, on 127.0.0.1. Each
# prints its port on the first line of stdout, then writes every message it
# receives into OUT_DIR as a numbered file, until it is killed.
#
#   mfa_peers.py smtp OUT_DIR [PORT]    a real SMTP server (Debian's aiosmtpd),
#                                       on PORT if given (to come back after
#                                       being stopped), else a free port
#   mfa_peers.py smtp-flaky OUT_DIR     the same, but it answers the first
#                                       delivery of each Message-ID with 451
#                                       after storing it (a lost "250"), so
#                                       the client sends it again
#   mfa_peers.py smtp-refuse OUT_DIR [PORT]
#                                       the same, but it refuses every
#                                       recipient for good (550, quoting the
#                                       address, as real servers do)
#   mfa_peers.py smtp-tls OUT_DIR CERT KEY USER PASSWORD
#                                       the same, requiring STARTTLS and AUTH
#   mfa_peers.py http OUT_DIR KEY_FILE  an SMS gateway that checks the
#                                       X-Vigil-Signature HMAC-SHA256 itself
#   mfa_peers.py decode FILE            prints, as JSON, a received message
#                                       as Python's email package reads it:
#                                       the decoded subject, each text part
#                                       (type, transfer encoding, decoded
#                                       content with CRLF as LF) and the
#                                       longest line of the raw message
import errno
import hashlib
import hmac
import json
import os
import socket
import sys
import time


def write(out_dir, suffix, data):
    n = len([f for f in os.listdir(out_dir) if not f.endswith('.tmp')])
    path = os.path.join(out_dir, '%04d.%s' % (n, suffix))
    with open(path + '.tmp', 'wb') as f:
        f.write(data)
    os.rename(path + '.tmp', path)


def smtp(out_dir, tls=None, port=0, flaky=False, refuse=False):
    import re
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    seen = set()

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address,
                              rcpt_options):
            if refuse:
                return '550 5.1.1 <%s>: Recipient address rejected' % address
            envelope.rcpt_tos.append(address)
            return '250 OK'

        async def handle_DATA(self, server, session, envelope):
            login = session.auth_data or b''
            if isinstance(login, str):
                login = login.encode()
            content = envelope.original_content or envelope.content
            write(out_dir, 'eml', b'X-Test-Auth: ' + login + b'\r\n' +
                  b'X-Test-TLS: ' + (b'yes' if session.ssl else b'no') +
                  b'\r\n' + content)
            if flaky:
                m = re.search(rb'^Message-ID: *(\S+)', content, re.M | re.I)
                key = m.group(1) if m else content
                if key not in seen:
                    seen.add(key)
                    return '451 4.3.0 Stored, but pretending it was not'
            return '250 Message accepted for delivery'

    kwargs = {}
    if tls is not None:
        import ssl
        cert, key, user, password = tls
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login == user.encode() and
                  auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False, auth_data=auth_data.login)

        kwargs = dict(tls_context=context, require_starttls=True,
                      auth_required=True, auth_require_tls=True,
                      authenticator=authenticator)

    # A port given (a server coming back where vigild expects it) may be
    # held for a moment by another test's outgoing connection, which took
    # it as its ephemeral port: try again for up to 10 s. A port picked
    # here may be taken between the pick and the bind: pick another.
    chosen = bool(port)
    deadline = time.monotonic() + 10
    while True:
        if not chosen:
            s = socket.socket()
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
            s.close()
        controller = Controller(Handler(), hostname='127.0.0.1', port=port, **kwargs)
        try:
            controller.start()
            break
        except OSError as e:
            if e.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    print(port, flush=True)
    while True:
        time.sleep(3600)


def http(out_dir, key_file):
    from http.server import BaseHTTPRequestHandler, HTTPServer
    with open(key_file, 'rb') as f:
        key = f.read().rstrip(b'\r\n')

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
            sig = self.headers.get('X-Vigil-Signature', '')
            want = 'sha256=' + hmac.new(key, body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(sig, want)
            write(out_dir, 'json', json.dumps({
                'path': self.path,
                'signature': sig,
                'signature_valid': ok,
                'idempotency_key': self.headers.get('Idempotency-Key'),
                'content_type': self.headers.get('Content-Type'),
                'body': body.decode('utf-8'),
            }).encode('utf-8'))
            self.send_response(200 if ok else 401)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def decode(path):
    import email
    from email import policy
    with open(path, 'rb') as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() != 'text':
            continue
        parts.append({
            'type': part.get_content_type(),
            'transfer_encoding': part.get('Content-Transfer-Encoding', ''),
            'content': part.get_content().replace('\r\n', '\n'),
        })
    print(json.dumps({
        'subject': str(msg['subject']),
        'parts': parts,
        'defects': [str(d) for d in msg.defects],
        'longest_line': max(len(l) for l in raw.split(b'\r\n')),
        'longest_header_line': max(
            len(l) for l in raw.split(b'\r\n\r\n')[0].split(b'\r\n')),
    }))


if __name__ == '__main__':
    if sys.argv[1] == 'decode':
        decode(sys.argv[2])
    elif sys.argv[1] == 'smtp':
        smtp(sys.argv[2], port=int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    elif sys.argv[1] == 'smtp-refuse':
        smtp(sys.argv[2], port=int(sys.argv[3]) if len(sys.argv) > 3 else 0,
             refuse=True)
    elif sys.argv[1] == 'smtp-flaky':
        smtp(sys.argv[2], flaky=True)
    elif sys.argv[1] == 'smtp-tls':
        smtp(sys.argv[2], tls=sys.argv[3:7])
    else:
        http(sys.argv[2], sys.argv[3])
