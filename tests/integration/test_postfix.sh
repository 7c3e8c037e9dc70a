#!/usr/bin/env bash
# writ behind a real mail gateway: Debian's Postfix (3.7 on Debian 12),
# run as a PRIVATE instance (its own config, queue and data directories in
# a temp dir, SMTP on a free 127.0.0.1 port only, nothing relayed anywhere
# else), configured the way config/postfix/ tells an administrator to:
#
#   1. LMTP: transport_maps routes legal-requests@northwind-cloud.example to
#      lmtp:inet:127.0.0.1:$WRIT_LMTP_PORT; samples submitted over SMTP with
#      swaks end up as finished cases with the labelled decisions, and the
#      case's raw bytes are the sample's plus the gateway's trace headers.
#   2. pipe(8): a second address goes to the `writ` pipe service running
#      writ-intake --stdin (as the master.cf snippet does, with the test's
#      WRIT_* settings passed through /usr/bin/env).
#   3. Redis down: LMTP's 451 4.3.0 and pipe's exit 75 make Postfix defer
#      (the messages stay queued, nothing bounces); with Redis back, queue
#      runs deliver both.
#
#   4. Authentication-Results (issue 13): OpenDKIM and OpenDMARC as milters,
#      configured from config/postfix/opendkim.conf and opendmarc.conf
#      (private instances on loopback ports, no DNS needed for what is
#      asserted): a sender-written Authentication-Results in the provider's
#      name is removed, the gateway's own is on top, and the request does
#      not verify in writ (review, not disclose).
#
# Postfix is installed when missing (root or passwordless sudo; otherwise
# SKIP). A system Postfix is left alone; one started by this test's
# install is stopped again. Runs once per suite: skipped in build-asan/.
source "$(dirname "$0")/../lib.sh"

bdir=${WRIT_BUILD_DIR:-}
bdir=${bdir%/}
if [[ $bdir == *-asan ]]; then
    echo "SKIP: the Postfix test runs once per suite, in build/; skipped in this configuration ($WRIT_BUILD_DIR)"
    exit 77
fi
skip() { echo "SKIP: $*"; exit 77; }

POSTFIX=/usr/sbin/postfix POSTCONF=/usr/sbin/postconf
POSTMAP=/usr/sbin/postmap POSTQUEUE=/usr/sbin/postqueue

# ---- Postfix from Debian, installed only when missing ---------------------
postfix_installed() {
    [ -x $POSTFIX ] && [ -x $POSTCONF ] && [ -x $POSTQUEUE ] && [ -x $POSTMAP ] \
        && { [ -f /usr/share/postfix/master.cf.dist ] || [ -f /etc/postfix/master.cf ]; }
}
if ! postfix_installed; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null \
            || skip "Postfix is not installed, and installing it needs root or passwordless sudo"
        sudo="sudo -n"
    fi
    command -v apt-get >/dev/null 2>&1 || skip "Postfix is not installed and there is no apt-get"
    echo "installing Postfix (Debian package postfix) ..."
    install_log=$(mktemp "${TMPDIR:-/tmp}/writ-postfix-install.XXXXXX")
    printf '%s\n' 'postfix postfix/main_mailer_type select Local only' \
                  'postfix postfix/mailname string writ-test.localdomain' \
        | $sudo debconf-set-selections
    apt_install() {
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends -o DPkg::Lock::Timeout=120 postfix >>"$install_log" 2>&1
    }
    if ! apt_install; then
        # Stale or missing package lists: update once and try again.
        $sudo apt-get update -q >>"$install_log" 2>&1 || true
        apt_install || { tail -n 5 "$install_log"; rm -f "$install_log"
                         skip "apt-get install postfix failed (see above)"; }
    fi
    rm -f "$install_log"
    postfix_installed || skip "postfix installed, but its commands or master.cf are missing"
    # Debian's postinst may start the system instance (it was not installed,
    # so not running, before): stop it to leave the machine as it was.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q postfix 2>/dev/null; then
        $sudo systemctl stop postfix || true
    fi
    if $sudo $POSTFIX status >/dev/null 2>&1; then
        $sudo $POSTFIX stop >/dev/null 2>&1 || true
    fi
fi
[ "$(id -u)" -eq 0 ] || skip "the private Postfix instance needs root (Postfix's master runs as root); this user is not"
echo "using $($POSTCONF -d -h mail_version | sed 's/^/Postfix /')"

# ---- writ's stack ---------------------------------------------------------
stack_env
export WRIT_NOTIFY_TODAY=2013-01-01      # held notices stay held (as in test_pipeline_samples)
# pipe(8) runs writ-intake as another user (nobody), who cannot enter the
# stack's private run directory: Redis listens on loopback TCP as well.
export WRIT_REDIS_PORT=$(free_port)
stack_up
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
tmp=$WRIT_RUN_DIR/tmp; mkdir -p "$tmp"

# ---- the private Postfix instance -----------------------------------------
# Its own tree, readable by the postfix user (mktemp makes 0700 dirs).
pf=$(mktemp -d "${TMPDIR:-/tmp}/writ-postfix.XXXXXX")
chmod 755 "$pf"
conf=$pf/etc
mkdir -m 755 "$conf" "$pf/queue"   # postfix check creates the rest
# Postfix's built-in defaults and the package's stock master.cf, not the
# system's /etc/postfix (whose content filters, milters or maps could send
# the test's mail to the machine's own services).
: > "$conf/main.cf"
if [ -f /usr/share/postfix/master.cf.dist ]; then
    cp /usr/share/postfix/master.cf.dist "$conf/master.cf"
else
    cp /etc/postfix/master.cf "$conf/master.cf"
fi
pf_port=$(free_port)
pc() { $POSTCONF -c "$conf" "$@"; }

postfix_diagnostics() {
    echo "--- postqueue -p (private Postfix):" >&2
    $POSTQUEUE -c "$conf" -p >&2 2>&1 || true
    echo "--- Postfix log ($pf/maillog), last lines:" >&2
    tail -n 40 "$pf/maillog" >&2 2>/dev/null || true
}
postfix_teardown() {
    local rc=$?
    if [ -f "$pf/queue/pid/master.pid" ]; then
        [ $rc -ne 0 ] && postfix_diagnostics
        $POSTFIX -c "$conf" stop >/dev/null 2>&1 || true
        local pid
        pid=$(tr -d ' ' < "$pf/queue/pid/master.pid" 2>/dev/null || true)
        for _ in $(seq 100); do
            [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    local mpid
    for mpid in "$pf"/milter/*.pid; do
        [ -f "$mpid" ] && kill "$(cat "$mpid")" 2>/dev/null || true
    done
    if [ $rc -eq 0 ]; then rm -rf "$pf"; else echo "(private Postfix kept in $pf)" >&2; fi
    set +e                  # (under -e, the subshell's status would end the trap here)
    ( exit $rc )            # stack_teardown reads the test's status from $?
    stack_teardown
}
trap postfix_teardown EXIT

# main.cf: everything that makes this instance private and closed: own
# directories, loopback only, mail accepted for northwind-cloud.example and
# delivered only by the transport map's routes (anything else: error).
pc -e "queue_directory = $pf/queue" \
      "data_directory = $pf/data" \
      "maillog_file = $pf/maillog" \
      "maillog_file_prefixes = $pf" \
      "mail_owner = postfix" \
      "setgid_group = postdrop" \
      "myhostname = gateway.writ-test.localdomain" \
      "mydomain = writ-test.localdomain" \
      "myorigin = \$myhostname" \
      "inet_interfaces = loopback-only" \
      "inet_protocols = ipv4" \
      "mynetworks = 127.0.0.0/8" \
      "mydestination =" \
      "alias_maps =" \
      "alias_database =" \
      "local_transport = error:5.1.1 no local delivery on the writ test gateway" \
      "relayhost =" \
      "relay_domains = northwind-cloud.example" \
      "relay_transport = error:5.1.1 not a writ intake address" \
      "default_transport = error:5.7.1 the writ test gateway delivers nowhere else" \
      "smtpd_tls_security_level = none" \
      "smtp_tls_security_level = none" \
      "lmtp_tls_security_level = none" \
      "smtpd_banner = \$myhostname ESMTP writ test gateway" \
      "biff = no" \
      "append_dot_mydomain = no" \
      "compatibility_level = 3.6"
# ... and the shipped snippet's active lines, with this test's paths. The
# Authentication-Results lines (header_checks, milters) come in section 4:
# sections 1-3 test the delivery routes with the samples as the provider's
# gateway recorded them, its Authentication-Results included.
grep -v '^[[:space:]]*#' "$src/config/postfix/main.cf.snippet" | grep '=' \
    | sed "s#/etc/postfix/#$conf/#g" > "$tmp/main.cf.all"
auth_lines='milter|header_checks'
grep -Ev "$auth_lines" "$tmp/main.cf.all" > "$tmp/main.cf.snippet"
grep -E "$auth_lines" "$tmp/main.cf.all" > "$tmp/main.cf.auth" \
    || fail "main.cf.snippet configures no milters"
grep -q '^transport_maps' "$tmp/main.cf.snippet" || fail "main.cf.snippet sets no transport_maps"
while IFS= read -r line; do pc -e "$line"; done < "$tmp/main.cf.snippet"
# The routes under test: the shipped transport map's LMTP line (with this
# test's port), and a second address through the pipe(8) service.
sed -e "s/lmtp:inet:127\.0\.0\.1:2424/lmtp:inet:127.0.0.1:$WRIT_LMTP_PORT/" \
    "$src/config/postfix/transport" | grep -v '^[[:space:]]*#' | grep . > "$conf/transport"
grep -q "^legal-requests@northwind-cloud.example[[:space:]]*lmtp:inet:127.0.0.1:$WRIT_LMTP_PORT\$" \
    "$conf/transport" || fail "config/postfix/transport has no LMTP route for legal-requests"
echo "legal-pipe@northwind-cloud.example writ:" >> "$conf/transport"
$POSTMAP -c "$conf" "hash:$conf/transport"

# master.cf: no port 25; SMTP on 127.0.0.1:$pf_port; the `writ` pipe
# service of config/postfix/master.cf.snippet, its argv made for this test
# (pipe(8) passes no environment, so the WRIT_* settings go through env);
# nothing chrooted (Debian's master.cf chroots most services).
pc -M# smtp/inet
pc -M "127.0.0.1:$pf_port/inet=127.0.0.1:$pf_port inet n - n - - smtpd"
pc -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
# The snippet's service, with this test's user (nobody), binary and
# settings. pipe(8) runs the command as that user: it gets its own copies
# of writ-intake, the configuration and every file a WRIT_* setting names,
# as the build and source trees may sit where nobody cannot read (a clone
# under /root). The stack's WRIT_* settings (Redis, bus, agencies file, ...)
# go through /usr/bin/env: pipe(8) passes no environment.
mkdir -m 755 "$pf/writ"
install -m 755 "$bin/writ-intake" "$pf/writ/writ-intake"
install -m 644 "$WRIT_CONFIG" "$pf/writ/writ.zpl"
writ_env=""
while IFS='=' read -r k v; do
    case $k in WRIT_CONFIG|WRIT_RUN_DIR|WRIT_BIN_DIR|WRIT_REDIS_URL|WRIT_REDIS_SECRETS) continue ;; esac
    if [ "$k" = WRIT_BUS_KEYS ] && [ -d "$v" ]; then
        # The pipe user's own copy of the intake key, as an operator gives
        # the Postfix pipe user (the intake refuses a secret others read).
        install -d -o nobody -m 700 "$pf/writ/keys"
        install -o nobody -m 600 "$v/intake.cert_secret" "$pf/writ/keys/"
        install -o nobody -m 644 "$v/intake.cert" "$v/broker.cert" "$pf/writ/keys/"
        writ_env+=" $k=$pf/writ/keys"
        continue
    fi
    [[ $v =~ [[:space:]\$] ]] && { echo "  (pipe service: $k not passed: its value has blanks or \$)"; continue; }
    if [ -f "$v" ]; then
        install -m 644 "$v" "$pf/writ/$k.${v##*/}"
        v=$pf/writ/$k.${v##*/}
    fi
    writ_env+=" $k=$v"
done < <(env | grep '^WRIT_[A-Z0-9_]*=' | sort)
# Redis as the intake user, over TCP, with its own copy of the password
# (0600, owned by the user pipe(8) runs it as).
install -m 600 -o nobody "$WRIT_REDIS_SECRETS/intake.password" "$pf/writ/intake.password"
writ_env+=" WRIT_REDIS_URL=redis://127.0.0.1:$WRIT_REDIS_PORT WRIT_INTAKE_REDIS_PASSWORD_FILE=$pf/writ/intake.password"
writ_service=$(awk '/^writ[[:space:]]/ { l = $0; getline n; print l " " n }' \
                   "$src/config/postfix/master.cf.snippet" | tr -s ' \t' '  ')
[[ $writ_service == *" pipe flags="*" user=writ "*"argv=/usr/local/bin/writ-intake "*"--stdin"* ]] \
    || fail "config/postfix/master.cf.snippet has no writ pipe service: '$writ_service'"
writ_service=${writ_service/ user=writ / user=nobody }
writ_service=${writ_service/argv=\/usr\/local\/bin\/writ-intake/argv=/usr/bin/env$writ_env $pf/writ/writ-intake}
writ_service=${writ_service//\/etc\/writ\/writ.zpl/$pf/writ/writ.zpl}
pc -M "writ/unix=$writ_service"
pc -F '*/*/chroot=n'
$POSTFIX -c "$conf" check > "$tmp/postfix-check" 2>&1 \
    || { cat "$tmp/postfix-check" >&2; fail "postfix check of the private instance failed"; }
$POSTFIX -c "$conf" start > "$tmp/postfix-start" 2>&1 \
    || { cat "$tmp/postfix-start" >&2; tail -n 20 "$pf/maillog" >&2 || true
         fail "the private Postfix did not start"; }
deadline=$((SECONDS + 20))
until swaks --silent 2 --quit-after EHLO --server 127.0.0.1 --port "$pf_port" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "the private Postfix does not answer on 127.0.0.1:$pf_port"
    sleep 0.2
done
pass "private Postfix $($POSTCONF -d -h mail_version) answers SMTP on 127.0.0.1:$pf_port (config $conf)"

# ---- helpers ----------------------------------------------------------------
# smtp_send FILE RCPT: submits one sample to the gateway over SMTP.
smtp_send() {
    swaks --silent 2 --server 127.0.0.1 --port "$pf_port" --helo client.writ-test.localdomain \
          --from sender@gateway.example --to "$2" --data "@$1" --timeout 30
}
label() { echo "$fixtures/requests/${1%.eml}.json"; }
msgid_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message_id"])' "$(label "$1")"; }

# case_of MSGID: "id state" of the case with that Message-ID, or nothing.
case_of() {
    writctl case list --json | python3 -c '
import json, sys
want = sys.argv[1].strip("<>")
for c in json.load(sys.stdin):
    if (c.get("message_id") or "").strip("<>") == want:
        print(c["id"], c["state"])
        break' "$1"
}

# wait_case SAMPLE SECONDS: until the sample's case exists and is finished;
# prints its id.
wait_case() { wait_msgid "$(msgid_of "$1")" "$2"; }
# wait_msgid MSGID SECONDS: the same by Message-ID.
wait_msgid() {
    local msgid=$1 deadline=$((SECONDS + $2)) got
    while :; do
        got=$(case_of "$msgid")
        case ${got#* } in
            notified|held|review) echo "${got%% *}"; return 0 ;;
        esac
        [ $SECONDS -lt $deadline ] \
            || fail "$1: no finished case after $2 s (case: '${got:-none}')"
        sleep 0.3
    done
}

# check_case ID SAMPLE: decisions and notices as labelled; the raw bytes are
# the ones the gateway was handed, after the gateway's own trace header
# lines (line endings aside).
check_case() {
    writctl case show "$1" --json > "$tmp/show.json"
    writctl case raw "$1" > "$tmp/raw"
    python3 - "$tmp/show.json" "$(label "$2")" "$tmp/raw" "$fixtures/requests/$2" <<'PY'
import json, re, sys
case, label = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
raw, sample = open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
name = sys.argv[4].rsplit("/", 1)[1]
exp = label["expected"]
got = {a["account"]: a for a in case["accounts"]}
errs = []
if set(got) != set(exp["decisions"]):
    errs.append(f"accounts {sorted(got)} != {sorted(exp['decisions'])}")
for acct, want in exp["decisions"].items():
    a = got.get(acct, {})
    if a.get("decision") != want:
        errs.append(f"{acct}: decision {a.get('decision')} != {want}")
    if a.get("notice") != exp["notices"][acct]:
        errs.append(f"{acct}: notice {a.get('notice')} != {exp['notices'][acct]}")
lf = lambda b: b.replace(b"\r\n", b"\n")
raw_lf, sample_lf = lf(raw), lf(sample)
# What the gateway was given and passed on: Postfix's cleanup drops a
# Return-Path header (message_drop_headers; a Return-Path belongs to final
# delivery), and swaks ends the DATA with CRLF "." CRLF after the file's own
# last line ending, which adds one empty line.
head, sep, body = sample_lf.partition(b"\n\n")
head = re.sub(rb"(?mi)^Return-Path:.*\n(?:[ \t].*\n)*", b"", head + b"\n")[:-1]
sample_lf = head + sep + body + b"\n"
if not raw_lf.endswith(sample_lf):
    import difflib
    diff = difflib.unified_diff(sample_lf.decode("latin-1").splitlines(),
                                raw_lf.decode("latin-1").splitlines(), "sample", "case raw", lineterm="", n=1)
    print("\n".join(list(diff)[:40]), file=sys.stderr)
    errs.append("raw bytes do not end with the sample's bytes")
else:
    added = raw_lf[: len(raw_lf) - len(sample_lf)].decode("ascii", "replace")
    names = [m.group(1) for m in re.finditer(r"^([A-Za-z-]+):", added, re.M)]
    if not names or any(n not in ("Received", "Return-Path", "Delivered-To", "X-Original-To")
                        for n in names):
        errs.append(f"unexpected lines added before the sample: {names}")
    endings = "CRLF" if b"\r\n" in raw else "LF"
    print(f"  {name}: case {case['id']} {case['state']}; gateway added {', '.join(names)}; "
          f"rest byte-identical ({endings} line endings)")
if errs:
    sys.exit(f"FAIL: {name}: " + "; ".join(errs))
PY
}

queue_json() { $POSTQUEUE -c "$conf" -j 2>/dev/null || true; }

# ---- 1. LMTP: SMTP in, LMTP to writ-intake ------------------------------------
for s in 001.eml 008.eml; do
    smtp_send "$fixtures/requests/$s" legal-requests@northwind-cloud.example >/dev/null \
        || fail "Postfix refused $s over SMTP"
done
for s in 001.eml 008.eml; do
    id=$(wait_case "$s" 60)
    check_case "$id" "$s"
done
grep -q "to=<legal-requests@northwind-cloud.example>.*relay=127.0.0.1\[127.0.0.1\]:$WRIT_LMTP_PORT.*status=sent (250 " \
    "$pf/maillog" || fail "Postfix's log has no LMTP delivery with status=sent"
envelope=$(writctl case show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["envelope"] or "")')
[[ $envelope == "from=<"*"> to=<legal-requests@northwind-cloud.example>" ]] \
    || fail "LMTP envelope not recorded: '$envelope'"
pass "SMTP -> Postfix -> LMTP (transport_maps) -> writ: 001 and 008 (8-bit) are finished cases as labelled; envelope recorded"

# ---- 2. pipe(8): writ-intake --stdin ------------------------------------------
smtp_send "$fixtures/requests/002.eml" legal-pipe@northwind-cloud.example >/dev/null \
    || fail "Postfix refused 002 over SMTP"
id=$(wait_case 002.eml 60)
check_case "$id" 002.eml
grep -q "to=<legal-pipe@northwind-cloud.example>.*relay=writ,.*status=sent" "$pf/maillog" \
    || fail "Postfix's log has no pipe delivery with status=sent"
envelope=$(writctl case show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["envelope"] or "")')
[[ $envelope == "from=<"*"> to=<legal-pipe@northwind-cloud.example>" ]] \
    || fail "pipe(8) envelope not recorded from \${sender}/\${recipient}: '$envelope'"
pass "SMTP -> Postfix -> pipe(8) writ-intake --stdin -> writ: 002 is a finished case as labelled; envelope $envelope"

# Both delivered, nothing left in the queue, nothing bounced.
deadline=$((SECONDS + 20))
until [ -z "$(queue_json)" ]; do
    [ $SECONDS -lt $deadline ] || fail "Postfix's queue is not empty after delivery"
    sleep 0.2
done
! grep -q 'status=bounced' "$pf/maillog" || fail "Postfix bounced a message: $(grep status=bounced "$pf/maillog")"

# ---- 3. Redis down: Postfix defers, then delivers ------------------------------
kill -KILL "$(cat "$WRIT_RUN_DIR/pids/redis.pid")"
deadline=$((SECONDS + 10))
while rcli ping 2>/dev/null | grep -q PONG; do
    [ $SECONDS -lt $deadline ] || fail "Redis still answers after SIGKILL"
    sleep 0.1
done
smtp_send "$fixtures/requests/003.eml" legal-requests@northwind-cloud.example >/dev/null \
    || fail "Postfix refused 003 over SMTP"
smtp_send "$fixtures/requests/004.eml" legal-pipe@northwind-cloud.example >/dev/null \
    || fail "Postfix refused 004 over SMTP"
# queue_state: one line per recipient: "queue address delay_reason".
queue_state() {
    queue_json | python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        m = json.loads(line)
        for r in m["recipients"]:
            print(m["queue_name"], r["address"], r.get("delay_reason", ""))'
}
deadline=$((SECONDS + 60))
while :; do
    q=$(queue_state)
    lmtp_line=$(grep '^deferred legal-requests@' <<<"$q" || true)
    pipe_line=$(grep '^deferred legal-pipe@' <<<"$q" || true)
    [ -n "$lmtp_line" ] && [ -n "$pipe_line" ] && break
    [ $SECONDS -lt $deadline ] || fail "with Redis down, Postfix did not defer both messages: $q"
    sleep 0.3
done
grep -q '451 4\.3\.0' <<<"$lmtp_line" || fail "LMTP deferral does not carry writ's 451 4.3.0: $lmtp_line"
echo "  deferred (LMTP): ${lmtp_line#deferred }"
echo "  deferred (pipe): ${pipe_line#deferred }"
grep -q "to=<legal-pipe@northwind-cloud.example>.*relay=writ,.*status=deferred" "$pf/maillog" \
    || fail "the pipe delivery was not logged as deferred"
! grep -q 'status=bounced' "$pf/maillog" || fail "Postfix bounced while Redis was down"
grep -q 'temporary failure' <<<"$pipe_line" || fail "pipe deferral is not a temporary failure: $pipe_line"
pass "Redis down: Postfix keeps both messages queued (LMTP 451 4.3.0, pipe exit 75), none bounced"

# Redis back (scripts/stack restarts it; its AOF keeps the earlier cases),
# and both are delivered on a later queue run. A delivery attempt made in
# the moment Redis is still loading its AOF, or before the intake's
# reconnect backoff (at most 2 s) has passed, is deferred again with 451 --
# correctly -- so, like a gateway's own retries, flush until the queue is
# empty rather than once.
restart_missing
deadline=$((SECONDS + 60))
while [ -n "$(queue_json)" ]; do
    [ $SECONDS -lt $deadline ] || fail "Postfix's queue is not empty 60 s after Redis came back: $(queue_state)"
    $POSTQUEUE -c "$conf" -f
    sleep 2
done
for s in 003.eml 004.eml; do
    id=$(wait_case "$s" 60)
    check_case "$id" "$s"
done
! grep -q 'status=bounced' "$pf/maillog" || fail "Postfix bounced a message"
n=$(writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq 5 ] || fail "$n cases, want 5"
pass "Redis back: the deferred messages are delivered on a later queue run; 5 cases, 0 bounces"

# ---- 4. Authentication-Results: OpenDKIM and OpenDMARC on the gateway ---------
command -v opendkim >/dev/null && command -v opendmarc >/dev/null \
    || fail "opendkim / opendmarc missing (scripts/deps --test installs them)"
dkim_port=$(free_port) dmarc_port=$(free_port)
mkdir -m 755 "$pf/milter"
: > "$pf/milter/empty"
# The shipped configurations, with this test's sockets, files and user
# (root: the private instance's directories are root's).
sed -e "s#^Socket .*#Socket inet:$dkim_port@127.0.0.1#" \
    -e "s#^PidFile .*#PidFile $pf/milter/opendkim.pid#" \
    -e "s#^UserID .*#UserID root#" \
    -e "s#^Syslog .*#Syslog no#" \
    -e "s#^InternalHosts .*#InternalHosts $pf/milter/empty#" \
    "$src/config/postfix/opendkim.conf" > "$pf/milter/opendkim.conf"
sed -e "s#^Socket .*#Socket inet:$dmarc_port@127.0.0.1#" \
    -e "s#^PidFile .*#PidFile $pf/milter/opendmarc.pid#" \
    -e "s#^UserID .*#UserID root#" \
    -e "s#^Syslog .*#Syslog false#" \
    -e "s#^IgnoreHosts .*#IgnoreHosts $pf/milter/empty#" \
    "$src/config/postfix/opendmarc.conf" > "$pf/milter/opendmarc.conf"
opendkim -x "$pf/milter/opendkim.conf" >"$pf/milter/opendkim.log" 2>&1 \
    || { cat "$pf/milter/opendkim.log" >&2; fail "opendkim did not start"; }
opendmarc -c "$pf/milter/opendmarc.conf" >"$pf/milter/opendmarc.log" 2>&1 \
    || { cat "$pf/milter/opendmarc.log" >&2; fail "opendmarc did not start"; }
for port in "$dkim_port" "$dmarc_port"; do
    deadline=$((SECONDS + 20))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "no milter listens on 127.0.0.1:$port"
        sleep 0.2
    done
done
# The snippet's header_checks and milter lines, pointed at this test's
# milters and its copy of the shipped header_checks.
grep -v '^[[:space:]]*#' "$src/config/postfix/header_checks" | grep . > "$conf/header_checks"
sed -e "s#inet:127.0.0.1:8891#inet:127.0.0.1:$dkim_port#" \
    -e "s#inet:127.0.0.1:8893#inet:127.0.0.1:$dmarc_port#" "$tmp/main.cf.auth" \
    | while IFS= read -r line; do pc -e "$line"; done
grep -q "^header_checks = regexp:$conf/header_checks\$" <(pc header_checks) \
    || fail "header_checks not set from the snippet: $(pc header_checks)"
grep -q "^smtpd_milters = inet:127.0.0.1:$dkim_port, inet:127.0.0.1:$dmarc_port\$" \
    <(pc smtpd_milters) || fail "smtpd_milters not set from the snippet: $(pc smtpd_milters)"
# The gateway is the provider's own host from here on: its Received line
# says "by mx1.northwind-cloud.example", as the border MX's would.
pc -e "myhostname = mx1.northwind-cloud.example"
# A restart, not a reload: after a reload, an smtpd started before it could
# still take the next message without the milters.
old_pid=$(tr -d ' ' < "$pf/queue/pid/master.pid")
$POSTFIX -c "$conf" stop >/dev/null 2>&1 || fail "postfix stop failed"
deadline=$((SECONDS + 30))
while kill -0 "$old_pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "the private Postfix did not stop"
    sleep 0.2
done
$POSTFIX -c "$conf" start >/dev/null 2>&1 || fail "the private Postfix did not start with the milters"
deadline=$((SECONDS + 20))
until swaks --silent 2 --quit-after EHLO --server 127.0.0.1 --port "$pf_port" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "the private Postfix does not answer after its restart"
    sleep 0.2
done

# Forged results in the provider's name: one with a full set (dmarc=pass),
# one with only the DKIM result a milter could take as its input; and the
# colleague's forward of sample 013, whose forwarded message carries the
# results the provider's gateway wrote when the colleague received it.
for f in forged-ar forged-dkim; do
    smtp_send "$src/tests/fixtures/auth/$f.eml" legal-requests@northwind-cloud.example >/dev/null \
        || fail "Postfix refused $f.eml"
done
smtp_send "$fixtures/requests/013.eml" legal-requests@northwind-cloud.example >/dev/null \
    || fail "Postfix refused 013.eml"
for m in forged-ar-gateway forged-dkim-gateway; do
    id=$(wait_msgid "$m@attacker.example" 60)
    writctl case raw "$id" > "$tmp/raw"
    writctl case show "$id" --json > "$tmp/show.json"
    python3 - "$tmp/raw" "$tmp/show.json" "$m" <<'PY' || fail "$m: see above"
import json, re, sys
raw = open(sys.argv[1], "rb").read().decode("latin-1").replace("\r\n", "\n")
case, name = json.load(open(sys.argv[2])), sys.argv[3]
head = raw.partition("\n\n")[0]
fields = re.findall(r"(?m)^([A-Za-z-]+):((?:.*)(?:\n[ \t].*)*)", head)
names = [f[0] for f in fields]
ar = [v for n, v in fields if n.lower() == "authentication-results"]
errs = []
first_rcvd = names.index("Received")
if not ar or any(n.lower() == "authentication-results" for n in names[first_rcvd:]):
    errs.append(f"results not all above the gateway's Received line: {names}")
if "by mx1.northwind-cloud.example" not in fields[first_rcvd][1]:
    errs.append(f"gateway Received: {fields[first_rcvd][1]!r}")
if any("header.d=fbi.gov" in v or "p=REJECT" in v for v in ar):
    errs.append(f"the sender's results survived: {ar}")
if not any("dmarc=" in v for v in ar) or not any("dkim=" in v for v in ar):
    errs.append(f"the gateway's DKIM and DMARC results are missing: {ar}")
auth = case["request"]["authenticity"]
if auth["verified"] or case["state"] != "review" or \
        any(a["decision"] == "disclose" for a in case["accounts"]):
    errs.append(f"not held for review: state {case['state']}, authenticity {auth}, "
                f"{[a['decision'] for a in case['accounts']]}")
if errs:
    sys.exit(f"FAIL: {name}: " + "; ".join(errs))
print(f"  {name}: gateway results {' | '.join(v.split(';', 1)[1].strip() for v in ar)}; "
      f"case {case['state']}, dmarc {auth['dmarc']}, {[a['decision'] for a in case['accounts']]}")
PY
    # The shipped layout fits writ's strictest position too: the gateway's
    # own results are read (not the sender's "pass").
    dmarc=$(WRIT_INTAKE_TRUSTED_RESULTS=above_received writctl parse "$tmp/raw" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["authenticity"]["dmarc"])')
    [ "$dmarc" != pass ] && [ "$dmarc" != None ] \
        || fail "$m: with trusted_results = above_received writ reads dmarc '$dmarc'"
done
pass "forged Authentication-Results in the provider's name are removed by the gateway (header_checks); OpenDKIM and OpenDMARC write theirs above its Received line; writ holds both requests for review"

# The forward: the colleague's message gets the gateway's results; the
# forwarded message's own results (written by the provider's gateway when
# the colleague received it) pass through untouched (nested_header_checks).
id=$(wait_case 013.eml 60)
writctl case raw "$id" > "$tmp/raw"
grep -q '^Authentication-Results: mx2.northwind-cloud.example;' "$tmp/raw" \
    || fail "013: the forwarded message's Authentication-Results were removed"
[ "$(grep -c '^Authentication-Results: mx1.northwind-cloud.example;' "$tmp/raw")" -ge 2 ] \
    || fail "013: the gateway did not write its results"
pass "a forwarded message's own results survive the gateway (nested_header_checks is empty)"
