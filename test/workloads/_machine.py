"""How much CPU other programs used while a workload ran: the truth line's
"machine" field, shared by the workloads beside this file (each imports it
from its own folder, which is first on sys.path when it runs as a script)."""
import os
import time


def machine_sample():
    """(perf_counter, machine busy CPU s, this process's + reaped children's CPU s).

    Busy time comes from /proc/stat (Linux; None elsewhere) and counts
    steal time as busy: both are CPU this workload could not have.
    """
    busy = None
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        busy = (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        pass
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    return (time.perf_counter(), busy, own)


def machine_load(before):
    """How much CPU other processes used meanwhile (truth "machine")."""
    after = machine_sample()
    span = after[0] - before[0]
    out = {"cpus": os.cpu_count(), "span_seconds": round(span, 6),
           "foreign_cpu_seconds": None, "foreign_cpus": None}
    if before[1] is not None and after[1] is not None and span > 0:
        foreign = max(0.0, (after[1] - before[1]) - (after[2] - before[2]))
        out["foreign_cpu_seconds"] = round(foreign, 3)
        out["foreign_cpus"] = round(foreign / span, 3)
    return out


def thread_run_delay():
    """Seconds the calling thread has spent runnable but off a CPU (its run-queue delay,
    /proc/thread-self/schedstat's second field); None where the kernel does not say."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None
