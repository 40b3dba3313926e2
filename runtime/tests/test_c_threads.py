"""Threads started in C (no Python frame, or PyGILState_Ensure from a C
pthread) taking Lock, RLock, Condition, Semaphore, queues and Event, and a
thread that takes the GIL and runs no Python: recorded, the program behaves
byte for byte as bare, and the recording reads."""
import unittest

from . import cext
from .workload import record, run_plain


class CStartedThreads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        folder = cext.build("cthreads")
        cls.bare = run_plain("c_threads.py", folder)
        cls.r = record("c_threads.py", folder, truth=False)

    def test_same_exit_code_and_output_as_bare(self):
        self.assertEqual(self.bare.returncode, 0, self.bare.stderr)
        self.assertEqual(self.r.returncode, self.bare.returncode, self.r.stderr)
        self.assertEqual(self.r.stdout, self.bare.stdout)
        self.assertEqual(self.r.stderr, self.bare.stderr)

    def test_a_lock_taken_with_no_python_frame_is_recorded_at_site_0(self):
        p = self.r.main
        frameless = [a for t in p.threads.values() for a in t.acquires if a[2] == 0]
        self.assertTrue(frameless, "no acquire at site 0 (no Python frame) was recorded")

    def test_the_c_threads_are_recorded_with_gil_states(self):
        p = self.r.main
        # the main thread, two _thread threads, the C threads of each case, 20 that run no Python,
        # two threading.Threads
        self.assertGreater(len(p.threads), 30)
        for t in p.threads.values():
            total = sum(t.totals().values())
            self.assertAlmostEqual(total, t.end - t.start, delta=1000)


if __name__ == "__main__":
    unittest.main()
