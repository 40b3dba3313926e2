"""Which processes the sampler records, and from when: a process is recorded
once it runs a CPython (interpreter.py finds its runtime), as in exact mode.
A forked copy is recorded from its next sample on, so that the moment between
a fork and an exec (a copy of the parent Python about to become another
program) leaves no file; a vfork child shows its parent until it execs; a
process that is not (yet) a CPython is looked at again when its program or
its mappings change."""
import os

from . import interpreter, procfs
from .procfs import Gone
from .writer import GsrWriter

RECHECK_EVERY = 4      # samples between looks at a changing process that is not a CPython yet


class Following:
    """The identification half of ProcessSampler (process.py), which sets up the
    attributes used here: pid, ppid_hint, directory, hz, launcher_python, execed, interp,
    memory, writer, notes, candidate, candidate_forked, checked_exe, checked_key,
    idle_checks and forked."""

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
        self.interp = interpreter.find_interpreter(self.pid)
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
        # each read on its own: a cmdline that cannot be read this once must not cost the parent
        ppid = self.ppid_hint  # what the process tree saw, when this very read fails
        try:
            stat = procfs.read_text("/proc/%d/stat" % self.pid, 4096)
            _state, ppid, _code = procfs.parse_stat(stat)
            # A forked copy (multiprocessing's fork, or a child between fork and
            # exec) is watched for its exec: the memory file opened before an
            # exec that followed a vfork reads the parent's memory, not the new
            # program's, so the flag is what tells.
            self.forked = bool(procfs.stat_flags(stat) & procfs.PF_FORKNOEXEC)
        except (Gone, OSError, ValueError, IndexError):
            pass
        try:
            argv = procfs.read_text("/proc/%d/cmdline" % self.pid, 4096 - 520)
        except (Gone, OSError):
            argv = b""
        exe = self.checked_exe or ""
        version, build = self.interp.version_text, "cpython-%d%d" % self.interp.minor if self.interp.minor else "cpython"
        real, launcher_version, launcher_build = self.launcher_python
        if os.path.realpath(exe) == real and launcher_version.startswith(version):
            version, build = launcher_version, launcher_build
        self.writer = GsrWriter(self.directory, self.pid, ppid, self.hz, version, build, exe,
                                self.interp.hexversion, self.interp.shared, argv, ts)
