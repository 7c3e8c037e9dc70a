#!/usr/bin/env bash
# The intake as a gateway sees it, over real LMTP connections:
#  - many sessions held open at once, all served while one client trickles
#    its DATA byte by byte (no head-of-line blocking) and an idle one is
#    closed with 421 4.4.2 after the configured timeout;
#  - SIZE: advertised, 552 5.3.4 over the limit (MAIL SIZE= and DATA), and
#    a CRLF 8-bit message just under the limit kept byte-exact;
#  - hostile messages (NUL bytes, 2 MB header line, unterminated and
#    300-deep multiparts, 20 MB attachment, bad charsets, garbage, empty)
#    each become a case with a clean outcome; the intake survives with
#    bounded memory.
source "$(dirname "$0")/../lib.sh"

stack_env
export WRIT_INTAKE_TIMEOUT_S=3
export WRIT_INTAKE_MAX_MESSAGE_SIZE=30000000
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
tmp=$WRIT_RUN_DIR/t
mkdir -p "$tmp"
check=$src/tests/tools/lmtp_gateway_check.py
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null

# --- concurrency: 48 sessions at once (x3 messages), one trickler, one idle
python3 "$check" concurrency "$WRIT_LMTP_PORT" "$fixtures/requests" 48 3 3 \
    > "$tmp/conc.json" || fail "concurrency: $(cat "$tmp/conc.json")"
pass "48 concurrent LMTP sessions served while a slow client trickles and an idle one is closed: $(cat "$tmp/conc.json")"

# --- SIZE limit and byte-exact custody near it
python3 "$check" size "$WRIT_LMTP_PORT" "$WRIT_INTAKE_MAX_MESSAGE_SIZE" "$tmp/near.eml" \
    > "$tmp/size.json" || fail "size: $(cat "$tmp/size.json")"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case"])' "$tmp/size.json")
writctl case raw "$id" | cmp -s - "$tmp/near.eml" \
    || fail "near-limit message: case raw differs from the bytes sent"
pass "SIZE: 552 5.3.4 over the limit; $(stat -c %s "$tmp/near.eml")-byte CRLF 8-bit message byte-exact"

# --- hostile messages
python3 "$check" bad "$WRIT_LMTP_PORT" "$tmp/bad.txt" > "$tmp/bad.json" \
    || fail "bad input: $(cat "$tmp/bad.json")"
while read -r name code id; do
    case $code in
        250|554) ;;
        *) fail "$name: LMTP reply $code (want 250, or 554 for what is not mail)" ;;
    esac
    [ "$id" != "-" ] || fail "$name: no case named in the reply ($code)"
done < "$tmp/bad.txt"
for name in garbage empty; do
    grep -q "^$name 554 " "$tmp/bad.txt" || fail "$name: not answered 554: $(grep "^$name " "$tmp/bad.txt")"
done
# Every case, hostile ones included, reaches a final state; the not-mail
# ones are in review with a reason.
deadline=$((SECONDS + 120))
while :; do
    left=$(writctl case list --json | python3 -c '
import json, sys
print(sum(1 for c in json.load(sys.stdin) if c["state"] in ("received", "decided")))')
    [ "$left" -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || fail "$left case(s) still in flight after the hostile messages"
    sleep 0.5
done
while read -r name code id; do
    writctl case show "$id" --json > "$tmp/case.json" || fail "$name: case $id not shown"
    python3 - "$tmp/case.json" "$name" "$code" <<'PY' || fail "$name: unexpected case"
import json, sys
c = json.load(open(sys.argv[1])); name, code = sys.argv[2], sys.argv[3]
assert c["state"] in ("notified", "held", "review"), c["state"]
if code == "554":
    assert c["state"] == "review" and c.get("review_reason"), c
PY
done < "$tmp/bad.txt"
# Still serving: the stack is alive and a sample is accepted.
lmtp_send "$fixtures/requests/001.eml" >/dev/null || fail "intake not serving after the hostile messages"
pid=$(cat "$WRIT_RUN_DIR"/pids/intake.1.pid)
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
# A bound on memory, not on time: a 30 MB message costs a few copies of
# itself; a leak or unbounded growth over these messages would not fit.
case ${bin##*/} in
    build-asan*) limit_kb=$((2 * 1024 * 1024)) ;;   # ASan keeps freed memory quarantined
    *) limit_kb=$((512 * 1024)) ;;
esac
[ "$hwm_kb" -lt "$limit_kb" ] || fail "intake memory high-water ${hwm_kb} kB (limit ${limit_kb} kB)"
pass "hostile messages: $(tr '\n' ';' < "$tmp/bad.txt") all final; intake VmHWM ${hwm_kb} kB"
