"""The CPython runtime in another process, found from outside: the mapped
object (the executable or libpython3.X.so) that defines `_PyRuntime` in its
dynamic symbol table, its load base from /proc/PID/maps, and its version
(Py_Version, else the file's name). layout.py finds the GIL from there."""
import os
import re

from . import elf

_LIBPYTHON = re.compile(r"libpython(\d+)\.(\d+)")
_PYTHON_EXE = re.compile(r"python(\d+)\.(\d+)")


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
