#!/usr/bin/env bash
# The 14 labelled samples, end to end: a real redis-server, the real
# broker and workers, delivered over LMTP by swaks; every decision and
# notice checked against its label, every prepared notice file read.
source "$(dirname "$0")/../lib.sh"
stack_env
# Judge the gags as of a day before any sample was sent, so every held
# notice stays held (release is tested on its own).
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up --scale jurisdiction=2
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null

for eml in "$fixtures"/requests/*.eml; do
    lmtp_send "$eml" >/dev/null || fail "LMTP delivery of $(basename "$eml") refused"
done
wait_all_finished 14 60
python3 "$src/tests/integration/check_samples.py"

# Redelivery of the same message maps to the same case: still 14 cases.
lmtp_send "$fixtures/requests/001.eml" >/dev/null
n=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq 14 ] || fail "redelivery created a new case ($n cases)"
pass "redelivery maps to the existing case"
