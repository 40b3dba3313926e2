"""Sub-interpreters with their own GIL (3.12+) are separate GILs."""
import sys
import unittest

from .workload import record
from .builds import NO_GIL, NO_GIL_REASON

NS = 1e9


@unittest.skipIf(sys.version_info < (3, 12), "per-interpreter GILs exist from 3.12")
@unittest.skipIf(NO_GIL, NO_GIL_REASON)
class OwnGils(unittest.TestCase):
    def test_each_subinterpreter_has_its_own_gil(self):
        r = record("subinterpreters.py")
        self.assertEqual(r.returncode, 0, r.stderr)
        p = r.main
        self.assertEqual(r.stderr, b"")
        workers = [t for t in p.threads.values() if str(t.tid) in r.truth["workers"]]
        self.assertEqual(len(workers), r.truth["interpreters"])
        gils = []
        for t in workers:
            held = {}
            for ts, typ, flags, arg, _ in t.events:
                if typ == 6:
                    held[flags & 0xFF] = held.get(flags & 0xFF, 0) + 1
            own = max(held, key=held.get)
            self.assertNotEqual(own, 0, "%s ran on the main GIL" % t.name)
            gils.append(own)
            # it held its GIL for about as long as its loop ran
            self.assertGreater(t.totals()["held"] / NS, 0.8 * r.truth["seconds"])
        self.assertEqual(len(set(gils)), len(gils), "two sub-interpreters share a GIL")
        # each GIL is registered with the id of the interpreter it belongs to
        # (found in use with 0, then named by its first taker)
        registered = {}
        for t in p.threads.values():
            for ts, typ, flags, arg, _ in t.events:
                if typ == 7 and (arg or (flags & 0xFF) not in registered):
                    registered[flags & 0xFF] = arg
        ids = {registered.get(own) for own in gils}
        self.assertEqual(ids, set(r.truth["interpreter_ids"].values()))
        # and they ran at the same time: as long as one loop, but for the time the OS kept
        # them off a CPU (their run-queue delay, all of it on a loaded machine)
        off_cpu = max(p.cpu_wait(t) for t in workers) / NS
        self.assertLess(r.truth["wall_seconds"] - off_cpu, 1.6 * r.truth["seconds"],
                        "%.2f s of work each, %.2f s waiting for a CPU" % (r.truth["seconds"], off_cpu))




@unittest.skipIf(sys.version_info < (3, 14), "InterpreterPoolExecutor exists from 3.14")
@unittest.skipIf(NO_GIL, NO_GIL_REASON)
class InterpreterPool(unittest.TestCase):
    def test_each_worker_holds_its_own_interpreters_gil(self):
        r = record("interpreter_pool.py", "--workers", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        p = r.main
        workers = [t for t in p.threads.values() if (t.name or "").startswith("InterpreterPoolExecutor")]
        self.assertEqual(len(workers), r.truth["workers"])
        own = []
        for t in workers:
            held_by_gil = {}
            since = None
            for ts, typ, flags, arg, _ in t.events:
                if typ == 6:
                    since = (flags & 0xFF, ts)
                elif typ == 4 and since:
                    held_by_gil[since[0]] = held_by_gil.get(since[0], 0) + (ts - since[1])
                    since = None
            gil = max(held_by_gil, key=held_by_gil.get)
            self.assertNotEqual(gil, 0, "%s held the main GIL most" % t.name)
            own.append(gil)
            self.assertGreater(t.totals()["held"] / (t.end - t.start), 0.6, "%s held its GIL most of its life" % t.name)
        self.assertEqual(len(set(own)), len(own), "two workers on one GIL")


if __name__ == "__main__":
    unittest.main()
