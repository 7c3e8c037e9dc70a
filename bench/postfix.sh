# bench/postfix.sh -- sourced by scripts/bench: a private Postfix 3.7
# instance (own config, queue and log in a directory, SMTP on a free
# 127.0.0.1 port, nothing relayed anywhere but writ's LMTP port), set up as
# tests/integration/test_postfix.sh does, with the LMTP concurrency raised.
#
#   pf_start DIR LMTP_PORT CONCURRENCY   sets PF_CONF PF_PORT PF_DIR, or
#                                        returns 1 with PF_SKIP (why)

pf_install() {
    [ -x /usr/sbin/postfix ] && [ -x /usr/sbin/postconf ] && return 0
    [ "$(id -u)" -eq 0 ] || { PF_SKIP="Postfix missing and not root"; return 1; }
    printf '%s\n' 'postfix postfix/main_mailer_type select Local only' \
                  'postfix postfix/mailname string writ-bench.localdomain' | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o DPkg::Lock::Timeout=120 postfix >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive \
             apt-get install -y -q --no-install-recommends postfix >/dev/null 2>&1; } \
        || { PF_SKIP="apt-get install postfix failed"; return 1; }
    # Debian's postinst may start the system instance: leave it as it was.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q postfix 2>/dev/null; then
        systemctl stop postfix || true
    fi
    /usr/sbin/postfix status >/dev/null 2>&1 && /usr/sbin/postfix stop >/dev/null 2>&1 || true
    return 0
}

pf_start() {
    local dir=$1 lmtp_port=$2 conc=$3
    PF_SKIP=""
    pf_install || return 1
    [ "$(id -u)" -eq 0 ] || { PF_SKIP="Postfix's master needs root"; return 1; }
    PF_DIR=$dir; PF_CONF=$dir/etc
    mkdir -p "$dir"; chmod 755 "$dir"; mkdir -m 755 -p "$PF_CONF" "$dir/queue"
    : > "$PF_CONF/main.cf"
    if [ -f /usr/share/postfix/master.cf.dist ]; then cp /usr/share/postfix/master.cf.dist "$PF_CONF/master.cf"
    else cp /etc/postfix/master.cf "$PF_CONF/master.cf"; fi
    PF_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local pc="/usr/sbin/postconf -c $PF_CONF"
    $pc -e "queue_directory = $dir/queue" "data_directory = $dir/data" \
        "maillog_file = $dir/maillog" "maillog_file_prefixes = $dir" \
        "mail_owner = postfix" "setgid_group = postdrop" \
        "myhostname = gateway.writ-bench.localdomain" "mydomain = writ-bench.localdomain" \
        "inet_interfaces = loopback-only" "inet_protocols = ipv4" "mynetworks = 127.0.0.0/8" \
        "mydestination =" "alias_maps =" "alias_database =" \
        "local_transport = error:5.1.1 no local delivery" "relayhost =" \
        "relay_domains = northwind-cloud.example" \
        "relay_transport = error:5.1.1 not a writ intake address" \
        "default_transport = error:5.7.1 delivers nowhere else" \
        "transport_maps = texthash:$PF_CONF/transport" \
        "lmtp_destination_concurrency_limit = $conc" \
        "default_process_limit = 100" \
        "smtpd_tls_security_level = none" "lmtp_tls_security_level = none" \
        "biff = no" "append_dot_mydomain = no" "compatibility_level = 3.6"
    echo "legal-requests@northwind-cloud.example lmtp:inet:127.0.0.1:$lmtp_port" > "$PF_CONF/transport"
    $pc -M# smtp/inet
    $pc -M "127.0.0.1:$PF_PORT/inet=127.0.0.1:$PF_PORT inet n - n - - smtpd"
    $pc -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
    $pc -F '*/*/chroot=n'
    /usr/sbin/postfix -c "$PF_CONF" check >/dev/null 2>&1 \
        && /usr/sbin/postfix -c "$PF_CONF" start >/dev/null 2>&1 \
        || { PF_SKIP="the private Postfix did not start (see $dir/maillog)"; return 1; }
    local deadline=$((SECONDS + 20))
    until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PF_PORT), 1).recv(10)" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { PF_SKIP="Postfix does not answer SMTP"; return 1; }
        sleep 0.2
    done
    return 0
}
