"""Shared by the scenario programs: the truth line and the machine's load.

A scenario program prints nothing that depends on timing unless
GILSCOPE_TRUTH=1; then its last stdout line is `GILSCOPE-TRUTH {json}`, as
the workloads do (test/workloads/README.md, "Truth line"): its own
time.perf_counter() measurements, comparable with the recording's clock,
and `machine` = the CPU other processes used meanwhile.
"""
import json
import os
import sys
import threading
import time


def machine_sample():
    """(perf_counter, machine busy CPU seconds, this process's and its reaped children's CPU seconds)."""
    busy = None
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        busy = (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        pass
    t = os.times()
    return (time.perf_counter(), busy, t.user + t.system + t.children_user + t.children_system)


def machine_load(before):
    """CPU that other processes used since `before` (foreign_cpus: in CPUs, 0.5 = half a core)."""
    after = machine_sample()
    span = after[0] - before[0]
    out = {"cpus": os.cpu_count(), "span_seconds": round(span, 6), "foreign_cpus": None}
    if before[1] is not None and after[1] is not None and span > 0:
        out["foreign_cpus"] = round(max(0.0, (after[1] - before[1]) - (after[2] - before[2])) / span, 3)
    return out


def markers(path):
    """{MARKER: [line, ...]} for the lines of `path` ending in `# MARKER` (capitals and dashes)."""
    found = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            text = line.rstrip()
            if "# " in text:
                tag = text.rsplit("# ", 1)[1]
                if tag and all(c.isupper() or c in "-_0123456789" for c in tag) and tag[0].isupper():
                    found.setdefault(tag, []).append(number)
    return found


def emit(truth, script):
    """The truth line, only when GILSCOPE_TRUTH=1."""
    if os.environ.get("GILSCOPE_TRUTH") != "1":
        return
    truth = dict(truth, pid=os.getpid(), python="%d.%d.%d" % sys.version_info[:3],
                 main_native_id=threading.get_native_id(), markers=markers(script))
    sys.stdout.write("GILSCOPE-TRUTH " + json.dumps(truth, sort_keys=True) + "\n")
    sys.stdout.flush()
