#!/usr/bin/env bash
# Deduplication is on the message itself (issue 15): the same Message-ID
# with the same bytes is a redelivery (one case); the same Message-ID with
# other bytes -- an agency's corrected request, or someone who guessed the
# Message-ID and sent first -- is a case of its own, stored byte-exact,
# linked to the earlier one and sent to a person. Never a 250 for bytes
# that are not stored. Pipe mode and LMTP take the same path.
source "$(dirname "$0")/../lib.sh"
stack_env
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

# The first message, and the same Message-ID with a changed body.
cp "$fixtures/requests/001.eml" "$tmp/first.eml"
sed 's/^   sought\./   sought (corrected)./' "$tmp/first.eml" > "$tmp/corrected.eml"
cmp -s "$tmp/first.eml" "$tmp/corrected.eml" && fail "the corrected copy has the same bytes"
mid() { grep -i -m1 '^Message-ID:' "$1"; }
[ "$(mid "$tmp/first.eml")" = "$(mid "$tmp/corrected.eml")" ] || fail "Message-IDs differ"

case_of() { grep -o -E '(accepted as|already received as) case c[0-9a-f]*' "$1" | head -1 | awk '{print $NF}'; }
"$bin/writ-intake" --stdin < "$tmp/first.eml" > "$tmp/out1" 2>&1 || fail "first delivery: $(cat "$tmp/out1")"
first=$(case_of "$tmp/out1")

# The same bytes again: a redelivery, one case.
"$bin/writ-intake" --stdin < "$tmp/first.eml" > "$tmp/out2" 2>&1 || fail "redelivery: $(cat "$tmp/out2")"
grep -q "already received as case $first" "$tmp/out2" || fail "redelivery not mapped: $(cat "$tmp/out2")"

# Other bytes, same Message-ID, over LMTP: accepted as a NEW case.
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from a@fbi.gov --to legal-requests@northwind-cloud.example \
      --data "@$tmp/corrected.eml" 2>&1) || fail "LMTP delivery of the corrected copy: $out"
grep -q '250 2.0.0' <<<"$out" || fail "corrected copy not accepted: $(tail -3 <<<"$out")"
second=$(grep -o 'accepted as case c[0-9a-f]*' <<<"$out" | head -1 | awk '{print $4}' || true)
[ -n "$second" ] || fail "the corrected copy did not get a case of its own: $(grep -E '^ *<~? *[0-9]{3}' <<<"$out" | tail -2)"
[ "$second" != "$first" ] || fail "the corrected copy was mapped to $first"
writctl case raw "$second" 2>/dev/null | grep -q 'sought (corrected)' || fail "case $second does not hold the corrected bytes"
writctl case raw "$first" 2>/dev/null | cmp -s - "$tmp/first.eml" || fail "the first case's bytes changed"
pass "same Message-ID, other bytes: a new case ($second) with its own bytes; the first kept"

# Linked, and shown to a person with the reason.
writctl case show "$second" --json > "$tmp/second.json"
python3 - "$tmp/second.json" "$first" <<'PY' || fail "the new case is not linked or not in review"
import json, sys
c = json.load(open(sys.argv[1]))
first = sys.argv[2]
assert c["state"] == "review", c["state"]
assert c["duplicate_of"] == first, c["duplicate_of"]
assert c["review_reason"].startswith("same Message-ID as %s, different content" % first), c["review_reason"]
PY
writctl case show "$second" | grep -q "RELATED  same Message-ID as case $first" || fail "case show does not name the earlier case"
writctl case show "$first" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert any(a["event"] == "related" and sys.argv[1] in a["note"] for a in c["audit"]), c["audit"]' "$second" \
    || fail "the earlier case's audit does not name the new one"
pass "linked (duplicate_of, audit 'related'), in review: same Message-ID as $first, different content"

# The corrected copy redelivered: mapped to its own case, no third case.
# (over LMTP again: the gateway sends the same CRLF bytes each time)
out=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
      --from a@fbi.gov --to legal-requests@northwind-cloud.example \
      --data "@$tmp/corrected.eml" 2>&1) || fail "LMTP redelivery of the corrected copy: $out"
grep -q "already received as case $second" <<<"$out" || fail "corrected redelivery: $(tail -3 <<<"$out")"
# A third variant: its own case again.
sed 's/(corrected)/(corrected twice)/' "$tmp/corrected.eml" > "$tmp/third.eml"
"$bin/writ-intake" --stdin < "$tmp/third.eml" > "$tmp/out4" 2>&1 || fail "third variant: $(cat "$tmp/out4")"
third=$(case_of "$tmp/out4")
[ -n "$third" ] && [ "$third" != "$first" ] && [ "$third" != "$second" ] || fail "third variant: $(cat "$tmp/out4")"
n=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq 3 ] || fail "want 3 cases, have $n"
pass "each variant is found again by its bytes; 3 distinct messages, 3 cases"
