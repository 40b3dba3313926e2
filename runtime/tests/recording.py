"""A small reader of runtime/FORMAT.md for the runtime's own tests (the
product's reader is src/core/format/, in TypeScript). It turns a recording
into per-thread GIL intervals so tests can check them against known answers."""
import glob
import json
import os
import struct

HEADER = struct.Struct("<8sIIIIIIQQQdIIQQIiQQIII4x64s64s256sII")
HEADER_V2 = struct.Struct("<64s40sIIQQQQII")  # at 520: host, boot_id, flags, fold window, attach, cap, capped ns/ticks, cpus, window
CHUNK = struct.Struct("<IIQQII")
SLOT = struct.Struct("<BBHIQ")
SHORT = struct.Struct("<BBHI")  # version 3: a short record
THREAD_START, THREAD_END, THREAD_NAME, GIL_RELEASE, GIL_WAIT, GIL_ACQUIRE, GIL_REGISTER, SITE, STRING, GIL_HANDOFF = range(1, 11)
GIL_HOLD_SITE = 12
CPU_SAMPLE, MACHINE_SAMPLE, GIL_QUIET = 13, 14, 15
LOCK_NEW, LOCK_WAIT, LOCK_ACQUIRE, LOCK_RELEASE, LOCK_WAIT_END, LOCK_QUIET = range(20, 26)
THREAD_AT_ATTACH = 37
ATTACHED = 0x1  # recording_flags: recording began in a running process (gilscope attach)
END_DETACHED = 4  # end_kind: recording stopped while the process went on
TENTATIVE, SUMMARISED = 0x8000, 0x4000
OURS = 0x2  # THREAD_START: gilscope's own thread
NO_WAIT = 0x100
CONTENDED, GAVE_UP, SAME_SITE = 0x1, 0x2, 0x4
HELD, WAITING, RELEASED, UNKNOWN = "held", "waiting", "released", "unknown"
TO_UNKNOWN = 0x200  # GIL_RELEASE, sampled: the state that follows cannot be known from outside


class Thread:
    def __init__(self, slot, tid, main):
        self.slot, self.tid, self.main = slot, tid, main
        self.name = None
        self.events = []  # (ticks, type, flags, arg)
        self.start = self.end = None
        self.intervals = []  # (state, start_ns, end_ns, site)
        self.lock_waits = []  # (lock id, wait kind, start_ns, end_ns, site, holder slot, acquired)
        self.acquires = []  # (lock id, ns, site, contended)
        self.releases = []  # (lock id, ns, site)
        self.quiet = []  # GIL_QUIET: (first ns, last ns, released ns, count, site)

    def totals(self):
        t = {HELD: 0, WAITING: 0, RELEASED: 0, UNKNOWN: 0}
        for state, a, b, _ in self.intervals:
            t[state] += b - a
        for _, _, released, _, _ in self.quiet:
            t[HELD] -= released
            t[RELEASED] += released
        return t

    def quiet_released_in(self, start_ns, end_ns):
        """The summarised released time inside [start_ns, end_ns], spread evenly over each span."""
        total = 0
        for a, b, released, _, _ in self.quiet:
            if b <= a:
                total += released if start_ns <= a <= end_ns else 0
                continue
            total += released * max(0, min(b, end_ns) - max(a, start_ns)) / (b - a)
        return total

    def acquisitions(self):
        """GIL acquisitions: GIL_ACQUIRE records and the re-takes summaries count."""
        return sum(1 for e in self.events if e[1] == GIL_ACQUIRE) + sum(q[3] for q in self.quiet)


def short_flags(c):
    """Version 3: a short record's compact flags byte as the record's flags."""
    return (c & 0xF) | ((c & 0x30) << 4) | ((c & 0x40) << 9) | ((c & 0x80) << 7)


def records_of_chunk(data, off, chunk_size, version):
    """(type, extra, flags, arg, ts, payload) of a chunk's records in order:
    16-byte slots up to version 2, 8-byte units from version 3 (FORMAT.md)."""
    pos, end = off + 32, off + chunk_size
    base = CHUNK.unpack_from(data, off)[2]
    while pos < end:
        first = data[pos]
        if first == 0:
            return
        if version >= 3 and first & 0x80:
            _b, cflags, arg, delta = SHORT.unpack_from(data, pos)
            typ, flags, ts = first & 0x3F, short_flags(cflags), base + delta
            if first & 0x40:
                payload, extra = struct.pack("<IIII", *struct.unpack_from("<HHHH", data, pos + 8)), 1
                pos += 16
            else:
                payload, extra = b"", 0
                pos += 8
        else:
            typ, extra, flags, arg, ts = SLOT.unpack_from(data, pos)
            payload = data[pos + 16:pos + 16 + 16 * extra]
            pos += 16 * (1 + extra)
        if typ != STRING and not flags & TENTATIVE:
            base = ts
        yield typ, extra, flags, arg, ts, payload


class Process:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        h = HEADER.unpack_from(self.data, 0)
        (magic, self.version, _hs, self.chunk_size, self.slot_size, self.pid, self.ppid,
         self.start_mono_ns, self.start_ticks, _rt, self.ticks_per_ns, self.clock_kind, self.gil_mode,
         self.chunks, self.lost, self.end_kind, self.end_code, self.end_mono_ns, self.end_ticks,
         self.hexversion, self.build_flags, _hz, version, build, executable, argc, argv_bytes) = h
        if magic != b"GILSCOPE":
            raise ValueError("%s: not a gilscope recording" % path)
        self.python_version = version.split(b"\0")[0].decode()
        argv_at = 520
        self.host = self.boot_id = None
        self.recording_flags = 0
        if self.version >= 2:
            (host, boot_id, self.recording_flags, _fold, self.attach_mono_ns, self.cap_bytes,
             self.capped_mono_ns, self.capped_ticks, self.online_cpus, _window) = HEADER_V2.unpack_from(self.data, 520)
            self.host = host.split(b"\0")[0].decode()
            self.boot_id = boot_id.split(b"\0")[0].decode()
            argc, argv_bytes = struct.unpack_from("<II", self.data, 1024)
            argv_at = 1032
        self.argv = [a.decode(errors="replace") for a in self.data[argv_at:argv_at + argv_bytes].split(b"\0")[:argc]]
        self.ours = set()  # slots of gilscope's own threads
        self.cpu_samples = {}  # thread slot -> [(ticks, run-queue delay ns, cpu ns)], cumulative
        self.machine_samples = []  # (ticks, cpus, busy ns, this process's cpu ns), cumulative
        self.strings, self.sites, self.threads, self.locks = {}, {}, {}, {}
        self.at_attach = {}  # tid -> (ticks, state): THREAD_AT_ATTACH, the threads that ran already
        self.names_of = {}  # tid -> string id: THREAD_NAME of another thread (attach)
        self.calibration = [(self.start_ticks, self.start_mono_ns)]
        if self.end_ticks:
            self.calibration.append((self.end_ticks, self.end_mono_ns))
        self._read_chunks()
        self._fit_clock()
        self._build_intervals()

    def _read_chunks(self):
        chunks = []
        for i in range(self.chunks):
            off = 4096 + i * self.chunk_size
            if off + self.chunk_size > len(self.data):
                break
            magic, slot, ticks, ns, seq, _ = CHUNK.unpack_from(self.data, off)
            if magic != 0x4B435347:
                continue
            self.calibration.append((ticks, ns))
            chunks.append((slot, seq, off))
        chunks.sort()
        for slot, seq, off in chunks:
            for typ, extra, flags, arg, ts, payload in records_of_chunk(self.data, off, self.chunk_size, self.version):
                if typ == STRING:
                    self.strings[arg] = payload[:ts].decode(errors="replace")
                elif typ == SITE:
                    self.sites[arg] = struct.unpack_from("<IIII", payload)
                elif typ == LOCK_NEW:
                    site, name, address = struct.unpack_from("<IIQ", payload)
                    self.locks[arg] = {"kind": flags, "site": site, "address": address, "name": name}
                    if slot in self.threads:
                        self.threads[slot].events.append((ts, typ, flags, arg, payload))
                elif typ == THREAD_START and flags & OURS:
                    self.ours.add(slot)
                elif typ == THREAD_AT_ATTACH:
                    self.at_attach[arg] = (ts, flags & 0xFF)
                elif typ == THREAD_NAME and extra:
                    self.names_of[struct.unpack_from("<I", payload)[0]] = arg
                elif slot in self.ours:
                    if typ == CPU_SAMPLE:
                        delay, cpu = struct.unpack_from("<QQ", payload)
                        self.cpu_samples.setdefault(arg, []).append((ts, delay, cpu))
                    elif typ == MACHINE_SAMPLE:
                        busy, own = struct.unpack_from("<QQ", payload)
                        self.machine_samples.append((ts, arg, busy, own))
                    continue
                elif typ == THREAD_START:
                    self.threads[slot] = Thread(slot, arg, bool(flags & 1))
                    self.threads[slot].events.append((ts, typ, flags, arg, b""))
                elif flags & SUMMARISED and typ not in (GIL_QUIET, LOCK_QUIET):
                    continue  # full log kept: these tests read the summaries
                elif slot in self.threads:
                    self.threads[slot].events.append((ts, typ, flags, arg, payload))

    def _fit_clock(self):
        pts = self.calibration
        if len(pts) < 2 or self.clock_kind == 0:
            rate = self.ticks_per_ns if self.clock_kind else 1.0
            t0, n0 = pts[0]
            self.to_ns = lambda t: n0 + (t - t0) / rate
            return
        n = len(pts)
        mt = sum(p[0] for p in pts) / n
        mn = sum(p[1] for p in pts) / n
        var = sum((p[0] - mt) ** 2 for p in pts)
        slope = sum((p[0] - mt) * (p[1] - mn) for p in pts) / var if var else 1 / self.ticks_per_ns
        self.to_ns = lambda t: mn + (t - mt) * slope

    def cpu_wait(self, thread, start_ns=None, end_ns=None):
        """Run-queue delay of a thread (ns) between its samples inside [start_ns, end_ns]."""
        samples = [(self.to_ns(ts), delay) for ts, delay, _ in self.cpu_samples.get(thread.slot, [])]
        inside = [d for ns, d in samples if (start_ns is None or ns >= start_ns) and (end_ns is None or ns <= end_ns)]
        return inside[-1] - inside[0] if len(inside) >= 2 else 0

    def foreign_cpus(self, start_ns=None, end_ns=None):
        """CPUs other programs used on average over [start_ns, end_ns], from the
        machine samples (busy time of all CPUs less this process's); None without two."""
        inside = [(self.to_ns(ts), busy, own) for ts, _, busy, own in self.machine_samples
                  if (start_ns is None or self.to_ns(ts) >= start_ns - 1e8) and (end_ns is None or self.to_ns(ts) <= end_ns + 1e8)]
        if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
            return None
        (a, busy_a, own_a), (b, busy_b, own_b) = inside[0], inside[-1]
        return max(0.0, (busy_b - busy_a) - (own_b - own_a)) / (b - a)

    def lock_name(self, lock_id):
        """The name the runtime gave a lock (an object's type, free-threaded), or None."""
        info = self.locks.get(lock_id)
        return self.strings.get(info["name"]) if info and info.get("name") else None

    def site(self, site_id):
        if site_id not in self.sites:
            return None
        f, fn, line, first = self.sites[site_id]
        return (self.strings.get(f), line, self.strings.get(fn))

    @property
    def attached(self):
        return bool(self.recording_flags & ATTACHED)

    def _threads_at_attach(self):
        """A thread that ran when recording began (THREAD_AT_ATTACH) is in its
        state then from the attach to its THREAD_START, when it first touched the
        recorder; one that never did is in that state throughout."""
        by_tid = {t.tid: t for t in self.threads.values()}
        for tid, (ts, state) in self.at_attach.items():
            t = by_tid.get(tid)
            if t is None:
                t = self.threads[-tid] = Thread(-tid, tid, False)
                t.events.append((ts, THREAD_START, 0, tid, b""))
            t.at_attach = (ts, {1: HELD, 2: WAITING}.get(state, RELEASED))
        for tid, string in self.names_of.items():
            t = by_tid.get(tid) or self.threads.get(-tid)
            if t is not None:
                t.events.insert(1, (t.events[0][0], THREAD_NAME, 0, string, b""))

    def _build_intervals(self):
        self._threads_at_attach()
        last = max((e[0] for t in self.threads.values() for e in t.events if e[1] != LOCK_NEW), default=self.start_ticks)
        if self.end_ticks:
            last = max(last, self.end_ticks)
        self.last_ns = self.to_ns(last)
        for t in self.threads.values():
            state, since, site = RELEASED, None, 0
            waiting_lock = None
            release_sites = {}  # lock id -> site of the thread's last LOCK_RELEASE with a payload
            acquired_at = (None, 0)  # the lock and site of the thread's last uncontended LOCK_ACQUIRE with a payload
            attach = getattr(t, "at_attach", None)
            for ts, typ, flags, arg, payload in t.events:
                now = self.to_ns(ts)
                if typ == LOCK_RELEASE:
                    # without a payload: at the site of the thread's last release of it with one
                    if payload:
                        release_sites[arg] = struct.unpack_from("<I", payload)[0]
                    t.releases.append((arg, now, release_sites.get(arg, 0)))
                elif typ == LOCK_WAIT:
                    wsite, holder, hsite, _ = struct.unpack_from("<IIII", payload)
                    waiting_lock = (arg, flags, now, wsite, holder)
                elif typ in (LOCK_ACQUIRE, LOCK_WAIT_END):
                    if typ == LOCK_ACQUIRE:
                        # a contended one without a payload was obtained at its wait's site
                        # (an uncontended one flagged SAME_SITE at the site of the thread's last with one)
                        if payload:
                            asite = struct.unpack_from("<I", payload)[0]
                            if not flags & CONTENDED:
                                acquired_at = (arg, asite)
                        elif flags & SAME_SITE:
                            asite = acquired_at[1] if acquired_at[0] == arg else 0
                        else:
                            asite = waiting_lock[3] if waiting_lock and waiting_lock[0] == arg else 0
                        t.acquires.append((arg, now, asite, bool(flags & CONTENDED)))
                    if waiting_lock and waiting_lock[0] == arg and (typ == LOCK_WAIT_END or flags & CONTENDED):
                        lid, kind, start, wsite, holder = waiting_lock
                        t.lock_waits.append((lid, kind, start, now, wsite, holder, not flags & GAVE_UP))
                        waiting_lock = None
                if typ == THREAD_START and attach:
                    # it ran before: from the attach, in the state it was in then
                    attach_ns = self.to_ns(attach[0])
                    t.start, since, state = attach_ns, attach_ns, attach[1]
                elif typ == THREAD_START:
                    t.start, since = now, now
                elif typ == THREAD_NAME:
                    t.name = self.strings.get(arg)
                elif typ == GIL_RELEASE:
                    # after a GIL_WAIT only in sampled recordings: the wait ended unseen holding;
                    # flag 0x200 (sampled): what follows cannot be known
                    t.intervals.append((state, since, now, None) if state in (WAITING, UNKNOWN) else (HELD, since, now, site))
                    state, since = (UNKNOWN if flags & TO_UNKNOWN else RELEASED), now
                elif typ == GIL_HANDOFF:
                    t.intervals.append((WAITING, since, now, None))
                    state, since = RELEASED, now
                elif typ == GIL_WAIT:
                    t.intervals.append((UNKNOWN if state == UNKNOWN else RELEASED, since, now, None))
                    state, since = WAITING, now
                elif typ == GIL_ACQUIRE:
                    t.intervals.append((state if state in (WAITING, UNKNOWN) else RELEASED, since, now, arg))
                    # the released time before a wait is named by this acquire too
                    state, since, site = HELD, now, arg
                elif typ == GIL_QUIET:
                    # pairs of release + re-take with no one else taking the GIL: released
                    # time spread over the span, inside what was held
                    if len(payload) >= 32:  # two payload slots: the span's ends in ticks
                        count, released, _longest, _ = struct.unpack_from("<IIII", payload)
                        first, last = struct.unpack_from("<QQ", payload, 16)
                    else:  # one: stamped at the span's end, its length
                        count, released, span, _longest = struct.unpack_from("<IIII", payload)
                        first, last = ts - span, ts
                    t.quiet.append((self.to_ns(first), self.to_ns(last), (self.to_ns(first + released) - self.to_ns(first)), count, arg))
                elif typ == LOCK_QUIET:
                    count, held, _longest, _ = struct.unpack_from("<IIII", payload)
                    first, last = struct.unpack_from("<QQ", payload, 16)
                    acq_site, rel_site = struct.unpack_from("<II", payload, 32)
                    a, b = self.to_ns(first), self.to_ns(last)
                    each = (self.to_ns(first + held) - a) / count if count else 0
                    for i in range(count):  # the pairs evenly over the span: counts and sites exact
                        at = a + (b - a - each) * i / max(count - 1, 1)
                        t.acquires.append((arg, at, acq_site, False))
                        t.releases.append((arg, at + each, rel_site))
                elif typ == GIL_HOLD_SITE and state == HELD:
                    # a long hold goes on; the piece so far is named by this line
                    t.intervals.append((HELD, since, now, arg))
                    since, site = now, arg
                elif typ == THREAD_END:
                    t.intervals.append((state, since, now, site))
                    t.end, since = now, None
            if since is not None:
                t.intervals.append((state, since, self.last_ns, site))
                t.end = self.last_ns


def owner_intervals(process, lock_id):
    """(start_ns, end_ns, holder thread, acquiring site, releasing site) of each
    hold of a lock, from its acquires (stamped when the lock was obtained) and
    releases (by any thread)."""
    events = []
    for t in process.threads.values():
        events += [(ns, 1, t, site) for lid, ns, site, _ in t.acquires if lid == lock_id]
        events += [(ns, 0, None, site) for lid, ns, site in t.releases if lid == lock_id]
    events.sort(key=lambda e: (e[0], e[1]))
    holds, open_ = [], None
    for ns, is_acquire, t, site in events:
        if is_acquire:
            open_ = (ns, t, site)
        elif open_:
            holds.append((open_[0], ns, open_[1], open_[2], site))
            open_ = None
    return holds


def load(directory):
    """The processes of a recording directory, and its session.json if any."""
    procs = [Process(p) for p in sorted(glob.glob(os.path.join(directory, "*.gsr")))]
    session = None
    path = os.path.join(directory, "session.json")
    if os.path.exists(path):
        with open(path) as f:
            session = json.load(f)
    return procs, session
