#!/usr/bin/env python3
"""lmtp_gateway_check.py -- drives writ-intake the way real gateways do,
for tests/integration/test_lmtp_gateway.sh. Each subcommand prints one
JSON object and exits non-zero with a message when a promise is broken.

  concurrency PORT TEMPLATE_DIR N_CONN PER_CONN TIMEOUT_S
      N_CONN sessions are opened and held at once; while one more client
      trickles a DATA body byte by byte and another sits idle, every
      session delivers PER_CONN messages. All must be accepted before the
      trickling client finishes (one slow client blocks no one), the idle
      client must be closed with 421 4.4.2 after about TIMEOUT_S, and the
      trickling client (slow but active) must still be accepted.
  size PORT LIMIT OUT_FILE
      SIZE is advertised; MAIL ... SIZE=LIMIT+1 and a body over LIMIT get
      552 5.3.4; a CRLF, 8-bit, dot-leading message LIMIT-64 bytes long is
      accepted, and its bytes are written to OUT_FILE for comparison with
      `writctl case raw`. Prints the case id.
  bad PORT OUT_FILE
      Sends each hostile message (NUL bytes, a 2 MB header line, an
      unterminated multipart, 300 nested multiparts, a 20 MB attachment,
      unknown and lying charsets, garbage, an empty message) and writes
      "<name> <code> <case-id>" lines to OUT_FILE.
"""
import base64, json, re, smtplib, socket, sys, threading, time

from lmtp_load import load_templates

RCPT = "legal-requests@northwind-cloud.example"
FROM = "gateway@northwind-cloud.example"


def die(msg):
    print(json.dumps({"error": msg}))
    sys.exit(1)


def case_of(reply):
    m = re.search(rb"case (c[0-9a-f]+)", reply)
    return m.group(1).decode() if m else "-"


def deliver(conn, raw):
    conn.mail(FROM)
    code, reply = conn.rcpt(RCPT)
    if code != 250:
        return code, reply
    return conn.data(raw)


class RawClient:
    """A hand-driven LMTP client: sends exactly the bytes it is given."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        self.line()                                  # greeting

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        """A whole (possibly multi-line) reply: its last line."""
        while True:
            line = self.line()
            if line[3:4] != b"-":
                return line

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.reply()


def template_messages(directory):
    """The samples without their Message-ID (lmtp_load's templates, with
    the placeholder line taken out): this check only counts acceptances,
    so each session puts its own Message-ID on top."""
    return [re.sub(rb"(?m)^Message-ID: @@MSGID@@\r?\n", b"", raw, count=1)
            for _, raw in load_templates(directory)]


def concurrency(port, tdir, n_conn, per_conn, timeout_s):
    templates = template_messages(tdir)
    run = str(time.time_ns())
    results, lock = [], threading.Lock()
    all_open = threading.Barrier(n_conn + 1)
    others_done = threading.Event()
    slow = {}

    def session(k):
        conn = smtplib.LMTP("127.0.0.1", port, timeout=60)
        conn.ehlo_or_helo_if_needed()
        all_open.wait(timeout=60)                    # all held open at once
        for j in range(per_conn):
            raw = f"Message-ID: <gw-{run}-{k}-{j}@test>\r\n".encode() \
                + templates[(k + j) % len(templates)]
            code, reply = deliver(conn, raw)
            with lock:
                results.append((code, case_of(reply), time.time()))
        conn.quit()

    def trickler():
        c = RawClient(port)
        c.cmd("LHLO slow.test")
        c.cmd(f"MAIL FROM:<{FROM}>")
        c.cmd(f"RCPT TO:<{RCPT}>")
        if not c.cmd("DATA").startswith(b"354"):
            slow["error"] = "DATA refused"
            return
        body = (f"Message-ID: <slow-{run}@test>\r\n".encode() + templates[0])
        sent = 0
        # Slow but alive: one byte every 0.2 s, well inside the idle timeout,
        # until every fast session is done (and at least 2 timeouts long).
        started = time.time()
        while not others_done.is_set() or time.time() - started < 2 * timeout_s:
            c.sock.sendall(body[sent:sent + 1])
            sent += 1
            time.sleep(0.2)
        slow["finished_after_others"] = others_done.is_set()
        c.sock.sendall(body[sent:].replace(b"\r\n.", b"\r\n..") + b"\r\n.\r\n")
        line = c.reply()
        slow["reply"] = line.decode(errors="replace")
        slow["done_at"] = time.time()

    def idler():
        c = RawClient(port)
        c.cmd("LHLO idle.test")
        t0 = time.time()
        try:
            line = c.line()
        except (EOFError, OSError) as e:
            line = repr(e).encode()
        slow["idle_reply"] = line.decode(errors="replace")
        slow["idle_closed_after_s"] = round(time.time() - t0, 1)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(n_conn)]
    extra = [threading.Thread(target=trickler), threading.Thread(target=idler)]
    for t in extra + threads:
        t.start()
    all_open.wait(timeout=60)
    t_start = time.time()
    for t in threads:
        t.join()
    others_done.set()
    t_fast = time.time()
    for t in extra:
        t.join()
    ok = [r for r in results if r[0] == 250]
    out = {"connections_held_at_once": n_conn, "messages": len(results),
           "accepted": len(ok), "fast_sessions_s": round(t_fast - t_start, 2),
           **slow}
    print(json.dumps(out))
    if len(ok) != n_conn * per_conn:
        die(f"only {len(ok)}/{n_conn * per_conn} accepted: {set(r[0] for r in results)}")
    if not slow.get("reply", "").startswith("250"):
        die(f"slow client not accepted: {slow}")
    if not slow.get("finished_after_others"):
        die("the slow client finished before the fast sessions: not a concurrency check")
    if not slow.get("idle_reply", "").startswith("421 4.4.2"):
        die(f"idle client not closed with 421 4.4.2: {slow.get('idle_reply')}")
    if slow["idle_closed_after_s"] < timeout_s - 0.5:
        die(f"idle client closed too early: {slow['idle_closed_after_s']} s")


def size(port, limit, out_file):
    c = RawClient(port)
    c.sock.sendall(b"LHLO size.test\r\n")
    lines = []
    while True:
        line = c.line()
        lines.append(line)
        if line[3:4] != b"-":
            break
    if f"SIZE {limit}".encode() not in b"\n".join(lines):
        die(f"LHLO does not advertise SIZE {limit}: {lines}")
    r = c.cmd(f"MAIL FROM:<{FROM}> SIZE={limit + 1}")
    if not r.startswith(b"552 5.3.4"):
        die(f"MAIL SIZE over the limit: {r!r}")
    # Over the limit in DATA without a SIZE declaration.
    c.cmd(f"MAIL FROM:<{FROM}>")
    c.cmd(f"RCPT TO:<{RCPT}>")
    c.cmd("DATA")
    big = b"Subject: too big\r\n\r\n" + (b"x" * 998 + b"\r\n") * (limit // 1000 + 2)
    c.sock.sendall(big + b".\r\n")
    r = c.reply()
    if not r.startswith(b"552 5.3.4"):
        die(f"DATA over the limit: {r!r}")
    # Near the limit: CRLF, 8-bit, lines that start with a dot.
    head = (f"Message-ID: <near-limit-{time.time_ns()}@test>\r\n"
            "From: Det. M\u00fcller <mueller@police.example>\r\n"
            "Subject: Warrant 18 U.S.C. \u00a7 2703 - attachment\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            "Pursuant to 18 U.S.C. \u00a7 2703(d), produce records for x@northwind-cloud.example.\r\n"
            ).encode()
    filler = ".Stra\u00dfe \u00e9t\u00e9 \x01 line with leading dot\r\n".encode()
    body = bytearray(head)
    while len(body) + len(filler) <= limit - 64:
        body += filler
    body += b"a" * (limit - 64 - len(body) - 2) + b"\r\n"
    assert len(body) == limit - 64
    c.cmd(f"MAIL FROM:<{FROM}> SIZE={len(body)} BODY=8BITMIME")
    c.cmd(f"RCPT TO:<{RCPT}>")
    c.cmd("DATA")
    stuffed = bytes(body).replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    c.sock.sendall(stuffed + b".\r\n")
    r = c.reply()
    if not r.startswith(b"250"):
        die(f"near-limit message refused: {r!r}")
    open(out_file, "wb").write(bytes(body))
    print(json.dumps({"limit": limit, "near_limit_bytes": len(body), "case": case_of(r)}))


def bad_messages():
    mid = lambda n: f"Message-ID: <bad-{n}-{time.time_ns()}@test>\r\n".encode()
    hdr = (b"From: Officer <o@police.example>\r\nTo: legal-requests@northwind-cloud.example\r\n"
           b"Subject: Subpoena\r\nMIME-Version: 1.0\r\n")
    yield "nul_bytes", mid(1) + hdr + b"\r\nSubpoena for a\x00b@northwind-cloud.example\x00\x00\r\n"
    yield "header_2mb", mid(2) + hdr + b"X-Long: " + b"y" * (2 * 1024 * 1024) + b"\r\n\r\nbody\r\n"
    yield "unterminated_multipart", mid(3) + hdr + \
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\n" \
        b"Subpoena for u@northwind-cloud.example\r\n--zz\r\nContent-Type: text/plain\r\n\r\nno end\r\n"
    nest = b""
    depth = 300
    for i in range(depth):
        nest += f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n".encode()
    nest += b"Content-Type: text/plain\r\n\r\nSubpoena for deep@northwind-cloud.example\r\n"
    for i in reversed(range(depth)):
        nest += f"--b{i}--\r\n".encode()
    yield "nested_300", mid(4) + hdr + nest
    att = base64.encodebytes(bytes(range(256)) * (20 * 1024 * 1024 // 256)).replace(b"\n", b"\r\n")
    yield "attachment_20mb", mid(5) + hdr + \
        b"Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Type: text/plain\r\n\r\n" \
        b"Warrant for big@northwind-cloud.example\r\n--A\r\nContent-Type: application/octet-stream\r\n" \
        b"Content-Transfer-Encoding: base64\r\n\r\n" + att + b"--A--\r\n"
    yield "unknown_charset", mid(6) + hdr + \
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nSubpoena for cs@northwind-cloud.example \xff\xfe\r\n"
    yield "lying_charset", mid(7) + hdr + \
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nSubpoena f\xc3r l\xe4@northwind-cloud.example \xed\xa0\x80\r\n"
    yield "garbage", bytes((i * 7919) % 251 for i in range(4096)).replace(b"\n", b"")
    yield "empty", b""


def bad(port, out_file):
    lines = []
    for name, raw in bad_messages():
        conn = smtplib.LMTP("127.0.0.1", port, timeout=120)
        conn.ehlo_or_helo_if_needed()
        code, reply = deliver(conn, raw)
        lines.append(f"{name} {code} {case_of(reply)}")
        conn.quit()
    open(out_file, "w").write("\n".join(lines) + "\n")
    print(json.dumps({"sent": len(lines)}))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "concurrency":
        concurrency(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
                    float(sys.argv[6]))
    elif what == "size":
        size(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif what == "bad":
        bad(int(sys.argv[2]), sys.argv[3])
    else:
        die("usage: concurrency|size|bad ...")
