#!/usr/bin/env python3
"""server.py: throwaway HTTPS test server for test_tls.sh (one process, one 127.0.0.1 listener per cert).

usage: server.py READY_FILE LOG_FILE NAME:CERT:KEY ... [NAME:tarpit]
Binds every listener to 127.0.0.1 on a free port, writes "NAME PORT" lines to READY_FILE,
logs "NAME REQ <request line>" per request and "NAME HSFAIL <reason>" per failed handshake
to LOG_FILE, and exits by itself after 60 s. Paths: /ok (keep-alive, Content-Length),
/close-notify (no length, close_notify), /abrupt-cl (length, then TCP close without
close_notify), /abrupt-short (short body, no close_notify), /abrupt-delim (no length, no
close_notify); hostile ones: /continue (TLS records of "100 Continue" heads, for at most
10 s), /garbage (bytes that are no TLS record, written past the TLS layer), /stall-record
(a record header announcing 16 KiB, then one byte per 0.2 s, for at most 10 s).
"""
import os
import socket
import ssl
import sys
import threading
import time

LOCK = threading.Lock()


def log(path, line):
    with LOCK:
        with open(path, "a") as f:
            f.write(line + "\n")


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(rest) < length:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        rest += chunk
    return head.split(b"\r\n")[0].decode("latin-1")


def serve_conn(name, logf, conn):
    try:
        conn.settimeout(5)
        conn.do_handshake()
    except (ssl.SSLError, OSError) as e:
        log(logf, "%s HSFAIL %s" % (name, e))
        conn.close()
        return
    log(logf, "%s HS %s reused=%s" % (name, conn.version(), conn.session_reused))
    try:
        while True:
            line = read_request(conn)
            if line is None:
                break
            log(logf, "%s REQ %s" % (name, line))
            path = line.split(" ")[1] if " " in line else "/"
            body = b"hello from %s\n" % name.encode()
            if path == "/ok":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                continue
            if path == "/close-notify":
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body)
                try:
                    conn.unwrap()
                except (ssl.SSLError, OSError):
                    pass
            elif path == "/abrupt-cl":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            elif path == "/abrupt-short":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body)
            elif path == "/abrupt-delim":
                conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + body)
            elif path == "/continue":
                end = time.monotonic() + 10
                while time.monotonic() < end:
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)
            elif path == "/garbage":
                os.write(conn.fileno(), b"\x00garbage, not a TLS record\x00" * 64)
                time.sleep(1)
            elif path == "/stall-record":
                os.write(conn.fileno(), b"\x17\x03\x03\x40\x00")
                end = time.monotonic() + 10
                while time.monotonic() < end:
                    os.write(conn.fileno(), b"\x00")
                    time.sleep(0.2)
            else:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            break
    except (ssl.SSLError, OSError) as e:
        log(logf, "%s ERR %s" % (name, e))
    # close() without unwrap(): TCP FIN with no close_notify
    conn.close()


def tarpit(sock):
    held = []
    while True:
        c, _ = sock.accept()
        held.append(c)  # never answered, closed at exit


def listen(name, logf, ctx, sock):
    while True:
        c, _ = sock.accept()
        t = threading.Thread(target=serve_conn, args=(name, logf,
                             ctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False)))
        t.daemon = True
        t.start()


def main():
    ready, logf = sys.argv[1], sys.argv[2]
    lines = []
    for spec in sys.argv[3:]:
        parts = spec.split(":")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        if parts[1] == "tarpit":
            t = threading.Thread(target=tarpit, args=(s,))
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(parts[1], parts[2])
            t = threading.Thread(target=listen, args=(parts[0], logf, ctx, s))
        t.daemon = True
        t.start()
        lines.append("%s %d\n" % (parts[0], s.getsockname()[1]))
    announce(ready, lines, 60)


def announce(ready, lines, seconds):
    """Writes the "MODE PORT" lines to READY at once (temp + rename), serves SECONDS, exits."""
    with open(ready + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(ready + ".tmp", ready)
    threading.Event().wait(seconds)
    os._exit(0)


if __name__ == "__main__":
    main()
