"""How to read one process's GIL from outside, once layout.py has found it:
where it is, the offsets of its `locked` and `last_holder`, and how a thread
state gives a Linux tid."""
import struct

GIL_SIZE_DEFAULT = 208


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

    @property
    def switch_number(self):
        """Offset of the GIL's `switch_number` (a count of hand-overs), or None. CPython 3.8
        to 3.15 declare it right after `locked`, which follows `last_holder`: where the
        offsets found show that order, it is the next 8-byte slot after `locked`."""
        if self.locked is None or self.last_holder is None or self.locked != self.last_holder + 8:
            return None
        return (self.locked + 4 + 7) & ~7

    def read_state(self, memory):
        """(locked, last_holder) now."""
        return self.read_state_and_switches(memory)[:2]

    def read_state_and_switches(self, memory):
        """(locked, last_holder, switch_number or None) now, in one read."""
        switches_at = self.switch_number
        end = max(self.locked, self.last_holder, switches_at or 0) + 8
        data = memory.read(self.address, end)
        locked = struct.unpack_from("<i", data, self.locked)[0]
        holder = struct.unpack_from("<Q", data, self.last_holder)[0]
        switches = struct.unpack_from("<Q", data, switches_at)[0] if switches_at is not None else None
        return locked, holder, switches

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
            return ("Python %s: GIL layout unknown (%s); waits and holders inferred from thread states, "
                    "other running time shown as unknown, not released" % (self.interp.version_text, self.source))
        return "Python %s: GIL at 0x%x (%s)" % (self.interp.version_text, self.address, self.source)


class NotReady(Exception):
    """The interpreter has not created its GIL yet; look again at the next sample."""
