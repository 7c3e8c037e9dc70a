#!/usr/bin/env python3
"""report.py RESULTS_DIR COMMAND SECONDS -- scripts/bench's markdown table
from the per-phase JSON files (every figure, the ratios, the targets)."""
import datetime, json, os, platform, re, sys

res, command, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])


def load(name):
    try:
        return json.load(open(os.path.join(res, name + ".json")))
    except OSError:
        return {}


def machine():
    cpu = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", cpu)
    mhz = re.search(r"cpu MHz\s*:\s*(.*)", cpu)
    mem = re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read())
    return "%s, %d cores (nproc), %s MHz, %.1f GB RAM, Linux %s" % (
        model.group(1).strip() if model else "?", os.cpu_count(),
        mhz.group(1).strip() if mhz else "?", int(mem.group(1)) / 1048576 if mem else 0,
        platform.release())


def bottleneck(run):
    cpu = run.get("cpu_pct", {})
    total = sum(cpu.values())
    per = run.get("cpu_per_replica_max_pct", {})
    stages = {k: v for k, v in per.items() if k in ("intake", "jurisdiction", "notify", "broker", "redis")}
    if not stages:
        return "?"
    busiest = max(stages, key=stages.get)
    if total >= 170:
        return "CPU (%.0f%% of 200%%); busiest: %s %.0f%%" % (total, busiest, stages[busiest])
    return "%s (%.0f%% of a core)" % (busiest, stages[busiest])


def f(v, nd=1):
    if v is None:
        return "–"
    return ("%." + str(nd) + "f") % v if isinstance(v, float) else str(v)


mix, parse, rbm = load("mix"), load("parse"), load("redis_benchmark")
NCPU = os.cpu_count() or 1


def busy(p):
    """How busy the whole machine was (%): /proc/stat when measured (it
    counts loopback softirq and kernel threads too), else the sum of the
    measured processes' CPU over the cores."""
    if (p or {}).get("machine_busy_pct") is not None:
        return p["machine_busy_pct"]
    c = (p or {}).get("cpu_per_stage_pct", {})
    return round(sum(v for v in c.values() if isinstance(v, (int, float))) / NCPU, 1) if c else None


full, half = load("e2e_full"), load("e2e_half")
backlog, feed, pf, pf_smtp = load("backlog"), load("backlog_feed"), load("postfix"), load("postfix_smtp")
ceiling = parse.get("msgs_per_s", 0)
ratio = full.get("cases_per_s", 0) / ceiling if ceiling else 0

out = []
w = out.append
w("# writ benchmark")
w("")
w("- date: %s" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"))
w("- machine: %s" % machine())
w("- command: `%s` (took %d s)" % (command, seconds))
w("- mix: %s templates from the %s samples, %s–%s bytes (median %s), 1–5 accounts, "
  "request types %s" % (mix.get("templates"), mix.get("base_samples"), mix.get("size_min"),
                        mix.get("size_max"), mix.get("size_median"),
                        ", ".join("%s %s" % kv for kv in sorted(mix.get("request_types", {}).items()))))
w("- load client: bench/lmtp_blast (C), %s connections; figures are noisy on a shared "
  "2-core machine: read the ratios, measured in the same run" % load("settings").get("conns", "?"))
w("")
w("## Ceilings and end to end")
w("")
w("| figure | value |")
w("| --- | --- |")
w("| parse-only ceiling (parse_message, 1 core, in-process) | %s msg/s (%s MB/s) |" % (f(ceiling), f(parse.get("mb_per_s"), 2)))
for k, label in (("ping", "PING"), ("set_11kb", "SET 11 KB"), ("hset", "HSET"), ("zadd", "ZADD"),
                 ("xadd", "XADD"), ("evalsha_4cmds", "EVALSHA (4-command script)"),
                 ("pipelined_ping_p16", "PING pipelined ×16")):
    w("| redis-benchmark %s, 4 clients | %s ops/s |" % (label, f(rbm.get(k))))
w("| end to end, full load: cases/s (first 250 → last case finished) | **%s** (%s cases) |" % (f(full.get("cases_per_s")), full.get("cases")))
w("| intake acceptance during it (250s/s at the client) | %s |" % f(full.get("accept_per_s")))
w("| **end-to-end ÷ parse-only ceiling** | **%.2f** |" % ratio)
w("| latency 250 → notice prepared/held, full load p50 / p95 / p99 | %s / %s / %s ms |" % (f(full.get("lat_p50_ms")), f(full.get("lat_p95_ms")), f(full.get("lat_p99_ms"))))
w("| latency at half the peak (%s cases at %s/s) p50 / p95 / p99 | %s / %s / %s ms |" % (
    half.get("cases"), f(half.get("client", {}).get("accept_rate")), f(half.get("lat_p50_ms")), f(half.get("lat_p95_ms")), f(half.get("lat_p99_ms"))))
w("| Redis AOF rewrites during the full / half-peak run (each a fork and a burst of disk writes that stalls the pipeline briefly) | %s / %s |" % (
    full.get("aof_rewrites", "-"), half.get("aof_rewrites", "-")))
w("| **Redis round trips per case** (counted by the workers) | **%s** (%s) |" % (
    f(full.get("round_trips_per_case")), ", ".join("%s %s" % kv for kv in sorted(full.get("round_trips_per_stage", {}).items()))))
w("| Redis commands sent per case / executed per case (incl. inside scripts, INFO commandstats) | %s / %s |" % (f(full.get("commands_sent_per_case")), f(full.get("redis_cmds_per_case"))))
w("| Redis bytes stored per case (used_memory delta) / received per case | %s / %s |" % (full.get("redis_bytes_per_case"), full.get("redis_in_bytes_per_case")))
w("| CPU during the full-load run (%% of one core) | %s; whole machine %s %% busy (/proc/stat) |" % (
    ", ".join("%s %s" % kv for kv in sorted(full.get("cpu_pct", {}).items())), f(busy(full))))
w("| final states | %s |" % ", ".join("%s %s" % kv for kv in sorted(full.get("states", {}).items())))
w("")
w("## Scaling (%s cases per point, full load)" % load("scale_i1_r1").get("cases", "?"))
w("")
w("| intake | jurisdiction | notify | cases/s | × vs 1/1/1 | CPU %% intake / jurisdiction / notify / broker / redis / client | machine busy (/proc/stat, %d cores) | bottleneck |" % NCPU)
w("| --- | --- | --- | --- | --- | --- | --- | --- |")
base = load("scale_i1_r1").get("cases_per_s") or 0
for i in (1, 2):
    for r in (1, 2, 4):
        p = load("scale_i%d_r%d" % (i, r))
        if not p:
            continue
        c = p.get("cpu_per_stage_pct", {})
        w("| %d | %d | %d | %s | %s | %s | %s %% | %s |" % (
            i, r, r, f(p.get("cases_per_s")), "%.2f" % (p["cases_per_s"] / base) if base else "–",
            " / ".join(f(c.get(k)) for k in ("intake", "jurisdiction", "notify", "broker", "redis", "load-client")),
            f(busy(p)), bottleneck(p)))
w("")
w("## Scaling a stage that is the bottleneck (%s cases per point)" % load("cap_jurisdiction_r1").get("cases", "?"))
w("")
caps = {}
if load("cap_skipped"):
    w("Skipped: %s" % load("cap_skipped")["skipped"])
else:
    w("Every replica of the stage runs in its own cgroup held to the CPU quota shown "
      "(as a container's `cpus:` limit would), about 30 % of what the stage used at "
      "the full-load peak: the stage is the bottleneck, and a second replica has CPU "
      "to scale into. Other stages run unlimited, one replica each.")
    w("")
    w("| stage | quota per replica (% of a core) | 1 replica cases/s | 2 replicas cases/s | × 1 → 2 | stage CPU % at 1 / 2 replicas | machine busy at 2 |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for s in ("intake", "jurisdiction", "notify"):
        one, two_r = load("cap_%s_r1" % s), load("cap_%s_r2" % s)
        if not one or not two_r:
            continue
        x = two_r["cases_per_s"] / one["cases_per_s"] if one.get("cases_per_s") else 0
        caps[s] = x
        w("| %s | %s | %s | %s | **%.2f×** | %s / %s | %s %% |" % (
            s, f(one.get("cap_pct")), f(one.get("cases_per_s")), f(two_r.get("cases_per_s")), x,
            f(one.get("cpu_per_stage_pct", {}).get(s)), f(two_r.get("cpu_per_stage_pct", {}).get(s)),
            f(busy(two_r))))
w("")
w("## Backlog drain")
w("")
w("| figure | value |")
w("| --- | --- |")
w("| cases queued with jurisdiction stopped | %s (intake alone accepted %s/s) |" % (backlog.get("cases"), f(feed.get("accept_rate"))))
w("| drain time after starting jurisdiction | %s s (%s cases/s)%s |" % (backlog.get("drain_s"), backlog.get("drain_cases_per_s"), " — TIMED OUT" if backlog.get("timeout") else ""))
w("| Redis used memory queued / peak | %s / %s MB |" % (backlog.get("redis_used_mb_queued"), backlog.get("redis_peak_mb")))
w("| memory high-water per process (VmHWM) | %s |" % ", ".join("%s %s MB" % kv for kv in sorted(backlog.get("hwm_mb", {}).items())))
w("")
w("## Gateway: Postfix in front")
w("")
if pf.get("skipped"):
    w("Skipped: %s" % pf["skipped"])
else:
    w("| figure | value |")
    w("| --- | --- |")
    w("| messages submitted to Postfix over SMTP | %s at %s/s (SMTP acceptance) |" % (pf_smtp.get("accepted"), f(pf_smtp.get("accept_rate"))))
    w("| Postfix → writ over LMTP (lmtp_destination_concurrency_limit 32) | **%s msg/s** (%s sent, %s deferred) |" % (f(pf.get("postfix_to_writ_per_s")), pf.get("lmtp_sent"), pf.get("lmtp_deferred")))
    w("| intake's own acceptance rate (intake alone / during the full-load run) | **%s / %s msg/s** |" % (f(feed.get("accept_rate")), f(full.get("accept_per_s"))))
    w("| Postfix's LMTP transmission time per message (delays d) mean / p99 | %s / %s s |" % (f(pf.get("lmtp_d_mean_s"), 4), f(pf.get("lmtp_d_p99_s"), 3)))
    w("| intake CPU while Postfix delivered | %s %% of a core |" % f(pf.get("intake_cpu_pct")))
w("")
w("## Targets")
w("")
two = load("scale_i1_r2").get("cases_per_s") or 0
busy_two = busy(load("scale_i1_r2"))
targets = [
    ("end-to-end ≥ 50 % of the parse-only ceiling", "%.0f %%" % (ratio * 100), ratio >= 0.5),
    ("≤ 8 Redis round trips per case", f(full.get("round_trips_per_case")), (full.get("round_trips_per_case") or 99) <= 8),
    ("p99 250 → notice < 20 ms at half of peak", "%s ms" % f(half.get("lat_p99_ms")), (half.get("lat_p99_ms") or 1e9) < 20),
    ("bottleneck stage ≥ 1.7× from 1 to 2 replicas (where cores allow)",
     ("%s with each stage the bottleneck (CPU quota per replica); unlimited, all stages 1 → 2: %.2f× "
      "(machine %s %% busy%s)" % (
          ", ".join("%s %.2f×" % kv for kv in caps.items()) or "–", two / base if base else 0, f(busy_two),
          ": no core left to scale into" if (busy_two or 0) >= 80 else "")),
     bool(caps) and min(caps.values()) >= 1.7),
    ("intake accepts faster than Postfix delivers", "%s vs %s msg/s" % (f(feed.get("accept_rate")), f(pf.get("postfix_to_writ_per_s"))),
     bool(pf.get("postfix_to_writ_per_s")) and (feed.get("accept_rate") or 0) > pf.get("postfix_to_writ_per_s", 0)),
]
w("| target | measured | met |")
w("| --- | --- | --- |")
for name, val, ok in targets:
    w("| %s | %s | %s |" % (name, val, "yes" if ok else "**no**"))
print("\n".join(out))
