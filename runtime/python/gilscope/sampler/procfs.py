"""Reading other processes through /proc: stat lines, the syscall a blocked
thread sits in, memory, mappings, and the workload's process tree.

Files read every sample are kept open and re-read with pread at offset 0
(the kernel regenerates a /proc file on each read from 0), so a sample costs
one system call per file instead of three."""
import errno
import os

FUTEX_SYSCALL = 202  # x86-64; the sampler runs only where this is the number (see __init__.supported)

_GONE = (errno.ESRCH, errno.ENOENT)


class Gone(Exception):
    """The process or thread no longer exists."""


class ProcFile:
    """A /proc file re-read with pread. Opened lazily; when the process is out
    of file descriptors it is opened and closed around each read instead."""

    __slots__ = ("path", "fd")

    def __init__(self, path):
        self.path = path
        self.fd = None

    def read(self, size=4096):
        try:
            if self.fd is None:
                try:
                    self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                except OSError as e:
                    if e.errno not in (errno.EMFILE, errno.ENFILE):
                        raise
                    fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                    try:
                        return os.pread(fd, size, 0)
                    finally:
                        os.close(fd)
            return os.pread(self.fd, size, 0)
        except OSError as e:
            if e.errno in _GONE:
                raise Gone(self.path)
            raise

    def close(self):
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None


def _fields_after_name(data):
    """A /proc/.../stat line's fields from field 3 (state) on: the command name
    may hold spaces and parentheses, so they start after the last ')'."""
    text = data.decode("ascii", "replace")
    return text[text.rindex(")") + 2:].split()


def parse_stat(data):
    """(state letter, ppid, exit_code or None) from a /proc/.../stat line."""
    rest = _fields_after_name(data)
    exit_code = int(rest[49]) if len(rest) > 49 else None  # field 52, Linux 3.5+
    return rest[0], int(rest[1]), exit_code


PF_FORKNOEXEC = 0x40  # the task was forked and has not exec'd since


def stat_flags(data):
    """The task's flags (field 9) from a /proc/.../stat line."""
    return int(_fields_after_name(data)[6])


def cpu_ticks(data):
    """The task's CPU time, user + system (fields 14 and 15), in clock ticks, from a /proc/.../stat line."""
    rest = _fields_after_name(data)
    return int(rest[11]) + int(rest[12])


def futex_address(data):
    """The address a thread blocked in futex(2) waits on, from /proc/.../syscall,
    or None ('running', another system call, or not in a system call)."""
    fields = data.split()
    if len(fields) < 2 or fields[0] != b"%d" % FUTEX_SYSCALL:
        return None
    return int(fields[1], 16)


_KCMP, _KCMP_VM = 312, 1  # x86-64
_VFORK_SYSCALLS = (b"56", b"58", b"435")  # clone, vfork, clone3: a parent waiting for its vfork child
_kcmp = []


def _kcmp_function():
    if not _kcmp:
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            _kcmp.append((libc.syscall, ctypes))
        except (ImportError, OSError, AttributeError):
            _kcmp.append(None)
    return _kcmp[0]


def shares_memory_with_parent(pid, ppid):
    """True while `pid` is a vfork child still running in its parent's
    memory (before its exec): then /proc/PID/mem and maps show the parent.
    kcmp(2) tells exactly; without it, a parent thread inside vfork, clone
    or clone3 is taken as a sign (a fork returns at once, a vfork only when
    the child has exec'd)."""
    kcmp = _kcmp_function()
    if kcmp is not None:
        syscall, ctypes = kcmp
        result = syscall(_KCMP, pid, ppid, _KCMP_VM, 0, 0)
        if result >= 0:
            return result == 0
    try:
        for tid in thread_ids(ppid):
            if read_text("/proc/%d/task/%d/syscall" % (ppid, tid), 64).split(b" ", 1)[0] in _VFORK_SYSCALLS:
                return True
    except (Gone, OSError):
        pass
    return False


def read_text(path, size=65536):
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as e:
        if e.errno in _GONE:
            raise Gone(path)
        raise


def mappings(pid):
    """{path: [(start, file_offset)]} of the files mapped into a process."""
    out = {}
    for line in read_text("/proc/%d/maps" % pid, 1 << 24).decode("utf-8", "replace").splitlines():
        parts = line.split(None, 5)
        if len(parts) < 6 or not parts[5].startswith("/"):
            continue
        path = parts[5]
        if path.endswith(" (deleted)"):
            continue
        start = int(parts[0].split("-")[0], 16)
        out.setdefault(path, []).append((start, int(parts[2], 16)))
    return out


def mapped_size(pid):
    """The process's virtual memory size (/proc/PID/stat field 23): changes
    when mappings come and go, read without listing them."""
    try:
        text = read_text("/proc/%d/stat" % pid, 4096).decode("ascii", "replace")
        return int(text[text.rindex(")") + 2:].split()[20])
    except (Gone, OSError, ValueError, IndexError):
        return None


def thread_ids(pid):
    try:
        return [int(t) for t in os.listdir("/proc/%d/task" % pid)]
    except OSError as e:
        if e.errno in _GONE:
            raise Gone(pid)
        raise


def executable(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return ""


class Memory:
    """Reads another process's memory through /proc/PID/mem. After the process
    execs, the old file reads as empty: `read` then raises Gone, and the
    caller looks at the process again."""

    def __init__(self, pid):
        self.fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY | os.O_CLOEXEC)

    def read(self, address, size):
        try:
            data = os.pread(self.fd, size, address)
        except OSError as e:
            if e.errno in _GONE:
                raise Gone(address)
            raise
        if len(data) != size:
            raise Gone(address)
        return data

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


class ProcessTree:
    """The launched process and its descendants, found by polling /proc:
    a new pid whose parent is followed is followed. A pid is looked at once
    (its stat read) when it first appears in /proc, so a poll costs one
    listing. A descendant whose parent ended before it was seen is missed."""

    def __init__(self, root):
        self.root = root
        self.followed = {root}
        self.parent_of = {}  # pid -> parent pid, of the descendants followed
        self.seen = set()
        # /proc/loadavg ends with the pid most recently created on the system:
        # while it stays the same, no process was created and /proc need not be listed
        self.loadavg = ProcFile("/proc/loadavg")
        self.last_created = None

    def poll(self):
        """Pids newly followed since the last poll."""
        try:
            last = self.loadavg.read(256).split()[-1]
        except (Gone, OSError, IndexError):
            last = None
        if last is not None and last == self.last_created:
            return []
        self.last_created = last
        try:
            listing = {int(n) for n in os.listdir("/proc") if n.isdigit()}
        except OSError:
            return []
        new = sorted(listing - self.seen)
        self.seen = listing
        self.followed &= listing | {self.root}
        self.parent_of = {pid: ppid for pid, ppid in self.parent_of.items() if pid in self.followed}
        parents = {}
        for pid in new:
            try:
                _state, ppid, _code = parse_stat(read_text("/proc/%d/stat" % pid, 4096))
            except (Gone, OSError, ValueError, IndexError):
                continue
            parents[pid] = ppid
        added = []
        changed = True
        while changed:  # a child may have a smaller pid than its parent (pid wrap-around)
            changed = False
            for pid, ppid in list(parents.items()):
                if ppid in self.followed and pid not in self.followed:
                    self.followed.add(pid)
                    self.parent_of[pid] = ppid
                    added.append(pid)
                    del parents[pid]
                    changed = True
        return added
