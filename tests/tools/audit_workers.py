#!/usr/bin/env python3
"""audit_workers.py STAGE [ACCEPTED_FILE] -- per-worker counts of STAGE's
work, read from the cases' audit trails (`writctl case show ID --json`):
one count per case and worker that recorded STAGE's transition. Prints
JSON {"workers": {worker: cases}, "span_s": {worker: seconds from its
first to its last transition}, "cases": n}. With ACCEPTED_FILE (lines
"<sample> <message-id> <case-id>", as lmtp_load.py --out writes), only
those cases; otherwise every case. Needs WRIT_BUILD_DIR (writctl)."""
import datetime, json, os, subprocess, sys

writctl = os.path.join(os.environ["WRIT_BUILD_DIR"], "writctl")

def run(*args):
    return json.loads(subprocess.check_output([writctl, *args]))

def seconds(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

stage = sys.argv[1]
if len(sys.argv) > 2:
    ids = [l.split()[2] for l in open(sys.argv[2]) if l.strip()]
else:
    ids = [c["id"] for c in run("case", "list", "--json")]
counts, times = {}, {}
for cid in ids:
    seen = set()
    for entry in run("case", "show", cid, "--json").get("audit", []):
        if (entry.get("stage") == stage and entry.get("event") == "transition"
                and entry.get("worker")):
            seen.add(entry["worker"])
            times.setdefault(entry["worker"], []).append(seconds(entry["time"]))
    for w in seen:
        counts[w] = counts.get(w, 0) + 1
span = {w: round(max(t) - min(t), 3) for w, t in times.items()}
print(json.dumps({"workers": counts, "span_s": span, "cases": len(ids)}, sort_keys=True))
