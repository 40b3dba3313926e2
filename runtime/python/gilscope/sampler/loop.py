"""The sampler's clock and process tree: every 1/hz seconds, find new
descendants of the launched process, then sample each followed process."""
import gc
import os
import resource
import shutil
import sys
import time

from .. import _build
from . import procfs
from .process import ProcessSampler
from .procfs import Gone


DISCARD_NS = 200_000_000  # a forked copy that execs this soon leaves no file (a child between fork and exec)
# ...and so does one that ran no longer than this on a CPU, in clock ticks (2: up to 20-30 ms),
# however long it took: on a loaded machine a child may wait for a CPU for longer than
# DISCARD_NS between its fork and its exec, doing nothing but getting there.
DISCARD_CPU_TICKS = 2


class Sampler:
    def __init__(self, directory, root_pid, hz, command=None):
        """`command`: what the launched process runs, when known."""
        self.started_ns = time.monotonic_ns()
        self.command = list(command or ())
        self.directory = directory
        self.hz = hz
        self.period_ns = int(1e9 / hz)
        self.tree = procfs.ProcessTree(root_pid)
        self.root = root_pid
        self.processes = {}
        self.finished = []
        self.samples = 0
        self.late = 0
        self.launcher_python = (os.path.realpath(sys.executable), "%d.%d.%d" % sys.version_info[:3],
                                _build.build_description())
        self._cpu0 = _cpu_seconds()
        # ctypes for kcmp(2), loaded now rather than at the first child's identification
        # (a fifth of a second on 3.13t, in which a short-lived pool worker could end unseen)
        procfs.shares_memory_with_parent(root_pid, os.getpid())
        self._add(root_pid, execed=True)

    def _add(self, pid, execed=False):
        ppid = os.getpid() if pid == self.root else self.tree.parent_of.get(pid, 0)
        self.processes[pid] = ProcessSampler(pid, self.directory, self.hz, self.launcher_python, execed, ppid)

    def tick(self):
        for pid in self.tree.poll():
            if pid not in self.processes:
                self._add(pid)
        for pid, p in list(self.processes.items()):
            ts = time.monotonic_ns()
            try:
                if p.writer is None and not p.identify(ts):
                    continue
                alive = p.sample(ts)
            except Gone:
                alive = False
            except OSError:
                continue  # not readable this once (EACCES, EIO while it execs): next sample
            if alive or (p.writer is None and _alive(pid)):
                continue
            if _alive(pid):
                # it exec'd: the old image's file ends here, the new one is looked at afresh
                if p.forked and (ts - p.writer.start_mono_ns < DISCARD_NS or p.copy_cpu_ticks <= DISCARD_CPU_TICKS):
                    p.discard()
                else:
                    p.finish(ts)
                    self.finished.append(p)
                self._add(pid)
            elif pid != self.root:  # the launched process's end and status come from finish()
                p.finish(ts)
                self.finished.append(p)
                del self.processes[pid]
        self.samples += 1

    def run(self, poll_exit):
        """Samples until poll_exit() returns something other than None; returns it."""
        # No cyclic collection while sampling: the loop makes no cycles worth collecting,
        # and on a free-threaded build every collection walks the whole heap (30 ms a time
        # in a launcher on 3.13t, often enough to miss a short-lived pool worker entirely).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(poll_exit)
        finally:
            if collecting:
                gc.enable()

    def _run(self, poll_exit):
        next_ns = time.monotonic_ns()
        while True:
            self.tick()
            result = poll_exit()
            if result is not None:
                return result
            next_ns += self.period_ns
            now = time.monotonic_ns()
            if next_ns < now:
                self.late += 1
                next_ns = now
            time.sleep((next_ns - now) / 1e9)

    def finish(self, exit_code, signum):
        """The launched process ended with (exit_code, signum): writes its end,
        and closes the files of the others (those still running stay running)."""
        ts = time.monotonic_ns()
        for pid, p in self.processes.items():
            if pid == self.root:
                status = (signum & 0x7F) if signum else ((exit_code or 0) & 0xFF) << 8
                if p.writer is None and self._root_runs_launcher_python():
                    p.record_unseen(self.started_ns, self.command, ts)
                p.finish(ts, status)
            elif _alive(pid):
                p.stop_without_end()
            else:
                p.finish(ts)
            self.finished.append(p)
        self.processes = {}

    def _root_runs_launcher_python(self):
        """Whether the launched process ran this launcher's Python (`python -m gilscope.run` always does)."""
        if not self.command:
            return False
        path = shutil.which(self.command[0]) or self.command[0]
        return os.path.realpath(path) == self.launcher_python[0]

    def notes(self):
        out = []
        for p in self.finished + list(self.processes.values()):
            for n in p.notes:
                if n not in out:
                    out.append(n)
        return out

    def summary(self):
        return {
            "hz": self.hz,
            "samples": self.samples,
            "late": self.late,
            "cpuSeconds": round(_cpu_seconds() - self._cpu0, 3),
            "processes": len([p for p in self.finished if p.writer is not None]),
            "notes": self.notes(),
        }


def _cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _alive(pid):
    """Running a program: not gone, not a zombie, and not inside exit (its
    memory is released before it becomes a zombie: /proc/PID/exe then no
    longer resolves)."""
    try:
        if procfs.parse_stat(procfs.read_text("/proc/%d/stat" % pid, 4096))[0] in "ZX":
            return False
    except (Gone, OSError, ValueError, IndexError):
        return False
    return procfs.executable(pid) != ""
