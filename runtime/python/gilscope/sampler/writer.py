"""Writes one sampled process's recording in the format of runtime/FORMAT.md
(the same .gsr files the probe writes, read by the same readers), with
gil_mode 3 (sampled) and sample_hz in the header.

One writer thread (the sampler) writes for every thread of the process: each
thread slot gets its own chunks, as the probe's threads do, and its records
are in time order. The file is mapped MAP_SHARED in segments, like the
probe's, so that every record is in the page cache the moment it is stored:
if the sampler is killed, what it wrote stays readable. A slot is published
by writing its type byte last; a chunk by writing its magic last."""
import mmap
import os
import struct
import time

from .. import safefiles

FORMAT_VERSION = 2
ARGV_AT = 1032  # version 2: argc and argv_bytes at 1024, argv at 1032
HEADER_SIZE = CHUNK_SIZE = 4096
SLOT_SIZE = 16
CHUNK_HEADER_SLOTS = 2
SLOTS_PER_CHUNK = CHUNK_SIZE // SLOT_SIZE
CHUNK_MAGIC = 0x4B435347
SEGMENT_CHUNKS = 256  # 1 MiB: sampled recordings are small

THREAD_START, THREAD_END, THREAD_NAME = 1, 2, 3
GIL_RELEASE, GIL_WAIT, GIL_ACQUIRE, GIL_REGISTER = 4, 5, 6, 7
STRING = 9
ACQUIRE_NO_WAIT = 0x100
RELEASE_TO_UNKNOWN = 0x200  # GIL_RELEASE flag: the state that follows cannot be known from outside (FORMAT.md)
THREAD_IS_MAIN = 0x1

CLOCK_MONOTONIC = 0
MODE_SAMPLED = 3
END_UNKNOWN, END_EXIT, END_UNDERSCORE_EXIT, END_SIGNAL = 0, 1, 2, 3
BUILD_SHARED = 0x4

_SLOT_BODY = struct.Struct("<BHIQ")  # extra, flags, arg, ts (the type byte goes last)
_CHUNK = struct.Struct("<IQQII")    # thread slot, ticks, mono ns, sequence, reserved (magic last)


def _boot_id():
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


class _Thread:
    __slots__ = ("slot", "chunk", "pos", "end", "sequence")

    def __init__(self, slot):
        self.slot, self.chunk, self.pos, self.end, self.sequence = slot, -1, 0, 0, 0


class GsrWriter:
    def __init__(self, directory, pid, ppid, sample_hz, python_version, python_build, executable,
                 hexversion, shared, argv_bytes, start_mono_ns):
        self.start_realtime_ns = time.time_ns()
        self.start_mono_ns = start_mono_ns
        self.path = os.path.join(directory, "p%d-%d.gsr" % (pid, self.start_realtime_ns))
        self.fd = safefiles.create_exclusive(self.path, os.O_RDWR)
        os.ftruncate(self.fd, HEADER_SIZE)
        self.header = mmap.mmap(self.fd, HEADER_SIZE, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        self.segments = []
        self.chunks = 0
        self.lost = 0
        self.threads = {}
        self.strings = {}
        self.closed = False
        argv_bytes = argv_bytes[:HEADER_SIZE - ARGV_AT]
        h = self.header
        struct.pack_into("<IIIIII", h, 8, FORMAT_VERSION, HEADER_SIZE, CHUNK_SIZE, SLOT_SIZE, pid, ppid)
        struct.pack_into("<QQQdII", h, 32, start_mono_ns, start_mono_ns, self.start_realtime_ns, 1.0,
                         CLOCK_MONOTONIC, MODE_SAMPLED)
        struct.pack_into("<III", h, 112, hexversion, BUILD_SHARED if shared else 0, sample_hz)
        _text(h, 128, 64, python_version)
        _text(h, 192, 64, python_build)
        _text(h, 256, 256, executable)
        _text(h, 520, 64, os.uname().nodename)
        _text(h, 584, 40, _boot_id())
        struct.pack_into("<I", h, 664, os.cpu_count() or 0)
        struct.pack_into("<II", h, 1024, argv_bytes.count(b"\0"), len(argv_bytes))
        h[ARGV_AT:ARGV_AT + len(argv_bytes)] = argv_bytes
        h[0:7] = b"GILSCOP"
        h[7:8] = b"E"  # the magic last: a reader never sees a half-written header as valid

    # -- records -----------------------------------------------------------

    def thread_start(self, tid, main, ts):
        slot = len(self.threads) + 1
        self.threads[tid] = _Thread(slot)
        self.put(tid, THREAD_START, THREAD_IS_MAIN if main else 0, tid, ts)

    def thread_end(self, tid, ts):
        self.put(tid, THREAD_END, 0, 0, ts)

    def thread_name(self, tid, name, ts):
        sid = self.strings.get(name)
        if sid is None:
            sid = len(self.strings) + 1
            if not self._string(tid, sid, name.encode("utf-8", "replace")):
                return
            self.strings[name] = sid
        self.put(tid, THREAD_NAME, 0, sid, ts)

    def gil_register(self, tid, address, ts):
        self.put(tid, GIL_REGISTER, 0, 0, ts, struct.pack("<QQ", address, 0))

    def put(self, tid, kind, flags, arg, ts, payload=b""):
        t = self.threads[tid]
        extra = len(payload) // SLOT_SIZE
        at = self._reserve(t, extra)
        if at is None:
            return False
        mm, off = at
        if payload:
            mm[off + SLOT_SIZE:off + SLOT_SIZE * (1 + extra)] = payload
        _SLOT_BODY.pack_into(mm, off + 1, extra, flags, arg, ts)
        mm[off] = kind  # published
        return True

    def _string(self, tid, sid, data):
        limit = (SLOTS_PER_CHUNK - CHUNK_HEADER_SLOTS - 1) * SLOT_SIZE
        data = data[:limit]
        extra = (len(data) + SLOT_SIZE - 1) // SLOT_SIZE
        payload = data + b"\0" * (extra * SLOT_SIZE - len(data))
        t = self.threads[tid]
        at = self._reserve(t, extra)
        if at is None:
            return False
        mm, off = at
        mm[off + SLOT_SIZE:off + SLOT_SIZE * (1 + extra)] = payload
        _SLOT_BODY.pack_into(mm, off + 1, extra, 0, sid, len(data))
        mm[off] = STRING
        return True

    # -- end ---------------------------------------------------------------

    def mark_end(self, kind, code, mono_ns):
        h = self.header
        if struct.unpack_from("<I", h, 88)[0] != END_UNKNOWN:
            return
        struct.pack_into("<iQQ", h, 92, code, mono_ns, mono_ns)
        struct.pack_into("<I", h, 88, kind)

    def close(self):
        if self.closed:
            return
        self.closed = True
        for m in self.segments:
            if m is not None:
                m.close()
        self.header.close()
        os.close(self.fd)

    # -- chunks and segments -----------------------------------------------

    def _reserve(self, t, extra):
        if self.closed:
            return None
        need = (1 + extra) * SLOT_SIZE
        if t.chunk < 0 or t.pos + need > t.end:
            if not self._new_chunk(t):
                self.lost += 1
                struct.pack_into("<Q", self.header, 80, self.lost)
                t.chunk = -1
                return None
        mm = self.segments[t.chunk // SEGMENT_CHUNKS]
        off = t.pos
        t.pos += need
        return mm, off

    def _new_chunk(self, t):
        index = self.chunks
        seg_index = index // SEGMENT_CHUNKS
        while len(self.segments) <= seg_index:
            offset = HEADER_SIZE + len(self.segments) * SEGMENT_CHUNKS * CHUNK_SIZE
            length = SEGMENT_CHUNKS * CHUNK_SIZE
            try:
                try:
                    os.posix_fallocate(self.fd, offset, length)  # a full disk is a counted loss, not SIGBUS
                except OSError as e:
                    if e.errno not in (95, 22):  # EOPNOTSUPP, EINVAL: the file system cannot; grow it
                        raise
                    os.ftruncate(self.fd, offset + length)
                self.segments.append(mmap.mmap(self.fd, length, mmap.MAP_SHARED,
                                               mmap.PROT_READ | mmap.PROT_WRITE, offset=offset))
            except OSError:
                return False
        self.chunks += 1
        struct.pack_into("<Q", self.header, 72, self.chunks)
        mm = self.segments[seg_index]
        base = (index % SEGMENT_CHUNKS) * CHUNK_SIZE
        now = time.monotonic_ns()
        _CHUNK.pack_into(mm, base + 4, t.slot, now, now, t.sequence, 0)
        struct.pack_into("<I", mm, base, CHUNK_MAGIC)
        t.sequence += 1
        t.chunk = index
        t.pos = base + CHUNK_HEADER_SLOTS * SLOT_SIZE
        t.end = base + CHUNK_SIZE
        return True


def _text(buf, offset, size, text):
    data = (text or "").encode("utf-8", "replace")[:size - 1]
    buf[offset:offset + len(data)] = data
    buf[offset + len(data)] = 0
