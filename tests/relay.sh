# tests/relay.sh -- a private Postfix on loopback as the provider's relay,
# delivering every message to one Maildir ($pf/mail/sink/), for the tests
# of writ-send (test_send, test_letters). Source it after lib.sh.
#
# Skips (77) where it cannot run: no Postfix, not root, or the ASan build
# (the relay tests run once per suite, in build/; WRIT_SEND_TEST_ASAN=1
# runs them there too). Defines pf (its tree), conf, pf_port, pc
# (postconf on it), relay_running, relay_start, relay_stop and
# relay_teardown (an EXIT trap that also tears the stack down).
skip() { echo "SKIP: $*"; exit 77; }
bdir=${WRIT_BUILD_DIR:-}
bdir=${bdir%/}
if [[ $bdir == *-asan ]] && [ "${WRIT_SEND_TEST_ASAN:-0}" != 1 ]; then
    skip "the relay test runs once per suite, in build/ (WRIT_SEND_TEST_ASAN=1 runs it here)"
fi
POSTFIX=/usr/sbin/postfix POSTCONF=/usr/sbin/postconf POSTMAP=/usr/sbin/postmap
[ -x $POSTFIX ] && [ -x $POSTCONF ] && [ -x $POSTMAP ] \
    || skip "Postfix is not installed (Debian package postfix; scripts/deps --test)"
[ "$(id -u)" -eq 0 ] || skip "the private Postfix instance needs root"
[ -x "$bin/writ-send" ] || fail "$bin/writ-send missing: build first"

# ---- the relay: a private Postfix delivering everything to one Maildir ----
pf=$(mktemp -d "${TMPDIR:-/tmp}/writ-relay.XXXXXX")
chmod 755 "$pf"
conf=$pf/etc
mkdir -m 755 "$conf" "$pf/queue" "$pf/mail"
chown nobody:nogroup "$pf/mail"
: > "$conf/main.cf"
if [ -f /usr/share/postfix/master.cf.dist ]; then
    cp /usr/share/postfix/master.cf.dist "$conf/master.cf"
else
    cp /etc/postfix/master.cf "$conf/master.cf"
fi
pf_port=$(free_port)
pc() { $POSTCONF -c "$conf" "$@"; }
relay_running() { [ -f "$pf/queue/pid/master.pid" ] && kill -0 "$(tr -d ' ' < "$pf/queue/pid/master.pid")" 2>/dev/null; }
relay_stop() {
    relay_running || return 0
    local pid
    pid=$(tr -d ' ' < "$pf/queue/pid/master.pid")
    $POSTFIX -c "$conf" stop >/dev/null 2>&1 || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
relay_start() {
    $POSTFIX -c "$conf" start > "$pf/start.log" 2>&1 \
        || { cat "$pf/start.log" >&2; tail -n 20 "$pf/maillog" >&2 || true; fail "the relay did not start"; }
    local deadline=$((SECONDS + 30))
    until swaks --silent 2 --quit-after EHLO --server 127.0.0.1 --port "$pf_port" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || fail "the relay does not answer on 127.0.0.1:$pf_port"
        sleep 0.2
    done
}
relay_teardown() {
    local rc=$?
    [ $rc -ne 0 ] && { echo "--- relay log (last lines):" >&2; tail -n 30 "$pf/maillog" >&2 2>/dev/null || true; }
    relay_stop
    if [ $rc -eq 0 ]; then rm -rf "$pf"; else echo "(relay kept in $pf)" >&2; fi
    set +e
    ( exit $rc )
    stack_teardown
}

pc -e "queue_directory = $pf/queue" \
      "data_directory = $pf/data" \
      "maillog_file = $pf/maillog" \
      "maillog_file_prefixes = $pf" \
      "mail_owner = postfix" \
      "setgid_group = postdrop" \
      "myhostname = relay.writ-test.localdomain" \
      "mydomain = writ-test.localdomain" \
      "myorigin = \$myhostname" \
      "inet_interfaces = loopback-only" \
      "inet_protocols = ipv4" \
      "mynetworks = 127.0.0.0/8" \
      "mydestination =" \
      "alias_maps =" \
      "alias_database =" \
      "local_transport = error:5.1.1 no local delivery on the writ test relay" \
      "relayhost =" \
      "relay_domains =" \
      "default_transport = error:5.7.1 the writ test relay delivers nowhere else" \
      "virtual_mailbox_domains = static:all" \
      "virtual_mailbox_base = $pf/mail" \
      "virtual_mailbox_maps = static:sink/" \
      "virtual_uid_maps = static:$(id -u nobody)" \
      "virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)" \
      "smtpd_recipient_restrictions = permit_mynetworks, reject" \
      "smtpd_tls_security_level = none" \
      "smtp_tls_security_level = none" \
      "biff = no" \
      "compatibility_level = 3.6"
pc -M# smtp/inet
pc -M "127.0.0.1:$pf_port/inet=127.0.0.1:$pf_port inet n - n - - smtpd"
pc -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
pc -F '*/*/chroot=n'
$POSTFIX -c "$conf" check > "$pf/check.log" 2>&1 || { cat "$pf/check.log" >&2; fail "postfix check failed"; }
