#!/usr/bin/env bash
# Case work with the real stack (redis-server, broker, stages, LMTP intake
# via swaks): the queue and the due list over the samples, then full
# lifecycles -- emergency -> verify -> decide disclose -> produce -> close;
# unverified subpoena -> wait -> decide -> notices prepared; NSL with gag
# -> held -> challenge filed -> gag set aside -> notice prepared;
# preservation -> renewal extends the expiry -> due list -- and the
# guarantees: two operators racing on one case (exactly one wins), an act
# retried with the same act id recorded once, writctl SIGKILLed mid-act
# (nothing written), notify SIGKILLed between a decision and its notice
# (the notice comes once notify is back), bad input refused with nothing
# written, search from the indexes.
source "$(dirname "$0")/../lib.sh"
stack_env
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"
export WRIT_OPERATOR=alice
req=$fixtures/requests

deliver() {
    local out id
    out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
          --from gateway@northwind-cloud.example --to legal-requests@northwind-cloud.example \
          --data "@$1" --timeout 30 2>&1) || fail "delivery of $1: $(tail -3 <<<"$out")"
    id=$(grep -o 'accepted as case c[0-9a-f]*' <<<"$out" | head -1 | awk '{print $4}' || true)
    [ -n "$id" ] || fail "no case for $1: $(grep -E '^ *<~? *[0-9]{3}' <<<"$out" | tail -2)"
    echo "$id"
}
# show ID EXPR: a Python expression over the case's JSON (c).
show() {
    writctl case show "$1" --json 2>/dev/null | python3 -c "import json,sys; c=json.load(sys.stdin); print($2)"
}
wait_for() {            # wait_for ID EXPR VALUE SECONDS
    local deadline=$((SECONDS + $4)) got
    while :; do
        got=$(show "$1" "$2")
        [ "$got" = "$3" ] && return 0
        [ $SECONDS -lt $deadline ] || fail "case $1: $2 is '$got', want '$3' after $4 s"
        sleep 0.2
    done
}
audit_len() { show "$1" 'len(c["audit"])'; }
# expect_refused STATUS PATTERN CMD...: fails unless CMD exits STATUS with
# PATTERN on stderr.
expect_refused() {
    local want=$1 pattern=$2 rc=0
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq "$want" ] || fail "$* exited $rc, want $want: $(cat "$tmp/err")"
    grep -q -- "$pattern" "$tmp/err" || fail "$*: no '$pattern' in: $(cat "$tmp/err")"
}
notices_of() { find "$WRIT_RUN_DIR/outbox/new" -name "$1.*" -type f | wc -l; }

# ---- 0. the samples: queue and due ------------------------------------------
declare -A id
for n in 001 002 003 004 005 006 007 008 009 010 011 012 013 014; do
    id[$n]=$(deliver "$req/$n.eml")
done
wait_all_finished 14 60
writctl queue --json > "$tmp/queue.json"
python3 - "$tmp/queue.json" "${id[006]}" "${id[007]}" "${id[011]}" <<'PY' || fail "queue order: $(writctl queue 2>/dev/null)"
import json, sys
q = json.load(open(sys.argv[1]))
kinds = [r["kind"] for r in q]
# Emergencies first, then deadlines, then other review cases, then the rest.
order = {"emergency": 1, "deadline": 2, "review": 3, "gag ended": 4, "challenge": 5}
assert [order[k] for k in kinds] == sorted(order[k] for k in kinds), kinds
assert {r["case"] for r in q[:2]} == {sys.argv[2], sys.argv[3]}, q[:2]
assert all("EMERGENCY" in r["why"] and "NOT verified" in r["why"] for r in q[:2]), q[:2]
informal = [r for r in q if r["case"] == sys.argv[4]]
assert informal and "no recognisable legal process" in informal[0]["why"], informal
assert any(r["kind"] == "deadline" and "overdue" in r["why"] for r in q), q
PY
writctl due --json > "$tmp/due.json"
python3 - "$tmp/due.json" <<'PY' || fail "due: $(writctl due 2>/dev/null)"
import json, sys
d = json.load(open(sys.argv[1]))
over = [r for r in d if r["kind"] == "deadline"]
assert len(over) >= 3 and all(r["status"].startswith("overdue") for r in over), d
assert any(r["kind"] == "nsl gag" for r in d), d
PY
pass "queue: emergencies first, then overdue deadlines, then review reasons in words; due: past deadlines overdue"

# ---- 1. emergency -> verify -> decide disclose -> produce -> close ----------
e=${id[006]}
n0=$(audit_len "$e")
expect_refused 1 "could not verify" writctl case decide "$e" --decision disclose --reason "threat to life"
[ "$(audit_len "$e")" = "$n0" ] || fail "a refused act wrote to the audit"
writctl case verify "$e" --reason "called the sheriff's published number; Sgt. Diaz confirmed" >/dev/null
writctl case decide "$e" --decision disclose --reason "imminent danger confirmed" > "$tmp/out"
grep -q "review -> decided" "$tmp/out" || fail "decide printed: $(cat "$tmp/out")"
wait_for "$e" 'c["state"]' notified 30
[ "$(notices_of "$e")" = 1 ] || fail "emergency: $(notices_of "$e") notice files"
acct=$(show "$e" 'c["accounts"][0]["account"]')
writctl case produce "$e" --account "$acct" --categories subscriber,transactional \
    --reason "handed over through the portal" --json > "$tmp/prod.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["act"]=="produce" and j["operator"]=="alice", j' "$tmp/prod.json"
writctl case close "$e" --reason "produced; emergency over" >/dev/null
[ "$(show "$e" 'c["state"]')" = closed ] || fail "emergency not closed"
expect_refused 1 "reopen it first" writctl case decide "$e" --decision no_data --reason late
show "$e" 'json.dumps(c)' | python3 -c '
import json, sys
c = json.load(sys.stdin)
acts = [(a.get("act"), a.get("operator")) for a in c["audit"] if a["stage"] == "casework"]
assert acts == [("verify","alice"), ("decide","alice"), ("produce","alice"), ("close","alice")], acts
p = c["casework"]["accounts"][c["accounts"][0]["account"]]["productions"][0]
assert p["categories"] == ["subscriber", "transactional"] and p["by"] == "alice", p
assert c["casework"]["verification"]["by"] == "alice"
' || fail "emergency record"
pass "emergency $e: verify -> decide disclose -> notified -> produce -> close, each act on the record"

# ---- 2. unverified subpoena -> wait -> decide -> notices prepared -----------
unverified() {     # a copy of 012 with no gateway verdict and its own Message-ID
    awk -v mid="$2" '
        /^Authentication-Results:/ { skip = 1; next }
        skip && /^[ \t]/ { next }
        { skip = 0 }
        /^Message-ID:/ { print "Message-ID: <" mid ">"; next }
        { print }' "$req/012.eml" > "$1"
}
unverified "$tmp/unverified.eml" "casework-unverified-1@example.test"
s=$(deliver "$tmp/unverified.eml")
wait_for "$s" 'c["state"]' review 30
[ "$(show "$s" '"the policy would decide" in c["accounts"][0]["reason"]')" = True ] || fail "no proposal kept"
writctl case wait "$s" --until 2099-01-31 --reason "asked DEA by call-back for the signed subpoena" >/dev/null
[ "$(show "$s" 'c["state"]')" = waiting ] || fail "not waiting"
writctl due --days 30000 --json | python3 -c '
import json, sys
assert any(r["case"] == sys.argv[1] and r["kind"] == "waiting" and r["date"] == "2099-01-31"
           for r in json.load(sys.stdin))' "$s" || fail "waiting item not in due"
writctl case decide "$s" --accept --reason "signed subpoena received from the agency's published address" >/dev/null
wait_for "$s" 'c["state"]' notified 30
[ "$(show "$s" 'c["accounts"][0]["notice"]')" = prepared ] || fail "subpoena notice not prepared"
[ "$(notices_of "$s")" = 1 ] || fail "subpoena: $(notices_of "$s") notice files"
pass "unverified subpoena $s: wait (in due) -> decide --accept -> notice prepared"

# ---- 3. NSL with gag -> held -> challenge filed -> set aside -> notice ------
n=${id[001]}
[ "$(show "$n" 'c["state"]')" = held ] || fail "NSL not held"
expect_refused 1 "nondisclosure order" writctl case notice "$n" release --reason "customer asked"
writctl case challenge "$n" filed --court "D. Mass." --docket "1:26-mc-00042" \
    --reason "petition under 18 U.S.C. 3511(b)" >/dev/null
expect_refused 1 "already pending" writctl case challenge "$n" filed --reason again
writctl case gag "$n" set-aside --reason "the court set the nondisclosure requirement aside" >/dev/null
wait_for "$n" 'c["accounts"][0]["notice"]' prepared 30
[ "$(show "$n" 'c["state"]')" = notified ] || fail "NSL not notified after the gag was set aside"
[ "$(notices_of "$n")" = 1 ] || fail "NSL: $(notices_of "$n") notice files"
[ "$(show "$n" '[a["event"] for a in c["audit"]][-1]')" = released ] || fail "no release entry"
pass "NSL $n: held -> challenge filed -> gag set aside -> notify prepared the notice"

# ---- 4. preservation -> renewal extends the expiry -> due list --------------
p=${id[005]}
day() { writctl due --days 400 --json | python3 -c '
import json, sys
print(next(r["date"] + " " + r["what"] for r in json.load(sys.stdin)
           if r["case"] == sys.argv[1] and r["kind"] == "preservation"))' "$1"; }
before=$(day "$p")
sed -e 's/^Message-ID:.*/Message-ID: <casework-renewal-1@example.test>/' \
    -e 's/^Subject: \(.*\)/Subject: RENEWAL: \1/' "$req/005.eml" > "$tmp/renewal.eml"
r=$(deliver "$tmp/renewal.eml")
wait_for "$r" 'c["state"] in ("notified","held","review")' True 30
after=$(day "$p")
python3 - "$before" "$after" "$r" <<'PY' || fail "renewal: before '$before', after '$after'"
import datetime, sys
b = datetime.date.fromisoformat(sys.argv[1].split()[0])
a = datetime.date.fromisoformat(sys.argv[2].split()[0])
assert (a - b).days == 90, (a, b)
assert sys.argv[3] in sys.argv[2]
PY
[ "$(show "$p" '[a["event"] for a in c["audit"]][-1]')" = renewed ] || fail "no renewal entry on $p"
pass "preservation $p: renewal $r extended it by 90 days (${after%% *})"

# ---- 5. two operators racing on one case ------------------------------------
x=${id[011]}
n0=$(audit_len "$x")
rc1=0; rc2=0
WRIT_CASEWORK_DEBUG_DELAY_MS=3000 "$bin/writctl" case decide "$x" --as alice --decision reject_other \
    --reason "no legal process" >"$tmp/a.out" 2>"$tmp/a.err" & p1=$!
WRIT_CASEWORK_DEBUG_DELAY_MS=3000 "$bin/writctl" case decide "$x" --as bob --decision no_data \
    --reason "nothing held" >"$tmp/b.out" 2>"$tmp/b.err" & p2=$!
wait $p1 || rc1=$?
wait $p2 || rc2=$?
[ $((rc1 + rc2)) -eq 1 ] && [ $((rc1 * rc2)) -eq 0 ] || fail "race: exits $rc1 and $rc2 ($(cat "$tmp/a.err" "$tmp/b.err"))"
cat "$tmp/a.err" "$tmp/b.err" | grep -q "case changed since you looked: now decided" \
    || cat "$tmp/a.err" "$tmp/b.err" | grep -q "case changed since you looked: now" \
    || fail "the loser was not told: $(cat "$tmp/a.err" "$tmp/b.err")"
[ "$(show "$x" 'sum(1 for a in c["audit"] if a.get("act") == "decide")')" = 1 ] || fail "two decisions recorded"
pass "two operators raced on $x: exactly one decision recorded, the other told the case changed"

# ---- 6. the same act retried (same act id) is recorded once -----------------
wait_for "$x" 'c["state"]' notified 30
writctl case note "$x" "called the requester back" --act-id retry-1 >/dev/null
writctl case note "$x" "called the requester back" --act-id retry-1 > "$tmp/out"
grep -q "already recorded" "$tmp/out" || fail "retry: $(cat "$tmp/out")"
writctl case close "$x" --reason done --act-id retry-2 >/dev/null
writctl case close "$x" --reason done --act-id retry-2 >/dev/null
[ "$(show "$x" 'sum(1 for a in c["audit"] if a.get("act") in ("note","close"))')" = 2 ] || fail "a retried act was recorded twice"
pass "acts retried with the same act id: recorded once"

# ---- 7. writctl SIGKILLed mid-act: nothing written --------------------------
m=${id[007]}
n0=$(audit_len "$m")
WRIT_CASEWORK_DEBUG_DELAY_MS=5000 "$bin/writctl" case wait "$m" --reason "killed" >/dev/null 2>&1 & k=$!
sleep 1
kill -KILL $k; wait $k 2>/dev/null || true
[ "$(audit_len "$m")" = "$n0" ] && [ "$(show "$m" 'c["state"]')" = review ] || fail "a killed act left a trace"
writctl case wait "$m" --reason "asked for the signed emergency form" >/dev/null
pass "writctl killed mid-act: nothing written; the act done again applies"

# ---- 8. notify SIGKILLed between a decision and its notice ------------------
unverified "$tmp/unverified2.eml" "casework-unverified-2@example.test"
sed -i 's/R3-25-0117/R3-25-0999/' "$tmp/unverified2.eml"
k=$(deliver "$tmp/unverified2.eml")
wait_for "$k" 'c["state"]' review 30
for f in "$WRIT_RUN_DIR"/pids/notify.*.pid; do kill -KILL "$(cat "$f")"; done
writctl case decide "$k" --accept --reason "verified by call-back" >/dev/null
sleep 1
[ "$(show "$k" 'c["state"]')" = decided ] || fail "decided case moved without notify"
[ "$(notices_of "$k")" = 0 ] || fail "a notice without notify"
rcli ZSCORE writ:pending:notify "$k" | grep -q . || fail "not pending for notify"
restart_missing
wait_for "$k" 'c["state"]' notified 60
[ "$(notices_of "$k")" = 1 ] || fail "after notify restarted: $(notices_of "$k") notice files"
pass "notify killed between decision and notice: the notice came once notify was back (one file)"

# ---- 9. bad input: clear error, nothing written -----------------------------
n0=$(audit_len "$m")
expect_refused 1 "no such case" writctl case verify c0000000000000000 --reason x
expect_refused 64 "bad date" writctl case wait "$m" --until 2026-02-30 --reason x
expect_refused 64 "unknown decision" writctl case decide "$m" --decision maybe --reason x
expect_refused 64 "WRIT_OPERATOR" env -u WRIT_OPERATOR "$bin/writctl" case verify "$m" --reason x
expect_refused 64 "needs --reason" writctl case verify "$m"
expect_refused 1 "has no account" writctl case decide "$m" --account nobody@example.test --decision no_data --reason x
expect_refused 64 "needs --accept or --decision" writctl case decide "$m" --reason x
expect_refused 1 "rejected" writctl case produce "${id[009]}" --account "$(show "${id[009]}" 'c["accounts"][0]["account"]')" \
    --categories content --reason x --override
[ "$(audit_len "$m")" = "$n0" ] || fail "bad input wrote to the audit"
pass "bad input: exit 64 / 1 with a clear message, nothing written"

# ---- 10. search from the indexes --------------------------------------------
search() { writctl case search "$@" --json | python3 -c 'import json,sys; print(" ".join(sorted(c["id"] for c in json.load(sys.stdin))))'; }
[ "$(search --account "$acct")" = "$e" ] || fail "search by account: $(search --account "$acct")"
[ "$(search --reference PHSO-25-031447)" = "$e" ] || fail "search by reference"
[ "$(search --state closed)" = "$(tr ' ' '\n' <<<"$e $x" | sort | tr '\n' ' ' | sed 's/ $//')" ] || fail "search by state: $(search --state closed)"
search --agency fbi --state notified | grep -qw "$n" || fail "search agency+state: $(search --agency fbi --state notified)"
[ "$(search --agency fbi --state closed)" = "" ] || fail "search agency+state closed: $(search --agency fbi --state closed)"
expect_refused 64 "at least one" writctl case search
pass "search by account, reference, state, agency from the indexes"

# ---- 11. export for counsel ----------------------------------------------------
writctl case export "$n" --out "$tmp/nsl.tar.gz" >/dev/null
expect_refused 1 "never overwrites" writctl case export "$n" --out "$tmp/nsl.tar.gz"
expect_refused 1 "no such case" writctl case export c0000000000000000 --out "$tmp/none.tar.gz"
[ ! -e "$tmp/none.tar.gz" ] || fail "an export of nothing left a file"
mkdir -p "$tmp/x" && tar xzf "$tmp/nsl.tar.gz" -C "$tmp/x"
(cd "$tmp/x/$n" && sha256sum --quiet -c SHA256SUMS) || fail "export sums do not match"
writctl case raw "$n" | cmp -s - "$tmp/x/$n/original.eml" || fail "exported original is not byte-exact"
python3 - "$tmp/x/$n" <<'PY' || fail "export contents"
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
names = {f["name"] for f in m["files"]}
assert {"original.eml", "case.json", "audit.json"} <= names, names
assert any(n.startswith("notices/") for n in names), names
c = json.load(open(os.path.join(d, "case.json")))
assert c["casework"]["challenge"]["status"] == "filed", c["casework"]
audit = json.load(open(os.path.join(d, "audit.json")))
assert [a.get("operator") for a in audit if a.get("act") == "gag set-aside"] == ["alice"], audit
PY
pass "export: original byte-exact, case, audit and notice in a tar.gz whose sums check"

# The export is on the record: who, where, the archive's sha256; without an
# operator nothing is written.
python3 - "$tmp/nsl.tar.gz" <<PY || fail "export not audited: $(writctl case show "$n" --json | head -c 600)"
import hashlib, json, subprocess, sys
c = json.loads(subprocess.check_output(["$bin/writctl", "case", "show", "$n", "--json"]))
ex = [a for a in c["audit"] if a.get("act") == "export"]
assert len(ex) == 1 and ex[0]["operator"] == "alice", ex
want = hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()
assert want in ex[0]["reason"] and "nsl.tar.gz" in ex[0]["reason"], (want, ex)
PY
expect_refused 64 "names who did it" env -u WRIT_OPERATOR "$bin/writctl" case export "$n" --out "$tmp/anon.tar.gz"
[ ! -e "$tmp/anon.tar.gz" ] || fail "an export without an operator left a file"
pass "export audited (operator, file, archive sha256); refused without an operator"

# ---- 12. search --since, and a 2705(b) gag longer than a year in due ----------
today=$(date -u +%F)
[ "$(search --since 2999-01-01)" = "" ] || fail "search --since the future: $(search --since 2999-01-01)"
search --since "$today" --state closed | grep -qw "$e" || fail "search --since today: $(search --since "$today" --state closed)"
expect_refused 64 "bad date" writctl case search --since 2026-13-01
lg=$(deliver "$fixtures/../casework/long-gag.eml")
wait_for "$lg" 'c["state"] in ("review", "notified", "held")' True 60
writctl due --days 36500 --json > "$tmp/due2.json"
python3 - "$tmp/due2.json" "$lg" <<'PY' || fail "no long-gag item for $lg: $(writctl due --days 36500 2>/dev/null | grep -i gag)"
import json, sys
d = json.load(open(sys.argv[1]))
mine = [r for r in d if r["case"] == sys.argv[2]]
assert any(r["kind"] == "long gag" and "2029-12-31" in r["what"] and "2705(b)" in r["what"] for r in mine), mine
PY
writctl case challenge "$lg" filed --court "E.D. Va." --reason "2705(b) order longer than one year" >/dev/null
writctl due --days 36500 --json | python3 -c '
import json, sys
assert not any(r["case"] == sys.argv[1] and r["kind"] == "long gag" for r in json.load(sys.stdin))' "$lg" \
    || fail "long-gag item still listed after a challenge was filed"
pass "search --since; due lists a 2705(b) gag longer than one year until a challenge is filed"
