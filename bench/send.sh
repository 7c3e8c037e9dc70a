#!/usr/bin/env bash
# bench/send.sh [N] -- scripts/bench --send: how fast writ-send hands
# notices to a relay, against the ceiling of the same relay measured in
# the same run, and what sending costs the stages that decide.
#
#   1. relay: a private Postfix 3.7 on loopback (own config and queue in a
#      temp dir) that accepts every message and discards it after queueing
#      (so what is measured is the relay's SMTP acceptance, 250 after the
#      queue file is safe, not a mailbox).
#   2. ceiling: smtp-source (Postfix's own load tool) sending N messages of
#      the notices' mean size to it over one connection kept open (-d),
#      as writ-send does; then over 4 connections.
#   3. writ-send: N notices prepared by a stack with no sender (the sample
#      requests that yield notices), then writ-send started alone; time
#      from its start until Redis records N notices sent (the requesters'
#      acknowledgements are off here: letters/acknowledge). Ratio against 2.
#   4. the stages with sending on and off: M cases through the stack
#      (LMTP, 4 connections, as fast as the intake takes them), time until
#      all are finished, with writ-send running against the relay and
#      without it. Alternated twice (ABAB).
#
# Writes bench/results/send.md (BENCH_SEND_OUT). Needs root (Postfix's
# master); nothing here is a timed assertion.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
n=${1:-${BENCH_N_SEND:-2000}}
n_asked=$n
m=${BENCH_M_SEND:-1500}
out=${BENCH_SEND_OUT:-$here/bench/results/send.md}
bin=${WRIT_BIN_DIR:-$here/build}
[ "$(id -u)" -eq 0 ] || { echo "bench/send.sh: needs root (Postfix's master)" >&2; exit 77; }
[ -x /usr/sbin/postfix ] && [ -x /usr/sbin/smtp-source ] \
    || { echo "bench/send.sh: Postfix is not installed (scripts/deps --test)" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/writ-bench-send.XXXXXX")
chmod 755 "$work"
fixtures=$here/tests/fixtures/samples

# ---- the relay ---------------------------------------------------------------
pf=$work/relay conf=$work/relay/etc
mkdir -m 755 -p "$conf" "$pf/queue"
: > "$conf/main.cf"
if [ -f /usr/share/postfix/master.cf.dist ]; then cp /usr/share/postfix/master.cf.dist "$conf/master.cf"
else cp /etc/postfix/master.cf "$conf/master.cf"; fi
pf_port=$("$here/scripts/free-port")
pc() { /usr/sbin/postconf -c "$conf" "$@"; }
pc -e "queue_directory = $pf/queue" "data_directory = $pf/data" \
      "maillog_file = $pf/maillog" "maillog_file_prefixes = $pf" \
      "mail_owner = postfix" "setgid_group = postdrop" \
      "myhostname = relay.writ-bench.localdomain" "mydomain = writ-bench.localdomain" \
      "inet_interfaces = loopback-only" "inet_protocols = ipv4" "mynetworks = 127.0.0.0/8" \
      "mydestination =" "alias_maps =" "alias_database =" "relayhost =" \
      "local_transport = discard:bench" "relay_domains =" \
      "default_transport = discard:bench" \
      "smtpd_recipient_restrictions = permit_mynetworks, reject" \
      "smtpd_tls_security_level = none" "biff = no" "compatibility_level = 3.6"
pc -M# smtp/inet
pc -M "127.0.0.1:$pf_port/inet=127.0.0.1:$pf_port inet n - n - - smtpd"
pc -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
pc -F '*/*/chroot=n'
cleanup() {
    local rc=$?
    WRIT_RUN_DIR=$work/stack "$here/scripts/stack" down >/dev/null 2>&1 || true
    [ -n "${send_pid:-}" ] && kill "$send_pid" 2>/dev/null || true
    /usr/sbin/postfix -c "$conf" stop >/dev/null 2>&1 || true
    sleep 0.5
    [ $rc -eq 0 ] && rm -rf "$work" || echo "(kept $work)" >&2
}
trap cleanup EXIT
/usr/sbin/postfix -c "$conf" start >/dev/null 2>&1 || { tail "$pf/maillog" >&2; exit 1; }
until swaks --silent 2 --quit-after EHLO --server 127.0.0.1 --port "$pf_port" >/dev/null 2>&1; do sleep 0.2; done
now() { date +%s.%N; }
rate() { python3 -c 'import sys; print("%.0f" % (float(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))' "$@"; }

# ---- the stack (no sender yet) ------------------------------------------------
export WRIT_RUN_DIR=$work/stack WRIT_BIN_DIR=$bin
export WRIT_LMTP_PORT=$("$here/scripts/free-port") WRIT_BUS_PORT=$("$here/scripts/free-port" --pair)
export WRIT_CONFIG=$here/config/writ.zpl WRIT_NOTIFY_TODAY=2013-01-01
unset WRIT_REDIS_URL WRIT_REDIS_PORT WRIT_REDIS_SECRETS WRIT_NOTIFY_SMTP_RELAY
"$here/scripts/stack" up >/dev/null
source "$WRIT_RUN_DIR/env"
"$bin/writctl" registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
rcli() { "$here/scripts/stack" redis-cli "$@"; }
load() {  # load COUNT RUN_ID
    python3 "$here/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count "$1" \
        --connections 4 --templates "$fixtures/requests" --only 003,009,010,012,013 \
        --run-id "$2" --deadline 900 --out "$work/$2.acc" >/dev/null
}
notices() { find "$WRIT_RUN_DIR/outbox/new" -name '*.writ' | wc -l; }
finished() {  # finished ACC_FILE: until every case of it is past decided
    while :; do
        left=$("$bin/writctl" case list --json | python3 -c '
import json, sys
states = {c["id"]: c["state"] for c in json.load(sys.stdin)}
ids = [l.split()[2] for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for i in ids if states.get(i) not in ("notified", "held", "review")))' "$1")
        [ "$left" -eq 0 ] && return 0
        sleep 0.2
    done
}
sent_count() { rcli --raw eval "local n = 0
for _, k in ipairs(redis.call('KEYS', 'writ:delivery:c*')) do
  if not string.find(k, ':case:', 1, true) and redis.call('HGET', k, 'kind') == 'notice'
     and redis.call('HGET', k, 'state') == 'sent' then n = n + 1 end
end
return n" 0; }

# N notices prepared: cases until the outbox holds at least N.
i=0
while [ "$(notices)" -lt "$n" ]; do
    i=$((i + 1))
    load $(( (n - $(notices)) * 2 / 3 + 10 )) prep$i
    finished "$work/prep$i.acc"
done
n=$(notices)
size=$(find "$WRIT_RUN_DIR/outbox/new" -name '*.writ' -printf '%s\n' | awk '{s += $1} END {printf "%d", s / NR}')
echo "bench/send: $n notices prepared (mean $size bytes)" >&2

# ---- 2. ceiling: smtp-source to the same relay ---------------------------------
ceiling() {  # ceiling SESSIONS -> messages/s
    local t0 t1
    t0=$(now)
    /usr/sbin/smtp-source -c -d -s "$1" -m "$n" -l "$size" -f legal-notices@northwind-cloud.example \
        -t customer@northmail.example -M relay.writ-bench.localdomain "127.0.0.1:$pf_port" >/dev/null
    t1=$(now)
    rate "$n" "$t0" "$t1"
}
ceil1=$(ceiling 1)
ceil4=$(ceiling 4)
echo "bench/send: smtp-source $ceil1/s (1 connection), $ceil4/s (4)" >&2

# ---- 3. writ-send alone, the N prepared notices --------------------------------
export WRIT_NOTIFY_SMTP_RELAY=smtp://127.0.0.1:$pf_port WRIT_NOTIFY_SMTP_STARTTLS=none
t0=$(now)
WRIT_LETTERS_ACKNOWLEDGE=false "$bin/writ-send" >> "$WRIT_RUN_DIR/logs/send.bench.log" 2>&1 &
send_pid=$!
while [ "$(sent_count)" -lt "$n" ]; do sleep 0.1; done
t1=$(now)
kill "$send_pid"; wait "$send_pid" || true; send_pid=""
sendrate=$(rate "$n" "$t0" "$t1")
echo "bench/send: writ-send $sendrate/s" >&2

# ---- 4. the stages with sending on and off (ABAB) --------------------------------
stage_run() {  # stage_run on|off RUN_ID -> cases/s
    local t0 t1
    if [ "$1" = on ]; then
        "$bin/writ-send" >> "$WRIT_RUN_DIR/logs/send.bench.log" 2>&1 &
        send_pid=$!
        sleep 1
    fi
    t0=$(now)
    load "$m" "$2"
    finished "$work/$2.acc"
    t1=$(now)
    if [ "$1" = on ]; then kill "$send_pid"; wait "$send_pid" || true; send_pid=""; fi
    rate "$m" "$t0" "$t1"
}
off1=$(stage_run off s-off1); on1=$(stage_run on s-on1)
off2=$(stage_run off s-off2); on2=$(stage_run on s-on2)
echo "bench/send: stages off $off1, $off2 / on $on1, $on2 cases/s" >&2

mkdir -p "$(dirname "$out")"
{
    echo "# writ-send: notices through a local Postfix relay ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "\`scripts/bench --send $n_asked\` (bench/send.sh; BENCH_M_SEND=$m). Relay: private Postfix $(/usr/sbin/postconf -d -h mail_version) on loopback,"
    echo "accepting and discarding (queue file written and fsynced before its 250)."
    echo "Messages of the notices' mean size, $size bytes."
    echo
    echo "| what | messages/s | writ-send ÷ this |"
    echo "| --- | ---: | ---: |"
    echo "| smtp-source, 1 connection kept open (-d), $n messages | $ceil1 | $(python3 -c "print('%.2f' % ($sendrate / $ceil1))") |"
    echo "| smtp-source, 4 connections | $ceil4 | $(python3 -c "print('%.2f' % ($sendrate / $ceil4))") |"
    echo "| **writ-send**, one replica, $n prepared notices | **$sendrate** | 1 |"
    echo
    echo "writ-send makes three Redis round trips a notice (claim, committing, record) around one SMTP transaction"
    echo "on a kept connection; smtp-source makes none."
    echo
    echo "The stages that decide, $m cases (samples 003, 009, 010, 012, 013: 1-2 notices each) over LMTP, 4 connections,"
    echo "until every case is finished; writ-send running against the relay (on) or not (off), alternated:"
    echo
    echo "| run | sending off, cases/s | sending on, cases/s |"
    echo "| --- | ---: | ---: |"
    echo "| 1 | $off1 | $on1 |"
    echo "| 2 | $off2 | $on2 |"
} > "$out"
cat "$out"
