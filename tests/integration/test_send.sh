#!/usr/bin/env bash
# writ-send with a real relay: a private Postfix instance on loopback (its
# own config, queue and data in a temp dir, SMTP on a free 127.0.0.1 port)
# that delivers every message it accepts into one Maildir, the sink, and
# refuses one recipient with 550 (an access map). Counted in the sink:
#
#   1. The samples: each prepared notice arrives exactly once, to the
#      notice's recipient (the consumer, or the enterprise's admin contact
#      as case show names it), with Date, Message-ID (the notice's
#      stable one), From, Reply-To, MIME UTF-8; the refused recipient's
#      notice is `failed` and shown by `writctl queue` and `writctl due`; `case show` shows
#      each delivery (sent with the relay's "queued as" reply). Every case
#      in review gets one alert at alerts/to (Auto-Submitted:
#      auto-generated, the case number, no account in it), the emergency
#      to alerts/emergency_to; none again after the sender restarts.
#   2. The relay stopped for 30 s while 200 cases arrive: deferred (shown
#      in the queue after attention_after attempts), then every notice
#      arrives exactly once after it is back.
#   3. The sender SIGKILLed again and again in the middle of a batch of
#      200 cases: no notice lost, none twice (a notice whose end of data
#      had gone out when it was killed is `unconfirmed`, shown in the
#      queue, never sent again; in the sink at most once).
#   5. (with 1) Acknowledgements: each verified requester gets one, to
#      its From address, with the case number and no account; an
#      unverified sender gets none -- a forged copy of sample 012 (its
#      gateway's DMARC verdict turned to fail) included.
#   6. A person resolves what writ-send could not finish (writctl case
#      delivery, audited): the refused notice of 1, once the relay takes
#      its recipient, is resent and arrives once; the unconfirmed notice
#      of 4 is recorded as sent; neither is in the queue any more.
#   4. The crash window itself: a sender killed right after the relay's
#      answer, before its record (send/debug_kill_after_data): the next
#      sender does not send it again; it is `unconfirmed` in the queue and
#      the sink holds it once.
#
# Needs root (Postfix's master runs as root) and Postfix: SKIP (77)
# otherwise, like test_postfix. Runs once per suite: skipped in build-asan/
# unless WRIT_SEND_TEST_ASAN=1.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../relay.sh"
# sample 010's notice is refused (550 at RCPT) by the relay
refused=quietfox@northmail.example
echo "$refused REJECT 5.7.1 refused by the writ test relay" > "$conf/refused"
$POSTMAP -c "$conf" "hash:$conf/refused"
pc -e "smtpd_recipient_restrictions = check_recipient_access hash:$conf/refused, permit_mynetworks, reject"

# ---- writ's stack with the sender ------------------------------------------
stack_env
trap relay_teardown EXIT
relay_start
pass "private relay (Postfix $($POSTCONF -d -h mail_version)) on 127.0.0.1:$pf_port, delivering into $pf/mail/sink"
export WRIT_NOTIFY_TODAY=2013-01-01
export WRIT_NOTIFY_SMTP_RELAY=smtp://127.0.0.1:$pf_port
export WRIT_NOTIFY_SMTP_STARTTLS=none
export WRIT_ALERTS_TO=oncall@ops.writ-test.example
export WRIT_ALERTS_EMERGENCY_TO=emergency@ops.writ-test.example
export WRIT_ALERTS_DIGEST_AT=""            # the daily digest: test_digest
export WRIT_SEND_LEASE_MS=4000
export WRIT_SEND_RETRY_BASE_MS=500
export WRIT_SEND_RETRY_MAX_MS=2000
export WRIT_SEND_ATTENTION_AFTER=3
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"
sink=$pf/mail/sink
pids=$WRIT_RUN_DIR/pids

# tally: one JSON object about the outbox and the sink:
#   notices: {notice id: {"to":..., "mid":..., "copies": N}}
#   alerts: {message id: copies}, extra: messages in the sink writ did not prepare
tally() {
    python3 - "$WRIT_RUN_DIR/outbox/new" "$sink" <<'PY'
import email, email.policy, glob, json, os, sys
outbox, sink = sys.argv[1], sys.argv[2]
def headers(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)
notices = {}
by_mid = {}
for p in glob.glob(os.path.join(outbox, "*.writ")):
    m = headers(p)
    mid = m["Message-ID"].strip()
    nid = os.path.basename(p)[:-5]
    notices[nid] = {"to": str(m["To"]).strip(), "mid": mid, "copies": 0}
    by_mid[mid] = nid
alerts, acks, extra = {}, {}, 0
for p in glob.glob(os.path.join(sink, "new", "*")) + glob.glob(os.path.join(sink, "cur", "*")):
    m = headers(p)
    mid = (m["Message-ID"] or "").strip()
    if mid in by_mid:
        notices[by_mid[mid]]["copies"] += 1
    elif str(m["Subject"]).startswith("[writ]"):
        alerts[mid] = alerts.get(mid, 0) + 1
    elif "received as our case" in str(m["Subject"]):
        key = mid + " " + str(m["Delivered-To"])
        acks[key] = acks.get(key, 0) + 1
    else:
        extra += 1
print(json.dumps({"notices": notices, "alerts": alerts, "acks": acks, "extra": extra}))
PY
}
# delivery_states: {delivery id: state} for every notice and alert (read
# from Redis as the stack's admin, in one script: the test may list keys).
delivery_states() {
    rcli --raw eval "local out = {}
for _, k in ipairs(redis.call('KEYS', 'writ:delivery:c*')) do
  if not string.find(k, 'writ:delivery:case:', 1, true) then
    out[string.sub(k, 15)] = redis.call('HGET', k, 'state')
  end
end
return cjson.encode(out)" 0
}
# wait_settled SECONDS: until every notice in the outbox has a final
# delivery state (sent, failed or unconfirmed) and nothing is in flight.
wait_settled() {
    local deadline=$((SECONDS + $1)) left
    while :; do
        left=$(python3 - "$WRIT_RUN_DIR/outbox/new" <(delivery_states) <<'PY'
import glob, json, os, sys
states = json.load(open(sys.argv[2]))
ids = [os.path.basename(p)[:-5] for p in glob.glob(os.path.join(sys.argv[1], "*.writ"))]
print(sum(1 for i in ids if states.get(i) not in ("sent", "failed", "unconfirmed")))
PY
)
        [ "$left" -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || fail "$left notice(s) without a final delivery state after $1 s"
        sleep 1
    done
}

# ---- 1. the samples ---------------------------------------------------------
for f in "$fixtures"/requests/*.eml; do lmtp_send "$f" >/dev/null; done
# a forged request: sample 012 as if its sender's domain had failed DMARC
sed -e 's/dmarc=pass/dmarc=fail/' -e 's/^Message-ID: <7d2c91e0b4a5f6@/Message-ID: <forged-7d2c91e0b4a5f6@/' \
    "$fixtures/requests/012.eml" > "$tmp/forged.eml"
grep -q 'dmarc=fail' "$tmp/forged.eml" && grep -q 'forged-7d2c' "$tmp/forged.eml" || fail "cannot make the forged request"
lmtp_send "$tmp/forged.eml" >/dev/null
wait_all_finished 15 120
wait_settled 120
tally > "$tmp/t1.json"
writctl queue --json > "$tmp/q1.json"
writctl due --json > "$tmp/d1.json"
python3 - "$tmp/t1.json" "$tmp/q1.json" "$refused" "$sink" "$tmp/d1.json" <<'PY' || fail "1: the samples' notices"
import json, sys, glob, os, email, email.policy
t, q, refused, sink = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
n = t["notices"]
assert len(n) == 8, f"8 prepared notices expected, outbox has {len(n)}"
for nid, v in n.items():
    want = 0 if v["to"] == refused else 1
    assert v["copies"] == want, f"{nid} to {v['to']}: {v['copies']} copies in the sink, want {want}"
assert t["extra"] == 0, f"{t['extra']} unexpected messages in the sink"
failed = [e for e in q if e["kind"] == "delivery" and e["state"] == "failed"]
assert len(failed) == 1 and "refused" in failed[0]["why"], f"queue shows no failed delivery: {failed}"
due = json.load(open(sys.argv[5]))
dfailed = [e for e in due if e["kind"] == "delivery" and e["state"] == "failed"]
assert len(dfailed) == 1 and "refused" in dfailed[0]["what"] and dfailed[0]["case"] == failed[0]["case"], \
    f"due shows no failed delivery: {dfailed}"
# headers of what arrived
for p in glob.glob(os.path.join(sink, "new", "*")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if str(m["Subject"]).startswith("[writ]"):
        assert m["Auto-Submitted"] == "auto-generated"
        body = m.get_content()
        assert "northmail.example" not in body and "@" not in body.split("Why:")[1], "customer data in an alert"
        continue
    if "received as our case" in str(m["Subject"]):
        assert m["Auto-Submitted"] == "auto-replied"
        continue
    for h in ("Date", "Message-ID", "From", "Reply-To", "To", "MIME-Version"):
        assert m[h], f"{p}: no {h}"
    assert m.get_content_charset() == "utf-8", p
    assert m["Delivered-To"] == str(m["To"]).strip(), f"delivered to {m['Delivered-To']}, To {m['To']}"
    assert m["From"].addresses[0].addr_spec == "legal-notices@northwind-cloud.example"
    assert m["Reply-To"].addresses[0].addr_spec == "legal-notices@northwind-cloud.example"
    m.get_content()                      # decodes as UTF-8
print("ok")
PY
# the recipients: the enterprise's admin contact where case show says so
python3 - "$tmp/t1.json" <<'PY' || fail "1: recipients"
import json, sys
tos = sorted(v["to"] for v in json.load(open(sys.argv[1]))["notices"].values())
assert "itops@glenmore-analytics.example" in tos, tos            # 013's enterprise account: its admin
assert "it-admin@bellwether-shipping.example" in tos, tos        # 003's enterprise account: its admin
assert "analytics-admin@glenmore-analytics.example" not in tos, tos
assert "p.wexford@northmail.example" in tos, tos                 # a consumer: the account itself
PY
# case show: the delivery, with the relay's reply
sent_case=$(python3 - "$tmp/t1.json" <<'PY'
import json, sys
n = json.load(open(sys.argv[1]))["notices"]
print(sorted(k for k, v in n.items() if v["copies"] == 1)[0].split(".")[0])
PY
)
writctl case show "$sent_case" > "$tmp/show.txt"
grep -q '^  deliveries:' "$tmp/show.txt" || fail "1: case show lists no deliveries"
grep -Eq 'notice +sent .*sent 20' "$tmp/show.txt" || fail "1: case show shows no sent notice: $(cat "$tmp/show.txt")"
grep -q 'queued as' "$tmp/show.txt" || fail "1: case show has not the relay's reply (queue id)"
# alerts: one per case in review, emergencies to emergency_to
review=$(writctl case list --state review --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
deadline=$((SECONDS + 60))
until [ "$(tally | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["alerts"]))')" -ge "$review" ]; do
    [ $SECONDS -lt $deadline ] || fail "1: fewer alerts than the $review cases in review"
    sleep 1
done
python3 - "$sink" "$review" <<'PY' || fail "1: alerts"
import email, email.policy, glob, os, sys
sink, review = sys.argv[1], int(sys.argv[2])
alerts = []
for p in glob.glob(os.path.join(sink, "new", "*")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if str(m["Subject"]).startswith("[writ]"):
        alerts.append(m)
assert len(alerts) == review, f"{len(alerts)} alerts for {review} cases in review"
assert len({str(m["Message-ID"]) for m in alerts}) == review, "an alert twice"
emerg = [m for m in alerts if "EMERGENCY" in m["Subject"]]
assert emerg, "no emergency alert"
for m in emerg:
    assert m["Delivered-To"] == "emergency@ops.writ-test.example", m["Delivered-To"]
for m in alerts:
    if m not in emerg:
        assert m["Delivered-To"] == "oncall@ops.writ-test.example", m["Delivered-To"]
PY
# a restarted sender sends nothing again
kill -TERM "$(cat "$pids/send.1.pid")"
while kill -0 "$(cat "$pids/send.1.pid")" 2>/dev/null; do sleep 0.1; done
restart_missing
sleep 3
tally > "$tmp/t1b.json"
python3 -c '
import json, sys
a, b = (json.load(open(p))["notices"] for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)' "$tmp/t1.json" "$tmp/t1b.json" \
    || fail "1: the restarted sender sent notices or acknowledgements again"
python3 - "$tmp/t1b.json" "$review" <<'PY' || fail "1: the restarted sender sent alerts again"
import json, sys
a = json.load(open(sys.argv[1]))["alerts"]
assert len(a) == int(sys.argv[2]) and all(v == 1 for v in a.values()), a
PY
# acknowledgements: one per verified requester, none to the others
for id in $(writctl case list --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))'); do
    writctl case show "$id" --json > "$tmp/ack-$id.json"
done
deadline=$((SECONDS + 60))
until python3 - "$tmp" <(tally) <<'PY'
import glob, json, sys
want = set()
for p in glob.glob(sys.argv[1] + "/ack-*.json"):
    c = json.load(open(p))
    a = c["request"].get("authenticity", {})
    if a.get("verified") and not c.get("verify_requester"):
        want.add(c["id"])
got = json.load(open(sys.argv[2]))["acks"]
sys.exit(0 if len(got) >= len(want) else 1)
PY
do
    [ $SECONDS -lt $deadline ] || fail "5: acknowledgements missing"
    sleep 1
done
python3 - "$tmp" <(tally) <<'PY' || fail "5: acknowledgements"
import glob, json, sys
want, unverified_from, forged = {}, set(), None
for p in glob.glob(sys.argv[1] + "/ack-*.json"):
    c = json.load(open(p))
    r = c["request"]
    a = r.get("authenticity", {})
    if "forged-7d2c" in (c.get("message_id") or ""):
        forged = c
    if a.get("verified") and not c.get("verify_requester"):
        want[c["id"]] = r.get("from")
got = json.load(open(sys.argv[2]))["acks"]
assert forged and forged["verify_requester"], "the forged request was not held for verification"
assert want, "no verified sample"
by_case = {}
for key, n in got.items():
    mid, to = key.split(" ", 1)
    assert n == 1, f"an acknowledgement {n} times: {key}"
    by_case[mid.strip("<>").split(".")[0]] = to
assert set(by_case) == set(want), f"acknowledged {sorted(by_case)}, verified {sorted(want)}"
for cid, to in by_case.items():
    assert want[cid] and to.lower() == want[cid].lower(), f"{cid}: ack to {to}, requester {want[cid]}"
assert forged["id"] not in by_case, "the forged request was acknowledged"
print(len(want))
PY
acks=$(tally | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["acks"]))')
pass "5: $acks acknowledgements, one per verified requester, to its From; none to an unverified or forged sender"
pass "1: 8 notices: 7 arrived once each (right recipient, Date/Message-ID/From/Reply-To, UTF-8), the refused one failed and is in the queue; $review alerts once each; a restart sends nothing again"

# ---- 2. the relay down 30 s during 200 cases -----------------------------------
load() {  # load COUNT RUN_ID OUTFILE [extra]
    python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count "$1" \
        --connections 4 --templates "$fixtures/requests" --only 003,009,012,013 \
        --run-id "$2" --out "$3" --deadline 240 "${@:4}"
}
relay_stop
down_at=$SECONDS
load 200 relaydown "$tmp/acc2" --rate 40 > "$tmp/load2.json"
check_all_finished_send() {  # like check_all_finished, without the outbox count
    local deadline=$((SECONDS + $2)) left
    while :; do
        left=$(writctl case list --json | python3 -c '
import json, sys
states = {c["id"]: c["state"] for c in json.load(open("/dev/stdin"))}
ids = [l.split()[2] for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for i in ids if states.get(i) not in ("notified", "held", "review")))' "$1")
        [ "$left" -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || fail "$left case(s) not finished after $2 s"
        sleep 0.5
    done
}
check_all_finished_send "$tmp/acc2" 120
# deferred, and after attention_after attempts shown in the queue
deadline=$((SECONDS + 60))
until writctl queue --json | python3 -c '
import json, sys
q = [e for e in json.load(sys.stdin) if e["kind"] == "delivery" and e["state"] == "deferred"]
sys.exit(0 if q else 1)'; do
    [ $SECONDS -lt $deadline ] || fail "2: no deferred delivery in the queue while the relay is down"
    sleep 1
done
while [ $((SECONDS - down_at)) -lt 30 ]; do sleep 1; done
relay_start
wait_settled 240
tally > "$tmp/t2.json"
python3 - "$tmp/t2.json" "$refused" <<'PY' || fail "2: after the relay came back"
import json, sys
t, refused = json.load(open(sys.argv[1])), sys.argv[2]
bad = {k: v["copies"] for k, v in t["notices"].items() if v["copies"] != (0 if v["to"] == refused else 1)}
assert not bad, f"notices not exactly once: {list(bad.items())[:5]}"
assert t["extra"] == 0
print(len(t["notices"]))
PY
writctl queue --json | python3 -c '
import json, sys
q = [e for e in json.load(sys.stdin) if e["kind"] == "delivery" and e["state"] == "deferred"]
sys.exit(1 if q else 0)' || fail "2: deferred deliveries still in the queue after all were sent"
pass "2: relay down $((SECONDS - down_at)) s while 200 cases arrived: deferred (in the queue), then $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["notices"]))' "$tmp/t2.json") notices in all, each exactly once"

# ---- 3. SIGKILL the sender mid-batch ---------------------------------------------
kill -KILL "$(cat "$pids/send.1.pid")"
load 200 sigkill "$tmp/acc3" > "$tmp/load3.json"
check_all_finished_send "$tmp/acc3" 120
before=$(tally | python3 -c 'import json,sys; print(sum(v["copies"] for v in json.load(sys.stdin)["notices"].values()))')
kills=0
for _ in 1 2 3 4 5 6; do
    restart_missing
    # let it send some, then kill it in the middle of the batch
    target=$((before + 15 + RANDOM % 20))
    deadline=$((SECONDS + 60))
    while :; do
        now=$(find "$sink/new" -type f | wc -l)
        [ "$now" -ge "$target" ] && break
        [ $SECONDS -lt $deadline ] || break
        sleep 0.05
    done
    kill -KILL "$(cat "$pids/send.1.pid")" 2>/dev/null && kills=$((kills + 1))
    before=$(tally | python3 -c 'import json,sys; print(sum(v["copies"] for v in json.load(sys.stdin)["notices"].values()))')
done
restart_missing
wait_settled 240
tally > "$tmp/t3.json"
python3 - "$tmp/t3.json" "$refused" <(delivery_states) <<'PY' || fail "3: after the sender was SIGKILLed"
import json, sys
t, refused, states = json.load(open(sys.argv[1])), sys.argv[2], json.load(open(sys.argv[3]))
twice = {k: v["copies"] for k, v in t["notices"].items() if v["copies"] > 1}
assert not twice, f"sent twice: {twice}"
assert all(n == 1 for n in t["acks"].values()), "an acknowledgement twice"
lost = [k for k, v in t["notices"].items()
        if v["to"] != refused and v["copies"] == 0 and states.get(k) != "unconfirmed"]
assert not lost, f"lost (not in the sink, not unconfirmed): {lost[:5]}"
wrong = [k for k, v in t["notices"].items()
         if v["to"] != refused and v["copies"] == 1 and states.get(k) not in ("sent", "unconfirmed")]
assert not wrong, f"in the sink but recorded as {[states.get(k) for k in wrong]}"
unconf = sum(1 for k in t["notices"] if states.get(k) == "unconfirmed")
print(unconf)
PY
unconfirmed=$(python3 -c '
import json,sys
print(sum(1 for v in json.load(open(sys.argv[1])).values() if v == "unconfirmed"))' <(delivery_states))
if [ "$unconfirmed" -gt 0 ]; then
    # to a file: grep -q stops reading early, and the queue (with the
    # decision letters held for approval) is longer than a pipe's buffer
    writctl queue > "$tmp/q3.txt"
    grep -q 'may have been sent' "$tmp/q3.txt" || fail "3: unconfirmed deliveries are not in the queue"
fi
pass "3: sender SIGKILLed $kills times mid-batch (200 cases): none twice, none lost ($unconfirmed unconfirmed, in the queue, each at most once in the sink)"

# ---- 4. the crash window: killed after the relay's answer, before the record ---
kill -TERM "$(cat "$pids/send.1.pid")"
while kill -0 "$(cat "$pids/send.1.pid")" 2>/dev/null; do sleep 0.1; done
WRIT_SEND_DEBUG_KILL_AFTER_DATA=true WRIT_LETTERS_ACKNOWLEDGE=false restart_missing
load 1 window "$tmp/acc4" --only 012 > "$tmp/load4.json"
check_all_finished_send "$tmp/acc4" 60
case4=$(awk '{print $3}' "$tmp/acc4")
deadline=$((SECONDS + 60))
while kill -0 "$(cat "$pids/send.1.pid")" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "4: the sender did not stop in the crash window"
    sleep 0.1
done
restart_missing                        # a normal sender again
deadline=$((SECONDS + 60))
until writctl case show "$case4" --json | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin).get("deliveries", []) if x["kind"] == "notice"]
sys.exit(0 if d and d[0]["state"] == "unconfirmed" else 1)'; do
    [ $SECONDS -lt $deadline ] || fail "4: the notice is not unconfirmed after the lease: $(writctl case show "$case4" | sed -n '/deliveries/,/audit/p')"
    sleep 0.5
done
sleep 3                                 # (would it be sent again, it would be by now)
copies=$(tally | python3 -c '
import json,sys
print(sum(v["copies"] for k, v in json.load(sys.stdin)["notices"].items() if k.startswith(sys.argv[1])))' "$case4")
[ "$copies" -eq 1 ] || fail "4: the notice is $copies times in the sink, want 1"
writctl queue > "$tmp/q4.txt"
grep "$case4" "$tmp/q4.txt" | grep -q 'may have been sent' || fail "4: the unconfirmed notice is not in the queue"
writctl case show "$case4" | grep -q 'committing -> unconfirmed' || fail "4: no audit entry for the unconfirmed notice"
pass "4: killed between the relay's 250 and the record: not sent again, unconfirmed in the queue, once in the sink"

# ---- 6. a person resolves them ---------------------------------------------------
: > "$conf/refused"
$POSTMAP -c "$conf" "hash:$conf/refused"
relay_stop; relay_start        # (smtpd keeps the old map for a kept connection)
failed_id=$(writctl queue --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["kind"] == "delivery" and e["state"] == "failed":
        print(e["case"], e["delivery"]); break')
[ -n "$failed_id" ] || fail "6: the refused notice is not in the queue"
# shellcheck disable=SC2086
writctl case delivery $failed_id resend --reason "recipient accepted by the relay again" --as alice >/dev/null
unconf_id=$(writctl case show "$case4" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)
print(c["id"], [d["id"] for d in c["deliveries"] if d["state"] == "unconfirmed"][0])')
# shellcheck disable=SC2086
writctl case delivery $unconf_id sent --reason "queued as in the relay log" --as bob >/dev/null
set +e
# shellcheck disable=SC2086
writctl case delivery $unconf_id resend --reason "again" --as bob >/dev/null 2>&1; again=$?
set -e
[ $again -eq 1 ] || fail "6: a resolved delivery was resolved again (exit $again)"
deadline=$((SECONDS + 60))
until [ "$(tally | python3 -c '
import json, sys
n = json.load(sys.stdin)["notices"]
print(sum(v["copies"] for k, v in n.items() if k == sys.argv[1]))' "${failed_id#* }")" -eq 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "6: the resent notice did not arrive"
    sleep 0.5
done
sleep 2
python3 - <(tally) "${failed_id#* }" "${unconf_id#* }" <<'PY' || fail "6: after resolving"
import json, sys
n = json.load(open(sys.argv[1]))["notices"]
assert n[sys.argv[2]]["copies"] == 1, n[sys.argv[2]]
assert n[sys.argv[3]]["copies"] == 1, n[sys.argv[3]]
assert not [k for k, v in n.items() if v["copies"] > 1]
PY
writctl queue --json | python3 -c '
import json, sys
left = [e for e in json.load(sys.stdin) if e.get("delivery") in sys.argv[1:]]
sys.exit(1 if left else 0)' "${failed_id#* }" "${unconf_id#* }" || fail "6: resolved deliveries still in the queue"
writctl case show "${failed_id% *}" | grep -A1 'delivery resend\|failed -> deferred' | grep -q 'by alice' \
    || fail "6: the resend is not audited with its operator: $(writctl case show "${failed_id% *}" | tail -5)"
writctl case show "${unconf_id% *}" | grep -q 'unconfirmed -> sent' || fail "6: the confirmation is not audited"
pass "6: the refused notice resent by a person (audited) arrived once; the unconfirmed one recorded as sent; the queue is clear of them"
