#!/usr/bin/env bash
# Retention on the live stack: `writctl purge` removes the original
# message of final (notified) cases older than the age given, keeping the
# case record (decisions), sha256 and audit, and audits each purge with
# the operator's name; a case on legal hold (`writctl case hold`) is kept
# until the hold is released; cases still in work are never touched;
# every act is idempotent; the viewer cannot purge; a purged message
# delivered again still finds its case.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

for eml in "$fixtures"/requests/*.eml; do
    lmtp_send "$eml" >/dev/null || fail "$(basename "$eml") refused"
done
wait_all_finished 14 180
writctl case list --json > "$tmp/cases.json"
ids_in() { python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(open(sys.argv[1])) if c["state"] in sys.argv[2].split(",")))' "$tmp/cases.json" "$1"; }
read -r -a notified <<< "$(ids_in notified)"
read -r -a working <<< "$(ids_in held,review)"
[ ${#notified[@]} -ge 2 ] || fail "want at least 2 notified cases, have ${#notified[@]}"
[ ${#working[@]} -ge 1 ] || fail "want a case still held or in review"
held=${notified[0]} victim=${notified[1]} other=${working[0]}
show() { writctl case show "$1" --json; }
field() { show "$1" | python3 -c 'import json,sys; c=json.load(sys.stdin); v=eval("c"+sys.argv[1]); print(json.dumps(v, sort_keys=True))' "$2"; }
events() { show "$1" | python3 -c 'import json,sys; print(" ".join(e["event"] for e in json.load(sys.stdin)["audit"]))'; }
before_sha=$(field "$victim" '["sha256"]')
before_accounts=$(field "$victim" '["accounts"]')
before_events=$(events "$victim")
writctl case raw "$victim" > "$tmp/raw.eml"
[ -s "$tmp/raw.eml" ] || fail "no raw message before the purge"

# ---- legal hold: set (idempotent), recorded and audited
writctl case hold "$held" set --reason "litigation hold LH-2026-17" --as alice | grep -q "legal hold set" \
    || fail "hold set"
writctl case hold "$held" set --reason "again" --as alice | grep -q "already set" || fail "hold set twice"
[ "$(field "$held" '["legal_hold"]["by"]')" = '"alice"' ] || fail "hold not recorded: $(field "$held" '["legal_hold"]')"
[ "$(events "$held" | grep -o legal_hold | wc -l)" = 1 ] || fail "hold audited $(events "$held")"
set +e; writctl case hold "$held" set --as alice >/dev/null 2>&1; rc=$?; set -e
[ $rc = 64 ] || fail "hold without --reason: exit $rc"
set +e; writctl case hold c0000000000000000 set --reason x --as alice >/dev/null 2>&1; rc=$?; set -e
[ $rc = 1 ] || fail "hold of a missing case: exit $rc"
pass "legal hold set, idempotent, audited with the operator; bad calls refused"

# ---- nothing is old enough yet; dry run changes nothing
writctl purge --older-than 1d --as bob > "$tmp/out"
grep -qx "purged 0 case(s); 1 on legal hold kept" "$tmp/out" || fail "purge of recent cases: $(cat "$tmp/out")"
writctl purge --older-than 0 --dry-run > "$tmp/out"
grep -qx "would purge $victim" "$tmp/out" || fail "dry run does not name $victim: $(cat "$tmp/out")"
! grep -q "$held\|$other" "$tmp/out" || fail "dry run names a held or unfinished case: $(cat "$tmp/out")"
writctl case raw "$victim" | cmp -s - "$tmp/raw.eml" || fail "dry run removed the message"
set +e; writctl purge --older-than 3weeks >/dev/null 2>&1; rc=$?; set -e
[ $rc = 64 ] || fail "bad age: exit $rc"
set +e; WRIT_WRITCTL_REDIS_USER=viewer writctl purge --older-than 0 --as eve >"$tmp/out" 2>&1; rc=$?; set -e
[ $rc = 69 ] && grep -q NOPERM "$tmp/out" || fail "the viewer purged (exit $rc): $(cat "$tmp/out")"
writctl case raw "$victim" | cmp -s - "$tmp/raw.eml" || fail "the viewer's attempt removed the message"
pass "recent cases kept; --dry-run lists and keeps; a bad age and the viewer refused"

# ---- purge
writctl purge --older-than 0 --as bob > "$tmp/out"
grep -qx "purged $victim" "$tmp/out" || fail "$victim not purged: $(cat "$tmp/out")"
grep -q "1 on legal hold kept" "$tmp/out" || fail "held case not counted: $(cat "$tmp/out")"
set +e; writctl case raw "$victim" >/dev/null 2>&1; rc=$?; set -e
[ $rc = 1 ] || fail "the raw message is still there after the purge (exit $rc)"
[ "$(rcli exists "writ:raw:$victim")" = 0 ] || fail "writ:raw:$victim still exists"
[ "$(field "$victim" '["sha256"]')" = "$before_sha" ] || fail "sha256 changed"
[ "$(field "$victim" '["accounts"]')" = "$before_accounts" ] || fail "decisions changed"
[ "$(field "$victim" '["state"]')" = '"notified"' ] || fail "state changed"
[ "$(events "$victim")" = "$before_events purged" ] || fail "audit: '$(events "$victim")', want '$before_events purged'"
show "$victim" | python3 -c '
import json, sys
c = json.load(sys.stdin); e = c["audit"][-1]
assert e["worker"] == "bob" and "bob" in e["note"], e
assert c["purged"]["by"] == "bob", c["purged"]' || fail "purge not audited with the operator"
writctl case raw "$held" > "$tmp/held.eml" && [ -s "$tmp/held.eml" ] || fail "the held case lost its message"
writctl case raw "$other" > "$tmp/other.eml" && [ -s "$tmp/other.eml" ] || fail "an unfinished case ($other) lost its message"
pass "purged: raw gone; sha256, decisions, state and audit kept; audited as bob; held and unfinished cases kept"

# ---- idempotent; a redelivery finds the purged case
writctl purge --older-than 0 --as bob > "$tmp/out"
! grep -q "purged $victim" "$tmp/out" || fail "purged twice"
[ "$(events "$victim" | grep -o purged | wc -l)" = 1 ] || fail "purge audited twice: $(events "$victim")"
n_before=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# (the sample file, as first sent: what swaks puts on the wire from it)
mid=$(show "$victim" | python3 -c 'import json,sys; print(json.load(sys.stdin)["message_id"])')
sample=$(grep -l -F "$mid" "$fixtures"/requests/*.eml | head -1)
[ -n "$sample" ] || fail "no sample holds Message-ID $mid"
lmtp_send "$sample" >/dev/null || fail "redelivery refused"
n_after=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n_after" = "$n_before" ] || fail "a redelivery of a purged message made a new case"
[[ $(events "$victim") == *"purged redelivered" ]] || fail "redelivery not recorded: $(events "$victim")"
pass "purge is idempotent; a purged message delivered again finds its case"

# ---- release the hold: then the retention setting purges it
writctl case hold "$held" release --reason "LH-2026-17 lifted" --as alice | grep -q "released" || fail "release"
writctl case hold "$held" release --reason "again" --as alice | grep -q "already released" || fail "release twice"
[ "$(field "$held" '["legal_hold"]')" = null ] || fail "hold still recorded"
WRIT_RETENTION_RAW_DAYS=0 writctl purge --as carol > "$tmp/out"
grep -qx "purged $held" "$tmp/out" || fail "released case not purged by the setting: $(cat "$tmp/out")"
[[ $(events "$held") == *"legal_hold hold_released purged" ]] || fail "held case audit: $(events "$held")"
pass "hold released (idempotent), then purged under retention/raw_days; the audit tells the whole story"
