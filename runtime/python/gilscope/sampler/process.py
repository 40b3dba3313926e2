"""Sampling one process: its threads' kernel states and its GIL, turned into
held, waiting or released by the rule of thread_states.py, and written to the
process's file. Which processes are sampled, and from when: following.py.
A state seen at a sample is taken to last until the sample that sees it
change: a transition is written with the time of the sample that saw it."""
import os
import struct
import sys
import sysconfig
import time

from . import procfs
from .gil import GilLayout, NotReady
from .layout import find_gil
from .following import Following
from .procfs import Gone
from .thread_states import HELD, NO_GIL_INDEX, RELEASED, UNKNOWN, WAITING, SampledThread, find_holder_and_switches, write_transition
from .writer import END_EXIT, END_SIGNAL, GIL_RELEASE, GsrWriter

NOT_READY_LIMIT = 400  # samples (2 s at 200 Hz) before a GIL that never shows up is given up
NAME_EVERY = 50        # samples between re-reads of the thread names (comm)


class ProcessSampler(Following):
    """One followed process. `identify` decides whether it runs a CPython
    (only those are recorded, as in exact mode); `sample` records one sample."""

    def __init__(self, pid, directory, hz, launcher_python, execed=False, ppid_hint=0):
        self.pid = pid
        self.ppid_hint = ppid_hint  # the parent the process tree saw (0: not known)
        self.directory = directory
        self.hz = hz
        self.launcher_python = launcher_python  # (realpath, version text, build) of the launcher
        self.interp = None
        self.layout = None
        self.memory = None
        self.writer = None
        self.threads = {}
        self.not_ready = 0
        self.samples = 0
        self.holder_cache = {}
        self.ended = False
        self.notes = []  # what the launcher may tell about this process (degraded layouts)
        self.gil_index = 0  # NO_GIL_INDEX on a free-threaded build: running or not (FORMAT.md)
        self.candidate = False
        self.execed = execed  # known to run its own program already (the launched process: Popen returned after its exec)
        self.checked_exe = None
        self.checked_key = None
        self.idle_checks = 0
        self.forked = False
        self.candidate_forked = False
        self.copy_cpu_ticks = 0  # a forked copy's CPU time at its last sample before an exec

    def _find_gil(self, ts):
        if self.layout is not None or self.memory is None:
            return
        try:
            self.layout = find_gil(self.pid, self.interp, self.memory)
        except Gone:
            raise
        except (NotReady, OSError, struct.error):  # start-up: the loader may still be mapping it
            self.not_ready += 1
            if self.not_ready < NOT_READY_LIMIT:
                return
            self.layout = GilLayout(self.interp, "its GIL never appeared where expected")
        if self.layout.free_threaded:
            self.gil_index = NO_GIL_INDEX  # running or not: the states a build without a GIL has
        elif self.layout.degraded:
            self.notes.append("process %d: %s" % (self.pid, self.layout.describe()))
        else:
            main = self.threads.get(self.pid)
            if main is not None:
                self.writer.gil_register(self.pid, self.layout.address, ts)

    # -- sampling -------------------------------------------------------------

    def sample(self, ts):
        """One sample at `ts`; False when the process has ended (or exec'd
        another program: the caller identifies it again)."""
        w = self.writer
        try:
            tids = procfs.thread_ids(self.pid)
        except Gone:
            return False
        tids.sort(key=lambda t: (t != self.pid, t))
        started = []
        for tid in tids:
            t = self.threads.get(tid)
            if t is None or t.seen < 0:  # new (or a reused tid)
                self.threads[tid] = SampledThread(self.pid, tid)
                w.thread_start(tid, tid == self.pid, ts)
                started.append(tid)
        if self.layout is None:
            self._find_gil(ts)
        states = {}
        futexes = {}
        zombie = False
        for tid in tids:
            t = self.threads[tid]
            try:
                data = t.stat.read()
                state = procfs.parse_stat(data)[0]
                if tid == self.pid and self.forked:
                    if not procfs.stat_flags(data) & procfs.PF_FORKNOEXEC:
                        return False  # a forked copy that has now exec'd: the caller looks at it afresh
                    self.copy_cpu_ticks = procfs.cpu_ticks(data)
                futex = None
                if state in "SD" and self.memory is not None:
                    futex = procfs.futex_address(t.syscall.read())
            except (Gone, ValueError, IndexError):
                continue
            except OSError:
                continue
            states[tid] = state
            futexes[tid] = futex
            if tid == self.pid and state in "ZX":
                zombie = True
        # a thread not seen had ended by now (a start is stamped `ts`, before
        # the listing: a thread's records never go back in time)
        gone_by = time.monotonic_ns()
        for tid, t in self.threads.items():
            if t.seen >= 0 and tid not in states:
                self._end_thread(tid, ts, gone_by)
        if zombie and len(states) == 1:
            return False
        lay = self.layout
        holder = None
        switches = None
        waiting = set()
        if lay is not None and lay.free_threaded:
            # no GIL: a thread on a CPU runs (attached or not, which cannot be seen from
            # outside), any other does not; never a state it cannot know
            for tid in states:
                t = self.threads[tid]
                new = HELD if states[tid] == "R" else RELEASED
                if new != t.state:
                    write_transition(self.writer, self.gil_index, tid, t.state, new, ts)
                    t.state = new
            if self.samples % NAME_EVERY == 0:
                self._names(states, ts)
            elif started:
                self._names([tid for tid in started if tid in states], ts)
            self.samples += 1
            return True
        # whether a running thread that neither holds nor waits is known to run without the GIL
        can_tell = lay is not None and self.memory is not None and not lay.degraded
        if lay is not None and self.memory is not None:
            low, high = lay.futex_range()
            waiting = {tid for tid, f in futexes.items() if f is not None and low <= f < high}
            try:
                holder, switches, placed = find_holder_and_switches(lay, self.memory, self.threads, self.holder_cache, states, waiting)
                can_tell = can_tell and placed  # held, by a running thread it cannot name: they are unknown
            except Gone:
                return False
            except OSError:
                holder = None  # unreadable this once: nobody is marked holding
                can_tell = False
        # else: no GIL yet (start-up), or no memory access: a running thread's state is unknown
        for tid in states:
            t = self.threads[tid]
            new = HELD if tid == holder else WAITING if tid in waiting else RELEASED
            if new == RELEASED and t.state == WAITING and holder is not None and states[tid] == "R":
                if switches is not None and switches == t.switches_when_waiting:
                    new = WAITING  # nobody new took the GIL since it waited: it has not had it (the rule above)
                elif not t.woken:
                    new = WAITING  # a waiter woken while another holds: one sample more
                    t.woken = True
                else:
                    t.woken = False
            else:
                t.woken = False
            if new == RELEASED and not can_tell and states[tid] == "R":
                new = UNKNOWN  # running: Python holding the GIL, or native code without it (thread_states.py)
            if tid in waiting:  # blocked on the GIL now: the count it must see move to have had it
                t.switches_when_waiting = switches
            if new != t.state:
                write_transition(self.writer, self.gil_index, tid, t.state, new, ts)
                t.state = new
        if self.samples % NAME_EVERY == 0:
            self._names(states, ts)
        elif started:
            self._names([tid for tid in started if tid in states], ts)
        self.samples += 1
        return True

    def _names(self, states, ts):
        for tid in states:
            t = self.threads[tid]
            try:
                name = t.comm.read(64).rstrip(b"\n").decode("utf-8", "replace")
            except (Gone, OSError):
                continue
            if name and name != t.name:
                t.name = name
                self.writer.thread_name(tid, name, ts)

    def _end_thread(self, tid, ts, end=None):
        """The thread's state ends at the sample `ts` (with the other threads'
        changes, so that two holds never overlap), the thread at `end`."""
        t = self.threads[tid]
        if t.state == HELD:
            self.writer.put(tid, GIL_RELEASE, self.gil_index, 0, ts)
        self.writer.thread_end(tid, ts if end is None else end)
        t.seen = -1
        t.close()
        self.holder_cache = {k: v for k, v in self.holder_cache.items() if v != tid}

    def finish(self, ts, status=None):
        """The process ended (or the sampling stops): ends its threads at `ts`
        and writes how it ended when that is known: `status` is the wait
        status of the launched process, else a zombie's exit code from
        /proc/PID/stat."""
        if self.ended or self.writer is None:
            self.ended = True
            return
        self.ended = True
        for tid, t in self.threads.items():
            if t.seen >= 0:
                self._end_thread(tid, ts)
        if status is None:
            try:
                state, _ppid, code = procfs.parse_stat(procfs.read_text("/proc/%d/stat" % self.pid, 4096))
                if state == "Z" and code is not None:
                    status = code
            except (Gone, OSError, ValueError, IndexError):
                pass
        if status is not None:
            if os.WIFSIGNALED(status):
                self.writer.mark_end(END_SIGNAL, os.WTERMSIG(status), ts)
            else:
                self.writer.mark_end(END_EXIT, os.WEXITSTATUS(status), ts)
        self.writer.close()
        self._drop_memory()

    def record_unseen(self, started_ns, argv, ts):
        """The launched process, the launcher's own Python, ended before the
        sampler found its interpreter (a short run on a loaded machine): it gets
        a file all the same, saying what ran, from when, and (finish writes it)
        how it ended, with no thread, since no state of one was seen."""
        if self.writer is not None:
            return
        real, version, build = self.launcher_python
        self.writer = GsrWriter(self.directory, self.pid, os.getpid(), self.hz, version, build, real,
                                sys.hexversion, bool(sysconfig.get_config_var("Py_ENABLE_SHARED")),
                                b"".join(os.fsencode(a) + b"\0" for a in argv), started_ns)
        self.notes.append("process %d ended %.0f ms after it started, before the sampler found its interpreter: "
                          "its recording has its end and no thread; record it again, or exactly"
                          % (self.pid, (ts - started_ns) / 1e6))

    def discard(self):
        """A forked copy that exec'd within its first samples (a launcher's
        child between fork and exec): its file says nothing, and goes."""
        if self.writer is not None and not self.ended:
            self.writer.close()
            try:
                os.unlink(self.writer.path)
            except OSError:
                pass
        self.ended = True
        self._drop_memory()

    def stop_without_end(self):
        """Sampling stops while the process still runs: its file says it is
        still running, as a probe's file would while its process runs."""
        if self.writer is not None and not self.ended:
            self.writer.close()
        self.ended = True
        self._drop_memory()
