#!/usr/bin/env python3
"""check_fair_share.py COUNTS_JSON SLOW_PID CASES -- what the README
promises of fair sharing, checked on audit_workers.py's per-worker counts:
every case was decided once, and the replica slowed ~50x took only a small
share (at most 10 %: its first batch of `credit` cases plus what it asked
for after). It does not compare the fast replicas with the slow one: on a
busy machine one fast replica can be starved of CPU and take fewer cases
than the slow one's first batch without any unfairness in the broker (CI
once saw the slow replica at 8 of 300 with a fast one below it).
Exit 0 and a one-line summary, or exit 1 naming what failed."""
import json, sys

def check(counts, pid, total):
    slow = [w for w in counts if f"-{pid}-" in w]
    if len(slow) != 1:
        return f"no single worker with pid {pid}: {counts}"
    if sum(counts.values()) != total:
        return f"{sum(counts.values())} transitions for {total} cases"
    s = counts[slow[0]]
    if s > total * 0.10:
        return f"slow replica took {s} of {total} cases (more than 10 %)"
    return None

if __name__ == "__main__":
    data = json.loads(sys.argv[1])
    pid, total = sys.argv[2], int(sys.argv[3])
    err = check(data["workers"], pid, total)
    if err:
        print(err, file=sys.stderr)
        sys.exit(1)
    s = [n for w, n in data["workers"].items() if f"-{pid}-" in w][0]
    print(f"slow replica share: {s}/{total} = {100.0 * s / total:.1f}%")
