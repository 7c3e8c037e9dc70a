#!/usr/bin/env python3
"""lmtp_hostile.py -- hostile LMTP clients for the tests (issue 15).

  noop-flood --port P --count N
      One connection pipelines N NOOPs and never reads a reply. Prints
      {"sent": bytes, "offered": bytes}: a server that stops reading a
      client whose replies pile up makes the sender wait (sent < offered).
  data-hold --port P --conns C --bytes B --hold S
      C connections each start DATA and send B bytes of a message without
      its end, hold S seconds, then close. Prints {"opened": C}.
  idle --port P --conns C --hold S [--source ADDR]
      C connections (from ADDR) that only read the greeting and hold.
      Prints {"greeted": n, "refused": n} (220 vs 421).
Only the standard library; loopback only.
"""
import argparse
import json
import socket
import sys
import time


def connect(port, source=None, timeout=30):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_reply(s):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


def noop_flood(a):
    s = connect(a.port)
    read_reply(s)
    s.settimeout(5)                  # a stall this long: the server stopped reading
    chunk = b"NOOP\r\n" * 10000
    offered = len(chunk) * (a.count // 10000)
    sent = 0
    try:
        while sent < offered:
            sent += s.send(chunk)    # (a NOOP cut in two is just another bad line)
    except (socket.timeout, BlockingIOError):
        pass
    print(json.dumps({"sent": sent, "offered": offered}))
    s.close()


def data_hold(a):
    conns = []
    body = (b"x" * 998 + b"\r\n") * (a.bytes // 1000)
    for _ in range(a.conns):
        s = connect(a.port)
        read_reply(s)
        s.sendall(b"LHLO hostile\r\nMAIL FROM:<a@b.example>\r\n"
                  b"RCPT TO:<legal-requests@northwind-cloud.example>\r\nDATA\r\n")
        conns.append(s)
    # Round-robin, 64 KB at a time: every transfer grows until the server's
    # budget is used up to the last line.
    for s in conns:
        s.sendall(b"Subject: hold\r\n\r\n")
    chunk = 64 * 1000
    for at in range(0, len(body), chunk):
        for s in conns:
            s.sendall(body[at:at + chunk])
    print(json.dumps({"opened": len(conns)}), flush=True)
    time.sleep(a.hold)
    for s in conns:
        s.close()


def idle(a):
    conns, greeted, refused = [], 0, 0
    for _ in range(a.conns):
        s = connect(a.port, a.source)
        r = read_reply(s)
        if r.startswith("220"):
            greeted += 1
            conns.append(s)
        else:
            refused += 1
            s.close()
    print(json.dumps({"greeted": greeted, "refused": refused}), flush=True)
    time.sleep(a.hold)
    for s in conns:
        s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["noop-flood", "data-hold", "idle"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1000000)
    p.add_argument("--conns", type=int, default=1)
    p.add_argument("--bytes", type=int, default=1000000)
    p.add_argument("--hold", type=float, default=10)
    p.add_argument("--source")
    a = p.parse_args()
    {"noop-flood": noop_flood, "data-hold": data_hold, "idle": idle}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
