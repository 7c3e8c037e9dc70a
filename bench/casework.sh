#!/usr/bin/env bash
# bench/casework.sh [N] -- acts per second through writctl and Redis round
# trips per act, on a private stack (the samples delivered over LMTP).
# Each act is one writctl process, as a person or a script runs it:
#   notes      N `case note` one after another (unguarded acts)
#   close/reopen  N/2 pairs on one case (guarded acts that change state
#              and the state index)
#   parallel   N `case note` from 4 clients at once, one case each
# Round trips are the store's own count (WRIT_LOG_LEVEL=info).
source "$(dirname "$0")/../tests/lib.sh"
n=${1:-300}
stack_env
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
for f in "$fixtures"/requests/*.eml; do lmtp_send "$f" >/dev/null; done
wait_all_finished 14 60
export WRIT_OPERATOR=bench
ids=($(writctl case list --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))'))
review=$(writctl case list --state review --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

rate() { python3 -c "print(f'{$1 / $2:.0f}')"; }
now() { date +%s.%N; }

t0=$(now)
for i in $(seq "$n"); do writctl case note "${ids[0]}" "bench note $i" >/dev/null; done
t1=$(now)
echo "notes, one client:        $n acts in $(python3 -c "print(f'{$t1-$t0:.2f}')") s = $(rate "$n" "$(python3 -c "print($t1-$t0)")") acts/s"

writctl case wait "$review" --reason "bench" >/dev/null
t0=$(now)
for i in $(seq $((n / 2))); do
    writctl case close "$review" --reason "bench $i" >/dev/null
    writctl case reopen "$review" --reason "bench $i" >/dev/null
done
t1=$(now)
echo "close/reopen, one client: $n acts in $(python3 -c "print(f'{$t1-$t0:.2f}')") s = $(rate "$n" "$(python3 -c "print($t1-$t0)")") acts/s"

t0=$(now)
for k in 1 2 3 4; do
    ( for i in $(seq $((n / 4))); do writctl case note "${ids[$k]}" "bench $i" >/dev/null; done ) &
done
wait
t1=$(now)
echo "notes, 4 clients:         $n acts in $(python3 -c "print(f'{$t1-$t0:.2f}')") s = $(rate "$n" "$(python3 -c "print($t1-$t0)")") acts/s"

for act in "case note ${ids[0]} one-more" "case close $review --reason rt" "case reopen $review --reason rt" \
           "case verify $review --reason rt"; do
    rt=$(WRIT_LOG_LEVEL=info "$bin/writctl" $act 2>&1 >/dev/null | grep -o 'redis: [0-9]* round trips' || echo "refused")
    echo "round trips: writctl ${act%% --*}: ${rt#redis: }"
done
