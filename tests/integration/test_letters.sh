#!/usr/bin/env bash
# Decision letters to the requester, with a real relay (the private Postfix
# of test_send, delivering every message into one Maildir, the sink):
#
#   1. A verified requester's request rejected out of jurisdiction (sample
#      002, IE data, US process): writ-send prepares the letter and holds
#      it -- `writctl queue` shows it in words, `case show` lists it -- and
#      nothing reaches the sink until a person approves it.
#   2. Bad input writes nothing: an unknown case, no --reason, no operator,
#      an unknown action -> exit 1 / 64, the letter still held, the case's
#      audit unchanged.
#   3. An unverified sender (a copy of 002 whose gateway's DMARC verdict
#      failed) gets no letter: none prepared, none sent, `case letter`
#      finds nothing to approve.
#   4. `case letter ID discard` (a second verified copy): audited, out of
#      the queue, never sent.
#   5. `case letter ID send`: audited with the operator, then the letter
#      arrives exactly once at the requester (To/Delivered-To its From
#      address, the case number, the reference, the reason in words, no
#      account); approving it again is refused (exit 1).
#   6. A person's decision: a resent copy of 002 (same Message-ID, other
#      Subject) waits in review, watched, with no letter; decided
#      reject_insufficient_process by a person, its letter is held, then
#      approved and arrives once.
#   7. letters/auto_send: a new verified copy's letter goes out once with
#      no approval and no approval act on its audit trail.
#
# Needs root and Postfix (SKIP 77 otherwise), like test_send. Runs once
# per suite: skipped in build-asan/ unless WRIT_SEND_TEST_ASAN=1.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../relay.sh"

# ---- writ's stack with the sender (letters held for a person: the default) --
stack_env
trap relay_teardown EXIT
relay_start
export WRIT_NOTIFY_SMTP_RELAY=smtp://127.0.0.1:$pf_port
export WRIT_NOTIFY_SMTP_STARTTLS=none
export WRIT_SEND_LEASE_MS=4000
export WRIT_SEND_RETRY_BASE_MS=500
export WRIT_SEND_RETRY_MAX_MS=2000
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"
sink=$pf/mail/sink
pids=$WRIT_RUN_DIR/pids
requester=gokonkwo@uspis.gov                       # sample 002's From

# letters_in_sink CASE: copies of the case's decision letter in the sink
letters_in_sink() {
    python3 - "$sink" "$1" <<'PY'
import email, email.policy, glob, os, sys
sink, case = sys.argv[1], sys.argv[2]
n = 0
for p in glob.glob(os.path.join(sink, "new", "*")) + glob.glob(os.path.join(sink, "cur", "*")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if (m["Message-ID"] or "").strip().startswith("<" + case + ".letter@"):
        n += 1
print(n)
PY
}
# letter_state CASE: the state of the case's letter ("" none)
letter_state() { rcli --raw HGET "writ:delivery:$1.letter" state; }
letter_acts() { rcli --raw XRANGE "writ:audit:$1" - + | grep -cxE 'letter (send|discard)' || true; }

# ---- 1. a verified requester's rejection: prepared, held, not sent ----------
lmtp_send "$fixtures/requests/002.eml" >/dev/null
wait_all_finished 1 60
sed -e 's/dmarc=pass/dmarc=fail/' -e 's/^Message-ID: <BN7PR09MB/Message-ID: <forged-BN7PR09MB/' \
    "$fixtures/requests/002.eml" > "$tmp/forged.eml"
grep -q 'dmarc=fail' "$tmp/forged.eml" && grep -q '<forged-BN7PR09MB' "$tmp/forged.eml" \
    || fail "cannot make the forged request"
lmtp_send "$tmp/forged.eml" >/dev/null
wait_all_finished 2 60
sed -e 's/^Message-ID: <BN7PR09MB/Message-ID: <again-BN7PR09MB/' \
    "$fixtures/requests/002.eml" > "$tmp/again.eml"
grep -q '<again-BN7PR09MB' "$tmp/again.eml" || fail "cannot make the second copy"
lmtp_send "$tmp/again.eml" >/dev/null
wait_all_finished 3 60
read -r A C B < <(writctl case list --json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))')
[ -n "$B" ] || fail "three cases expected"
for id in $A $B; do
    writctl case show "$id" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert all(a["decision"] == "reject_out_of_jurisdiction" for a in c["accounts"]), c["accounts"]' \
        || fail "1: $id is not rejected out of jurisdiction"
done
# writ-send has looked at all three once its cursor is past the last
last=$(rcli --raw ZSCORE writ:cases "$B")
deadline=$((SECONDS + 90))
until [ "$(letter_state "$A")" = held ] && [ "$(letter_state "$B")" = held ] \
      && [ "$(rcli --raw GET writ:delivery:letter_cursor)" -ge "${last%.*}" ] 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "1: the letters were not prepared and held ($(letter_state "$A")/$(letter_state "$B"))"
    sleep 1
done
writctl queue --json > "$tmp/q1.json"
python3 - "$tmp/q1.json" "$A" "$B" <<'PY' || fail "1: the queue does not show the held letters in words"
import json, sys
q, a, b = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
held = {e["case"]: e for e in q if e["kind"] == "delivery" and e["type"] == "letter"}
assert set(held) == {a, b}, held
for e in held.values():
    assert e["state"] == "held"
    assert "a rejection letter (out of jurisdiction) waits for a person" in e["why"], e["why"]
    assert "writctl case letter " + e["case"] + " send|discard" in e["why"], e["why"]
PY
writctl case show "$A" | grep -Eq 'letter +held +to gokonkwo@uspis.gov' || fail "1: case show does not list the held letter"
[ "$(letters_in_sink "$A")" -eq 0 ] && [ "$(letters_in_sink "$B")" -eq 0 ] || fail "1: a letter was sent without approval"
pass "1: rejection letters prepared and held for $A and $B (queue: in words; case show), none sent"

# ---- 2. bad input writes nothing --------------------------------------------
before=$(rcli --raw HGETALL "writ:delivery:$A.letter" | sort | md5sum)
expect_rc() { local want=$1; shift; set +e; WRIT_OPERATOR= writctl "$@" >/dev/null 2>"$tmp/err"; local rc=$?; set -e
    [ $rc -eq "$want" ] || fail "2: writctl $* exited $rc, want $want ($(cat "$tmp/err"))"; }
expect_rc 1 case letter c00000000deadbeef send --reason "no such case" --as bob
expect_rc 64 case letter "$A" send --as bob
expect_rc 64 case letter "$A" send --reason "no operator"
expect_rc 64 case letter "$A" send --reason "" --as bob
expect_rc 64 case letter "$A" publish --reason "bad action" --as bob
expect_rc 64 case letter "$A"
[ "$(rcli --raw HGETALL "writ:delivery:$A.letter" | sort | md5sum)" = "$before" ] || fail "2: bad input changed the letter"
[ "$(letter_acts "$A")" -eq 0 ] || fail "2: bad input wrote an audit entry"
[ "$(rcli --raw EXISTS writ:delivery:c00000000deadbeef.letter)" = 0 ] || fail "2: an unknown case got a letter key"
pass "2: unknown case -> 1, no --reason / no operator / bad action -> 64; nothing written"

# ---- 3. the unverified sender: no letter --------------------------------------
[ -z "$(letter_state "$C")" ] || fail "3: the unverified sender's case has a letter ($(letter_state "$C"))"
expect_rc 1 case letter "$C" send --reason "try anyway" --as bob
[ -z "$(letter_state "$C")" ] || fail "3: case letter created a letter for the unverified sender"
pass "3: the unverified (DMARC fail) copy got no letter, and none can be approved"

# ---- 4. discard ---------------------------------------------------------------
writctl case letter "$B" discard --reason "answered by phone" --as carol >/dev/null || fail "4: discard failed"
[ "$(letter_state "$B")" = discarded ] || fail "4: the letter is $(letter_state "$B")"
rcli --raw XRANGE "writ:audit:$B" - + | grep -qx carol || fail "4: the operator is not in the audit"
expect_rc 1 case letter "$B" send --reason "too late" --as carol
[ "$(rcli --raw SISMEMBER writ:delivery:letters:approved "$B")" = 0 ] || fail "4: a discarded letter is approved"

# ---- 5. send: approved, arrives once -----------------------------------------
writctl case letter "$A" send --reason "reviewed the wording" --as alice >/dev/null || fail "5: send failed"
rcli --raw XRANGE "writ:audit:$A" - + | grep -qx alice || fail "5: the operator is not in the audit"
rcli --raw XRANGE "writ:audit:$A" - + | grep -qx 'letter send' || fail "5: the act is not in the audit"
deadline=$((SECONDS + 90))
until [ "$(letter_state "$A")" = sent ]; do
    [ $SECONDS -lt $deadline ] || fail "5: the approved letter is $(letter_state "$A") after 90 s"
    sleep 1
done
deadline=$((SECONDS + 60))
until [ "$(letters_in_sink "$A")" -ge 1 ]; do      # the relay delivers after its 250
    [ $SECONDS -lt $deadline ] || fail "5: the letter did not reach the sink"
    sleep 0.5
done
expect_rc 1 case letter "$A" send --reason "again" --as alice
[ "$(rcli --raw SISMEMBER writ:delivery:letters:approved "$A")" = 0 ] \
    || fail "5: the sent letter is still in writ:delivery:letters:approved"
python3 - "$sink" "$A" "$B" "$requester" <<'PY' || fail "5: the letter as it arrived"
import email, email.policy, glob, os, sys
sink, a, b, requester = sys.argv[1:5]
got = {a: [], b: []}
for p in glob.glob(os.path.join(sink, "new", "*")) + glob.glob(os.path.join(sink, "cur", "*")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    for case in got:
        if (m["Message-ID"] or "").strip().startswith("<" + case + ".letter@"):
            got[case].append(m)
assert len(got[a]) == 1, f"{len(got[a])} copies of the approved letter"
assert not got[b], "the discarded letter was sent"
m = got[a][0]
assert m["To"].addresses[0].addr_spec == requester, m["To"]
assert m["Delivered-To"] == requester, m["Delivered-To"]
for h in ("Date", "From", "Reply-To", "MIME-Version"):
    assert m[h], h
body = m.get_content()
flat = " ".join(body.split())
assert a in flat and a in str(m["Subject"]), "no case number"
assert "stored in Ireland" in flat, flat
assert "@northmail.example" not in body, "an account in the letter"
PY
[ "$(letters_in_sink "$A")" -eq 1 ] || fail "5: the letter arrived more than once"
writctl queue --json | python3 -c '
import json, sys
sys.exit(1 if [e for e in json.load(sys.stdin) if e["kind"] == "delivery" and e["type"] == "letter"] else 0)' \
    || fail "5: a letter is still in the queue"
pass "5: approved by alice (audited), the letter arrived once at $requester (case number, reason in words, no account); discarded one never sent; queue clear"

# ---- 6. a person's decision: the letter follows it -----------------------------
# 002 sent again with its Message-ID and another Subject (a resend with a
# correction) is a case of its own in review (duplicate_of). The letters'
# cursor passes it (nothing to say yet) and watches it; once a person
# decides reject_insufficient_process, writ-send prepares that letter and
# holds it; approved, it arrives once.
sed -e 's/^\(Subject: Search warrant 13 Mag. 3097\)/\1 (resent)/' \
    "$fixtures/requests/002.eml" > "$tmp/resent.eml"
grep -q '(resent)' "$tmp/resent.eml" || fail "6: cannot make the resent copy"
lmtp_send "$tmp/resent.eml" >/dev/null
wait_all_finished 4 60
D=$(writctl case list --json | python3 -c '
import json, sys
old = set(sys.argv[1:])
print(" ".join(c["id"] for c in json.load(sys.stdin) if c["id"] not in old))' "$A" "$B" "$C")
[ -n "$D" ] && [ "$(wc -w <<<"$D")" -eq 1 ] || fail "6: one new case expected, got '$D'"
[ "$(writctl case show "$D" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = review ] \
    || fail "6: the resent copy $D is not in review"
deadline=$((SECONDS + 90))
until [ "$(rcli --raw SISMEMBER writ:delivery:letters:watched "$D")" = 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "6: writ-send does not watch $D in review"
    sleep 1
done
[ -z "$(letter_state "$D")" ] || fail "6: a letter for $D before any decision ($(letter_state "$D"))"
writctl case decide "$D" --decision reject_insufficient_process \
    --reason "the resend is not a new warrant" --as dave >/dev/null || fail "6: decide failed"
deadline=$((SECONDS + 90))
until [ "$(letter_state "$D")" = held ]; do
    [ $SECONDS -lt $deadline ] || fail "6: no letter held after the decision ($(letter_state "$D"))"
    sleep 1
done
writctl queue --json | python3 -c '
import json, sys
d = sys.argv[1]
e = [e for e in json.load(sys.stdin) if e["kind"] == "delivery" and e["case"] == d]
assert len(e) == 1 and "a rejection letter (insufficient legal process) waits for a person" in e[0]["why"], e' "$D" \
    || fail "6: the queue does not show the held letter in words"
deadline=$((SECONDS + 30))
until [ "$(rcli --raw SISMEMBER writ:delivery:letters:watched "$D")" = 0 ]; do
    [ $SECONDS -lt $deadline ] || fail "6: $D is still watched after its letter was held"
    sleep 0.5
done
writctl case letter "$D" send --reason "checked" --as dave >/dev/null || fail "6: send failed"
deadline=$((SECONDS + 90))
until [ "$(letters_in_sink "$D")" -ge 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "6: the letter after the decision did not arrive"
    sleep 0.5
done
[ "$(letter_state "$D")" = sent ] || fail "6: the letter is $(letter_state "$D")"
python3 - "$sink" "$D" <<'PY' || fail "6: the letter as it arrived"
import email, email.policy, glob, os, sys
sink, d = sys.argv[1:3]
got = [m for m in (email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
                   for p in glob.glob(os.path.join(sink, "new", "*")) + glob.glob(os.path.join(sink, "cur", "*")))
       if (m["Message-ID"] or "").strip().startswith("<" + d + ".letter@")]
assert len(got) == 1, f"{len(got)} copies"
body = " ".join(got[0].get_content().split())
assert d in body and "@northmail.example" not in body, body
PY
pass "6: the resent copy $D waited in review (watched, no letter); decided by dave -> a process rejection letter held, approved, arrived once"

# ---- 7. letters/auto_send: no person in between ---------------------------------
kill -TERM "$(cat "$pids/send.1.pid")"
while kill -0 "$(cat "$pids/send.1.pid")" 2>/dev/null; do sleep 0.1; done
WRIT_LETTERS_AUTO_SEND=true restart_missing
sed -e 's/^Message-ID: <BN7PR09MB/Message-ID: <auto-BN7PR09MB/' \
    "$fixtures/requests/002.eml" > "$tmp/auto.eml"
lmtp_send "$tmp/auto.eml" >/dev/null
wait_all_finished 5 60
E=$(writctl case list --json | python3 -c '
import json, sys
old = set(sys.argv[1:])
print(" ".join(c["id"] for c in json.load(sys.stdin) if c["id"] not in old))' "$A" "$B" "$C" "$D")
[ -n "$E" ] && [ "$(wc -w <<<"$E")" -eq 1 ] || fail "7: one new case expected, got '$E'"
deadline=$((SECONDS + 90))
until [ "$(letters_in_sink "$E")" -ge 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "7: with letters/auto_send the letter did not arrive ($(letter_state "$E"))"
    sleep 0.5
done
[ "$(letter_state "$E")" = sent ] || fail "7: the letter is $(letter_state "$E")"
[ "$(letters_in_sink "$E")" -eq 1 ] || fail "7: the auto-sent letter arrived more than once"
[ "$(letter_acts "$E")" -eq 0 ] || fail "7: an approval was recorded though no person acted"
pass "7: letters/auto_send: the rejection letter for $E went out once with no person's approval"
