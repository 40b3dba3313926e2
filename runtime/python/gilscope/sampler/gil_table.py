"""3.8 to 3.12: the GIL's place in `_PyRuntime` from the table gil_offsets.json,
measured with offsetof against each interpreter's headers (measure_offsets.py).

An entry is used as is when the size of the `_PyRuntime` symbol equals the
measured sizeof(_PyRuntimeState) of that version (the same layout, almost
surely); otherwise an entry of the same minor version is used only when the
memory there looks like that GIL (see `_plausible`).

Before 3.11 a thread state has only `thread_id` (pthread_self()): the tid is
read from glibc's struct pthread at an offset measured here (720 on x86-64)
and checked against the main thread's (`_PyRuntime.main_thread`) in each
process."""
import json
import os
import struct

from .gil import GilLayout, NotReady
from .procfs import Gone

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gil_offsets.json")

_table = None


def table():
    global _table
    if _table is None:
        with open(TABLE) as f:
            _table = json.load(f)["entries"]
    return _table


def from_table(pid, interp, memory):
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
