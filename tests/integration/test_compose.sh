#!/usr/bin/env bash
# The container stack for real: Debian's docker.io engine (20.10) and
# docker-compose (1.29) run docker-compose.yml here, on loopback only.
#
#   1. `docker-compose config` validates the real (bridge-network) file.
#   2. A PRIVATE dockerd (own data root, exec root, socket and pidfile;
#      --bridge=none --iptables=false) runs in the background.
#   3. No image can be pulled: debian:bookworm-slim is built with
#      `debootstrap --variant=minbase bookworm` from the mirror apt on this
#      machine uses (read from apt's sources at run time) and imported;
#      the rootfs is cached in $WRIT_DEBOOTSTRAP_CACHE (default
#      /var/cache/writ-debootstrap), the test works without the cache.
#   4. `docker-compose build` (build network: host) builds the writ image
#      (Dockerfile) and the Redis image (docker/redis.Dockerfile).
#   5. An override file gives every service network_mode: host with every
#      endpoint on 127.0.0.1 at free ports (host networking publishes no
#      ports: the real file is used without its `ports:` entries); `up --scale jurisdiction=3
#      --scale notify=2`; every container becomes healthy.
#   6. The sample registry is loaded and the 14 samples delivered to the
#      LMTP port with swaks: every case ends with its labelled decisions
#      (check_samples.py); jurisdiction work is spread over more than one
#      replica (per-worker counts in the audit trail). The send container
#      hands every prepared notice, and an alert per case in review, to a
#      private Postfix relay (tests/relay.sh) exactly once.
#   7. lmtp_load.py feeds 300 more; mid-stream one jurisdiction container
#      is killed (SIGKILL): every accepted case still finishes, the outbox
#      holds exactly one file per prepared notice.
#   8. A scanned (image-only) PDF request goes through the extract
#      container: read by OCR, its fields as labelled.
#   9. `down -v`; dockerd is stopped by its pid; its directories removed.
#
# Needs root (dockerd). Installs docker.io, docker-compose and debootstrap
# when missing. SKIP only when the engine cannot be had or cannot start.
# Runs once per suite: skipped in build-asan/.
source "$(dirname "$0")/../lib.sh"

skip() { echo "SKIP: $*"; exit 77; }
bdir=${WRIT_BUILD_DIR:-}
bdir=${bdir%/}
if [[ $bdir == *-asan ]]; then
    skip "the container test runs once per suite, in build/; skipped in this configuration ($WRIT_BUILD_DIR)"
fi
[ "$(id -u)" -eq 0 ] || skip "a private dockerd needs root; this user is not"

t0=$SECONDS
step() { echo "[$((SECONDS - t0))s] $*"; }

# ---- docker.io, docker-compose, debootstrap from Debian ------------------
packages=(docker.io docker-compose debootstrap swaks postfix)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || skip "${missing[*]} missing and there is no apt-get"
    step "installing ${missing[*]}"
    install_log=$(mktemp "${TMPDIR:-/tmp}/writ-compose-install.XXXXXX")
    apt_install() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o DPkg::Lock::Timeout=120 "${missing[@]}" >>"$install_log" 2>&1
    }
    if ! apt_install; then
        apt-get update -q >>"$install_log" 2>&1 || true
        apt_install || { tail -n 5 "$install_log"; rm -f "$install_log"
                         skip "apt-get install ${missing[*]} failed (see above)"; }
    fi
    rm -f "$install_log"
fi
# Debian's docker.io client, not whatever else is first on PATH.
DOCKER=/usr/bin/docker
COMPOSE=/usr/bin/docker-compose
[ -x /usr/sbin/dockerd ] && [ -x $DOCKER ] && [ -x $COMPOSE ] || skip "docker.io / docker-compose commands missing after install"

# The provider's relay for the send container: a private Postfix on
# loopback delivering into one Maildir (tests/relay.sh, as test_send).
source "$(dirname "$0")/../relay.sh"

# ---- 1. the real compose file validates ----------------------------------
$COMPOSE -f "$src/docker-compose.yml" --project-directory "$src" config -q \
    || fail "docker-compose config rejects docker-compose.yml"
$COMPOSE -f "$src/docker-compose.yml" --project-directory "$src" config --services \
    | sort | tr '\n' ' ' | grep -qx 'broker extract intake jurisdiction keys notify redis redis-secrets send ' \
    || fail "docker-compose.yml lacks a service"
pass "docker-compose config accepts docker-compose.yml (bridge network)"

# ---- 2. a private dockerd ------------------------------------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/writ-compose.XXXXXX")
chmod 755 "$T"
export DOCKER_HOST=unix://$T/docker.sock
export COMPOSE_PROJECT_NAME=writtest
export COMPOSE_HTTP_TIMEOUT=300
export WRIT_RUN_DIR=$T
export WRIT_SOURCE_DIR=$src WRIT_BUILD_DIR=$bin WRIT_CONFIG=$src/config/writ.zpl
dockerd_pid=""
stack_started=0

cleanup() {
    local rc=$? job
    set +e
    # The background load would otherwise run on to its deadline.
    for job in $(jobs -p); do kill "$job" 2>/dev/null; done
    if [ $rc -ne 0 ] && [ -n "$dockerd_pid" ]; then
        echo "--- container logs of the failed test:" >&2
        compose logs --no-color --tail=15 >&2 2>/dev/null
    fi
    if [ $stack_started = 1 ]; then
        compose down -v --timeout 10 >/dev/null 2>&1
    fi
    if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
        kill -TERM "$dockerd_pid"
        for _ in $(seq 150); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$dockerd_pid" 2>/dev/null && kill -KILL "$dockerd_pid"
    fi
    # Whatever dockerd left mounted under its directories.
    grep -o " $T/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    [ $rc -ne 0 ] && [ -f "$T/dockerd.log" ] && { echo "--- dockerd.log:" >&2; tail -n 15 "$T/dockerd.log" >&2; }
    if declare -F relay_stop >/dev/null; then
        relay_stop
        [ $rc -ne 0 ] && { echo "--- relay log (last lines):" >&2; tail -n 15 "$pf/maillog" >&2 2>/dev/null; }
        rm -rf "$pf"
    fi
    rm -rf "$T"
    step "cleaned up"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "starting a private dockerd"
setsid /usr/sbin/dockerd --data-root "$T/data" --exec-root "$T/exec" \
    -H "unix://$T/docker.sock" --pidfile "$T/dockerd.pid" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    >"$T/dockerd.log" 2>&1 </dev/null &
dockerd_pid=$!
for _ in $(seq 120); do
    $DOCKER info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
done
if ! $DOCKER info >/dev/null 2>&1; then
    echo "--- dockerd.log:"; tail -n 10 "$T/dockerd.log"
    skip "the Docker engine cannot start on this machine (see dockerd.log above)"
fi
step "dockerd $($DOCKER version -f '{{.Server.Version}}') up (pid $dockerd_pid)"

# ---- 3. debian:bookworm-slim from debootstrap ----------------------------
# The Debian archive apt uses here: the first "deb" source for suite
# bookworm, from sources.list (one-line) or sources.list.d (.list/.sources).
apt_mirror() {
    python3 - <<'PY'
import glob, re
files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")) \
      + sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
for f in files:
    try:
        text = open(f).read()
    except OSError:
        continue
    if f.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                if m and not line.startswith("#"):
                    fields[m.group(1).lower()] = m.group(2).split()
            if fields.get("enabled", ["yes"])[0] == "no":
                continue
            if "deb" in fields.get("types", []) and "bookworm" in fields.get("suites", []):
                print(fields["uris"][0]); raise SystemExit
    else:
        for line in text.splitlines():
            line = re.sub(r"\[[^]]*\]", "", line.split("#")[0]).split()
            if len(line) >= 3 and line[0] == "deb" and line[2] == "bookworm":
                print(line[1]); raise SystemExit
raise SystemExit(1)
PY
}
mirror=$(apt_mirror) || fail "no bookworm mirror in apt's sources (/etc/apt/sources.list*)"
cache=${WRIT_DEBOOTSTRAP_CACHE:-/var/cache/writ-debootstrap}
rootfs=$cache/bookworm-minbase
if [ ! -f "$rootfs/.writ-complete" ]; then
    mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || { cache=$T; rootfs=$T/rootfs; }
    rm -rf "$rootfs.tmp"
    step "debootstrap --variant=minbase bookworm from $mirror (cold: no cache at $rootfs)"
    debootstrap --variant=minbase bookworm "$rootfs.tmp" "$mirror" >"$T/debootstrap.log" 2>&1 \
        || { tail -n 10 "$T/debootstrap.log"; rm -rf "$rootfs.tmp"; fail "debootstrap failed"; }
    rm -rf "$rootfs.tmp"/var/cache/apt/archives/*.deb "$rootfs.tmp"/var/lib/apt/lists/*_Packages
    touch "$rootfs.tmp/.writ-complete"
    rm -rf "$rootfs"
    mv "$rootfs.tmp" "$rootfs"
else
    step "debootstrap rootfs from the cache ($rootfs)"
fi
tar -C "$rootfs" --exclude=./.writ-complete -c . | $DOCKER import - debian:bookworm-slim >/dev/null \
    || fail "docker import of the debootstrap rootfs failed"

# ---- 4. the override: host network, loopback endpoints --------------------
export WRIT_LMTP_PORT=$(free_port)
export WRIT_REDIS_PORT=$(free_port)
bus=$(free_port_pair)
export WRIT_REDIS_URL=redis://127.0.0.1:$WRIT_REDIS_PORT
# The redis-secrets service generates the passwords here; writctl on this
# host logs in as the operator from its directory.
export WRIT_REDIS_SECRETS_DIR=$T/secrets
export WRIT_REDIS_SECRETS=$T/secrets/operator
export WRIT_SMTP_SECRETS_DIR=$T/smtp-secrets      # none needed: the relay takes no AUTH
mkdir -p "$T/outbox"
chown 10001:10001 "$T/outbox"        # the image's writ user
# The outbox is bound at the same path as on this host, so the notice
# paths recorded in the cases can be read here (check_samples.py).
cat > "$T/override.yml" <<EOF
version: "2.4"
x-env: &env
  WRIT_REDIS_URL: "$WRIT_REDIS_URL"
  WRIT_BUS_SUBMIT: "tcp://127.0.0.1:$bus"
  WRIT_BUS_WORKERS: "tcp://127.0.0.1:$((bus + 1))"
  WRIT_PIPELINE_LEASE_MS: "3000"
services:
  redis:
    network_mode: host
    environment:
      REDIS_PORT: "$WRIT_REDIS_PORT"
      REDIS_BIND: "127.0.0.1"
  broker:
    network_mode: host
    environment:
      <<: *env
      WRIT_BUS_SUBMIT_BIND: "tcp://127.0.0.1:$bus"
      WRIT_BUS_WORKERS_BIND: "tcp://127.0.0.1:$((bus + 1))"
  intake:
    network_mode: host
    environment:
      <<: *env
      WRIT_INTAKE_LMTP_LISTEN: "127.0.0.1:$WRIT_LMTP_PORT"
  extract:
    network_mode: host
    environment:
      <<: *env
  jurisdiction:
    network_mode: host
    environment:
      <<: *env
  notify:
    network_mode: host
    environment:
      <<: *env
      WRIT_NOTIFY_OUTBOX: "$T/outbox"
      WRIT_NOTIFY_TODAY: "2013-01-01"
    volumes:
      - "$T/outbox:$T/outbox"
  send:
    network_mode: host
    environment:
      <<: *env
      WRIT_NOTIFY_OUTBOX: "$T/outbox"
      WRIT_NOTIFY_SMTP_RELAY: "smtp://127.0.0.1:$pf_port"
      WRIT_NOTIFY_SMTP_STARTTLS: "none"
      WRIT_ALERTS_TO: "oncall@ops.writ-test.example"
      WRIT_ALERTS_DIGEST_AT: ""
    volumes:
      - "$T/outbox:$T/outbox:ro"
EOF
# docker-py refuses published ports with network_mode: host, and an
# override file cannot remove a list entry (compose v1): the test's base is
# the real file with its `ports:` entries left out, nothing else changed.
python3 - "$src/docker-compose.yml" "$T/base.yml" <<'PY' || fail "cannot derive the host-network base file"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for svc in doc["services"].values():
    svc.pop("ports", None)
yaml.safe_dump(doc, open(sys.argv[2], "w"), default_flow_style=False)
PY
compose() {
    $COMPOSE -f "$T/base.yml" -f "$T/override.yml" --project-directory "$src" "$@"
}
compose config -q || fail "docker-compose config rejects the host-network override"

step "building the images (writ, writ-redis)"
compose build --parallel >"$T/build.log" 2>&1 || { tail -n 30 "$T/build.log"; fail "docker-compose build failed"; }
step "built: $($DOCKER images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^writ' | tr '\n' ' ')"

# The runtime image: no compiler, a non-root user.
$DOCKER run --rm --network none writ:latest sh -c 'command -v gcc cc cmake' >/dev/null 2>&1 \
    && fail "the runtime image carries a compiler"
[ "$($DOCKER run --rm --network none writ:latest id -un)" = writ ] || fail "the image does not run as user writ"

# ---- 5. up, scaled -------------------------------------------------------
relay_start
step "up --scale jurisdiction=3 --scale notify=2"
stack_started=1
compose up -d --scale jurisdiction=3 --scale notify=2 >"$T/up.log" 2>&1 \
    || { cat "$T/up.log"; fail "docker-compose up failed"; }

# every container healthy (the compose healthchecks: writctl health per stage)
all_healthy() {
    local ids states
    ids=$(compose ps -q redis broker intake extract jurisdiction notify send)
    [ "$(echo "$ids" | wc -w)" -eq 10 ] || return 1
    states=$($DOCKER inspect -f '{{.State.Health.Status}}' $ids | sort -u | tr '\n' ' ')
    [ "$states" = "healthy " ]
}
deadline=$((SECONDS + 120))
until all_healthy; do
    [ $SECONDS -lt $deadline ] || { compose ps; fail "not every container became healthy in 120s"; }
    sleep 1
done
live=$(writctl health --json | python3 -c '
import json, sys
h = json.load(sys.stdin)["stages"]
print(" ".join("%s=%d" % (s, len(h[s]["live_workers"])) for s in ("intake", "extract", "jurisdiction", "notify")))')
[ "$live" = "intake=1 extract=1 jurisdiction=3 notify=2" ] || fail "live replicas: $live"
pass "10 containers healthy (send among them); live replicas $live"

# Redis: generated passwords, 0600 in 0700 directories, each service's own;
# nothing gets in without one (the old default password included).
[ "$($DOCKER inspect -f '{{.State.ExitCode}}' "$(compose ps -q redis-secrets)")" = 0 ] \
    || fail "the redis-secrets service failed"
[ "$(stat -c %a "$T/secrets")" = 700 ] || fail "secrets dir mode $(stat -c %a "$T/secrets")"
loose=$(find "$T/secrets" -perm /077 | head -3)
[ -z "$loose" ] || fail "secret files others may read: $loose"
out=$(redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" ping 2>&1)
[[ $out == *NOAUTH* ]] || fail "Redis answered without credentials: $out"
out=$(redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" --no-auth-warning -a writ-change-me ping 2>&1)
[[ $out == *WRONGPASS* ]] || fail "Redis took the old default password: $out"
out=$(REDISCLI_AUTH=$(cat "$T/secrets/intake/intake.password") redis-cli -h 127.0.0.1 -p "$WRIT_REDIS_PORT" --user intake config get dir 2>&1)
[[ $out == *NOPERM* ]] || fail "intake's user ran CONFIG: $out"
pass "compose Redis: per-role generated passwords (0600, 0700 dirs); no login, the old default and CONFIG as intake refused"

# ---- 6. the samples ------------------------------------------------------
writctl registry import "$fixtures/locations.csv" "$fixtures/tenants.csv" >/dev/null
for eml in "$fixtures"/requests/*.eml; do
    lmtp_send "$eml" >/dev/null || fail "LMTP delivery of $(basename "$eml") refused"
done
wait_all_finished 14 120
python3 "$src/tests/integration/check_samples.py" || fail "sample decisions differ from their labels"
pass "14 samples through the containers, decisions as labelled"
# The send container hands every prepared notice to the relay once, and
# alerts the on-call address of every case in review.
review=$(writctl case list --state review --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
sent_all() {
    python3 - "$T/outbox/new" "$pf/mail/sink" "$review" <<'PY'
import email, email.policy, glob, os, sys
outbox, sink, review = sys.argv[1], sys.argv[2], int(sys.argv[3])
def msg(p):
    return email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
want = {msg(p)["Message-ID"].strip() for p in glob.glob(os.path.join(outbox, "*.writ"))}
got, alerts = {}, set()
for p in glob.glob(os.path.join(sink, "new", "*")):
    m = msg(p)
    mid = (m["Message-ID"] or "").strip()
    got[mid] = got.get(mid, 0) + 1
    if str(m["Subject"]).startswith("[writ]"):
        alerts.add(mid)
assert want and all(got.get(mid, 0) == 1 for mid in want), "notices not (yet) sent once"
assert len(alerts) == review and all(got[a] == 1 for a in alerts), "alerts not (yet) sent once"
PY
}
deadline=$((SECONDS + 120))
until sent_all 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { sent_all; fail "the send container did not deliver every notice and alert once in 120 s"; }
    sleep 1
done
pass "the send container delivered the samples' $(ls "$T/outbox/new" | wc -l) notices and $review alerts through the relay, once each"
# From here on the outbox counts the load's notices only.
find "$T/outbox/new" -type f -delete

# ---- 7. load, and a jurisdiction container killed mid-stream --------------
step "300 messages; one jurisdiction container killed mid-stream"
python3 "$src/tests/tools/lmtp_load.py" --port "$WRIT_LMTP_PORT" --count 300 --connections 4 \
    --templates "$fixtures/requests" --rate 20 --deadline 240 --out "$T/accepted" \
    >"$T/load.json" &
load_pid=$!
ncases() { writctl case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
deadline=$((SECONDS + 120))
until [ "$(ncases)" -ge $((14 + 60)) ]; do
    kill -0 $load_pid 2>/dev/null || fail "the load ended before the kill: $(cat "$T/load.json")"
    [ $SECONDS -lt $deadline ] || fail "the load did not get going"
    sleep 0.2
done
# sed, not head: with PYTHONUNBUFFERED set (as on CI) compose writes each
# id on its own; head leaves after the first, compose dies of SIGPIPE on
# the next, and pipefail ended the test without a word.
victim=$(compose ps -q jurisdiction | sed -n 1p)
$DOCKER kill "$victim" >/dev/null || fail "docker kill of jurisdiction container $victim failed"
killed_at=$(ncases || echo "?")
kill -0 $load_pid 2>/dev/null || fail "the load ended before the kill"
wait $load_pid || fail "lmtp_load.py failed"
python3 - "$T/load.json" <<'PY' || fail "not all 300 accepted: $(cat "$T/load.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["accepted"] == 300 and r["refused"] == 0 and r["failed"] == 0, r
PY
check_all_finished "$T/accepted" 180
pass "jurisdiction container ${victim:0:12} killed (SIGKILL) with $killed_at of 314 cases in: all 300 finished, one notice file per prepared notice"
echo "the killed container is now: $($DOCKER inspect -f '{{.State.Status}} (restarts {{.RestartCount}})' "$victim")"

# work spread over the jurisdiction replicas (audit: who recorded each step)
spread=$(python3 "$src/tests/tools/audit_workers.py" jurisdiction)
echo "jurisdiction work per worker: $spread"
python3 - "$spread" <<'PY' || fail "jurisdiction work was not spread: $spread"
import json, sys
w = json.loads(sys.argv[1])["workers"]
busy = [n for n in w.values() if n >= 5]
assert len(busy) >= 2, w
PY
pass "jurisdiction work spread over $(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["workers"]))' "$spread") workers"

# ---- 8. a scanned request through the extract container ---------------
# An image-only PDF attached to a cover note: read by OCR in the extract
# container (its sandboxed child), then decided as its text sample is.
scan=$fixtures/../pdf-requests/002.eml
# Not lmtp_send: its --silent 2 prints nothing on success, and the case
# id is in intake's 250 reply.
reply=$(swaks --protocol LMTP --server 127.0.0.1 --port "$WRIT_LMTP_PORT" \
        --from sender@gateway.example --to legal-requests@northwind-cloud.example \
        --data "@$scan" --timeout 30 2>&1) || fail "LMTP delivery of the scanned sample refused: $reply"
scan_case=$(grep -o 'case c[0-9a-f]*' <<<"$reply" | tail -n 1 | cut -d' ' -f2)
[ -n "$scan_case" ] || fail "no case id in the reply to the scanned sample: $reply"
deadline=$((SECONDS + 300))
until writctl case show "$scan_case" --json | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin)["state"] not in ("documents", "received", "decided") else 1)'; do
    [ $SECONDS -lt $deadline ] || fail "scanned case $scan_case not finished in 300 s"
    sleep 1
done
writctl case text "$scan_case" --json | python3 -c '
import json, sys
t = json.load(sys.stdin)
docs = t["documents"] if isinstance(t, dict) else t
assert any(d.get("method") == "ocr" for d in docs), docs
' || fail "case $scan_case: no document read by OCR: $(writctl case text "$scan_case" --json | head -c 400)"
python3 - "$scan_case" "$fixtures/../pdf-requests/002.json" <<'PY' || fail "scanned case differs from its label"
import json, os, subprocess, sys
case = json.loads(subprocess.check_output([os.path.join(os.environ["WRIT_BUILD_DIR"], "writctl"), "case", "show", sys.argv[1], "--json"]))
label = json.load(open(sys.argv[2]))
for key in ("request_type", "accounts", "issuing_agency", "reference"):
    if key in label:
        assert case["request"].get(key) == label[key], (key, case["request"].get(key), label[key])
PY
pass "scanned sample read by OCR in the extract container ($scan_case), fields as labelled"

# ---- 9. down -v ----------------------------------------------------------
compose down -v --timeout 10 >"$T/down.log" 2>&1 || { cat "$T/down.log"; fail "docker-compose down -v failed"; }
stack_started=0
[ -z "$($DOCKER ps -aq)" ] || fail "containers left after down -v"
[ -z "$($DOCKER volume ls -q)" ] || fail "volumes left after down -v: $($DOCKER volume ls -q | tr '\n' ' ')"
pass "down -v removed every container and volume"
step "done"
