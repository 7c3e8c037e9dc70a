#!/usr/bin/env bash
# The jurisdiction replica caches the data-location registry; an import
# must still change the very next decision. 002 (a US warrant for
# cian.murphy, stored in Dublin) is rejected as out of jurisdiction; after
# an import that moves the account to us-east-1, a second copy of the same
# request (new Message-ID) must be decided from the new registry, by the
# same replica whose cache holds the old entry.
source "$(dirname "$0")/../lib.sh"
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

# decision_of N: "country decision" of cian.murphy in the Nth case.
decision_of() {
    local id
    id=$(writctl case list --json | python3 -c '
import json, sys
print(json.load(sys.stdin)[int(sys.argv[1]) - 1]["id"])' "$1")
    writctl case show "$id" --json | python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["accounts"] if a["account"] == "cian.murphy@northmail.example"][0]
print(a["country"], a["decision"])'
}

lmtp_send "$fixtures/requests/002.eml" >/dev/null || fail "002 refused"
wait_all_finished 1 30
got=$(decision_of 1)
[ "$got" = "IE reject_out_of_jurisdiction" ] || fail "first copy: $got"

sed 's/^cian\.murphy@northmail\.example,,consumer,ie-dublin-1,IE$/cian.murphy@northmail.example,,consumer,us-east-1,US/' \
    "$fixtures/locations.csv" > "$tmp/locations.csv"
! cmp -s "$tmp/locations.csv" "$fixtures/locations.csv" || fail "the test's registry edit did not apply"
writctl registry import "$tmp/locations.csv" "$fixtures/tenants.csv" >/dev/null
sed 's/^Message-ID: <BN7PR09MB/Message-ID: <again-BN7PR09MB/' "$fixtures/requests/002.eml" > "$tmp/002b.eml"
lmtp_send "$tmp/002b.eml" >/dev/null || fail "002 (second copy) refused"
wait_all_finished 2 30
got=$(decision_of 2)
[ "${got%% *}" = "US" ] && [ "${got#* }" != "reject_out_of_jurisdiction" ] \
    || fail "after the import, the second copy was decided from the old registry: $got"
grep -q "deciding again" "$WRIT_RUN_DIR"/logs/jurisdiction.1.log \
    || fail "the replica did not notice the import through the version guard"
pass "registry import reaches the cached replica's next decision ($got)"
