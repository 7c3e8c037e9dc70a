#!/usr/bin/env python3
"""analyze.py -- scripts/bench's measuring hand: Redis snapshots, waiting for
a run to finish, per-process CPU and memory, and the per-run figures.
Talks RESP to 127.0.0.1 itself (no Python Redis package needed).

  analyze.py snap PORT RUN_DIR          JSON: INFO figures + per-process CPU/HWM
  analyze.py wait PORT N TIMEOUT        until N cases exist and none is in flight
  analyze.py run PORT CLIENT_OUT BEFORE AFTER CLIENT_JSON WAIT_JSON
                                         JSON: cases/s, latency, Redis cost, CPU
  analyze.py roundtrips RUN_DIR         JSON: Redis round trips/commands from the logs
"""
import glob, json, os, re, socket, sys, time

TICK = os.sysconf("SC_CLK_TCK")


class Redis:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", int(port)))
        self.f = self.s.makefile("rb")
        # The stack's Redis has ACL users: log in as its admin when
        # scripts/bench names the password file (absent: a stack run
        # with --no-acl).
        pw_file = os.environ.get("BENCH_REDIS_PASSWORD_FILE")
        if pw_file and os.path.exists(pw_file):
            self.call("AUTH", "admin", open(pw_file).read().strip())

    def _encode(self, args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def call(self, *args):
        self.s.sendall(self._encode(args))
        return self._read()

    def pipeline(self, cmds, chunk=1000):
        out = []
        for i in range(0, len(cmds), chunk):
            part = cmds[i:i + chunk]
            self.s.sendall(b"".join(self._encode(c) for c in part))
            out.extend(self._read() for _ in part)
        return out


def info(r):
    text = r.call("INFO", "all").decode()
    d, cmds = {}, {}
    for line in text.splitlines():
        if line.startswith("cmdstat_"):
            name, rest = line[8:].split(":", 1)
            cmds[name] = int(re.search(r"calls=(\d+)", rest).group(1))
        elif ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            d[k] = v
    keep = ["used_memory", "used_memory_peak", "total_commands_processed",
            "total_net_input_bytes", "total_net_output_bytes", "used_cpu_sys", "used_cpu_user",
            "aof_current_size"]
    out = {k: float(d.get(k, 0)) for k in keep}
    out["commandstats"] = cmds
    out["dbsize"] = r.call("DBSIZE")
    return out


def procs(run_dir):
    """name -> {cpu_s, hwm_kb, rss_kb} for every live process of the stack."""
    out = {}
    for pidfile in glob.glob(os.path.join(run_dir, "pids", "*.pid")):
        name = os.path.basename(pidfile)[:-4]
        try:
            pid = open(pidfile).read().strip()
            stat = open("/proc/%s/stat" % pid).read()
            fields = stat[stat.rindex(")") + 2:].split()
            cpu = (int(fields[11]) + int(fields[12])) / TICK
            status = open("/proc/%s/status" % pid).read()
            hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            out[name] = {"cpu_s": cpu, "hwm_kb": hwm, "rss_kb": rss}
        except (OSError, ValueError, AttributeError):
            pass
    return out


def machine_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat: catches
    what per-process figures miss (loopback softirq, jbd2, kworkers)."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = f[3] + f[4]                      # idle + iowait
    return sum(f) - idle, sum(f)


def cmd_snap(port, run_dir):
    r = Redis(port)
    busy, total = machine_ticks()
    print(json.dumps({"t": time.time(), "redis": info(r), "procs": procs(run_dir),
                      "machine": {"busy": busy, "total": total}}))


def cmd_wait(port, n, timeout):
    r = Redis(port)
    deadline = time.time() + float(timeout)
    polls = 0
    while True:
        polls += 1
        cases = r.call("ZCARD", "writ:cases")
        busy = r.call("ZCARD", "writ:pending:jurisdiction") + r.call("ZCARD", "writ:pending:notify")
        if cases >= int(n) and busy == 0:
            print(json.dumps({"cases": cases, "finished_at": time.time(), "zcard_calls": 3 * polls}))
            return 0
        if time.time() > deadline:
            print(json.dumps({"cases": cases, "in_flight": busy, "timeout": True,
                              "zcard_calls": 3 * polls}))
            return 1
        time.sleep(0.1)


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def machine_busy(before, after):
    b, a = before.get("machine"), after.get("machine")
    if not b or not a or a["total"] <= b["total"]:
        return None
    return round((a["busy"] - b["busy"]) / (a["total"] - b["total"]) * 100, 1)


def cmd_run(port, client_out, before, after, client_json, wait_json):
    r = Redis(port)
    own = json.load(open(wait_json)).get("zcard_calls", 0)   # our own polling
    before, after = json.load(open(before)), json.load(open(after))
    client = json.load(open(client_json))
    rows = []
    for line in open(client_out):
        i, tmpl, t_data, t_reply, code, cid = line.split()
        if code == "250" and cid != "-":
            rows.append((int(t_reply), cid))
    replies = r.pipeline([["HMGET", "writ:case:" + cid, "state", "received_at", "updated_at"]
                          for _, cid in rows])
    lat, states, last_done = [], {}, 0
    for (t_reply, cid), (state, rec, upd) in zip(rows, replies):
        state = (state or b"?").decode()
        states[state] = states.get(state, 0) + 1
        if state in ("notified", "held", "review") and upd:
            upd_ms = int(upd)
            last_done = max(last_done, upd_ms)
            lat.append(upd_ms - t_reply / 1000.0)
    first = client["first_250_us"] / 1e6
    span = last_done / 1000.0 - first if last_done else 0
    n = len(rows)
    rb, ra = before["redis"], after["redis"]
    cmds = sum(ra["commandstats"].get(k, 0) - rb["commandstats"].get(k, 0)
               for k in ra["commandstats"] if k != "info") - own
    wall = after["t"] - before["t"]
    cpu = {}
    for name, p in after["procs"].items():
        b = before["procs"].get(name, {"cpu_s": 0})
        cpu[name] = round((p["cpu_s"] - b["cpu_s"]) / wall * 100, 1) if wall > 0 else 0
    cpu["redis"] = round(((ra["used_cpu_sys"] + ra["used_cpu_user"])
                          - (rb["used_cpu_sys"] + rb["used_cpu_user"])) / wall * 100, 1)
    cpu["load-client"] = round((client["cpu_user_s"] + client["cpu_sys_s"])
                               / max(client["elapsed_s"], 1e-9) * 100, 1)
    stages = {}
    for name, v in cpu.items():
        st = name.split(".")[0]
        stages.setdefault(st, []).append(v)
    out = {
        "cases": n, "states": states,
        "cases_per_s": round(n / span, 1) if span > 0 else 0,
        "accept_per_s": client["accept_rate"],
        "span_s": round(span, 3),
        "lat_p50_ms": pct(lat, 50), "lat_p95_ms": pct(lat, 95), "lat_p99_ms": pct(lat, 99),
        "redis_cmds_per_case": round(cmds / n, 2) if n else 0,
        "redis_bytes_per_case": round((ra["used_memory"] - rb["used_memory"]) / n) if n else 0,
        "redis_in_bytes_per_case": round((ra["total_net_input_bytes"] - rb["total_net_input_bytes"]) / n) if n else 0,
        "cpu_pct": cpu,
        "machine_busy_pct": machine_busy(before, after),
        "cpu_per_stage_pct": {k: round(sum(v), 1) for k, v in stages.items()},
        "cpu_per_replica_max_pct": {k: max(v) for k, v in stages.items()},
        "hwm_kb": {k: v["hwm_kb"] for k, v in after["procs"].items()},
        "redis_peak_mb": round(ra["used_memory_peak"] / 1e6, 1),
        "client": client,
    }
    for k in ("lat_p50_ms", "lat_p95_ms", "lat_p99_ms"):
        if out[k] is not None:
            out[k] = round(out[k], 1)
    print(json.dumps(out))


def cmd_roundtrips(run_dir):
    """Sums the 'redis: N round trips, M commands' lines every process
    logs when it closes its Redis connection (common/store/case_store.c)."""
    rt = cmds = 0
    per = {}
    for log in glob.glob(os.path.join(run_dir, "logs", "*.log")):
        name = os.path.basename(log)[:-4].split(".")[0]
        for line in open(log, errors="replace"):
            m = re.search(r"redis: (\d+) round trips, (\d+) commands", line)
            if m:
                rt += int(m.group(1))
                cmds += int(m.group(2))
                a = per.setdefault(name, [0, 0])
                a[0] += int(m.group(1))
                a[1] += int(m.group(2))
    print(json.dumps({"round_trips": rt, "commands": cmds, "per_stage": per}))


def cmd_gateway(port, before, after, maillog):
    """Postfix in front: the rate at which Postfix delivered into writ
    (the intake's received_at of the cases, first to last), and Postfix's
    own delay breakdown for the LMTP deliveries (delays=a/b/c/d: d is the
    transmission to writ, i.e. what intake cost the gateway)."""
    r = Redis(port)
    b, a = json.load(open(before)), json.load(open(after))
    flat = r.call("ZRANGE", "writ:cases", 0, -1, "WITHSCORES")
    times = sorted(float(flat[i + 1]) for i in range(0, len(flat), 2))
    span = (times[-1] - times[0]) / 1000.0 if len(times) > 1 else 0
    d_vals, sent, deferred = [], 0, 0
    for line in open(maillog, errors="replace"):
        if "relay=127.0.0.1" not in line:
            continue
        if "status=sent" in line:
            sent += 1
            m = re.search(r"delays=([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+)", line)
            if m:
                d_vals.append(float(m.group(4)))
        elif "status=deferred" in line:
            deferred += 1
    wall = a["t"] - b["t"]
    intake_cpu = sum(p["cpu_s"] - b["procs"].get(k, {"cpu_s": 0})["cpu_s"]
                     for k, p in a["procs"].items() if k.startswith("intake"))
    print(json.dumps({
        "cases": len(times), "lmtp_sent": sent, "lmtp_deferred": deferred,
        "postfix_to_writ_per_s": round((len(times) - 1) / span, 1) if span > 0 else 0,
        "lmtp_d_mean_s": round(sum(d_vals) / len(d_vals), 4) if d_vals else None,
        "lmtp_d_p99_s": pct(d_vals, 99),
        "intake_cpu_pct": round(intake_cpu / wall * 100, 1) if wall > 0 else 0}))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    rc = {"snap": cmd_snap, "wait": cmd_wait, "run": cmd_run,
          "roundtrips": cmd_roundtrips, "gateway": cmd_gateway}[cmd](*args)
    sys.exit(rc or 0)


if __name__ == "__main__":
    main()
