"""A fork never leaves the child waiting for a lock of the probe's that a
thread of the parent held at the fork (probe.c, after_fork_child).

The CPU sampling thread holds the recorder's segment lock, and no GIL, while
it grows the file; a fork made then gave a child whose first record waited
for that lock for ever (a multiprocessing child, in CI, once). Here the
growth is made slow and announced (slow_fallocate.c, preloaded), and the
workload forks on the announcement (fork_while_growing.py)."""
import os
import subprocess
import tempfile
import unittest

from .workload import HERE, record


def build_slow_fallocate():
    folder = tempfile.mkdtemp(prefix="gilscope-slow-fallocate-")
    target = os.path.join(folder, "slow_fallocate.so")
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", target, os.path.join(HERE, "slow_fallocate.c"), "-ldl"],
                   check=True)
    return target


class ForkWhileTheRecordingGrows(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = record(os.path.join(HERE, "fork_while_growing.py"), timeout=90,
                            env={"LD_PRELOAD": build_slow_fallocate(), "GILSCOPE_CPU_SAMPLE_MS": "1"})

    def test_the_child_forked_while_another_thread_held_the_recorders_lock_exits(self):
        self.assertEqual(self.result.returncode, 0,
                         self.result.stdout.decode(errors="replace") + self.result.stderr.decode(errors="replace"))
        self.assertIn(b"the child exited", self.result.stdout)

    def test_that_child_records_itself(self):
        recorded = {p.pid for p in self.result.processes}
        for pid in self.result.truth["children"]:
            self.assertIn(pid, recorded, "the forked child %d left no recording" % pid)


if __name__ == "__main__":
    unittest.main()
