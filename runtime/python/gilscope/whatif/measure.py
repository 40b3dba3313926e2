"""Clocks and resource use of one what-if run.

Times are ``time.perf_counter_ns()``: CLOCK_MONOTONIC on Linux, the clock
the recordings use, the same in every process of the machine, so a task's
start in a worker and the window's start in the parent can be subtracted,
and the window can be looked up in the recording."""
import os
import resource
import sys
import time

now_ns = time.perf_counter_ns


def usable_cores():
    """CPUs this process may run on (affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def maxrss_bytes(who=resource.RUSAGE_SELF):
    """ru_maxrss in bytes (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def _machine_busy_seconds():
    """CPU time the whole machine has been busy (steal counted as busy), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _cpu_seconds():
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class Window:
    """The measured part of a run: wall time, CPU time of this process and of
    its reaped children (a pool's workers are reaped at shutdown), and the
    window's bounds on the recording's clock."""

    def __init__(self):
        self.start_ns = self.end_ns = 0
        self._cpu0 = 0.0
        self._busy0 = None
        self.cpu_seconds = 0.0
        self.foreign_cpus = None

    def __enter__(self):
        self._busy0 = _machine_busy_seconds()
        self._cpu0 = _cpu_seconds()
        self.start_ns = now_ns()
        return self

    def __exit__(self, *exc):
        self.end_ns = now_ns()
        self.cpu_seconds = _cpu_seconds() - self._cpu0
        busy = _machine_busy_seconds()
        if busy is not None and self._busy0 is not None and self.wall_seconds > 0:
            # Other processes' CPU meanwhile, in CPUs: above ~0.2 the timings are disturbed.
            self.foreign_cpus = max(0.0, (busy - self._busy0) - self.cpu_seconds) / self.wall_seconds
        return False

    @property
    def wall_seconds(self):
        return (self.end_ns - self.start_ns) / 1e9

    def utilisation(self, cores):
        """CPU seconds used per second of wall per usable core, in [0, 1]."""
        wall = self.wall_seconds
        return self.cpu_seconds / wall / cores if wall > 0 and cores > 0 else 0.0


class Transfer:
    """Time spent pickling and moving data between processes: pickle.dumps
    and pickle.loads of inputs and results timed where they happen (in the
    parent, which is serial, and in the workers), and the time a result took
    to reach the parent once its worker had finished with it."""

    def __init__(self):
        self.parent_seconds = 0.0
        self.worker_seconds = 0.0
        self.moving_seconds = 0.0
        self.bytes = 0

    @property
    def total_seconds(self):
        return self.parent_seconds + self.worker_seconds + self.moving_seconds

    def as_json(self):
        return {"parentSeconds": self.parent_seconds, "workerSeconds": self.worker_seconds,
                "movingSeconds": self.moving_seconds, "bytes": self.bytes}


class Tasks:
    """Every task's start and end (ns), and the process and thread that ran it."""

    def __init__(self):
        self.spans = []
        self.worker_rss = {}

    def add(self, start_ns, end_ns, pid, tid, maxrss=None):
        self.spans.append((start_ns, end_ns, pid, tid))
        if maxrss is not None and maxrss > self.worker_rss.get(pid, 0):
            self.worker_rss[pid] = maxrss

    def first_start_ns(self):
        return min((s[0] for s in self.spans), default=None)

    def seconds(self):
        return sum(s[1] - s[0] for s in self.spans) / 1e9

    def as_json(self):
        spans = sorted(self.spans)
        return [{"startNs": s, "endNs": e, "pid": p, "tid": t} for s, e, p, t in spans]

    def peak_memory_bytes(self):
        """This process's peak RSS plus each worker process's own peak (their
        pages shared after fork are counted in each: an upper bound). Without
        reports from workers: this process's plus the largest reaped child's."""
        own = maxrss_bytes()
        others = {pid: rss for pid, rss in self.worker_rss.items() if pid != os.getpid()}
        if others:
            return own + sum(others.values())
        return own + maxrss_bytes(resource.RUSAGE_CHILDREN)
