#!/usr/bin/env bash
# Redis with least privilege, against the live stack (scripts/stack, ACL
# users from config/redis-acl.roles): each attack of issue 13 now fails
# safely.
#   1. No credentials: over the Unix socket and over TCP, every command
#      is refused (NOAUTH); the old compose default password is refused.
#   2. A worker's user (intake, each stage) trying CONFIG, FLUSHALL, KEYS,
#      DEBUG, MODULE, SHUTDOWN, ACL, SCRIPT -- directly and from a Lua
#      script -- is refused (NOPERM) and nothing is lost.
#   3. Key patterns: a worker reads nothing outside its keys; the viewer
#      reads cases but not the original messages and writes nothing.
#   4. Another local user (nobody) can neither read the AOF, the secrets
#      or the run directory nor connect to the socket -- even when the run
#      directory was created world-readable.
#   5. The stack refuses a known default or short password, or a password
#      file others can read; a daemon refuses a readable password file.
# The pipeline itself runs with these users throughout (a sample goes
# end to end; the other integration tests run with them too).
source "$(dirname "$0")/../lib.sh"
set -f                                   # commands below hold '*' (KEYS *): no globbing
stack_env
export WRIT_REDIS_PORT=$(free_port)      # TCP as well, to attack it
chmod 755 "$WRIT_RUN_DIR"                # as an operator's mkdir would leave it
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -m 700 "$tmp"
secrets=$WRIT_REDIS_SECRETS
sock=${WRIT_REDIS_URL#unix://}
[ -S "$sock" ] || fail "the stack's Redis URL is not its Unix socket: $WRIT_REDIS_URL"

lmtp_send "$fixtures/requests/001.eml" >/dev/null || fail "001 refused"
wait_all_finished 1 120
id=$(writctl case list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
keys_before=$(rcli dbsize)
[ "$keys_before" -gt 0 ] || fail "no keys after a case"

# as USER ARG...: redis-cli on the socket logged in as USER.
as() {
    local user=$1; shift
    REDISCLI_AUTH=$(cat "$secrets/$user.password") redis-cli -s "$sock" --user "$user" "$@" 2>&1
}
expect() {  # expect PATTERN WHAT OUTPUT
    [[ $3 == *$1* ]] || fail "$2: expected $1, got: $3"
}
# refused WHAT OUTPUT: NOPERM, or (DEBUG, MODULE) disabled outright --
# Redis 7 refuses those before it looks at the ACL unless redis.conf
# enables them (it does not).
refused() {
    [[ $2 == *NOPERM* || $2 == *"command not allowed"* ]] || fail "$1: not refused: $2"
}

# ---- 1. no credentials -------------------------------------------------------
for cmd in "ping" "get writ:raw:$id" "keys *" "config get dir" "flushall"; do
    # shellcheck disable=SC2086
    expect NOAUTH "no login over the socket: $cmd" "$(redis-cli -s "$sock" $cmd 2>&1)"
    # shellcheck disable=SC2086
    expect NOAUTH "no login over TCP: $cmd" "$(redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" $cmd 2>&1)"
done
expect WRONGPASS "AUTH with the old compose default" \
    "$(redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" --no-auth-warning -a writ-change-me ping 2>&1)"
expect WRONGPASS "AUTH default with the old compose default" \
    "$(redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" --no-auth-warning --user default -a writ-change-me ping 2>&1)"
expect WRONGPASS "AUTH intake with another role's password" \
    "$(REDISCLI_AUTH=$(cat "$secrets/notify.password") redis-cli -s "$sock" --user intake ping 2>&1)"
pass "1: without credentials (socket and TCP) or with a wrong password every command is refused"

# ---- 2. a worker's user trying admin commands ----------------------------------
for user in intake extract jurisdiction notify send operator viewer; do
    expect PONG "$user ping" "$(as "$user" ping)"
    for cmd in "config get dir" "config set dir /tmp" "flushall" "flushdb" "keys *" \
               "debug sleep 0" "module list" "shutdown nosave" "acl list" \
               "script flush" "save" "bgrewriteaof" "replicaof 127.0.0.1 1" \
               "client list" "info"; do
        # shellcheck disable=SC2086
        refused "$user: $cmd" "$(as "$user" $cmd)"
    done
done
for user in intake extract jurisdiction notify send operator; do
    for call in "'config', 'set', 'dir', '/tmp'" "'flushall'" "'keys', '*'" "'debug', 'sleep', '0'"; do
        out=$(as "$user" eval "return redis.call($call)" 0)
        [[ $out == *NOPERM* || $out == *"can't run this command"* || $out == *"not allowed"* ]] \
            || fail "$user: a Lua script ran redis.call($call): $out"
    done
done
[ "$(rcli dbsize)" = "$keys_before" ] || fail "keys lost: $keys_before before, $(rcli dbsize) after"
[ "$(rcli config get dir | tail -1)" = "$WRIT_RUN_DIR/redis" ] || fail "Redis's dir was changed"
pass "2: every worker's, the operator's and the viewer's CONFIG/FLUSHALL/KEYS/DEBUG/... refused, from Lua too; nothing lost"

# ---- 3. key patterns -------------------------------------------------------------
expect NOPERM "intake reads the registry" "$(as intake hgetall writ:registry:acct:x)"
expect NOPERM "intake writes outside writ:" "$(as intake set other 1)"
expect NOPERM "jurisdiction writes the registry" "$(as jurisdiction set writ:registry:version 99)"
expect NOPERM "jurisdiction reads raw messages" "$(as jurisdiction get "writ:raw:$id")"
expect NOPERM "notify heartbeats as jurisdiction" "$(as notify zadd writ:workers:jurisdiction 1 fake)"
expect NOPERM "send reads a raw message" "$(as send get "writ:raw:$id")"
expect NOPERM "send writes a case" "$(as send hset "writ:case:$id" state notified)"
expect NOPERM "send claims pipeline work" "$(as send zadd writ:pending:notify 1 "$id")"
expect NOPERM "send reads the registry" "$(as send hgetall writ:registry:acct:x)"
expect NOPERM "viewer reads a raw message" "$(as viewer get "writ:raw:$id")"
expect NOPERM "viewer writes a case" "$(as viewer hset "writ:case:$id" state notified)"
expect NOPERM "viewer runs a script" "$(as viewer eval "return 1" 0)"
state=$(writctl case show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
[ "$(as viewer hget "writ:case:$id" state)" = "$state" ] || fail "viewer cannot read a case"
WRIT_WRITCTL_REDIS_USER=viewer writctl case show "$id" >/dev/null || fail "writctl as viewer: case show"
WRIT_WRITCTL_REDIS_USER=viewer writctl health >/dev/null || fail "writctl as viewer: health"
set +e
WRIT_WRITCTL_REDIS_USER=viewer writctl case raw "$id" >/dev/null 2>"$tmp/err"; rc=$?
set -e
[ $rc -ne 0 ] && grep -q NOPERM "$tmp/err" || fail "writctl as viewer read a raw message (exit $rc)"
pass "3: workers and the viewer are held to their keys (no registry for intake or send, no raw for the viewer or send)"

# ---- 4. another local user ---------------------------------------------------------
nobody() { runuser -u nobody -- "$@" 2>&1; }
aof=$(find "$WRIT_RUN_DIR/redis" -name '*.aof' -type f | head -1)
[ -n "$aof" ] || fail "no AOF file"
grep -q "writ:raw:$id" "$aof" || fail "the AOF does not hold the case (test cannot see the attack)"
for d in "$WRIT_RUN_DIR" "$WRIT_RUN_DIR/redis" "$secrets" "$WRIT_RUN_DIR/logs"; do
    [ "$(stat -c %a "$d")" = 700 ] || fail "$d has mode $(stat -c %a "$d"), want 700"
done
loose=$(find "$WRIT_RUN_DIR" -perm /077 \( -type f -o -type d -o -type s \) | grep -v "^$WRIT_RUN_DIR/tmp" || true)
[ -z "$loose" ] || fail "files others may read or write: $loose"
out=$(nobody cat "$aof") && fail "nobody read the AOF: ${out:0:80}"
out=$(nobody ls "$WRIT_RUN_DIR") && fail "nobody listed the run directory: $out"
out=$(nobody cat "$secrets/admin.password") && fail "nobody read the admin password"
out=$(nobody redis-cli -s "$sock" ping) || true; [[ $out != *PONG* && $out != *NOAUTH* ]] \
    || fail "nobody reached Redis over the socket: $out"
pass "4: run dir, Redis dir, secrets and logs 0700, no file open to others; nobody cannot read the AOF or reach the socket"

# ---- 5. known default and loose passwords ------------------------------------------
# A second, separate stack in its own run dir: each bad password file is
# refused before Redis starts.
refuses() {  # refuses WHAT PASSWORD MODE
    local run=$tmp/run-$RANDOM
    mkdir -p -m 700 "$run/redis-secrets"
    "$src/scripts/redis-acl" passwords "$run/redis-secrets" >/dev/null
    printf '%s\n' "$2" > "$run/redis-secrets/operator.password"
    chmod "$3" "$run/redis-secrets/operator.password"
    set +e
    WRIT_RUN_DIR=$run WRIT_LMTP_PORT=$(free_port) WRIT_BUS_PORT=$(free_port_pair) \
        WRIT_REDIS_PORT= WRIT_REDIS_URL= WRIT_REDIS_SECRETS= \
        "$src/scripts/stack" up > "$tmp/out" 2>&1
    local rc=$?
    set -e
    [ $rc -ne 0 ] || { WRIT_RUN_DIR=$run "$src/scripts/stack" down >/dev/null 2>&1
                       fail "the stack started with $1"; }
    grep -q "refusing" "$tmp/out" || fail "no clear refusal for $1: $(cat "$tmp/out")"
    [ ! -e "$run/pids/redis.pid" ] || ! kill -0 "$(cat "$run/pids/redis.pid")" 2>/dev/null \
        || fail "Redis started with $1"
}
refuses "the old compose default" writ-change-me 600
refuses "a known default" changeme 600
refuses "a short password" abcdef0123456789 600
refuses "a password file others can read" "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" 644
cp "$secrets/operator.password" "$tmp/loose.password"
chmod 644 "$tmp/loose.password"
set +e
WRIT_WRITCTL_REDIS_PASSWORD_FILE=$tmp/loose.password writctl health > "$tmp/out" 2>&1; rc=$?
set -e
[ $rc -ne 0 ] && grep -q "mode 644" "$tmp/out" || fail "writctl used a password file others can read (exit $rc): $(cat "$tmp/out")"
pass "5: the stack refuses default, short and loose passwords; writctl refuses a loose password file"
