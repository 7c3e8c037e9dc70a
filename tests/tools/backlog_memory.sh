#!/usr/bin/env bash
# tests/tools/backlog_memory.sh [N] -- memory high-water marks with N cases
# (default 20,000) queued while jurisdiction is stopped, then the time to
# drain them once one jurisdiction replica starts. A measurement, not a
# test: prints figures, asserts nothing. Runs a private stack on free
# loopback ports (WRIT_BUILD_DIR: binaries, default build/).
source "$(dirname "$0")/../lib.sh"
n=${1:-20000}

stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up --scale jurisdiction=0
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/t
mkdir -p "$tmp"

hwm() {   # hwm NAME: VmHWM (kB) of a stack process
    awk '/VmHWM/ {print $2}' "/proc/$(cat "$WRIT_RUN_DIR/pids/$1.pid")/status"
}
redis_mem() { rcli info memory | tr -d '\r' | awk -F: "/^$1:/ {print \$2}"; }

python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count "$n" \
    --connections 4 --templates "$fixtures/requests" --deadline 1200 > "$tmp/load.json"
queued=$(rcli zcard writ:pending:jurisdiction)
echo "queued: $queued cases pending for jurisdiction ($(cat "$tmp/load.json"))"
printf '%-22s %s\n' "intake VmHWM" "$(hwm intake.1) kB" "broker VmHWM" "$(hwm broker) kB" \
    "notify VmHWM" "$(hwm notify.1) kB" "redis used_memory_peak" "$(redis_mem used_memory_peak_human)" \
    "redis VmHWM" "$(hwm redis) kB"

start=$(date +%s.%N)
"$src/scripts/stack" up >/dev/null           # starts the missing jurisdiction replica
export WRIT_BUILD_DIR=$bin
deadline=$((SECONDS + 1200))
while :; do
    left=$(rcli eval "return redis.call('zcard','writ:pending:jurisdiction') + redis.call('zcard','writ:pending:notify')" 0)
    [ "$left" -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || fail "$left still pending after 1200 s"
    sleep 0.5
done
end=$(date +%s.%N)
echo "drained $queued cases in $(python3 -c "print(round($end - $start, 1))") s after jurisdiction started"
jpid=$(ls "$WRIT_RUN_DIR"/pids/jurisdiction.*.pid | sed -n 1p)
printf '%-22s %s\n' "jurisdiction VmHWM" "$(awk '/VmHWM/ {print $2}' "/proc/$(cat "$jpid")/status") kB" \
    "broker VmHWM" "$(hwm broker) kB" "notify VmHWM" "$(hwm notify.1) kB" \
    "redis used_memory_peak" "$(redis_mem used_memory_peak_human)" "redis VmHWM" "$(hwm redis) kB"
