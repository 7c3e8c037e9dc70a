#!/usr/bin/env python3
"""lmtp_load.py -- a gateway stand-in: delivers many request messages to
writ's intake over LMTP from several concurrent connections, retrying
every 4xx (as a gateway keeps and retries a deferred message) until each is
accepted or the deadline passes. Messages are the labelled samples with a
fresh Message-ID each, so every delivery is a new case.

Prints one JSON object: accepted, retries, refused (5xx), failed, elapsed;
with --out, writes one line per accepted message: "<sample> <message-id>
<case-id>".
"""
import argparse, glob, json, os, re, smtplib, sys, threading, time

def without_message_id(raw):
    """The sample with a @@MSGID@@ placeholder where its Message-ID was (or
    at the end of its header): the fresh Message-ID goes there, not on top,
    because writ believes Authentication-Results only at the top of the
    message, above everything the author wrote."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    eol = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    head += eol
    new, n = re.subn(rb"(?im)^message-id:.*\r?\n([ \t].*\r?\n)*",
                     b"Message-ID: @@MSGID@@" + eol, head, count=1)
    if not n:
        new = head + b"Message-ID: @@MSGID@@" + eol
    return new + eol + body if sep else new


def load_templates(directory):
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "*.eml"))):
        raw = open(path, "rb").read()
        out.append((os.path.basename(path)[:-4], without_message_id(raw)))
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--templates", required=True)
    ap.add_argument("--only", default="", help="comma list of sample names to use")
    ap.add_argument("--run-id", default=str(os.getpid()))
    ap.add_argument("--deadline", type=float, default=300.0)
    ap.add_argument("--rate", type=float, default=0.0, help="messages/s overall (0: as fast as possible)")
    ap.add_argument("--out")
    a = ap.parse_args()

    templates = load_templates(a.templates)
    if a.only:
        keep = set(a.only.split(","))
        templates = [t for t in templates if t[0] in keep]
    lock = threading.Lock()
    stats = {"accepted": 0, "retries": 0, "refused": 0, "failed": 0}
    accepted_lines = []
    next_index = [0]
    start = time.time()
    end_by = start + a.deadline

    def take():
        with lock:
            i = next_index[0]
            if i >= a.count:
                return None
            next_index[0] += 1
            return i

    def worker():
        conn = None
        while True:
            i = take()
            if i is None:
                break
            if a.rate > 0:
                due = start + i / a.rate
                if due > time.time():
                    time.sleep(due - time.time())
            name, raw = templates[i % len(templates)]
            mid = f"<load-{a.run_id}-{i}@writ-load.test>"
            msg = raw.replace(b"@@MSGID@@", mid.encode(), 1)
            while True:
                if time.time() > end_by:
                    with lock:
                        stats["failed"] += 1
                    break
                try:
                    if conn is None:
                        conn = smtplib.LMTP("127.0.0.1", a.port, timeout=30)
                        conn.ehlo_or_helo_if_needed()
                    conn.mail("gateway@northwind-cloud.example")
                    code, _ = conn.rcpt("legal-requests@northwind-cloud.example")
                    if code >= 400:
                        raise smtplib.SMTPResponseException(code, b"rcpt")
                    code, reply = conn.data(msg)
                    if code == 250:
                        case = re.search(rb"case (c[0-9a-f]+)", reply)
                        with lock:
                            stats["accepted"] += 1
                            accepted_lines.append(f"{name} {mid[1:-1]} {case.group(1).decode() if case else '-'}")
                        break
                    raise smtplib.SMTPResponseException(code, reply)
                except smtplib.SMTPResponseException as e:
                    if os.environ.get("LMTP_LOAD_DEBUG"):
                        print("reply", e.smtp_code, e.smtp_error, file=sys.stderr)
                    if 500 <= e.smtp_code < 600:
                        with lock:
                            stats["refused"] += 1
                        try:
                            conn.rset()
                        except Exception:
                            conn = None
                        break
                    with lock:
                        stats["retries"] += 1
                    try:
                        conn.rset()
                    except Exception:
                        conn = None
                    time.sleep(0.2)
                except (OSError, smtplib.SMTPException) as e:
                    if os.environ.get("LMTP_LOAD_DEBUG"):
                        print("error", repr(e), file=sys.stderr)
                    with lock:
                        stats["retries"] += 1
                    conn = None
                    time.sleep(0.2)
        if conn is not None:
            try:
                conn.quit()
            except Exception:
                pass

    threads = [threading.Thread(target=worker) for _ in range(a.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats["elapsed_s"] = round(time.time() - start, 3)
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(accepted_lines) + ("\n" if accepted_lines else ""))
    print(json.dumps(stats))
    return 0 if stats["failed"] == 0 and stats["refused"] == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
