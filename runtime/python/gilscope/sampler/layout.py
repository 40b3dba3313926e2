"""Where the GIL of another Python process is, read from outside, once its
runtime is found (interpreter.py):

- 3.13 and later: `_PyRuntime` begins with `_Py_DebugOffsets` (cookie
  `xdebugpy`): the interpreter's version, and the offsets of the main
  interpreter's GIL pointer, of the GIL's `locked` and `last_holder`, and of
  the thread state's `native_thread_id`. Only layouts of that struct we know
  are read (debug_offsets.py: 3.13 to 3.15); for another version the table
  is tried, then the process is sampled without the holder (see
  GilLayout.degraded).
- 3.8 to 3.12: the table of offsets measured against each version's headers
  (gil_table.py).
"""
import struct

from . import debug_offsets, gil_table
from .gil import GilLayout, NotReady


def find_gil(pid, interp, memory):
    """A GilLayout for the process; raises NotReady early in its start-up."""
    offsets = debug_offsets.read(memory, interp.runtime)
    if offsets is not None:
        interp.hexversion = offsets.version
        layout = _from_debug_offsets(interp, memory, offsets)
        if layout is not None:
            return layout
    layout = gil_table.from_table(pid, interp, memory)
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
    sized = [e for e in gil_table.table() if e["hexversion"] >> 16 == offsets.version >> 16
             and e["runtime_size"] == interp.runtime_size]
    if sized:
        layout.size = sized[0]["gil_size"]
    return layout
