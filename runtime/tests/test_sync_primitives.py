"""Every kind of wait the lock profiler knows, each at its own line."""
import unittest

from .workload import record

NS = 1e9
ACQUIRE, EVENT, FUTURE, JOIN = 0, 2, 5, 6
SEMAPHORE, BOUNDED, EVENT_KIND, MULTIPROCESSING = 4, 5, 6, 10


class SyncPrimitives(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = record("sync_primitives.py")
        cls.markers = cls.r.truth["markers"]
        cls.waits = []
        for p in cls.r.processes:
            for t in p.threads.values():
                for lid, kind, a, b, site, holder, acquired in t.lock_waits:
                    where = p.site(site)
                    if where and where[0].endswith("sync_primitives.py"):
                        lock = p.locks.get(lid, {})
                        made = p.site(lock.get("site", 0))
                        cls.waits.append({"pid": p.pid, "kind": kind, "seconds": (b - a) / NS, "line": where[1],
                                          "lock_kind": lock.get("kind"), "made": made, "end_ns": b,
                                          "process": p, "thread": t})

    def wait_at(self, marker):
        line = self.markers[marker]
        found = [w for w in self.waits if w["line"] == line]
        self.assertTrue(found, "no wait recorded at %s (line %d)" % (marker, line))
        longest = max(found, key=lambda w: w["seconds"])
        # against the wait the workload measured around its own call (its start moves on a
        # loaded machine, the other thread having slept part of WAIT before the call began);
        # the mplock wait is in a child, which measures nothing: the parent's hold then
        # The measured time also holds the moment from the wake to the call's return, which a
        # loaded machine stretches: the recorded wait lies between half of it and all of it, or
        # between all of it less the time the thread was runnable but off a CPU meanwhile (its
        # run-queue delay, from CPU samples 10 ms apart: a sample's width more each side).
        measured = self.r.truth["measured"].get(marker)
        if measured is None:  # the mplock wait is in a child, which measures nothing: the parent's hold then
            self.assertGreaterEqual(longest["seconds"], 0.7 * self.r.truth["wait_seconds"], marker)
            return longest
        end = longest["end_ns"]
        off_cpu = longest["process"].cpu_wait(longest["thread"], end - (measured + 0.02) * NS, end + 0.02 * NS) / NS
        said = "%s: %.4f s recorded, %.4f s measured, %.4f s of it off a CPU" % (marker, longest["seconds"], measured, off_cpu)
        self.assertGreaterEqual(longest["seconds"], min(0.5 * measured, measured - off_cpu - 0.01), said)
        self.assertLessEqual(longest["seconds"], measured + 0.002, said)
        return longest

    def check_made_at(self, wait, marker):
        self.assertIsNotNone(wait["made"])
        self.assertTrue(wait["made"][0].endswith("sync_primitives.py"), wait["made"])
        self.assertEqual(wait["made"][1], self.markers[marker])

    def test_exit(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)

    def test_semaphore(self):
        w = self.wait_at("WAIT-SEMAPHORE")
        self.assertEqual((w["kind"], w["lock_kind"]), (ACQUIRE, SEMAPHORE))
        self.check_made_at(w, "CREATE-SEMAPHORE")

    def test_bounded_semaphore(self):
        w = self.wait_at("WAIT-BOUNDED")
        self.assertEqual((w["kind"], w["lock_kind"]), (ACQUIRE, BOUNDED))
        self.check_made_at(w, "CREATE-BOUNDED")

    def test_event(self):
        w = self.wait_at("WAIT-EVENT")
        self.assertEqual((w["kind"], w["lock_kind"]), (EVENT, EVENT_KIND))
        self.check_made_at(w, "CREATE-EVENT")

    def test_future_result_wait_and_as_completed(self):
        for marker in ("WAIT-FUTURE", "WAIT-WAIT", "WAIT-COMPLETED"):
            self.assertEqual(self.wait_at(marker)["kind"], FUTURE, marker)

    def test_join(self):
        self.assertEqual(self.wait_at("WAIT-JOIN")["kind"], JOIN)

    def test_multiprocessing_lock_in_the_child_that_waited(self):
        w = self.wait_at("WAIT-MPLOCK")
        self.assertEqual(w["pid"], self.r.truth["mplock_child"])
        self.assertEqual((w["kind"], w["lock_kind"]), (ACQUIRE, MULTIPROCESSING))
        self.check_made_at(w, "CREATE-MPLOCK")


if __name__ == "__main__":
    unittest.main()
