#!/usr/bin/env bash
# tests/fuzz/run.sh -- builds the libFuzzer targets (clang, ASan + UBSan) in
# their own build dir and runs each one for a bounded time, one after the
# other (never two at once).
#
#   FUZZ_SECONDS=60        how long each fuzzer runs (libFuzzer -max_total_time)
#   FUZZERS="wire parse document"   which ones (fuzz_wire, fuzz_parse,
#                          fuzz_document)
#   WRIT_FUZZ_BUILD_DIR    build dir (default: build-fuzz/ in the repository)
#
# Seed corpora are made fresh in a temporary dir: fuzz_wire's by the
# wire_seeds program (encoded cases + a dictionary of the record's keys and
# names), fuzz_parse's from tests/fixtures/samples/requests/*.eml. Prints
# one line per fuzzer -- "fuzz_wire: N execs, 0 crashes" -- and exits
# non-zero on any crash, leak, timeout or out-of-memory; the offending
# inputs are kept in BUILD_DIR/fuzz-artifacts/<fuzzer>/.
#
# tests/fuzz/crashes/<f>-*: inputs that once broke fuzz_<f> (kept small).
# After fuzzing, each is run once more through fuzz_<f> as a regression
# check; one that still fails fails the run.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${WRIT_FUZZ_BUILD_DIR:-$src/build-fuzz}
secs=${FUZZ_SECONDS:-60}
read -r -a fuzzers <<< "${FUZZERS:-wire parse document}"
case $secs in ''|*[!0-9]*|0) echo "run.sh: FUZZ_SECONDS must be a positive integer" >&2; exit 2;; esac

# ---- build -----------------------------------------------------------------
for f in "${fuzzers[@]}"; do
    if [ ! -f "$src/tests/fuzz/fuzz_$f.c" ]; then
        echo "run.sh: no fuzzer fuzz_$f (tests/fuzz/fuzz_$f.c)" >&2; exit 2
    fi
    if [ "$f" = parse ] && [ ! -f "$src/common/mail/parse.c" ]; then
        echo "run.sh: common/mail/parse.c does not exist: fuzz_parse cannot be built" >&2; exit 1
    fi
done
mkdir -p "$build"
targets=(wire_seeds)
for f in "${fuzzers[@]}"; do targets+=("fuzz_$f"); done
echo "=== building ${targets[*]} in $build"
if ! { CC=clang cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DWRIT_FUZZ=ON \
         && cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"; } \
        > "$build/fuzz-build.log" 2>&1; then
    grep -E 'error|Error|WARNING|warning' "$build/fuzz-build.log" | head -40 >&2 \
        || tail -40 "$build/fuzz-build.log" >&2
    echo "run.sh: build failed (full log: $build/fuzz-build.log)" >&2
    exit 1
fi

# ---- seeds and dictionaries ---------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/writ-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$build/tests/fuzz

mkdir -p "$work/seed-wire" "$work/seed-parse" "$work/seed-document"
# fuzz_document: the document fixtures (not the large scans), and the PDFs
# the labelled samples carry.
for d in "$src"/tests/fixtures/documents/*; do
    [ "$(stat -c %s "$d")" -le 65536 ] && cp "$d" "$work/seed-document/"
done
python3 - "$src/tests/fixtures/pdf-requests" "$work/seed-document" <<'PY'
import email, glob, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.eml"))):
    for part in email.message_from_binary_file(open(path, "rb")).walk():
        data = part.get_payload(decode=True) if part.get_filename() else None
        if data and len(data) <= 65536:
            open(os.path.join(sys.argv[2], os.path.basename(path) + ".pdf"), "wb").write(data)
PY
printf '%s\n' '"%PDF-1.4"' '"obj"' '"endobj"' '"stream"' '"endstream"' '"xref"' \
    '"trailer"' '"/FlateDecode"' '"/Type /Page"' '"/MediaBox"' '"/Encrypt"' \
    '"BT"' '"Tj"' '"ET"' '"PK\x03\x04"' '"word/document.xml"' '"content.xml"' \
    '"<w:t>"' '"<text:p>"' '"\x89PNG"' '"IHDR"' '"IDAT"' '"\xff\xd8\xff"' \
    '"II*\x00"' > "$work/document.dict"
"$bin/wire_seeds" "$work/seed-wire" "$work/wire.dict" >/dev/null
cp "$src"/tests/fixtures/samples/requests/*.eml "$work/seed-parse/"
# A few shapes the samples do not have: minimal, nested multipart, encodings.
printf 'From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n' > "$work/seed-parse/min.eml"
cat > "$work/seed-parse/multipart.eml" <<'MAIL'
From: "Agent" <agent@fbi.example.gov>
To: legal-requests@northwind-cloud.example
Subject: =?utf-8?B?U2VhcmNoIFdhcnJhbnQg4oCUIDI1IE1KIDQ0MTg=?=
Message-ID: <x1@fbi.example.gov>
Date: Mon, 6 Oct 2025 10:00:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

SEARCH WARRANT for user@example.com: subscriber records and contents, =
within 10 days of 1 October 2025. Do not notify the customer.
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+PGI+U0VBUkNIIFdBUlJBTlQ8L2I+IGZvciA8YSBocmVmPSJtYWlsdG86dXNlckBleGFt
cGxlLmNvbSI+dGhlIGFjY291bnQ8L2E+PC9wPg==
--inner--
--outer
Content-Type: message/rfc822

From: clerk@court.example.gov
Subject: Order 18 U.S.C. 2703(d)

Forwarded order: preserve records of other@example.org for 90 days.
--outer--
MAIL
cat > "$work/parse.dict" <<'DICT'
"From: "
"To: "
"Cc: "
"Reply-To: "
"Subject: "
"Message-ID: <"
"Date: "
"MIME-Version: 1.0"
"Content-Type: "
"multipart/mixed"
"multipart/alternative"
"message/rfc822"
"text/plain"
"text/html"
"; boundary="
"; charset="
"utf-8"
"iso-2022-jp"
"Content-Transfer-Encoding: "
"base64"
"quoted-printable"
"uuencode"
"Content-Disposition: attachment; filename="
"=?utf-8?B?"
"=?iso-8859-1?Q?"
"?="
"\x0d\x0a--"
"--\x0d\x0a"
"\x0d\x0a\x0d\x0a"
"Authentication-Results: "
"dkim=pass"
"spf=fail"
"dmarc=pass"
"---------- Forwarded message ---------"
"-----Original Message-----"
"&nbsp;"
"&#x2014;"
"<br>"
"<td>"
"mailto:"
"@"
"SEARCH WARRANT"
"subpoena"
"18 U.S.C. \xc2\xa7 2703(d)"
"2705(b)"
"National Security Letter"
"preservation"
"emergency"
"danger of death or serious physical injury"
"Mutual Legal Assistance"
"Case No. "
"subscriber"
"content"
"do not notify"
"within 10 days"
"for a period of one year from the date of this order"
"31 July 2014"
"July 31, 2014"
"07/31/2014"
"2014-07-31"
DICT

# ---- run ---------------------------------------------------------------------
sym=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:symbolize=1${sym:+:external_symbolizer_path=$sym}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${sym:+:external_symbolizer_path=$sym}"
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp:print_suppressions=0"

status=0
summary=()
for f in "${fuzzers[@]}"; do
    name=fuzz_$f
    case $f in
        parse) max_len=262144 ;;
        *)     max_len=65536 ;;
    esac
    artifacts=$build/fuzz-artifacts/$name
    rm -rf "$artifacts"; mkdir -p "$artifacts" "$work/corpus-$f"
    log=$work/$name.log
    echo "=== $name for ${secs}s (max_len $max_len)"
    rc=0
    # -max_total_time bounds the run; the outer timeout bounds the bound.
    timeout -k 30 $((secs + 180)) "$bin/$name" \
        -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -detect_leaks=1 \
        -dict="$work/$f.dict" -artifact_prefix="$artifacts/" \
        "$work/corpus-$f" "$work/seed-$f" > "$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=0
    found=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' \
              -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    corpus=$(find "$work/corpus-$f" -type f | wc -l)
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        status=1
        [ "$found" -ne 0 ] || found=1      # it failed before writing an input
        echo "--- $name failed (exit $rc); the end of its output:" >&2
        grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|INITED)' "$log" | tail -60 >&2
        echo "--- inputs kept in $artifacts/:" >&2
        ls -l "$artifacts" >&2
        [ "$rc" -eq 124 ] && echo "--- $name overran its time bound" >&2
    fi
    line="$name: $execs execs, $found crashes"
    echo "$line (corpus grew to $corpus new inputs, exit $rc)"
    summary+=("$line")

    # Regression: the known reproducers for this fuzzer, each run once.
    repros=()
    for r in "$src/tests/fuzz/crashes/$f"-*; do [ -f "$r" ] && repros+=("$r"); done
    if [ ${#repros[@]} -gt 0 ]; then
        bad=0
        for r in "${repros[@]}"; do
            if ! timeout -k 10 120 "$bin/$name" -rss_limit_mb=2048 -timeout=10 \
                    "$r" > "$work/repro.log" 2>&1; then
                bad=$((bad + 1))
                echo "--- $name still fails on tests/fuzz/crashes/$(basename "$r"):" >&2
                grep -E 'invariant broken|wire_decode_case:|ERROR:|runtime error|SUMMARY' \
                    "$work/repro.log" | head -5 >&2
            fi
        done
        [ "$bad" -eq 0 ] || status=1
        line="$name regression: $((${#repros[@]} - bad))/${#repros[@]} known reproducers pass"
        echo "$line"
        summary+=("$line")
    fi
done

echo "=== fuzz summary (${secs}s each)"
printf '%s\n' "${summary[@]}"
exit $status
