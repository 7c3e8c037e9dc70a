#!/usr/bin/env python3
"""genmix.py -- the benchmark's message mix, from the labelled samples.

Every template is one of the 14 samples (so every request type and MIME
form of the samples is in the mix: plain 7bit/8bit/quoted-printable text,
multipart/alternative, multipart/mixed with attachments, LF and CRLF
sources), with:

  * a placeholder Message-ID (@@MSGID@@) the load client fills in, so every
    delivery is a new case;
  * a size drawn uniformly from 2-20 KB: a message smaller than its target
    becomes multipart/mixed, the original entity as its first part and a
    base64 "exhibit" (a scanned-document stand-in) as the second;
  * for the search-warrant sample (Attachment A lists the accounts),
    variants naming 1 to 5 registered accounts, so cases carry 1-5 accounts.

Output (--out): templates in wire form (CRLF, dot-stuffed, no final "."),
each as "LEN\\n" + bytes, the format bench/lmtp_blast.c and
bench/parse_ceiling.c read. --summary writes a JSON description of the mix.
"""
import argparse, base64, glob, json, os, random, re

ACCOUNTS_014 = ["Billing@Rheinwerk-MB.example", "escrow@copperline-title.example",
                "V.Sokolova@NorthMail.example", "v.sokolova2@northmail.example",
                "p.nakamura@northmail.example"]


def split_message(raw):
    """(header bytes without the blank line, body bytes), LF line ends."""
    raw = raw.replace(b"\r\n", b"\n")
    head, sep, body = raw.partition(b"\n\n")
    return head + b"\n", body


def set_msgid(head):
    """The placeholder where the author's Message-ID was (or, if it had
    none, at the end of the header, where a gateway adds one): never above
    the gateway's trace and Authentication-Results headers, which writ
    believes only at the top of the message."""
    new, n = re.subn(rb"(?im)^message-id:.*\n([ \t].*\n)*",
                     b"Message-ID: <@@MSGID@@>\n", head, count=1)
    return new if n else head + b"Message-ID: <@@MSGID@@>\n"


def account_variants(path, raw):
    """014: the Attachment A list with 1..5 accounts."""
    if not path.endswith("014.eml"):
        return [raw]
    block = b"".join(b"    " + a.encode() + b"\n" for a in ACCOUNTS_014[:4])
    if block not in raw:
        return [raw]
    out = []
    for k in range(1, 6):
        new = b"".join(b"    " + a.encode() + b"\n" for a in ACCOUNTS_014[:k])
        out.append(raw.replace(block, new, 1))
    return out


MIME_HEADERS = re.compile(rb"(?im)^(content-[a-z-]+|mime-version):.*\n([ \t].*\n)*")


def pad_to(head, body, target, rng, n):
    """Wraps the message in multipart/mixed with an exhibit so that it is
    about target bytes long; returns (head, body)."""
    size = len(head) + 1 + len(body)
    room = target - size - 600          # the new part headers and boundaries
    if room < 256:
        return head, body
    entity = b"".join(m.group(0) for m in MIME_HEADERS.finditer(head))
    if not re.search(rb"(?im)^content-type:", entity):
        entity += b"Content-Type: text/plain; charset=us-ascii\n"
    entity = re.sub(rb"(?im)^mime-version:.*\n", b"", entity)
    outer = MIME_HEADERS.sub(b"", head)
    boundary = b"=_bench_exhibit_%d" % n
    outer += (b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + boundary
              + b"\"\n")
    blob = base64.encodebytes(rng.randbytes(room * 3 // 4))
    body = (b"--" + boundary + b"\n" + entity + b"\n" + body.rstrip(b"\n") + b"\n"
            + b"--" + boundary + b"\n"
            + b"Content-Type: application/pdf; name=\"exhibit-%d.pdf\"\n" % n
            + b"Content-Disposition: attachment; filename=\"exhibit-%d.pdf\"\n" % n
            + b"Content-Transfer-Encoding: base64\n\n" + blob
            + b"--" + boundary + b"--\n")
    return outer, body


def wire(head, body):
    text = head + b"\n" + body
    if not text.endswith(b"\n"):
        text += b"\n"
    text = re.sub(rb"(?m)^\.", b"..", text)
    return text.replace(b"\n", b"\r\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", required=True, help="dir with the NNN.eml/.json samples")
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary")
    ap.add_argument("--per-sample", type=int, default=20, help="size variants per template")
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    templates = []
    for path in sorted(glob.glob(os.path.join(a.samples, "*.eml"))):
        label = json.load(open(path[:-4] + ".json"))
        raw = open(path, "rb").read().replace(b"\r\n", b"\n")
        for v, variant in enumerate(account_variants(path, raw)):
            naccts = len(label["accounts"]) if len(account_variants(path, raw)) == 1 else v + 1
            templates.append((os.path.basename(path), label["request_type"], naccts, variant))
    out, sizes, kinds = [], [], {}
    n = 0
    # Round robin over templates, so any prefix of the mix is varied too.
    for round_ in range(a.per_sample):
        for name, rtype, naccts, raw in templates:
            head, body = split_message(raw)
            head = set_msgid(head)
            target = rng.randint(2048, 20480)
            head, body = pad_to(head, body, target, rng, n)
            data = wire(head, body)
            out.append(data)
            sizes.append(len(data))
            kinds.setdefault(rtype, 0)
            kinds[rtype] += 1
            n += 1
    with open(a.out, "wb") as f:
        for data in out:
            f.write(b"%d\n" % len(data))
            f.write(data)
    if a.summary:
        sizes.sort()
        json.dump({"templates": len(out), "base_samples": len(glob.glob(os.path.join(a.samples, "*.eml"))),
                   "size_min": sizes[0], "size_median": sizes[len(sizes) // 2],
                   "size_max": sizes[-1], "size_mean": sum(sizes) // len(sizes),
                   "request_types": kinds,
                   "accounts_range": [min(t[2] for t in templates), max(t[2] for t in templates)]},
                  open(a.summary, "w"), indent=1)


if __name__ == "__main__":
    main()
