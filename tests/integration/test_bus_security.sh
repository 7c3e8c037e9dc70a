#!/usr/bin/env bash
# The bus attacks of issue 13, against the live stack (keys on, as
# scripts/stack runs it), each of which must now fail safely:
#   - a fake worker without a key, with a random key in the notify role's
#     place, and with the jurisdiction key claiming to be notify: refused,
#     no jobs (one waits in the broker all along), the refusal logged;
#   - a job pushed by a role not allowed to hand work to its stage: refused;
#   - a forged record (an unverified emergency request rewritten to
#     disclose + verified) pushed with a valid key allowed to hand work to
#     notify: the case is not moved, no notice prepared, the forgery logged
#     and audited, and the case ends as its real record says once the
#     lease brings the real record back from Redis;
#   - an 8-byte job for a finished case: the case does not move to review;
#   - a secret key file others can read: the daemon refuses to start.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null

keys=$WRIT_BUS_KEYS
peer=$bin/writ-bus-peer
logs=$WRIT_RUN_DIR/logs
pids=$WRIT_RUN_DIR/pids
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

case_state() {
    writctl case list --json | python3 -c '
import json, sys
print(next((c["state"] for c in json.load(sys.stdin) if c["id"] == sys.argv[1]), "none"))' "$1"
}
new_case_id() {  # the id of the one case not in the list file $1
    writctl case list --json | python3 -c '
import json, sys
old = set(open(sys.argv[1]).read().split())
new = [c["id"] for c in json.load(sys.stdin) if c["id"] not in old]
assert len(new) == 1, new
print(new[0])' "$1"
}
wait_state() {  # wait_state ID STATE... (within 30 s)
    local id=$1 deadline=$((SECONDS + 30)) st; shift
    while :; do
        st=$(case_state "$id")
        for want in "$@"; do [ "$st" = "$want" ] && return 0; done
        [ $SECONDS -lt $deadline ] || fail "case $id is $st, not $* after 30 s"
        sleep 0.2
    done
}
wait_log() {  # wait_log FILE PATTERN (within 30 s)
    local deadline=$((SECONDS + 30))
    until grep -q -- "$2" "$1"; do
        [ $SECONDS -lt $deadline ] || fail "no '$2' in ${1##*/} after 30 s"
        sleep 0.2
    done
}
stop() { kill -TERM "$(cat "$pids/$1.pid")"; while kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null; do sleep 0.1; done; }

# ---- keys: made by the stack, secrets 0600 in a 0700 directory -------------
[ "$(stat -c %a "$keys")" = 700 ] || fail "key directory is $(stat -c %a "$keys")"
for f in "$keys"/*.cert_secret; do
    [ "$(stat -c %a "$f")" = 600 ] || fail "${f##*/} is $(stat -c %a "$f"), not 600"
done
for role in broker intake jurisdiction notify; do
    [ -f "$keys/$role.cert_secret" ] || fail "no key for $role"
done
grep -q "CurveZMQ" "$logs/broker.log" || fail "the broker does not say it runs CurveZMQ"
cp -a "$keys" "$tmp/loose-keys"
chmod 644 "$tmp/loose-keys/notify.cert_secret"
set +e
WRIT_BUS_KEYS=$tmp/loose-keys timeout 20 "$bin/writ-notify" > "$tmp/loose.log" 2>&1
rc=$?
set -e
[ $rc -eq 78 ] && grep -q "readable by its owner only" "$tmp/loose.log" \
    || fail "notify started with a secret key others can read (status $rc): $(cat "$tmp/loose.log")"
pass "keys: secrets 0600 in a 0700 directory; a readable secret key is refused (status 78)"

# ---- a finished case (the 8-byte job's target later) -----------------------
: > "$tmp/ids"
lmtp_send "$fixtures/requests/001.eml" > /dev/null
finished=$(new_case_id "$tmp/ids")
wait_state "$finished" notified held review
finished_state=$(case_state "$finished")
echo "$finished" >> "$tmp/ids"

# ---- an unverified emergency request, decided, waiting for notify ----------
stop notify.1
lmtp_send "$fixtures/requests/006.eml" > /dev/null
victim=$(new_case_id "$tmp/ids")
wait_state "$victim" decided
# Its job now waits in the broker's queue for a notify replica.

# 1. A fake worker without a key.
out=$("$peer" worker "$WRIT_BUS_WORKERS" notify 3 none)
[ "$out" = "jobs 0" ] || fail "a worker without a key got work: $out"
wait_log "$logs/broker.log" "failed the CurveZMQ handshake"
pass "1: a fake notify worker without a key: refused, no job, logged"

# 2. The notify role's key replaced by a random one.
out=$("$peer" worker "$WRIT_BUS_WORKERS" notify 3 "random:$keys/broker.cert")
[ "$out" = "jobs 0" ] || fail "a worker with a random key got work: $out"
wait_log "$logs/broker.log" "is not on the allow-list"
pass "2: a fake notify worker with a random key: refused, no job, logged"

# 3. The jurisdiction key acting as notify.
out=$("$peer" worker "$WRIT_BUS_WORKERS" notify 3 "$keys/jurisdiction.cert:$keys/broker.cert")
[ "$out" = "jobs 0" ] || fail "the jurisdiction key got notify's work: $out"
wait_log "$logs/broker.log" "refused READY for stage 'notify' from a peer with the jurisdiction key"
pass "3: the jurisdiction key claiming the notify stage: refused, no job, logged"

# 4. A role handing work to a stage it may not (intake -> notify).
printf 'x' > "$tmp/x"
"$peer" submit "$WRIT_BUS_SUBMIT" notify "$victim" "$tmp/x" "$keys/intake.cert:$keys/broker.cert"
wait_log "$logs/broker.log" "refused job for stage 'notify' from a peer with the intake key"
pass "4: the intake key handing a job to notify: refused, logged"

# ---- 5. the forged record ----------------------------------------------------
# The broker restarts (its queue, with the real job, is lost, as after a
# crash): the next job for notify is the forgery, pushed with the
# jurisdiction key, which may hand work to notify.
stop broker
# (as scripts/stack starts it: its pid file is what `down` stops)
setsid "$bin/writ-broker" >> "$logs/broker.log" 2>&1 < /dev/null &
echo $! > "$pids/broker.pid"
deadline=$((SECONDS + 30))
until [ "$(grep -c 'ready:' "$logs/broker.log")" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "the broker did not restart"
    sleep 0.2
done
"$peer" forge "$victim" "$tmp/forged"
"$peer" submit "$WRIT_BUS_SUBMIT" notify "$victim" "$tmp/forged" "$keys/jurisdiction.cert:$keys/broker.cert"
# 6. 8 bytes (an unreadable record sends a case to review) for the
#    waiting case, and for the finished one from intake (which may hand
#    work to jurisdiction).
printf 'garbage!' > "$tmp/garbage"
"$peer" submit "$WRIT_BUS_SUBMIT" notify "$victim" "$tmp/garbage" "$keys/jurisdiction.cert:$keys/broker.cert"
"$peer" submit "$WRIT_BUS_SUBMIT" jurisdiction "$finished" "$tmp/garbage" "$keys/intake.cert:$keys/broker.cert"

"$src/scripts/stack" up > /dev/null          # notify comes back
wait_log "$logs/notify.1.log" "case=$victim: the job.s record is not the one in Redis"
wait_log "$logs/jurisdiction.1.log" "case=$finished: already processed"
# The real record comes back with the lease: an unverified emergency goes
# to a person.
wait_state "$victim" review
writctl case show "$victim" --json > "$tmp/victim.json"
python3 - "$tmp/victim.json" <<'PY' || fail "the forged record left a trace in the case: $(cat "$tmp/victim.json")"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["verify_requester"] is True, "verified"
assert all(a["decision"] != "disclose" for a in c["accounts"]), c["accounts"]
assert all(a.get("notice") != "prepared" for a in c["accounts"]), c["accounts"]
events = [e["event"] for e in c["audit"]]
assert events.count("refused") == 2, events  # the forgery and the 8 bytes
assert "review" not in events, events       # not sent to review as unreadable
assert events[-1] == "transition", events   # the real record, decided after
PY
if grep -rl "$victim" "$WRIT_RUN_DIR/outbox" >/dev/null 2>&1; then
    fail "a notice was prepared for the forged case"
fi
pass "5: a forged record from a valid key: not acted on, logged and audited; the case ends in review from its real record, no notice"
[ "$(case_state "$finished")" = "$finished_state" ] \
    || fail "an 8-byte job moved finished case $finished to $(case_state "$finished")"
pass "6: 8-byte jobs for a waiting and a finished case: neither moved (the finished one stays $finished_state)"
