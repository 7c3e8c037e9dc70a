#!/usr/bin/env bash
# bench/documents.sh [N] -- how fast writ reads documents (scripts/bench
# --documents runs it). Short runs: the figures are for comparison on the
# same machine in the same run, not absolute.
#
#  1. OCR pages/s on one core: the scanned samples' pages rendered at
#     300 dpi (what writ renders), read by writ's path (doc_ceiling:
#     Leptonica deskew + Tesseract C API, eng+deu) and by the `tesseract`
#     command line on the same images (the ceiling), OMP_THREAD_LIMIT=1.
#  2. Text-layer pages/s: the text-layer sample PDFs through doc_ceiling
#     (poppler-glib) and through `pdftotext`.
#  3. End to end: N messages (default 25), 20 % of them scanned-PDF
#     requests, the rest text-layer PDF requests, delivered over LMTP to
#     a native stack with extract=1 and then extract=2: cases/s until every
#     case is finished, and the gateway's acceptance rate (messages/s
#     answered 250) while OCR runs, against a run with no scans.
# Prints one JSON object.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${WRIT_BIN_DIR:-$src/build}
n=${1:-25}
pdfs=$src/tests/fixtures/pdf-requests
work=$(mktemp -d "${TMPDIR:-/tmp}/writ-docbench.XXXXXX")
trap '"$src/scripts/stack" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1
mkdir -p "$work/scan" "$work/text" "$work/img" "$work/msgs"

python3 - "$pdfs" "$work" <<'PY'
import email, glob, json, os, sys
pdfs, work = sys.argv[1:3]
for path in sorted(glob.glob(os.path.join(pdfs, "*.eml"))):
    variant = json.load(open(path[:-4] + ".json"))["variant"]
    for part in email.message_from_binary_file(open(path, "rb")).walk():
        if part.get_filename():
            d = "scan" if variant == "pdf-scan" else "text"
            open(os.path.join(work, d, os.path.basename(path)[:-4] + ".pdf"), "wb").write(
                part.get_payload(decode=True))
PY
for f in "$work"/scan/*.pdf; do pdftoppm -r 300 -gray -png "$f" "$work/img/$(basename "$f" .pdf)"; done

secs() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "print(round($2 - $1, 3))"; }

# --- 1. OCR ---------------------------------------------------------------
ocr_writ=$("$bin/bench/doc_ceiling" 1 "$work"/img/*.png)
pages=$(ls "$work"/img/*.png | wc -l)
t0=$(secs)
for f in "$work"/img/*.png; do tesseract "$f" - -l eng+deu >/dev/null 2>&1; done
t1=$(secs)
ocr_cli_s=$(elapsed "$t0" "$t1")

# --- 2. text layer ---------------------------------------------------------
rounds=20
text_writ=$("$bin/bench/doc_ceiling" $rounds "$work"/text/*.pdf)
t0=$(secs)
for ((r = 0; r < rounds; r++)); do
    for f in "$work"/text/*.pdf; do pdftotext "$f" - >/dev/null; done
done
t1=$(secs)
text_cli_s=$(elapsed "$t0" "$t1")
text_pages=$(( $(for f in "$work"/text/*.pdf; do pdfinfo "$f" | awk '/^Pages:/ {print $2}'; done | paste -sd+ | bc) * rounds ))

# --- 3. end to end ------------------------------------------------------------
# N messages, every fifth a scan, each with a Message-ID of its own.
mix() {  # mix DIR SCANS(0|1)
    python3 - "$pdfs" "$1" "$n" "$2" <<'PY'
import glob, json, os, re, sys
pdfs, out, n, scans = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
text = [p for p in sorted(glob.glob(os.path.join(pdfs, "*.eml")))
        if json.load(open(p[:-4] + ".json"))["variant"] == "pdf-text"]
scan = [p for p in sorted(glob.glob(os.path.join(pdfs, "*.eml")))
        if json.load(open(p[:-4] + ".json"))["variant"] == "pdf-scan"]
os.makedirs(out, exist_ok=True)
for i in range(n):
    src = scan[i // 5 % len(scan)] if scans and i % 5 == 4 else text[i % len(text)]
    raw = open(src, "rb").read()
    raw = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: <bench-%d-%d@bench.example>" % (scans, i), raw, count=1)
    open(os.path.join(out, "%04d.eml" % i), "wb").write(raw)
PY
}
e2e() {  # e2e EXTRACT_REPLICAS SCANS -> "cases_per_s accept_per_s"
    local k=$1 scans=$2 dir=$work/msgs/$1-$2
    mix "$dir" "$scans"
    export WRIT_RUN_DIR=$work/run-$k-$scans WRIT_BIN_DIR=$bin WRIT_CONFIG=$src/config/writ.zpl
    export WRIT_LMTP_PORT=$("$src/scripts/free-port") WRIT_REDIS_PORT=$("$src/scripts/free-port")
    export WRIT_BUS_PORT=$("$src/scripts/free-port" --pair)
    unset WRIT_REDIS_URL
    "$src/scripts/stack" up --scale extract="$k" >/dev/null
    source "$WRIT_RUN_DIR/env"
    local t0 t1 t2 start=$SECONDS
    t0=$(secs)
    # A gateway's concurrency (4 connections), retrying any 4xx.
    python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count "$n" \
        --connections 4 --templates "$dir" --deadline 600 >"$dir.load.json" \
        || { echo "documents.sh: LMTP load failed: $(cat "$dir.load.json")" >&2; exit 1; }
    t1=$(secs)
    while "$bin/writctl" case list --json 2>/dev/null | python3 -c '
import json, sys
cs = json.load(sys.stdin)
sys.exit(0 if len(cs) < int(sys.argv[1]) or any(c["state"] in ("documents", "received", "decided") for c in cs) else 1)' "$n"; do
        [ $SECONDS -lt $((start + 1800)) ] \
            || { echo "documents.sh: cases not finished in 30 min (see $WRIT_RUN_DIR/logs)" >&2; exit 1; }
        sleep 0.2
    done
    t2=$(secs)
    "$src/scripts/stack" down >/dev/null
    python3 -c "print(round($n / ($t2 - $t0), 3), round($n / ($t1 - $t0), 2))"
}
read -r e2e1 acc1 <<< "$(e2e 1 1)"
read -r e2e2 acc2 <<< "$(e2e 2 1)"
read -r e2e0 acc0 <<< "$(e2e 1 0)"

python3 - "$ocr_writ" "$pages" "$ocr_cli_s" "$text_writ" "$text_pages" "$text_cli_s" \
    "$n" "$e2e1" "$e2e2" "$e2e0" "$acc1" "$acc2" "$acc0" "$(nproc --all)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
a = sys.argv[1:]
ocr, text = json.loads(a[0]), json.loads(a[3])
ocr_cli = int(a[1]) / float(a[2])
text_cli = int(a[4]) / float(a[5])
print(json.dumps({
    "ocr_pages_per_s_one_core": {"writ": ocr["pages_per_s"], "tesseract_cli": round(ocr_cli, 3),
                                 "ratio": round(ocr["pages_per_s"] / ocr_cli, 2),
                                 "pages": ocr["pages"], "mean_confidence": ocr["mean_confidence"]},
    "text_layer_pages_per_s": {"writ": text["pages_per_s"], "pdftotext": round(text_cli, 1),
                               "ratio": round(text["pages_per_s"] / text_cli, 2), "pages": text["pages"]},
    "end_to_end": {"messages": int(a[6]), "scanned_share": 0.2,
                   "cases_per_s_extract_1": float(a[7]), "cases_per_s_extract_2": float(a[8]),
                   "cases_per_s_no_scans_extract_1": float(a[9]),
                   "accepted_per_s_with_ocr_extract_1": float(a[10]),
                   "accepted_per_s_with_ocr_extract_2": float(a[11]),
                   "accepted_per_s_no_scans": float(a[12]),
                   "ratio_extract_2_vs_1": round(float(a[8]) / float(a[7]), 2),
                   "ratio_acceptance_with_ocr_vs_none": round(float(a[10]) / float(a[12]), 2)},
    "cores": int(a[13]), "loadavg_at_end": a[14],
    "note": "short runs on a shared 2-core machine; no CPU quota per stage; 4 LMTP connections (tests/tools/lmtp_load.py)",
}, indent=2))
PY
