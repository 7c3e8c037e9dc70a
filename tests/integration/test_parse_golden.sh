#!/usr/bin/env bash
# `writctl parse` over every fixture message (tests/tools/parse_snapshot.sh)
# matches the committed outputs in tests/fixtures/parse-golden byte for
# byte: a change to extraction (common/extract/, the rules) that changes
# what writ reads from any fixture shows up here, field by field.
# WRIT_UPDATE_GOLDEN=1 rewrites the golden files (then review the diff).
source "$(dirname "$0")/../lib.sh"
golden=$src/tests/fixtures/parse-golden
work=$(mktemp -d "${TMPDIR:-/tmp}/writ-parse-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

WRIT_BUILD_DIR=$bin "$src/tests/tools/parse_snapshot.sh" "$work/now" >/dev/null
n=$(find "$work/now" -name '*.json' | wc -l)
[ "$n" -ge 60 ] || fail "only $n outputs: the snapshot lost its fixtures"

if [ -n "${WRIT_UPDATE_GOLDEN:-}" ]; then
    rm -rf "$golden"
    cp -r "$work/now" "$golden"
    pass "rewrote $n golden outputs in tests/fixtures/parse-golden"
    exit 0
fi
[ -d "$golden" ] || fail "no $golden (WRIT_UPDATE_GOLDEN=1 writes it)"
if ! diff -r "$golden" "$work/now" > "$work/diff"; then
    sed -n 1,80p "$work/diff" >&2
    fail "writctl parse output differs from tests/fixtures/parse-golden (above; WRIT_UPDATE_GOLDEN=1 rewrites it)"
fi
pass "writctl parse matches the golden output on all $n fixture messages"
