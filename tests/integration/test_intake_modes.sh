#!/usr/bin/env bash
# Intake's promises to the gateway, with the real binaries: pipe mode
# exit statuses (0 stored, 65 not mail but kept, 75 store unavailable),
# LMTP replies (250, 554 for non-mail kept for review, 550 for a wrong
# recipient, 451 while Redis is down), and byte-exact custody.
source "$(dirname "$0")/../lib.sh"
stack_env
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

# Pipe mode: a sample is stored; its raw bytes come back identical (LF file).
"$bin/writ-intake" --stdin < "$fixtures/requests/001.eml" > "$tmp/out" 2>&1 \
    || fail "pipe delivery of 001 exited $?"
id=$(grep -o 'case c[0-9a-f]*' "$tmp/out" | cut -d' ' -f2)
[ -n "$id" ] || fail "pipe mode did not name the case"
writctl case raw "$id" > "$tmp/raw"
cmp -s "$tmp/raw" "$fixtures/requests/001.eml" || fail "case raw differs from the piped bytes"
pass "pipe mode stores the case; case raw is byte-exact (LF)"

# Pipe mode records pipe(8)'s envelope (--sender/--recipient) for custody.
env_of() { writctl case show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["envelope"] or "")'; }
[ "$(env_of "$id")" = "" ] || fail "a pipe delivery without --sender has an envelope: $(env_of "$id")"
"$bin/writ-intake" --stdin --recipient=legal-requests@northwind-cloud.example \
    --sender=duty.officer@fbi.gov < "$fixtures/requests/002.eml" > "$tmp/out" \
    || fail "pipe delivery with an envelope exited $?"
id=$(grep -o 'case c[0-9a-f]*' "$tmp/out" | cut -d' ' -f2)
[ "$(env_of "$id")" = "from=<duty.officer@fbi.gov> to=<legal-requests@northwind-cloud.example>" ] \
    || fail "pipe envelope: '$(env_of "$id")'"
pass "pipe mode records the envelope it is given"

# CRLF message with 8-bit body, by pipe: byte-exact too.
"$bin/writ-intake" --stdin < "$fixtures/requests/014.eml" > "$tmp/out" 2>&1 || fail "pipe 014"
id=$(grep -o 'case c[0-9a-f]*' "$tmp/out" | cut -d' ' -f2)
writctl case raw "$id" | cmp -s - "$fixtures/requests/014.eml" || fail "CRLF raw differs"
"$bin/writ-intake" --stdin < "$fixtures/requests/008.eml" > "$tmp/out" 2>&1 || fail "pipe 008"
id=$(grep -o 'case c[0-9a-f]*' "$tmp/out" | cut -d' ' -f2)
writctl case raw "$id" | cmp -s - "$fixtures/requests/008.eml" || fail "8-bit raw differs"
pass "CRLF and 8-bit messages are kept byte-exact"

# Not mail at all: exit 65, but kept as a case in review with a reason.
head -c 3000 /dev/urandom | tr -d ':.' > "$tmp/garbage"
set +e
"$bin/writ-intake" --stdin < "$tmp/garbage" > "$tmp/out" 2>&1; rc=$?
set -e
[ $rc -eq 65 ] || fail "garbage: exit $rc, want 65 ($(cat "$tmp/out"))"
id=$(grep -o 'case c[0-9a-f]*' "$tmp/out" | cut -d' ' -f2)
state=$(writctl case show "$id" --json | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["state"], bool(c["review_reason"]))')
[ "$state" = "review True" ] || fail "garbage case: $state"
: > "$tmp/empty"
set +e; "$bin/writ-intake" --stdin < "$tmp/empty" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 65 ] || fail "empty message: exit $rc, want 65"
pass "non-mail: exit 65 and kept as a case in review"

# LMTP: a wrong recipient is refused per recipient; garbage gets 554.
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from a@b.example --to nobody@northwind-cloud.example \
      --data "@$fixtures/requests/002.eml" 2>&1 || true)
grep -q '550 5.1.1' <<<"$out" || fail "unknown recipient not refused: $out"
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from a@b.example --to legal-requests@northwind-cloud.example \
      --data "@$tmp/garbage" 2>&1 || true)
grep -q '554 5.6.0' <<<"$out" || fail "garbage over LMTP not answered 554: $(tail -5 <<<"$out")"
pass "LMTP: 550 5.1.1 for a wrong recipient, 554 5.6.0 for non-mail"

# LMTP records the envelope of each delivery (custody).
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from gw-bounce@northwind-cloud.example --to legal-requests@northwind-cloud.example \
      --data "@$fixtures/requests/004.eml" 2>&1) || fail "LMTP delivery of 004: $out"
id=$(grep -o 'case c[0-9a-f]*' <<<"$out" | tail -1 | cut -d' ' -f2)
[ "$(env_of "$id")" = "from=<gw-bounce@northwind-cloud.example> to=<legal-requests@northwind-cloud.example>" ] \
    || fail "LMTP envelope: '$(env_of "$id")'"
pass "LMTP records the envelope"

# Redis down: LMTP answers 451 4.3.0 and pipe mode exits 75.
kill -KILL "$(cat "$WRIT_RUN_DIR/pids/redis.pid")"
sleep 0.5
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from a@b.example --to legal-requests@northwind-cloud.example \
      --data "@$fixtures/requests/003.eml" 2>&1 || true)
grep -q '451 4.3.0' <<<"$out" || fail "Redis down: no 451 4.3.0: $(tail -5 <<<"$out")"
set +e; "$bin/writ-intake" --stdin < "$fixtures/requests/003.eml" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 75 ] || fail "Redis down: pipe exit $rc, want 75"
pass "Redis down: 451 4.3.0 over LMTP, exit 75 in pipe mode"

# Pipe mode with an unreadable configuration defers (75), never bounces.
set +e; "$bin/writ-intake" --config /nonexistent/writ.zpl --stdin \
    < "$fixtures/requests/003.eml" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 75 ] || fail "bad config: pipe exit $rc, want 75"
pass "pipe mode: unreadable configuration exits 75 (the gateway keeps the request)"
