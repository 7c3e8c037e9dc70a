#!/usr/bin/env bash
# Hostile LMTP clients must not grow the intake without bound or take
# every slot (issue 15), with real connections (tests/tools/lmtp_hostile.py):
#  1. a client pipelining NOOPs without reading a reply is not read
#     either: TCP makes it wait, the intake's memory stays flat;
#  2. messages in transfer share one budget (intake/max_data_in_flight):
#     beyond it a delivery gets 451 4.3.1, and once the transfers end the
#     same delivery is accepted;
#  3. one address cannot take every slot (intake/max_clients_per_address):
#     with its share taken, a delivery from another address goes through.
# Each load's intake memory high-water (VmHWM) is printed.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_INTAKE_MAX_CLIENTS=64 WRIT_INTAKE_MAX_CLIENTS_PER_ADDRESS=40
export WRIT_INTAKE_MAX_DATA_IN_FLIGHT=$((64 * 1024 * 1024))
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
hostile() { python3 "$src/tests/tools/lmtp_hostile.py" "$@" --port "$WRIT_LMTP_PORT"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$(cat "$WRIT_RUN_DIR/pids/intake.1.pid")/status"; }
asan=0; bdir=${WRIT_BUILD_DIR:-}; [[ ${bdir%/} == *-asan ]] && asan=1
# bounded KB WHAT: fails when the intake's VmHWM is KB or more (not in the
# sanitizer build, whose quarantine and shadow memory make it meaningless).
bounded() {
    local peak; peak=$(hwm_kb)
    echo "intake VmHWM after $2: $peak kB"
    [ $asan = 1 ] || [ "$peak" -lt "$1" ] || fail "intake VmHWM $peak kB after $2 (limit $1 kB)"
}
# deliver FILE [SOURCE]: one delivery; prints swaks's transcript.
deliver() {
    swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
          ${2:+--local-interface "$2"} --from a@fbi.gov \
          --to legal-requests@northwind-cloud.example --data "@$1" --timeout 30 2>&1 || true
}
echo "intake VmHWM at start: $(hwm_kb) kB"

# 1. 3,000,000 NOOPs (18 MB, 45 MB of replies) from a client that reads none.
out=$(hostile noop-flood --count 3000000)
sent=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["sent"], d["offered"])' "$out")
read -r sent offered <<<"$sent"
bounded 65536 "a client pipelining NOOPs without reading (${sent} of ${offered} bytes taken)"
[ "$sent" -lt "$offered" ] || fail "the intake read all $offered bytes of a client that reads no reply"
out=$(deliver "$fixtures/requests/003.eml")
grep -q '250 2.0.0' <<<"$out" || fail "delivery after the NOOP flood: $(tail -3 <<<"$out")"
pass "1: a client that reads no reply is held back by TCP (${sent} of ${offered} bytes)"

# 2. 16 transfers of 4,194,017 bytes held open fill the 64 MiB budget up to
# 4,592 bytes; the next message (5.8 KB) does not fit. (A transfer that goes
# over gives back what it held, so the budget is filled exactly here.)
python3 "$src/tests/tools/lmtp_hostile.py" data-hold --port "$WRIT_LMTP_PORT" \
    --conns 16 --bytes 4194000 --hold 600 > "$WRIT_RUN_DIR/hold.out" &
hold_pid=$!
deadline=$((SECONDS + 120))
until grep -q opened "$WRIT_RUN_DIR/hold.out"; do
    [ $SECONDS -lt $deadline ] || fail "the hostile transfers did not start"
    sleep 0.3
done
sleep 2                                   # the intake takes in what was sent
out=$(deliver "$fixtures/requests/004.eml")
grep -q '451 4.3.1' <<<"$out" || fail "a delivery beyond the DATA budget was not answered 451 4.3.1: $(grep -E '^ *<' <<<"$out" | tail -3)"
bounded 131072 "16 transfers of 4 MB held open (budget 64 MiB)"
kill $hold_pid; wait $hold_pid 2>/dev/null || true
deadline=$((SECONDS + 30))
until grep -q '250 2.0.0' <<<"$(deliver "$fixtures/requests/004.eml")"; do
    [ $SECONDS -lt $deadline ] || fail "the budget was not given back when the transfers ended"
    sleep 0.5
done
pass "2: beyond the DATA budget 451 4.3.1; accepted once the transfers ended"

# 3. 64 idle connections from 127.0.0.1: only 40 get a slot; a delivery
# from 127.0.0.2 still goes through.
python3 "$src/tests/tools/lmtp_hostile.py" idle --port "$WRIT_LMTP_PORT" \
    --conns 64 --hold 600 > "$WRIT_RUN_DIR/idle.out" &
idle_pid=$!
deadline=$((SECONDS + 60))
until grep -q greeted "$WRIT_RUN_DIR/idle.out"; do
    [ $SECONDS -lt $deadline ] || fail "the idle clients did not connect"
    sleep 0.3
done
read -r greeted refused < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["greeted"], d["refused"])' "$WRIT_RUN_DIR/idle.out")
[ "$greeted" -eq 40 ] && [ "$refused" -eq 24 ] || fail "one address got $greeted slots ($refused refused), want 40 (24)"
out=$(deliver "$fixtures/requests/005.eml" 127.0.0.2)
grep -q '250 2.0.0' <<<"$out" || fail "a delivery from another address was refused: $(grep -E '^ *<' <<<"$out" | tail -3)"
bounded 131072 "64 idle connections from one address"
kill $idle_pid; wait $idle_pid 2>/dev/null || true
pass "3: one address holds at most 40 of 64 slots; another address delivers"
