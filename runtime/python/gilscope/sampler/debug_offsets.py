"""The `_Py_DebugOffsets` a CPython 3.13+ interpreter publishes at the start of
`_PyRuntime` (Include/internal/pycore_debug_offsets.h), read from outside.

Every field is a u64 and the struct is a row of sections; what changes from
version to version is which fields each section has. The sections this
sampler reads are listed once per version below, in the header's order, up
to the last section it needs (thread_state): a new CPython is a new entry
here, and nothing else in the sampler names a version. A version not listed
is not guessed at (the sampler then degrades and says so).
"""
import struct

COOKIE = b"xdebugpy"

_RUNTIME = ("size", "finalizing", "interpreters_head")

_INTERP_313 = ("size", "id", "next", "threads_head", "gc", "imports_modules", "sysdict", "builtins",
               "ceval_gil", "gil_runtime_state", "gil_runtime_state_enabled", "gil_runtime_state_locked",
               "gil_runtime_state_holder")
_INTERP_314 = ("size", "id", "next", "threads_head", "threads_main", "gc", "imports_modules", "sysdict",
               "builtins", "ceval_gil", "gil_runtime_state", "gil_runtime_state_enabled",
               "gil_runtime_state_locked", "gil_runtime_state_holder", "code_object_generation",
               "tlbc_generation")

_THREAD_313 = ("size", "prev", "next", "interp", "current_frame", "thread_id", "native_thread_id",
               "datastack_chunk", "status")
_THREAD_315 = ("size", "prev", "next", "interp", "current_frame", "base_frame", "last_profiled_frame",
               "last_profiled_frame_seq", "thread_id", "native_thread_id", "datastack_chunk", "status",
               "holds_gil", "gil_requested", "current_exception", "exc_state")

# (major, minor) -> the sections from runtime_state to thread_state, in order
LAYOUTS = {
    (3, 13): (("runtime_state", _RUNTIME), ("interpreter_state", _INTERP_313), ("thread_state", _THREAD_313)),
    (3, 14): (("runtime_state", _RUNTIME), ("interpreter_state", _INTERP_314), ("thread_state", _THREAD_313)),
    (3, 15): (("runtime_state", _RUNTIME), ("interpreter_state", _INTERP_314), ("thread_state", _THREAD_315)),
}

_HEAD = struct.Struct("<8sQQ")


class DebugOffsets:
    """The published offsets of one interpreter: `version` (its hexversion),
    `free_threaded`, and one dict per section, e.g.
    `offsets.interpreter_state["ceval_gil"]`."""

    def __init__(self, version, free_threaded, sections):
        self.version, self.free_threaded = version, free_threaded
        for name, values in sections.items():
            setattr(self, name, values)


def read_head(memory, runtime):
    """(version, free_threaded) from the start of _PyRuntime, or None when it
    does not begin with the cookie (before 3.13)."""
    cookie, version, free_threaded = _HEAD.unpack(memory.read(runtime, _HEAD.size))
    if cookie != COOKIE:
        return None
    return version, bool(free_threaded)


def read(memory, runtime):
    """The DebugOffsets at `runtime`, or None before 3.13 or for a version not
    listed in LAYOUTS."""
    head = read_head(memory, runtime)
    if head is None:
        return None
    version, free_threaded = head
    layout = LAYOUTS.get((version >> 24, (version >> 16) & 0xFF))
    if layout is None:
        return DebugOffsets(version, free_threaded, {})
    count = sum(len(fields) for _, fields in layout)
    values = struct.unpack("<%dQ" % count, memory.read(runtime + _HEAD.size, 8 * count))
    sections, i = {}, 0
    for name, fields in layout:
        sections[name] = dict(zip(fields, values[i:i + len(fields)]))
        i += len(fields)
    return DebugOffsets(version, free_threaded, sections)


def known(offsets):
    return hasattr(offsets, "thread_state")
