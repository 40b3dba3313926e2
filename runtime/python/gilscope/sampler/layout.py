"""Where the GIL of another Python process is, read from outside.

The interpreter is the mapped object (the executable or libpython3.X.so)
that defines `_PyRuntime` in its dynamic symbol table; the load base comes
from /proc/PID/maps. Then:

- 3.13 and later: `_PyRuntime` begins with `_Py_DebugOffsets` (cookie
  `xdebugpy`): the interpreter's version, and the offsets of the main
  interpreter's GIL pointer, of the GIL's `locked` and `last_holder`, and of
  the thread state's `native_thread_id`. Only layouts of that struct we know
  are read (debug_offsets.py: 3.13 to 3.15); for another version the table
  below is tried, then the process is sampled without the holder (see
  `degraded`).
- 3.8 to 3.12: the table gil_offsets.json, measured with offsetof against
  each interpreter's headers (measure_offsets.py). An entry is used as is when
  the size of the `_PyRuntime` symbol equals the measured
  sizeof(_PyRuntimeState) of that version (the same layout, almost surely);
  otherwise an entry of the same minor version is used only when the memory
  there looks like that GIL (see `_plausible`).

The thread state's thread id: `native_thread_id` (3.11+) is the Linux tid;
before 3.11 only `thread_id` (pthread_self()) exists, and the tid is read
from glibc's struct pthread at an offset measured here (720 on x86-64) and
checked against the main thread's (`_PyRuntime.main_thread`) in each process.
"""
import json
import os
import re
import struct

from . import debug_offsets, elf
from .procfs import Gone

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gil_offsets.json")
GIL_SIZE_DEFAULT = 208
_LIBPYTHON = re.compile(r"libpython(\d+)\.(\d+)")
_PYTHON_EXE = re.compile(r"python(\d+)\.(\d+)")

_table = None


def table():
    global _table
    if _table is None:
        with open(TABLE) as f:
            _table = json.load(f)["entries"]
    return _table


class Interpreter:
    """The CPython runtime in a process: where `_PyRuntime` is and which version."""

    def __init__(self, path, runtime, runtime_size, hexversion, shared):
        self.path, self.runtime, self.runtime_size = path, runtime, runtime_size
        self.hexversion, self.shared = hexversion, shared

    @property
    def minor(self):
        return (self.hexversion >> 24, (self.hexversion >> 16) & 0xFF) if self.hexversion else None

    @property
    def version_text(self):
        if not self.hexversion:
            return "unknown"
        major, minor = self.minor
        micro = (self.hexversion >> 8) & 0xFF
        # a version taken from a file name has only major and minor
        return "%d.%d.%d" % (major, minor, micro) if self.hexversion & 0xFFFF else "%d.%d" % (major, minor)


def find_interpreter(pid):
    """The Interpreter of a process, or None when no mapped object defines _PyRuntime."""
    from . import procfs
    maps = procfs.mappings(pid)
    exe = os.path.realpath("/proc/%d/exe" % pid)
    candidates = [p for p in maps if _LIBPYTHON.search(os.path.basename(p))]
    candidates += [p for p in maps if os.path.realpath(p) == exe or p == exe]
    for path in candidates:
        symbols = elf.symbols_of(path)
        if not symbols or not symbols.runtime:
            continue
        base = symbols.load_base(maps[path])
        if base is None:
            continue
        value, size = symbols.runtime
        hexversion = symbols.py_version_value or 0
        if not hexversion:
            m = _LIBPYTHON.search(os.path.basename(path)) or _PYTHON_EXE.search(os.path.basename(path))
            if m:
                hexversion = (int(m.group(1)) << 24) | (int(m.group(2)) << 16)
        shared = path.endswith(".so") or ".so." in os.path.basename(path)
        return Interpreter(path, base + value, size, hexversion, shared)
    return None


class GilLayout:
    """How to read one process's GIL. `address` is None when it is not known
    (degraded sampling: waits are recognised by a futex inside _PyRuntime,
    see Sampler). `tid_of` maps a thread state to a Linux tid, or None."""

    def __init__(self, interp, source):
        self.interp = interp
        self.source = source  # how the offsets were found, for the launcher's notice
        self.address = None
        self.size = GIL_SIZE_DEFAULT
        self.locked = self.last_holder = None
        self.tstate_native_id = None  # 3.11+: offset of native_thread_id
        self.tstate_pthread = None    # <3.11: offset of thread_id (pthread_self())
        self.pthread_tid = None       # glibc struct pthread's tid offset, checked per process
        self.main_thread = None       # offset of _PyRuntime.main_thread
        self.interp_gil_pointer = None

    @property
    def degraded(self):
        return self.address is None

    @property
    def free_threaded(self):
        """A free-threaded build: no GIL to sample (a thread runs or does not)."""
        return self.source == "free-threaded build"

    def futex_range(self):
        if self.address is not None:
            return self.address, self.address + self.size
        return self.interp.runtime, self.interp.runtime + self.interp.runtime_size

    def read_state(self, memory):
        """(locked, last_holder) now."""
        data = memory.read(self.address, max(self.locked, self.last_holder) + 8)
        locked = struct.unpack_from("<i", data, self.locked)[0]
        holder = struct.unpack_from("<Q", data, self.last_holder)[0]
        return locked, holder

    def tid_of(self, memory, tstate):
        if not tstate:
            return None
        if self.tstate_native_id is not None:
            return struct.unpack("<Q", memory.read(tstate + self.tstate_native_id, 8))[0]
        if self.tstate_pthread is not None and self.pthread_tid is not None:
            pthread = struct.unpack("<Q", memory.read(tstate + self.tstate_pthread, 8))[0]
            if pthread:
                return struct.unpack("<i", memory.read(pthread + self.pthread_tid, 4))[0]
        return None

    def describe(self):
        if self.degraded:
            return "Python %s: GIL layout unknown (%s); holders inferred from thread states" % (
                self.interp.version_text, self.source)
        return "Python %s: GIL at 0x%x (%s)" % (self.interp.version_text, self.address, self.source)


class NotReady(Exception):
    """The interpreter has not created its GIL yet; look again at the next sample."""


def find_gil(pid, interp, memory):
    """A GilLayout for the process; raises NotReady early in its start-up."""
    offsets = debug_offsets.read(memory, interp.runtime)
    if offsets is not None:
        interp.hexversion = offsets.version
        layout = _from_debug_offsets(interp, memory, offsets)
        if layout is not None:
            return layout
    layout = _from_table(pid, interp, memory)
    if layout is not None:
        return layout
    why = "Python %s not in the sampler's table" % interp.version_text if interp.minor else "version unknown"
    return GilLayout(interp, why)


def _from_debug_offsets(interp, memory, offsets):
    if not debug_offsets.known(offsets):
        return None  # a layout of _Py_DebugOffsets not listed: not guessed
    it, ts = offsets.interpreter_state, offsets.thread_state
    layout = GilLayout(interp, "_Py_DebugOffsets")
    if offsets.free_threaded:
        layout.source = "free-threaded build"
        return layout
    # the main interpreter: id 0, the last of the newest-first list
    address = struct.unpack("<Q", memory.read(interp.runtime + offsets.runtime_state["interpreters_head"], 8))[0]
    main = None
    for _ in range(4096):
        if not address:
            break
        if struct.unpack("<q", memory.read(address + it["id"], 8))[0] == 0:
            main = address
            break
        address = struct.unpack("<Q", memory.read(address + it["next"], 8))[0]
    if not main:
        raise NotReady()
    gil = struct.unpack("<Q", memory.read(main + it["ceval_gil"], 8))[0]
    if not gil:
        raise NotReady()
    layout.address = gil
    layout.locked = it["gil_runtime_state_locked"] - it["gil_runtime_state"]
    layout.last_holder = it["gil_runtime_state_holder"] - it["gil_runtime_state"]
    layout.tstate_native_id = ts["native_thread_id"]
    sized = [e for e in table() if e["hexversion"] >> 16 == offsets.version >> 16
             and e["runtime_size"] == interp.runtime_size]
    if sized:
        layout.size = sized[0]["gil_size"]
    return layout


def _from_table(pid, interp, memory):
    if not interp.minor:
        return None
    same_minor = [e for e in table() if (e["hexversion"] >> 16) == (interp.hexversion >> 16)
                  and not e["debug"] and not e["free_threaded"]]
    exact = sorted((e for e in same_minor if e["runtime_size"] == interp.runtime_size),
                   key=lambda e: e["hexversion"] != interp.hexversion)
    for entry, measured in [(e, True) for e in exact] + [(e, False) for e in same_minor if e not in exact]:
        if entry["gil"] + entry["gil_size"] > interp.runtime_size:
            continue
        layout = GilLayout(interp, "offsets measured on %s" % entry["version"] if measured
                           else "offsets of %s, checked in memory" % entry["version"])
        layout.address = interp.runtime + entry["gil"]
        layout.size = entry["gil_size"]
        layout.locked = entry["locked"]
        layout.last_holder = entry["last_holder"]
        layout.main_thread = entry["main_thread"]
        if entry["tstate_native_thread_id"] >= 0:
            layout.tstate_native_id = entry["tstate_native_thread_id"]
        else:
            layout.tstate_pthread = entry["tstate_thread_id"]
        if entry["interp_gil_pointer"] >= 0:
            # 3.12: the main interpreter points at its GIL; before that is set up, wait
            pointer = struct.unpack("<Q", memory.read(
                interp.runtime + entry["main_interpreter"] + entry["interp_gil_pointer"], 8))[0]
            if pointer == 0:
                raise NotReady()
            if pointer != layout.address:
                continue
        elif not _plausible(layout, memory, entry):
            if measured:
                raise NotReady()
            continue
        if layout.tstate_pthread is not None:
            layout.pthread_tid = _pthread_tid_offset(pid, interp, layout, memory, entry["glibc_pthread_tid"])
        return layout
    return None


def _plausible(layout, memory, entry):
    """Does the memory at the candidate address look like an initialised GIL?
    interval is in microseconds (5000 by default), locked is -1 (not created),
    0 or 1, last_holder is NULL or an aligned pointer."""
    data = memory.read(layout.address, entry["gil_size"])
    interval = struct.unpack_from("<Q", data, entry["interval"])[0]
    locked = struct.unpack_from("<i", data, entry["locked"])[0]
    holder = struct.unpack_from("<Q", data, entry["last_holder"])[0]
    return 0 < interval < 10 ** 9 and locked in (-1, 0, 1) and holder % 8 == 0 and holder < 1 << 48


def _pthread_tid_offset(pid, interp, layout, memory, measured):
    """Where struct pthread keeps the tid in this process: the measured offset
    when the main thread's pthread_t shows the pid there, else found by
    scanning the main thread's struct pthread; None when neither works (the
    holder is then inferred from thread states)."""
    try:
        pthread = struct.unpack("<Q", memory.read(interp.runtime + layout.main_thread, 8))[0]
        if not pthread:
            return None
        if measured >= 0 and struct.unpack("<i", memory.read(pthread + measured, 4))[0] == pid:
            return measured
        data = memory.read(pthread, 2048)
        hits = [o for o in range(0, 2048, 4) if struct.unpack_from("<i", data, o)[0] == pid]
        return hits[0] if len(hits) == 1 else None
    except Gone:
        raise
    except OSError:
        return None
