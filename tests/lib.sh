# tests/lib.sh -- shared helpers for the integration tests (sourced).
# Every test gets its own run dir, free loopback ports and its own
# redis-server, and tears all of it down on exit.
set -euo pipefail

src=${WRIT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
bin=${WRIT_BUILD_DIR:-$src/build}
fixtures=$src/tests/fixtures/samples

free_port() { "$src/scripts/free-port"; }
# Two consecutive free ports (the bus needs two).
free_port_pair() { "$src/scripts/free-port" --pair; }

fail() { echo "FAIL: $*" >&2; exit 1; }
# Any other command that fails ends the test (set -e): say which, or the
# test fails without a word. -E: also inside functions and $(...); not
# where a test turned -e off to look at a status itself.
set -E
trap '_writ_rc=$?; [[ $- != *e* ]] || echo "FAIL: line $LINENO: \`$BASH_COMMAND\` exited with status $_writ_rc" >&2' ERR
pass() { echo "ok: $*"; }

# stack_env: configure a private stack in a temp dir.
stack_env() {
    export WRIT_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/writ-test.XXXXXX")
    export WRIT_BIN_DIR=$bin
    export WRIT_LMTP_PORT=$(free_port)
    # Redis on the stack's private Unix socket (no TCP port) with its ACL
    # users, as in production; a test that needs TCP sets WRIT_REDIS_PORT.
    unset WRIT_REDIS_PORT WRIT_REDIS_SECRETS
    export WRIT_BUS_PORT=$(free_port_pair)
    export WRIT_CONFIG=$src/config/writ.zpl
    export WRIT_PIPELINE_LEASE_MS=${WRIT_PIPELINE_LEASE_MS:-3000}
    unset WRIT_REDIS_URL
    trap stack_teardown EXIT
}

stack_teardown() {
    local rc=$? job
    # A load still running in the background would keep the test (and
    # ctest, which waits for its output) going until the load's deadline.
    for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
    "$src/scripts/stack" down >/dev/null 2>&1 || true
    # In the sanitizer build the workers report errors and leaks when they
    # exit, into their logs: a report there fails the test.
    if [ -d "${WRIT_RUN_DIR:-}/logs" ] && grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
            "$WRIT_RUN_DIR"/logs/*.log >/dev/null 2>&1; then
        echo "FAIL: sanitizer report in a worker's log:" >&2
        grep -h -A 30 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WRIT_RUN_DIR"/logs/*.log | sed -n 1,80p >&2
        [ $rc -ne 0 ] || rc=1
    fi
    # A daemon refused by Redis's ACL (a right missing from
    # config/redis-acl.roles) retries and may still get through: fail.
    if [ -d "${WRIT_RUN_DIR:-}/logs" ] && grep -l 'NOPERM' "$WRIT_RUN_DIR"/logs/*.log >/dev/null 2>&1; then
        echo "FAIL: a daemon was refused by Redis's ACL (config/redis-acl.roles):" >&2
        grep -h 'NOPERM' "$WRIT_RUN_DIR"/logs/*.log | sort | uniq -c | sed -n 1,10p >&2
        [ $rc -ne 0 ] || rc=1
    fi
    if [ $rc -ne 0 ] && [ -d "${WRIT_RUN_DIR:-}/logs" ]; then
        echo "--- logs of the failed test ($WRIT_RUN_DIR/logs):" >&2
        tail -n 20 "$WRIT_RUN_DIR"/logs/*.log >&2 || true
    fi
    [ $rc -eq 0 ] && rm -rf "$WRIT_RUN_DIR"
    exit $rc                # (in an EXIT trap only `exit` sets the test's status)
}

# stack_up [--scale STAGE=N ...]: starts the stack and takes its
# environment, so writctl talks to it.
stack_up() {
    "$src/scripts/stack" up "$@" >/dev/null
    source "$WRIT_RUN_DIR/env"
}

writctl() { "$bin/writctl" "$@"; }
# rcli ARG...: redis-cli on the stack's Redis as its admin user.
rcli() { "$src/scripts/stack" redis-cli "$@"; }

# lmtp_send FILE: delivers one message over LMTP with swaks.
lmtp_send() {
    swaks --silent 2 --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
          --from sender@gateway.example --to legal-requests@northwind-cloud.example \
          --data "@$1" --timeout 30
}

# wait_all_finished N SECONDS: until N cases exist and none is in flight.
wait_all_finished() {
    local want=$1 secs=$2 deadline=$((SECONDS + $2)) n busy
    while :; do
        n=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
        busy=$(writctl case list --json | python3 -c '
import json,sys
print(sum(1 for c in json.load(sys.stdin) if c["state"] in ("documents","received","decided")))')
        [ "$n" -ge "$want" ] && [ "$busy" -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || fail "only $n/$want cases, $busy in flight after ${secs}s"
        sleep 0.2
    done
}

# expected_prepared ACCEPTED_FILE: the number of prepared notices the
# accepted messages must produce under the default policy (from the
# samples' labels; gags are judged as of 2013-01-01 in these tests).
expected_prepared() {
    python3 - "$1" "$fixtures/requests" <<'PY'
import json, os, sys
labels = {}
total = 0
for line in open(sys.argv[1]):
    name = line.split()[0]
    if name not in labels:
        label = json.load(open(os.path.join(sys.argv[2], name + ".json")))
        labels[name] = sum(1 for v in label["expected"]["notices"].values() if v == "prepared")
    total += labels[name]
print(total)
PY
}

# check_all_finished ACCEPTED_FILE SECONDS: every accepted case reaches a
# final state in time, and the outbox holds exactly one file per prepared
# notice.
check_all_finished() {
    local accepted=$1 secs=$2 deadline=$((SECONDS + $2)) left
    while :; do
        left=$(writctl case list --json | python3 -c '
import json, sys
states = {c["id"]: c["state"] for c in json.load(open("/dev/stdin"))}
ids = [l.split()[2] for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for i in ids if states.get(i) not in ("notified", "held", "review")))' "$accepted")
        [ "$left" -eq 0 ] && break
        [ $SECONDS -lt $deadline ] || fail "$left accepted case(s) not finished after ${secs}s"
        sleep 0.5
    done
    local want got
    want=$(expected_prepared "$accepted")
    got=$(find "$WRIT_RUN_DIR/outbox/new" -type f | wc -l)
    [ "$got" -eq "$want" ] || fail "outbox holds $got notice files, want exactly $want"
}

# restart_missing: starts again every stack process that is not running.
restart_missing() {
    "$src/scripts/stack" up "$@" >/dev/null
}
