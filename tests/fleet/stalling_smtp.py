#!/usr/bin/python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# An SMTP server on 127.0.0.1 that never finishes a delivery, for the fleet
# tests: a deliverer that sends to it holds its claim on the message until it
# is killed. Prints its port on the first line of stdout, then runs until it
# is killed.
#
#   stalling_smtp.py after-data OUT_DIR   speaks SMTP up to the end of DATA,
#                                         stores the message in OUT_DIR as a
#                                         numbered file (as mfa_peers.py
#                                         does), and never answers it: the
#                                         message was sent, its sender never
#                                         learns that it was accepted
#   stalling_smtp.py greeting OUT_DIR     accepts connections, notes each
#                                         in OUT_DIR as a numbered empty
#                                         file "NNNN.conn", and never sends a
#                                         greeting: nothing is sent
import os
import socket
import sys
import threading


def write(out_dir, data, suffix='eml'):
    n = len([f for f in os.listdir(out_dir) if not f.endswith('.tmp')])
    path = os.path.join(out_dir, '%04d.%s' % (n, suffix))
    with open(path + '.tmp', 'wb') as f:
        f.write(data)
    os.rename(path + '.tmp', path)


def serve(conn, mode, out_dir, lock):
    if mode == 'greeting':
        with lock:
            write(out_dir, b'', 'conn')
        while conn.recv(4096):
            pass
        return
    f = conn.makefile('rb')
    conn.sendall(b'220 stall.test ESMTP\r\n')
    while True:
        line = f.readline()
        if not line:
            return
        verb = line.strip().upper()
        if verb.startswith(b'EHLO'):
            conn.sendall(b'250-stall.test\r\n250 8BITMIME\r\n')
        elif verb == b'DATA':
            conn.sendall(b'354 End data with <CR><LF>.<CR><LF>\r\n')
            data = b''
            while True:
                line = f.readline()
                if not line or line == b'.\r\n':
                    break
                data += line[1:] if line.startswith(b'..') else line
            with lock:
                write(out_dir, data)
            while f.readline():  # no answer, ever
                pass
            return
        elif verb == b'QUIT':
            conn.sendall(b'221 Bye\r\n')
            return
        else:  # HELO, MAIL, RCPT, RSET, NOOP
            conn.sendall(b'250 OK\r\n')


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('after-data', 'greeting'):
        sys.exit('usage: stalling_smtp.py after-data|greeting OUT_DIR')
    mode, out_dir = sys.argv[1], sys.argv[2]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(('127.0.0.1', 0))
    server.listen(16)
    print(server.getsockname()[1], flush=True)
    lock = threading.Lock()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, mode, out_dir, lock),
                         daemon=True).start()


if __name__ == '__main__':
    main()
