#!/usr/bin/env bash
# The daily digest of what is due (writ-send, alerts/digest_*), with a real
# relay (the private Postfix of tests/relay.sh, delivering into one Maildir):
#
#   1. With alerts/digest_at passed (00:00 UTC) and the samples in, one
#      digest reaches alerts/digest_to: Auto-Submitted: auto-generated, the
#      day and the number of dates in its Subject, one line per date that
#      `writctl due --days 7 --json` lists (date, when, case, kind), and
#      none of the cases' accounts. Its delivery is recorded as sent.
#   2. Killed (SIGKILL) and restarted, writ-send sends no second digest for
#      the day: once the new process has alerted a new case in review (its
#      loop looks at the digest before the alerts), the sink still holds one.
#   3. A malformed alerts/digest_at: writ-send refuses to start (exit 78)
#      and says which setting is wrong.
#
# Needs root and Postfix (SKIP 77 otherwise), like test_send. Runs once per
# suite: skipped in build-asan/ unless WRIT_SEND_TEST_ASAN=1.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../relay.sh"

stack_env
trap relay_teardown EXIT
relay_start
today=$(date -u +%F)
export WRIT_CASEWORK_TODAY=$today     # writctl and writ-send agree on the day
export WRIT_NOTIFY_SMTP_STARTTLS=none
export WRIT_ALERTS_TO=oncall@ops.writ-test.example
export WRIT_ALERTS_DIGEST_TO=legal-digest@ops.writ-test.example
export WRIT_ALERTS_DIGEST_AT=00:00
export WRIT_SEND_LEASE_MS=4000
export WRIT_SEND_RETRY_BASE_MS=500
export WRIT_SEND_RETRY_MAX_MS=2000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/writ-digest.XXXXXX")
sink=$pf/mail/sink
pids=$WRIT_RUN_DIR/pids

# The samples go in before writ-send starts, so its first digest has them.
stack_up                               # no relay yet: no writ-send
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
n=0
for f in "$fixtures"/requests/*.eml; do lmtp_send "$f" >/dev/null; n=$((n + 1)); done
wait_all_finished "$n" 120
[ ! -e "$pids/send.1.pid" ] || fail "writ-send runs without a relay"
export WRIT_NOTIFY_SMTP_RELAY=smtp://127.0.0.1:$pf_port
restart_missing                        # now with the relay: starts send.1
[ -e "$pids/send.1.pid" ] || fail "writ-send did not start"

# digests_in_sink: the digests in the sink, as JSON [{subject, to, body, headers}]
digests_in_sink() {
    python3 - "$sink" <<'PY'
import email, email.policy, glob, json, os, sys
out = []
for p in sorted(glob.glob(os.path.join(sys.argv[1], "new", "*"))):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if (m["Message-ID"] or "").strip().startswith("<digest."):
        out.append({"subject": str(m["Subject"]), "to": str(m["Delivered-To"]),
                    "auto": str(m["Auto-Submitted"]), "mid": str(m["Message-ID"]),
                    "type": m.get_content_type(), "body": m.get_content()})
print(json.dumps(out))
PY
}

# ---- 1. one digest of what writctl due lists, no account in it -------------
deadline=$((SECONDS + 90))
until [ "$(digests_in_sink | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "1: no digest reached the relay in 90 s"
    sleep 1
done
writctl due --days 7 --json > "$tmp/due.json"
for id in $(writctl case list --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))'); do
    writctl case show "$id" --json
done | python3 -c '
import json, sys
dec = json.JSONDecoder(); s = sys.stdin.read(); i = 0; accounts = set()
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i >= len(s): break
    o, i = dec.raw_decode(s, i)
    for a in o.get("accounts", []):
        if a.get("account"): accounts.add(a["account"])
print(json.dumps(sorted(accounts)))' > "$tmp/accounts.json"
digests_in_sink > "$tmp/digests.json"
python3 - "$tmp/digests.json" "$tmp/due.json" "$tmp/accounts.json" "$today" <<'PY' || fail "1: the digest"
import json, re, sys
digests = json.load(open(sys.argv[1]))
due = json.load(open(sys.argv[2]))
accounts = json.load(open(sys.argv[3]))
today = sys.argv[4]
assert len(digests) == 1, f"{len(digests)} digests"
d = digests[0]
assert d["to"] == "legal-digest@ops.writ-test.example", d["to"]
assert d["auto"] == "auto-generated", d["auto"]
assert d["type"] == "text/plain", d["type"]
assert d["mid"] == "<digest." + today.replace("-", "") + "@" + d["mid"].split("@")[1], d["mid"]
# the cases' dates are settled before writ-send starts; the messages it
# could not deliver (kind delivery) may come after its digest went
due = [r for r in due if r["kind"] != "delivery"]
assert due, "the samples have no date due: the digest test sees nothing"
body = d["body"]
lines = [l for l in body.splitlines() if re.match(r"\d{4}-\d\d-\d\d  ", l)]
n = len(lines)
assert d["subject"] == f"[writ] due on {today}: {n} date{'' if n == 1 else 's'}", (d["subject"], n)
assert n >= len(due), (n, len(due))
for r in due:
    line = f'{r["date"]:<10}  {r["status"]:<18} {r["case"]:<18} {r["kind"]:<12} '
    assert line in body, f"no digest line for {r}: {body}"
assert len(accounts) >= 5, accounts
for a in accounts:
    assert a.lower() not in body.lower(), f"the digest names the account {a}"
whats = " ".join(r["what"] for r in due)
for addr in re.findall(r"[\w.+-]+@[\w.-]+", whats):
    assert addr not in body, f"the digest carries {addr}"
PY
state=$(rcli --raw HGET "writ:delivery:digest.${today//-/}" state)
[ "$state" = sent ] || fail "1: the digest's delivery is '$state', not sent"
pass "1: one digest of $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/due.json") dates to alerts/digest_to, as writctl due lists them, no account"

# ---- 2. killed and restarted: no second digest that day --------------------
kill -KILL "$(cat "$pids/send.1.pid")"
while kill -0 "$(cat "$pids/send.1.pid")" 2>/dev/null; do sleep 0.1; done
restart_missing
printf 'From: someone@example.com\nTo: legal-requests@northwind-cloud.example\nSubject: lunch\nMessage-ID: <digest-test-lunch@example.com>\nDate: Sat, 05 Dec 2026 10:00:00 +0000\n\nAre we still on for lunch?\n' > "$tmp/lunch.eml"
reply=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
    --from sender@gateway.example --to legal-requests@northwind-cloud.example \
    --data "@$tmp/lunch.eml" --timeout 30 2>&1) || fail "2: intake refused the message"
lunch=$(printf '%s\n' "$reply" | grep -oE 'case c[0-9a-f]{16}' | head -1 | cut -d' ' -f2)
[ -n "$lunch" ] || fail "2: no case id in intake's reply: $reply"
deadline=$((SECONDS + 90))
until python3 - "$sink" "$lunch" <<'PY'
import email, email.policy, glob, os, sys
for p in glob.glob(os.path.join(sys.argv[1], "new", "*")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["Subject"]):
        sys.exit(0)
sys.exit(1)
PY
do
    [ $SECONDS -lt $deadline ] || fail "2: the restarted writ-send sent no alert for $lunch in 90 s"
    sleep 1
done
count=$(digests_in_sink | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$count" -eq 1 ] || fail "2: $count digests after the restart, want 1"
pass "2: killed and restarted, writ-send alerted case $lunch and sent no second digest"

# ---- 3. a malformed alerts/digest_at is refused at start --------------------
set +e
WRIT_ALERTS_DIGEST_AT=25:99 "$bin/writ-send" > "$tmp/bad.out" 2> "$tmp/bad.err"
rc=$?
set -e
[ $rc -eq 78 ] || fail "3: writ-send with alerts/digest_at 25:99 exited $rc, want 78"
grep -q "alerts/digest_at '25:99' is not a time of day" "$tmp/bad.out" "$tmp/bad.err" \
    || fail "3: no clear error: $(cat "$tmp/bad.out" "$tmp/bad.err")"
pass "3: alerts/digest_at 25:99 refused at start (78) with a clear error"
rm -rf "$tmp"
