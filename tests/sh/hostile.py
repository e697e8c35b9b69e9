#!/usr/bin/env python3
"""hostile.py: a misbehaving HTTP(S) server on 127.0.0.1 for test_hostile.sh (loopback only, free ports).

usage: hostile.py READY_FILE LOG_FILE [--cert PEM --key KEY] MODE...
One listener per MODE on 127.0.0.1 (port 0: the kernel picks a free one); writes "MODE PORT"
lines to READY_FILE once all listen, logs "MODE REQ <request line>" per request to LOG_FILE,
and exits by itself after 90 s. With --cert/--key every listener speaks TLS first. Every
endless mode stops after STREAM_MAX seconds, so nothing here runs unbounded.

Modes (the answer to every request):
  continue     "HTTP/1.1 100 Continue" heads, back to back, forever
  loris        a status line and headers, one byte per 0.2 s
  slowbody     a complete head with Content-Length: 100, then one body byte per 0.2 s
  chunked      a chunked body whose chunks never end (no last chunk)
  bighead      one header line far over any sane head limit (64 KiB)
  shortcl      Content-Length: 100 with a 5-byte body, then close
  reset        half a body, then a TCP reset (SO_LINGER 0)
  html         200 with a short HTML page, as a captive portal or a wrong proxy would send
  htmlpage     200 with a longer (300-byte) HTML page
  garbage      (TLS) bytes that are no TLS record, right after the handshake
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tls"))
from server import announce, log  # noqa: E402  (tests/tls/server.py: one line per event, under its lock)

STREAM_MAX = 30
HTML = (b"<!DOCTYPE html>\n<html><head><title>Network login</title></head>\n"
        b"<body><h1>Please log in</h1><p>This network requires you to sign in before you can "
        b"reach the internet. Ask the front desk for a voucher code.</p>\n"
        b"<form method=post action=/login><input name=code><input type=submit></form>"
        b"</body></html>\n")


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    return data.split(b"\r\n")[0].decode("latin-1")


def stream(conn, piece, pause=0.0):
    """Sends piece again and again for at most STREAM_MAX seconds (or until the peer goes)."""
    end = time.monotonic() + STREAM_MAX
    while time.monotonic() < end:
        conn.sendall(piece)
        if pause:
            time.sleep(pause)


def dribble(conn, data, pause=0.2):
    for i in range(len(data)):
        conn.sendall(data[i:i + 1])
        time.sleep(pause)


def answer(mode, conn, raw):
    if mode == "continue":
        stream(conn, b"HTTP/1.1 100 Continue\r\n\r\n" * 1024)
    elif mode == "loris":
        dribble(conn, b"HTTP/1.1 200 OK\r\nServer: slow\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n")
    elif mode == "slowbody":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        dribble(conn, b"b" * 100)
    elif mode == "chunked":
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        stream(conn, b"400\r\n" + b"c" * 1024 + b"\r\n")
    elif mode == "bighead":
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"h" * 65536 + b"\r\nContent-Length: 2\r\n\r\nok")
    elif mode == "shortcl":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")
    elif mode == "reset":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"r" * 50)
        time.sleep(0.1)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif mode in ("html", "htmlpage"):
        page = HTML if mode == "htmlpage" else b"<html><body>Please log in</body></html>\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                     % len(page) + page)
        return True
    elif mode == "garbage":
        os.write(raw.fileno(), b"\x17\x03\x03\x00\x20" + b"\x00garbage, not a TLS record.\x00" * 40)
        time.sleep(1)
    return False


def serve_conn(mode, logf, conn, raw, tls):
    try:
        conn.settimeout(10)
        if tls:
            conn.do_handshake()
        while True:
            line = read_request(conn)
            if line is None:
                break
            log(logf, "%s REQ %s" % (mode, line))
            if not answer(mode, conn, raw):
                break
    except (ssl.SSLError, OSError) as e:
        log(logf, "%s ERR %s" % (mode, e))
    try:
        conn.close()
    except OSError:
        pass


def listen(mode, logf, ctx, sock):
    while True:
        c, _ = sock.accept()
        conn = ctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False) if ctx else c
        t = threading.Thread(target=serve_conn, args=(mode, logf, conn, c, ctx is not None))
        t.daemon = True
        t.start()


def main():
    args = sys.argv[1:]
    ready, logf = args[0], args[1]
    args = args[2:]
    ctx = None
    if args[:1] == ["--cert"]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[1], args[3])
        args = args[4:]
    lines = []
    for mode in args:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        t = threading.Thread(target=listen, args=(mode, logf, ctx, s))
        t.daemon = True
        t.start()
        lines.append("%s %d\n" % (mode, s.getsockname()[1]))
    announce(ready, lines, 90)


if __name__ == "__main__":
    main()
