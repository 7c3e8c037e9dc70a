#!/usr/bin/env bash
# SIGTERM is an orderly stop (containers rely on it): an extra intake,
# jurisdiction and notify replica, started by this test so it can wait()
# for their exit status, each get SIGTERM in the middle of a stream and
# must exit 0 within 10 s; nothing they held is lost (every accepted case
# finishes, one notice file per prepared notice); and `scripts/stack down`
# stops the rest (broker and Redis included) without having to kill any.
source "$(dirname "$0")/../lib.sh"

stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
tmp=$WRIT_RUN_DIR/t
mkdir -p "$tmp"
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null

declare -A extra
for stage in intake jurisdiction notify; do
    "$bin/writ-$stage" > "$WRIT_RUN_DIR/logs/extra-$stage.log" 2>&1 &
    extra[$stage]=$!
done
sleep 1
for stage in "${!extra[@]}"; do
    kill -0 "${extra[$stage]}" 2>/dev/null || fail "extra $stage replica did not start"
done

# A steady stream (~150/s) for a few seconds, so every replica is busy
# when its SIGTERM comes.
python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count 600 \
    --connections 4 --rate 150 --templates "$fixtures/requests" \
    --out "$tmp/accepted" > "$tmp/load.json" &
load=$!
# SIGTERMs only once the stream flows through the extra replicas: on a
# busy machine the load client alone can take seconds to start.
deadline=$((SECONDS + 60))
until grep -q 'received -> ' "$WRIT_RUN_DIR/logs/extra-jurisdiction.log" \
        && grep -q 'decided -> ' "$WRIT_RUN_DIR/logs/extra-notify.log"; do
    [ $SECONDS -lt $deadline ] || fail "the stream did not reach the extra replicas in 60 s"
    sleep 0.1
done
for stage in intake jurisdiction notify; do
    # A stage replica must be at work when its SIGTERM comes: on a busy
    # machine the first cases can take longer than the pause above to
    # reach it, so wait (up to 30 s) until it has finished one.
    if [ "$stage" != intake ]; then
        for _ in $(seq 300); do
            grep -q 'info case=' "$WRIT_RUN_DIR/logs/extra-$stage.log" && break
            sleep 0.1
        done
    fi
    start=$(date +%s%N)
    kill -TERM "${extra[$stage]}"
    set +e; wait "${extra[$stage]}"; rc=$?; set -e
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ $rc -eq 0 ] || fail "$stage replica exited $rc after SIGTERM, want 0"
    [ $ms -lt 10000 ] || fail "$stage replica took ${ms} ms to stop after SIGTERM (limit 10 s)"
    grep -q 'stopping\|stopped\|shutting' "$WRIT_RUN_DIR/logs/extra-$stage.log" \
        || fail "$stage replica logged no orderly stop"
    done_n=$(grep -o 'stopping after [0-9]*' "$WRIT_RUN_DIR/logs/extra-$stage.log" | grep -o '[0-9]*$' || echo "-")
    if [ "$stage" != intake ] && ! [ "${done_n:-0}" -gt 0 ] 2>/dev/null; then
        fail "$stage replica did no work before its SIGTERM: not a shutdown-under-load check"
    fi
    pass "$stage replica: SIGTERM -> exit 0 in ${ms} ms (${done_n} case(s) done)"
    sleep 0.5
done
wait $load || fail "load client: $(cat "$tmp/load.json")"
check_all_finished "$tmp/accepted" 120
pass "all $(wc -l < "$tmp/accepted") accepted cases finished after the SIGTERMs; one notice per prepared notice"

"$src/scripts/stack" down > "$tmp/down.out" 2>&1
if grep -q 'killed' "$tmp/down.out"; then
    fail "stack down had to kill: $(cat "$tmp/down.out")"
fi
pass "stack down: every process stopped on SIGTERM"
