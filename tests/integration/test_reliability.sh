#!/usr/bin/env bash
# Nothing lost, with real processes: SIGKILLed stage replicas, a Redis
# SIGKILLed and restarted on its AOF, a broker killed and restarted, and a
# stage with no live replica for a while. Every case the gateway got a 250
# for must finish, with exactly one notice file per prepared notice.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
export WRIT_PIPELINE_LEASE_MS=2000
count=${WRIT_RELIABILITY_COUNT:-2000}
outage=${WRIT_RELIABILITY_OUTAGE_S:-30}
scale=(--scale jurisdiction=2 --scale notify=2)
stack_up "${scale[@]}"
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
load() {  # load COUNT RUN_ID OUTFILE [extra args]
    python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count "$1" \
        --connections 4 --templates "$fixtures/requests" --run-id "$2" \
        --out "$3" --deadline 240 "${@:4}"
}
pids=$WRIT_RUN_DIR/pids

# 1. SIGKILL jurisdiction and notify replicas at random moments while
#    $count requests arrive; restart them each time.
load "$count" kill "$WRIT_RUN_DIR/acc1" --rate 400 > "$WRIT_RUN_DIR/load1.json" &
loader=$!
kills=0
while kill -0 $loader 2>/dev/null; do
    sleep "0.$((RANDOM % 5 + 2))"
    victim=$(ls "$pids" | grep -E '^(jurisdiction|notify)\.' | shuf -n 1)
    kill -KILL "$(cat "$pids/$victim")" 2>/dev/null && kills=$((kills + 1))
    sleep 0.2
    restart_missing "${scale[@]}"
done
wait $loader || fail "load 1: $(cat "$WRIT_RUN_DIR/load1.json")"
check_all_finished "$WRIT_RUN_DIR/acc1" 120
pass "1: $(wc -l < "$WRIT_RUN_DIR/acc1") cases accepted with $kills replica kills: all finished, one notice file each"

# 2. Redis SIGKILLed mid-stream and restarted on the same AOF. The client
#    retries what got a 4xx, as a gateway does.
rm -f "$WRIT_RUN_DIR"/outbox/new/*
load 600 redis "$WRIT_RUN_DIR/acc2" --rate 300 > "$WRIT_RUN_DIR/load2.json" &
loader=$!
sleep 0.7
kill -KILL "$(cat "$pids/redis.pid")"
sleep 1
restart_missing "${scale[@]}"
wait $loader || fail "load 2: $(cat "$WRIT_RUN_DIR/load2.json")"
retries=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["retries"])' "$WRIT_RUN_DIR/load2.json")
check_all_finished "$WRIT_RUN_DIR/acc2" 120
pass "2: Redis killed and restarted: $(wc -l < "$WRIT_RUN_DIR/acc2") accepted ($retries retried after 4xx), all finished"

# 3. The broker killed and restarted mid-stream.
rm -f "$WRIT_RUN_DIR"/outbox/new/*
load 600 broker "$WRIT_RUN_DIR/acc3" --rate 300 > "$WRIT_RUN_DIR/load3.json" &
loader=$!
sleep 0.7
kill -KILL "$(cat "$pids/broker.pid")"
sleep 1
restart_missing "${scale[@]}"
wait $loader || fail "load 3: $(cat "$WRIT_RUN_DIR/load3.json")"
check_all_finished "$WRIT_RUN_DIR/acc3" 120
pass "3: broker killed and restarted: $(wc -l < "$WRIT_RUN_DIR/acc3") accepted, all finished"

# 4. No jurisdiction replica for $outage s: cases wait as pending, health
#    says so, and they finish once a replica starts.
rm -f "$WRIT_RUN_DIR"/outbox/new/*
for f in "$pids"/jurisdiction.*.pid; do kill -TERM "$(cat "$f")"; done
sleep 6    # heartbeats age out of the 5 s liveness window
load 50 outage "$WRIT_RUN_DIR/acc4" > /dev/null || fail "load 4"
sleep "$outage"
set +e; writctl health --json > "$WRIT_RUN_DIR/health.json"; rc=$?; set -e
[ $rc -ne 0 ] || fail "health says ok with no jurisdiction replica"
python3 - "$WRIT_RUN_DIR/health.json" <<'PY' || fail "health report wrong: $(cat "$WRIT_RUN_DIR/health.json")"
import json, sys
j = json.load(open(sys.argv[1]))["stages"]["jurisdiction"]
assert j["live_workers"] == [] and j["pending"] >= 50 and not j["ok"], j
PY
restart_missing "${scale[@]}"
check_all_finished "$WRIT_RUN_DIR/acc4" 60
writctl health >/dev/null || fail "health not ok after recovery"
pass "4: ${outage}s without a jurisdiction replica: 50 cases waited, health failed, all finished after restart"
