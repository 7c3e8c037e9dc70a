#!/usr/bin/env bash
# The libFuzzer targets (tests/fuzz/): fuzz_wire (the msgpack case decoder)
# and fuzz_parse (GMime decoding + extraction), each run for
# WRIT_FUZZ_SECONDS (default 60) from seeds made from the fixtures. Fails on
# any crash, leak, timeout or out-of-memory; prints the executions reached.
#
# ctest runs every integration test in build/ and in build-asan/; the
# fuzzers build their own instrumented copy (build-fuzz/), so they run once
# per suite, in the build/ configuration only.
set -euo pipefail
src=${WRIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

bdir=${WRIT_BUILD_DIR:-}
bdir=${bdir%/}
if [ -n "$bdir" ] && [ "${bdir##*/}" != build ]; then
    echo "SKIP: fuzzing runs once per suite, in build/; skipped in this configuration ($WRIT_BUILD_DIR)"
    exit 77
fi

if ! command -v clang >/dev/null 2>&1; then
    echo "SKIP: clang is not installed (scripts/deps --test installs clang and libclang-rt-14-dev)"
    exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/writ-fuzz-probe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
    > "$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" \
        > "$probe/log" 2>&1; then
    echo "SKIP: clang cannot link -fsanitize=fuzzer,address,undefined (libclang-rt-14-dev missing?):"
    head -3 "$probe/log"
    exit 77
fi

FUZZ_SECONDS=${WRIT_FUZZ_SECONDS:-60} "$src/tests/fuzz/run.sh"
echo "ok: fuzzers ran without a crash, leak or timeout"
