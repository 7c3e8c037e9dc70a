#!/usr/bin/env bash
# tests/tools/parse_snapshot.sh -- `writctl parse` over every fixture
# message, one output file per message: the safety net for changes to
# extraction that must not change what it extracts.
#
#   tests/tools/parse_snapshot.sh [--extended] OUTDIR
#
# Inputs (all deterministic, so two runs compare byte for byte):
#  - every *.eml under tests/fixtures (samples, pdf-requests, extra,
#    auth, ...), as OUTDIR/<dir>/<name>.json (the path below fixtures/);
#  - the documents of tests/fixtures/documents that hold a letter
#    (letter.pdf/.docx/.odt, scan-011.jpg/.png/.tif), each attached to a
#    generated message with a fixed boundary, as OUTDIR/documents/<file>.json;
#  - with --extended, also "spliced" messages: each text fixture's headers
#    with its own body followed by another fixture's body, so the rules
#    meet each other's wording (OUTDIR/spliced/<n>.json). Not golden
#    material (the messages are nonsense); for before/after comparisons.
# Standard error of each run goes to <name>.err beside it only when it
# is not empty; the exit status is written into the output when not 0.
#
# Compare two snapshots with `diff -r A B`. tests/integration/
# test_parse_golden.sh compares a snapshot with tests/fixtures/parse-golden.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${WRIT_BUILD_DIR:-$here/build}
extended=0
if [ "${1:-}" = "--extended" ]; then extended=1; shift; fi
out=${1:?usage: parse_snapshot.sh [--extended] OUTDIR}
writctl=$bin/writctl
[ -x "$writctl" ] || { echo "parse_snapshot: $writctl missing (build first)" >&2; exit 1; }

# The configuration the tests use, and nothing from the caller's shell
# that changes what parse reports.
export WRIT_CONFIG=$here/config/writ.zpl
unset WRIT_INTAKE_TRUSTED_RESULTS WRIT_PROVIDER_DOMAINS

mkdir -p "$out"
gen=$(mktemp -d "${TMPDIR:-/tmp}/writ-parse-snapshot.XXXXXX")
trap 'rm -rf "$gen"' EXIT

python3 - "$here/tests/fixtures" "$gen" "$extended" <<'PY'
import base64, email, email.policy, glob, os, sys
fixtures, gen, extended = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
types = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
         "tif": "image/tiff", "odt": "application/vnd.oasis.opendocument.text",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
os.makedirs(os.path.join(gen, "documents"))
for f in sorted(os.listdir(os.path.join(fixtures, "documents"))):
    stem, ext = f.rsplit(".", 1)
    if stem not in ("letter", "scan-011"):
        continue
    data = base64.encodebytes(open(os.path.join(fixtures, "documents", f), "rb").read())
    msg = ("From: j.ortiz@dea.gov\nTo: legal-requests@northwind-cloud.example\n"
           "Subject: Request (attached)\nDate: Mon, 03 Mar 2025 10:00:00 +0000\n"
           f"Message-ID: <doc-{f}@snapshot.example>\nMIME-Version: 1.0\n"
           'Content-Type: multipart/mixed; boundary="snapshot-boundary"\n\n'
           "--snapshot-boundary\nContent-Type: text/plain; charset=utf-8\n\n"
           "Please find the attached document.\n\n"
           f"--snapshot-boundary\nContent-Type: {types[ext]}\n"
           f'Content-Disposition: attachment; filename="{f}"\n'
           "Content-Transfer-Encoding: base64\n\n").encode() + data + \
          b"\n--snapshot-boundary--\n"
    open(os.path.join(gen, "documents", f + ".eml"), "wb").write(msg)
if extended:
    os.makedirs(os.path.join(gen, "spliced"))
    texts = []
    for p in sorted(glob.glob(os.path.join(fixtures, "extra", "*.eml")) +
                    glob.glob(os.path.join(fixtures, "samples", "requests", "*.eml"))):
        m = email.message_from_bytes(open(p, "rb").read(), policy=email.policy.default)
        part = m.get_body(preferencelist=("plain",))
        if part is None:
            continue
        try:
            texts.append((m, part.get_content()))
        except Exception:
            continue
    n = len(texts)
    for i, (m, body) in enumerate(texts):
        for step in (1, 7):
            other = texts[(i + step) % n][1]
            s = email.message.EmailMessage()
            for h in ("From", "To", "Subject", "Date"):
                if m[h] is not None:
                    s[h] = str(m[h])
            s["Message-ID"] = f"<spliced-{i}-{step}@snapshot.example>"
            s.set_content(body + "\n\n" + other, charset="utf-8", cte="8bit")
            open(os.path.join(gen, "spliced", f"{i:03d}-{step}.eml"), "wb").write(bytes(s))
PY

snap() {   # snap INPUT.eml OUTPUT.json
    mkdir -p "$(dirname "$2")"
    local rc=0
    "$writctl" parse "$1" > "$2" 2> "$2.err" || rc=$?
    [ $rc -eq 0 ] || echo "exit status $rc" >> "$2"
    [ -s "$2.err" ] || rm -f "$2.err"
}
count=0
while IFS= read -r f; do
    rel=${f#"$here/tests/fixtures/"}
    snap "$f" "$out/${rel%.eml}.json"
    count=$((count + 1))
done < <(find "$here/tests/fixtures" -name '*.eml' | LC_ALL=C sort)
for f in "$gen"/documents/*.eml; do
    snap "$f" "$out/documents/$(basename "${f%.eml}").json"
    count=$((count + 1))
done
if [ $extended = 1 ]; then
    for f in "$gen"/spliced/*.eml; do
        snap "$f" "$out/spliced/$(basename "${f%.eml}").json"
        count=$((count + 1))
    done
fi
echo "parse_snapshot: $count messages into $out"
