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
        # and they held them at the same time
        self.assertLess(r.truth["wall_seconds"], 1.6 * r.truth["seconds"])


if __name__ == "__main__":
    unittest.main()
