#!/usr/bin/env bash
# A customer notice a person withheld (writctl case notice ... withhold) is
# never prepared by notify until a person releases it -- on the real stack
# (redis-server, broker, stages, LMTP intake via swaks):
#   1. an emergency with two accounts waits in review; the notice to one
#      account is withheld; the case is decided (disclose): notify prepares
#      the other account's notice only, the withheld one stays withheld
#      (the operator and reason on the record), the case in review saying
#      why; then a person releases it and notify prepares it;
#   2. an NSL from an unverified requester, its notice held under a gag:
#      withheld in review, then decided: notify keeps it out of writ:held;
#      the gag set aside and the notice due in writ:held anyway: notify's
#      gag-release path does not prepare it; released: it does.
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
notices_to() { grep -l "^To: .*$2" "$WRIT_RUN_DIR"/outbox/new/"$1".* 2>/dev/null | wc -l; }
# The notice state of one account: record notice, casework notice, by, reason.
notice_state() {
    show "$1" "(lambda a, w: ' | '.join([a['notice'], w.get('notice', ''),
        w.get('notice_withheld', {}).get('by', ''),
        w.get('notice_withheld', {}).get('reason', '')]))(
        next(a for a in c['accounts'] if a['account'] == '$2'),
        c.get('casework', {}).get('accounts', {}).get('$2', {}))"
}
# Waits until notify has taken the case up: its last audit entry is notify's.
wait_notify() {
    wait_for "$1" '[a["stage"] for a in c["audit"]][-1] == "notify" and c["state"] != "decided"' True 60
}

# ---- 1. emergency: withhold one account, decide disclose, release ----------
kept=darkstar1999@northmail.example
told=quietfox@northmail.example
sed -e 's/^Message-ID:.*/Message-ID: <casework-withhold-1@example.test>/' \
    -e "s/^    $kept\$/    $kept\\n    $told/" "$req/006.eml" > "$tmp/emergency.eml"
e=$(deliver "$tmp/emergency.eml")
wait_for "$e" 'c["state"]' review 30
[ "$(show "$e" 'sorted(a["account"] for a in c["accounts"])')" = "['$kept', '$told']" ] \
    || fail "emergency accounts: $(show "$e" '[a["account"] for a in c["accounts"]]')"
reason="the account holder is the suspect: telling him endangers the victim"
writctl case notice "$e" --account "$kept" withhold --reason "$reason" >/dev/null
writctl case verify "$e" --reason "called the sheriff's published number; Sgt. Voss confirmed" >/dev/null
writctl case decide "$e" --decision disclose --reason "imminent danger confirmed" >/dev/null
wait_notify "$e"
[ "$(notices_to "$e" "$told")" = 1 ] || fail "the other account got $(notices_to "$e" "$told") notices"
[ "$(notices_to "$e" "$kept")" = 0 ] || fail "notify prepared the notice a person withheld"
[ "$(notice_state "$e" "$kept")" = "deferred | withheld | alice | $reason" ] \
    || fail "withheld notice state: $(notice_state "$e" "$kept")"
[ "$(show "$e" 'c["state"]')" = review ] || fail "case with a withheld notice: $(show "$e" 'c["state"]')"
writctl queue | grep "$e" | grep -q "withheld a customer notice" \
    || fail "queue does not say why: $(writctl queue | grep "$e")"
# Another second of notify's sweeper and release ticks changes nothing.
sleep 2
[ "$(notices_to "$e" "$kept")" = 0 ] || fail "the withheld notice was prepared later"
pass "emergency $e: decided disclose, the withheld notice not prepared (withheld by alice: reason kept), the other prepared"

writctl case notice "$e" --account "$kept" release --reason "the suspect is in custody" >/dev/null
wait_for "$e" "next(a['notice'] for a in c['accounts'] if a['account'] == '$kept')" prepared 30
[ "$(notices_to "$e" "$kept")" = 1 ] || fail "released notice: $(notices_to "$e" "$kept") files"
[ "$(notices_to "$e" "$told")" = 1 ] || fail "the other notice was prepared again"
wait_for "$e" 'c["state"]' notified 30
pass "emergency $e: released by a person -> notify prepared it (one file), the case notified"

# ---- 2. a gagged notice withheld, then decided: the gag's end does not send it
# An NSL (gag with no end date) from a requester writ could not verify waits
# in review with its notice held; a person withholds the notice, then
# accepts writ's proposal (disclose): notify must not put the withheld
# notice back in writ:held. Then the gag is set aside and, as an older
# notify could have left it, the notice is put in writ:held as due now:
# notify's gag-release path must still not prepare it.
awk '
    /^Authentication-Results:/ { skip = 1; next }
    skip && /^[ \t]/ { next }
    { skip = 0 }
    /^Message-ID:/ { print "Message-ID: <casework-withhold-2@example.test>"; next }
    { print }' "$req/001.eml" > "$tmp/nsl.eml"
n=$(deliver "$tmp/nsl.eml")
wait_for "$n" 'c["state"]' review 30
acct=$(show "$n" 'c["accounts"][0]["account"]')
[ "$(show "$n" 'c["accounts"][0]["notice"]')" = held ] || fail "NSL notice: $(show "$n" 'c["accounts"][0]["notice"]')"
why="counsel: not before the grand jury returns"
writctl case notice "$n" --account "$acct" withhold --reason "$why" >/dev/null
[ -z "$(rcli ZSCORE writ:held "$n $acct")" ] || fail "a withheld notice is still in writ:held"
writctl case decide "$n" --accept --reason "NSL signature confirmed by call-back" >/dev/null
wait_notify "$n"
[ "$(show "$n" 'c["state"]')" = held ] || fail "decided NSL: $(show "$n" 'c["state"]')"
[ -z "$(rcli ZSCORE writ:held "$n $acct")" ] || fail "notify put the withheld notice back in writ:held"
writctl case gag "$n" set-aside --reason "the court set the nondisclosure requirement aside" >/dev/null
rcli ZADD writ:held 0 "$n $acct" >/dev/null
sleep 3
[ "$(notices_to "$n" "$acct")" = 0 ] || fail "gag ended: notify prepared the withheld notice"
[ "$(notice_state "$n" "$acct")" = "held | withheld | alice | $why" ] \
    || fail "NSL notice state: $(notice_state "$n" "$acct")"
pass "NSL $n: withheld in review, decided: not back in writ:held; gag set aside and due: nothing prepared"

writctl case notice "$n" --account "$acct" release --reason "the grand jury returned" >/dev/null
wait_for "$n" 'c["accounts"][0]["notice"]' prepared 30
[ "$(notices_to "$n" "$acct")" = 1 ] || fail "NSL released: $(notices_to "$n" "$acct") files"
wait_for "$n" 'c["state"]' notified 30
pass "NSL $n: released by a person -> notify prepared it"
