#!/usr/bin/env bash
# What a person reads about cases (issue 11, part 4): writctl prints only
# what was asked for (no log lines on stderr unless WRIT_LOG_LEVEL asks);
# an unknown --state is a usage error naming the states; a case in review
# says why; a gag that ended releases its notices with audit entries
# naming the account and the date, and the case no longer recommends a
# challenge of a gag that is gone.
source "$(dirname "$0")/../lib.sh"
stack_env
# 004 (gag until 2025-03-31) and 014 (until 2026-03-31, three held
# accounts) have ended by then; 001 and 008 (no end date) stay held.
export WRIT_NOTIFY_TODAY=2026-06-01
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
for n in 001 004 006 007 011 014; do
    lmtp_send "$fixtures/requests/$n.eml" >/dev/null || fail "LMTP delivery of $n refused"
done
wait_all_finished 6 60
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

# --- a CLI prints only what was asked for ---------------------------------
unset WRIT_LOG_LEVEL
writctl case list >"$tmp/out" 2>"$tmp/err"
[ -s "$tmp/out" ] || fail "case list printed nothing"
[ ! -s "$tmp/err" ] || fail "case list wrote to stderr: $(cat "$tmp/err")"
id=$(writctl case list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
writctl case show "$id" >"$tmp/out" 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "case show wrote to stderr: $(cat "$tmp/err")"
rc=0; writctl case show >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 64 ] || fail "usage error exit $rc"
if grep -v -e '^usage:' -e '^  ' "$tmp/err" | grep -q .; then
    fail "usage error printed more than the usage: $(cat "$tmp/err")"
fi
WRIT_LOG_LEVEL=info writctl case list >/dev/null 2>"$tmp/err"
grep -q 'round trips' "$tmp/err" || fail "WRIT_LOG_LEVEL=info shows no info line"
WRIT_LOG_LEVEL=error writctl case list >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "WRIT_LOG_LEVEL=error still logs: $(cat "$tmp/err")"
pass "writctl prints only what was asked for; WRIT_LOG_LEVEL works"

rc=0; writctl case list --state bogus >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 64 ] || fail "case list --state bogus exit $rc"
[ ! -s "$tmp/out" ] || fail "case list --state bogus printed a table"
for s in received decided notified held review; do
    grep -q "$s" "$tmp/err" || fail "--state bogus does not name state $s: $(cat "$tmp/err")"
done
writctl case list --state review --json >/dev/null || fail "--state review refused"
pass "an unknown state is a usage error naming the states"

# --- every case in review says why -----------------------------------------
writctl case list --json >"$tmp/list.json"
python3 - "$tmp/list.json" <<'PY' || fail "review reasons"
import json, subprocess, sys, os
writctl = os.path.join(os.environ["WRIT_BIN_DIR"], "writctl")
cases = json.load(open(sys.argv[1]))
review = [c for c in cases if c["state"] == "review"]
assert len(review) == 3, [(c["id"], c["state"]) for c in cases]   # 006, 007, 011
for c in review:
    assert c["review_reason"], c
    shown = json.loads(subprocess.check_output([writctl, "case", "show", c["id"], "--json"]))
    assert shown["review_reason"] == c["review_reason"], shown
    text = subprocess.check_output([writctl, "case", "show", c["id"]]).decode()
    assert "REVIEW   " + c["review_reason"] in text, text
    if shown["request"]["request_type"] == "emergency_request":
        assert "emergency" in c["review_reason"], c["review_reason"]
    if shown["request"]["request_type"] == "unknown":
        assert "no recognisable legal process" in c["review_reason"], c["review_reason"]
    if shown["verify_requester"]:
        assert "not verified" in c["review_reason"], c["review_reason"]
PY
pass "every case in review says why"

# --- gag release: audit names account and date; no challenge left ----------
deadline=$((SECONDS + 30))
until [ "$(writctl case list --state notified --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "the ended gags were not released in 30 s"
    sleep 0.5
done
python3 - <<'PY' || fail "gag release"
import json, subprocess, os
writctl = os.path.join(os.environ["WRIT_BIN_DIR"], "writctl")
def run(*a): return json.loads(subprocess.check_output([writctl, *a]))
by_ref = {}
for c in run("case", "list", "--json"):
    s = run("case", "show", c["id"], "--json")
    by_ref[s["request"]["reference"]] = s
for ref, until, n in (("1:24-ec-00318", "2025-03-31", 1), ("25 MJ 4418", "2026-03-31", 3)):
    s = by_ref[ref]
    assert s["state"] == "notified", (ref, s["state"])
    assert s["challenge_recommended"] is False, ref
    text = subprocess.check_output([writctl, "case", "show", s["id"]]).decode()
    assert "CHALLENGE" not in text, text
    rel = [e for e in s["audit"] if e.get("event") == "released"]
    assert len(rel) == n, (ref, rel)
    held = {a["account"] for a in s["accounts"] if a["release_on"]}
    assert {e.get("account") for e in rel} == held, (ref, rel, held)
    for e in rel:
        assert e["time"] and e["account"], e
        assert ("gag on %s ended %s" % (e["account"], until)) in e["note"], e
    # The last release ends the case; those before leave notices held.
    assert [e["to"] for e in rel] == ["held"] * (n - 1) + ["notified"], rel
    for e in rel[:-1]:
        assert "still held" in e["note"], e
    # Each released notice is the letter that says why it comes late.
    for a in s["accounts"]:
        if not a["release_on"]:
            continue
        assert a["notice"] == "prepared" and a["notice_path"], a
        flat = " ".join(open(a["notice_path"], encoding="utf-8").read().split())
        assert "prevented us from telling you" in flat, flat
        words = {"2025-03-31": "31 March 2025", "2026-03-31": "31 March 2026"}[until]
        assert "restriction ended on " + words in flat, flat
# Gags with no end date stay held, with their challenge flag as decided.
for ref in ("NSL-WF-2024-00871",):
    assert by_ref[ref]["state"] == "held", by_ref[ref]["state"]
PY
pass "released gags: audit names account and date; no challenge shown after"
