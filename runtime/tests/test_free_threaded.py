"""A free-threaded build recorded as it runs: the GIL stays off, and where its
threads wait is recorded by what they wait on and the line (FORMAT.md,
"Free-threaded builds"): the objects whose own locks critical sections take,
stop-the-world pauses with their cause, and the GIL turned on by a module."""
import struct
import sys
import unittest

from . import cext
from .builds import FREE_THREADED, NO_GIL
from .recording import GIL_ACQUIRE, GIL_WAIT
from .workload import record, run_plain, thread_by_tid

NS = 1e9
KIND_OBJECT = 11
STW_WAIT, STW_END, PHASE, GIL_ENABLED = 30, 31, 32, 33
PHASE_GC, PHASE_END = 1, 1
ATTACH_INDEX = 255


def objects_waited(process, type_name):
    """The waits on objects of a type: [(lock id, thread, wait)]."""
    ids = {lid for lid, info in process.locks.items() if info["kind"] == KIND_OBJECT and process.lock_name(lid) == type_name}
    return [(w[0], t, w) for t in process.threads.values() for w in t.lock_waits if w[0] in ids]


def events(process, kind):
    return [(t, e) for t in process.threads.values() for e in t.events if e[1] == kind]


@unittest.skipUnless(NO_GIL, "a free-threaded build running without its GIL")
class FreeThreaded(unittest.TestCase):
    def test_recording_keeps_the_gil_off_and_changes_nothing(self):
        bare = run_plain("shared_objects.py", "--writes", "20000")
        r = record("shared_objects.py", "--writes", "20000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, bare.stderr)  # no "the GIL has been enabled" warning
        self.assertEqual([l for l in r.stdout.splitlines() if not l.startswith(b"GILSCOPE-TRUTH")], bare.stdout.splitlines())
        self.assertFalse(r.truth["gil_enabled"])
        self.assertEqual(r.main.gil_mode, 2)

    def test_independent_cpu_threads_hardly_wait(self):
        r = record("cpu_threads.py", "--threads", "4", "--seconds", "1.0")
        self.assertEqual(r.returncode, 0, r.stderr)
        t = r.truth
        # from 0.2 s in: leaving the start barrier, a thread may wait for its
        # Condition's lock while no core is free to run the one handed it
        start, end = t["window_start"] * NS + 0.2 * NS, t["window_end"] * NS
        for w in t["threads"]:
            worker = thread_by_tid(r.main, w["native_id"])
            # contention only (wait kind 0: a lock or an object): the start barrier is an event wait
            waited = sum(b - a for _, kind, a, b, _, _, _ in worker.lock_waits if kind == 0 and a >= start and b <= end)
            self.assertLess(waited / (end - start), 0.02, w["name"])
            self.assertFalse([e for e in worker.events if e[1] == GIL_WAIT], "no GIL wait without a GIL")

    def test_shared_dict_and_list_are_named_with_their_writing_lines(self):
        # Whether a thread finding the object busy parks (a wait) or only spins depends on
        # how the OS runs the four at that moment: a run in which one of them never had to
        # wait is repeated, at most twice.
        attempts = []
        while len(attempts) < 3:
            r = record("shared_objects.py")
            self.assertEqual(r.returncode, 0, r.stderr)
            attempts.append({name: len(objects_waited(r.main, name)) for name in ("dict", "list")})
            if all(attempts[-1].values()):
                break
        p, markers = r.main, r.truth["markers"]
        for type_name, marker in (("dict", "DICT-WRITE"), ("list", "LIST-APPEND")):
            waits = objects_waited(p, type_name)
            self.assertTrue(waits, "no wait on a %s was recorded in %d runs: %s" % (type_name, len(attempts), attempts))
            lines = {p.site(w[4])[1] for _, _, w in waits if p.site(w[4])}
            self.assertIn(markers[marker][0], lines, "%s waits at %s, not at its writing line" % (type_name, lines))

    def test_collections_stop_the_world_each_pause_with_its_duration_and_cause(self):
        r = record("gc_pauses.py", "--collections", "20")
        self.assertEqual(r.returncode, 0, r.stderr)
        p = r.main
        gc_spans = []
        for t, e in events(p, PHASE):
            if e[3] == PHASE_GC:
                gc_spans.append((p.to_ns(e[0]), e[2] & PHASE_END))
        gc_spans.sort()
        begins = [ns for ns, end in gc_spans if not end]
        ends = [ns for ns, end in gc_spans if end]
        self.assertGreaterEqual(len(begins), 20)
        # A pause: the threads it stopped (STW_WAIT .. STW_END) are woken together when the
        # world starts again (STW_END's wake time): grouped by that, however late each ran.
        stopped = []
        for t in p.threads.values():
            opened = None
            for e in t.events:
                if e[1] == STW_WAIT and not e[2] & 1:
                    opened = p.to_ns(e[0])
                elif e[1] == STW_END and not e[2] & 1 and opened is not None:
                    woken_ticks = struct.unpack_from("<Q", e[4], 8)[0]
                    if woken_ticks:
                        stopped.append((p.to_ns(woken_ticks), opened))
                    opened = None
        stopped.sort()
        pauses = []  # [start, end]
        for woken, began in stopped:
            if pauses and woken - pauses[-1][1] < 1e5:  # one start of the world wakes them within 0.1 ms
                pauses[-1][0] = min(pauses[-1][0], began)
                pauses[-1][1] = max(pauses[-1][1], woken)
            else:
                pauses.append([began, woken])
        self.assertGreaterEqual(len(pauses), 20, "%d pauses for 20 collections" % len(pauses))
        for a, b in pauses:
            self.assertGreater(b, a, "each pause has a duration")
        caused_by_gc = [m for m in pauses if any(s0 <= m[0] and m[1] <= e0 for s0, e0 in zip(begins, ends))]
        self.assertGreaterEqual(len(caused_by_gc), 20, "pauses inside a garbage collection")

    def test_a_module_that_turns_the_gil_on_is_named_and_the_gil_recorded_after(self):
        folder = cext.build("gil_needed")
        r = record("gil_enabling.py", folder)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"after: GIL True", r.stdout)
        p = r.main
        enabled = events(p, GIL_ENABLED)
        self.assertEqual(len(enabled), 1)
        t, e = enabled[0]
        self.assertEqual(p.strings.get(e[3]), "gil_needed")
        at = p.to_ns(e[0])
        start, end = r.truth["import_at"]
        self.assertTrue(start * NS <= at <= end * NS + 0.01 * NS, "seen at the import")
        gil_records = [(th, ev) for th in p.threads.values() for ev in th.events
                       if ev[1] in (GIL_ACQUIRE, GIL_WAIT) and ev[2] & 0xFF != ATTACH_INDEX]
        after = [ev for th, ev in gil_records if p.to_ns(ev[0]) > at]
        self.assertTrue([ev for ev in after if ev[1] == GIL_WAIT], "the spinning threads wait for the GIL once it is on")
        before = [ev for th, ev in gil_records if p.to_ns(ev[0]) < start * NS]
        self.assertFalse([ev for ev in before if ev[1] == GIL_WAIT], "no GIL wait before it was on")


@unittest.skipIf(FREE_THREADED, "on a build with a GIL")
class GilBuild(unittest.TestCase):
    def test_the_objects_writes_wait_for_the_gil_not_for_objects(self):
        r = record("shared_objects.py", "--writes", "20000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(objects_waited(r.main, "dict"))


if __name__ == "__main__":
    unittest.main()
