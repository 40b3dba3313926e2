"""The probe never reads a thread state the finalizer has freed (cpython.h,
gs_tstate_may_be_gone): daemon threads contending at exit
(daemons_at_exit.py), recorded with freed memory overwritten
(MALLOC_PERTURB_), so that a read through a freed state fails at once. It
crashed the recorded program in about two runs of three on 3.12 (found by
the differential stress harness, seed 79123)."""
import os
import unittest

from .workload import HERE, record

RUNS = 6


class DaemonThreadsAtExit(unittest.TestCase):
    def test_every_run_ends_as_bare_with_a_readable_recording(self):
        for run in range(RUNS):
            result = record(os.path.join(HERE, "daemons_at_exit.py"), truth=False, timeout=60,
                            env={"MALLOC_PERTURB_": "165"})
            self.assertEqual(result.returncode, 0, "run %d: %s" % (run, result.stderr.decode(errors="replace")))
            self.assertEqual(result.stdout, b"daemons_at_exit: main done\n", "run %d" % run)
            self.assertTrue(result.processes, "run %d: a recording" % run)


if __name__ == "__main__":
    unittest.main()
