"""Sampling one process: its threads' kernel states and its GIL.

Each sample, for every thread: /proc/PID/task/TID/stat gives the state
(R running or runnable, S/D blocked, ...); for a blocked thread
/proc/PID/task/TID/syscall gives the futex it waits on. From the process's
memory: the GIL's `locked` and `last_holder` (see layout.py). The rule:

- a thread blocked in futex(2) on an address inside the GIL struct is
  **waiting** (take_gil's condition variable or mutex, or the hand-over
  wait in drop_gil on switch_cond);
- when `locked` is 1, the thread whose thread state is `last_holder`
  (matched by its tid) **holds** the GIL; if the tid cannot be read, the
  one thread in state R that is not waiting holds it, when there is exactly
  one such thread, or when exactly one of several held it at the last
  sample (otherwise no thread is marked holding for that sample);
- a thread seen waiting that is runnable at the next sample (R, no longer
  blocked), while another thread holds the GIL, is still **waiting** for
  that one sample: it was woken inside take_gil and is about to take the
  GIL or wait again (on cpu_threads this halves the waiting time the
  sampler would otherwise miss against the exact recorder);
- every other thread is **released**: a runnable thread that neither holds
  nor waits on the GIL's futex may be running without the GIL (native
  code) or be on its way to take it; the sampler cannot tell them apart.

Degraded sampling (no GIL layout for this interpreter): a futex inside
`_PyRuntime` counts as the GIL (the main GIL lives there from 3.8 to 3.13),
and while some thread waits, the running thread chosen as above is taken as
the holder; with no waiter nobody is marked holding (so a lone CPU-bound
thread shows released). On cpu_threads this finds 85 to 95% of the holding
time (the rest shows as released).

A state seen at a sample is taken to last until the sample that sees it
change: a transition is written with the time of the sample that saw it."""
import os
import struct
import time

from . import layout as layouts
from . import procfs
from .procfs import Gone, ProcFile
from .writer import (ACQUIRE_NO_WAIT, END_EXIT, END_SIGNAL, GIL_ACQUIRE, GIL_RELEASE, GIL_WAIT, GsrWriter)

RELEASED, WAITING, HELD = 0, 1, 2
NOT_READY_LIMIT = 400  # samples (2 s at 200 Hz) before a GIL that never shows up is given up
NAME_EVERY = 50        # samples between re-reads of the thread names (comm)
RECHECK_EVERY = 4      # samples between looks at a changing process that is not a CPython yet


class _Thread:
    __slots__ = ("tid", "stat", "syscall", "comm", "state", "name", "seen", "woken")

    def __init__(self, pid, tid):
        base = "/proc/%d/task/%d/" % (pid, tid)
        self.tid = tid
        self.stat = ProcFile(base + "stat")
        self.syscall = ProcFile(base + "syscall")
        self.comm = ProcFile(base + "comm")
        self.state = RELEASED
        self.name = None
        self.seen = 0
        self.woken = False

    def close(self):
        self.stat.close()
        self.syscall.close()
        self.comm.close()


# FORMAT.md, "Free-threaded builds": attached (running) and detached as GIL index 255
NO_GIL_INDEX = 255


class ProcessSampler:
    """One followed process. `identify` decides whether it runs a CPython
    (only those are recorded, as in exact mode); `sample` records one sample."""

    def __init__(self, pid, directory, hz, launcher_python, execed=False):
        self.pid = pid
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

    # -- finding the interpreter ------------------------------------------

    def identify(self, ts):
        """Looks at the process (again); True when it is recorded from now on.
        A candidate seen for the first time is recorded from its next sample
        on, so that the moment between a fork and an exec (a copy of the parent
        Python about to become another program) leaves no file. A process that
        is not (yet) a CPython is looked at again when its program or its
        mappings change: just after an exec, the dynamic loader has not mapped
        libpython yet."""
        exe = procfs.executable(self.pid)
        if self.candidate and self.candidate_forked and self._in_vfork():
            return False  # a vfork child not yet exec'd: what it shows is its parent's
        if self.candidate and exe == self.checked_exe and not self._execed_since_candidate():
            # The memory file is opened again: one opened during a vfork reads
            # the parent's memory even after the child's exec.
            self._drop_memory()
            try:
                self.memory = procfs.Memory(self.pid)
                self.memory.read(self.interp.runtime, 8)
            except (Gone, OSError):
                pass  # it exec'd (the same executable again): look afresh
            else:
                self._open(ts)
                return True
        elif not self.candidate:
            key = (exe, procfs.mapped_size(self.pid))
            self.idle_checks += 1
            if key == self.checked_key or (exe == self.checked_exe and self.idle_checks < RECHECK_EVERY):
                return False  # the same program, not a CPython
            self.checked_key = key
        self.idle_checks = 0
        self.checked_exe = exe
        self.candidate = False
        self._drop_memory()
        self.interp = layouts.find_interpreter(self.pid)
        if self.interp is None:
            return False
        try:
            self.memory = procfs.Memory(self.pid)
        except OSError as e:
            if e.errno in (1, 13):  # EPERM, EACCES: not allowed to read it (ptrace scope)
                self.notes.append("cannot read the memory of process %d (%s): only thread states" % (self.pid, e.strerror))
                self.memory = None
                self._open(ts)
                return True
            raise
        if self.execed:
            self._open(ts)
            return True
        self.candidate = True
        self.candidate_forked = self._forked_now()
        return False

    def _forked_now(self):
        try:
            return bool(procfs.stat_flags(procfs.read_text("/proc/%d/stat" % self.pid, 4096)) & procfs.PF_FORKNOEXEC)
        except (Gone, OSError, ValueError, IndexError):
            return False

    def _in_vfork(self):
        try:
            ppid = procfs.parse_stat(procfs.read_text("/proc/%d/stat" % self.pid, 4096))[1]
        except (Gone, OSError, ValueError, IndexError):
            return False
        return procfs.shares_memory_with_parent(self.pid, ppid)

    def _execed_since_candidate(self):
        return self.candidate_forked and not self._forked_now()

    def _drop_memory(self):
        if self.memory is not None:
            self.memory.close()
            self.memory = None

    def _open(self, ts):
        try:
            stat = procfs.read_text("/proc/%d/stat" % self.pid, 4096)
            _state, ppid, _code = procfs.parse_stat(stat)
            # A forked copy (multiprocessing's fork, or a child between fork and
            # exec) is watched for its exec: the memory file opened before an
            # exec that followed a vfork reads the parent's memory, not the new
            # program's, so the flag is what tells.
            self.forked = bool(procfs.stat_flags(stat) & procfs.PF_FORKNOEXEC)
            argv = procfs.read_text("/proc/%d/cmdline" % self.pid, 4096 - 520)
        except (Gone, OSError):
            ppid, argv = 0, b""
        exe = self.checked_exe or ""
        version, build = self.interp.version_text, "cpython-%d%d" % self.interp.minor if self.interp.minor else "cpython"
        real, launcher_version, launcher_build = self.launcher_python
        if os.path.realpath(exe) == real and launcher_version.startswith(version):
            version, build = launcher_version, launcher_build
        self.writer = GsrWriter(self.directory, self.pid, ppid, self.hz, version, build, exe,
                                self.interp.hexversion, self.interp.shared, argv, ts)

    def _find_gil(self, ts):
        if self.layout is not None or self.memory is None:
            return
        try:
            self.layout = layouts.find_gil(self.pid, self.interp, self.memory)
        except Gone:
            raise
        except (layouts.NotReady, OSError, struct.error):  # start-up: the loader may still be mapping it
            self.not_ready += 1
            if self.not_ready < NOT_READY_LIMIT:
                return
            self.layout = layouts.GilLayout(self.interp, "its GIL never appeared where expected")
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
                self.threads[tid] = _Thread(self.pid, tid)
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
                if tid == self.pid and self.forked and not procfs.stat_flags(data) & procfs.PF_FORKNOEXEC:
                    return False  # a forked copy that has now exec'd: the caller looks at it afresh
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
        waiting = set()
        if lay is not None and lay.free_threaded:
            # no GIL: a thread on a CPU runs (attached or not, which cannot be seen from
            # outside), any other does not; never a state it cannot know
            for tid in states:
                t = self.threads[tid]
                new = HELD if states[tid] == "R" else RELEASED
                if new != t.state:
                    self._transition(tid, t.state, new, ts)
                    t.state = new
            if self.samples % NAME_EVERY == 0:
                self._names(states, ts)
            elif started:
                self._names([tid for tid in started if tid in states], ts)
            self.samples += 1
            return True
        if lay is not None and self.memory is not None:
            low, high = lay.futex_range()
            waiting = {tid for tid, f in futexes.items() if f is not None and low <= f < high}
            try:
                holder = self._holder(lay, states, waiting)
            except Gone:
                return False
            except OSError:
                holder = None  # unreadable this once: nobody is marked holding
        # else: no GIL yet (start-up), or no memory access: every thread is released
        for tid in states:
            t = self.threads[tid]
            new = HELD if tid == holder else WAITING if tid in waiting else RELEASED
            if new == RELEASED and t.state == WAITING and holder is not None and states[tid] == "R" and not t.woken:
                new = WAITING  # a waiter woken while another holds: one sample more (see the rule above)
                t.woken = True
            else:
                t.woken = False
            if new != t.state:
                self._transition(tid, t.state, new, ts)
                t.state = new
        if self.samples % NAME_EVERY == 0:
            self._names(states, ts)
        elif started:
            self._names([tid for tid in started if tid in states], ts)
        self.samples += 1
        return True

    def _holder(self, lay, states, waiting):
        running = [tid for tid, s in states.items() if s == "R" and tid not in waiting]
        if len(running) > 1:
            # of several runnable threads, the one that held at the last sample holds on
            previous = [tid for tid in running if self.threads[tid].state == HELD]
            running = previous if len(previous) == 1 else running
        if lay.degraded:
            return running[0] if waiting and len(running) == 1 else None
        locked, tstate = lay.read_state(self.memory)
        if locked != 1 or not tstate:
            return None
        tid = self.holder_cache.get(tstate)
        if tid is None or tid not in states:
            try:
                tid = lay.tid_of(self.memory, tstate)
            except Gone:
                raise
            except OSError:
                tid = None
            if tid in states:
                self.holder_cache[tstate] = tid
            else:
                tid = None
        if tid is None and len(running) == 1:
            tid = running[0]
        return tid

    def _transition(self, tid, old, new, ts):
        w = self.writer
        g = self.gil_index
        if old == HELD:
            w.put(tid, GIL_RELEASE, g, 0, ts)
            old = RELEASED
        if new == WAITING:
            if old == RELEASED:
                w.put(tid, GIL_WAIT, g, 0, ts)
        elif new == HELD:
            w.put(tid, GIL_ACQUIRE, g | (0 if old == WAITING else ACQUIRE_NO_WAIT), 0, ts)
        elif new == RELEASED and old == WAITING:
            # sampled only: the thread stopped waiting and was not seen holding
            w.put(tid, GIL_RELEASE, g, 0, ts)

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
