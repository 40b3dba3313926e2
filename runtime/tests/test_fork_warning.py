"""os.fork() warns recorded exactly as bare (3.12+: "This process is
multi-threaded"): the probe's own threads, named gilscope-…, are not the
program's. Found by the stress harness (a program that forks with one thread
of its own printed a DeprecationWarning recorded only)."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

from .workload import environment, record, run_plain

WARNING = re.compile(r"DeprecationWarning: This process \(pid=\d+\) is multi-threaded")


class ForkWarning(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bare = run_plain("fork_one_thread.py")
        cls.r = record("fork_one_thread.py", truth=False)

    def test_the_same_output_and_exit_as_bare(self):
        self.assertEqual(self.bare.returncode, 0, self.bare.stderr)
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertEqual(self.r.stdout, self.bare.stdout)
        self.assertEqual(self.bare.stdout, b"one thread: 3\ntwo threads: 4\n")

    def test_it_warns_only_where_bare_warns(self):
        expected = 1 if sys.version_info >= (3, 12) else 0
        self.assertEqual(len(WARNING.findall(self.bare.stderr.decode())), expected, self.bare.stderr)
        self.assertEqual(len(WARNING.findall(self.r.stderr.decode())), expected, self.r.stderr)
        self.assertEqual(re.sub(r"pid=\d+", "pid=N", self.r.stderr.decode()),
                         re.sub(r"pid=\d+", "pid=N", self.bare.stderr.decode()))

    def test_the_probe_threads_are_named_and_not_counted_as_the_programs(self):
        folder = tempfile.mkdtemp(prefix="gilscope-test-")
        script = os.path.join(folder, "threads.py")
        with open(script, "w") as f:
            f.write("import os\n"
                    "from gilscope import fork_warning\n"
                    "names = sorted(open('/proc/self/task/%s/comm' % t).read().strip() for t in os.listdir('/proc/self/task'))\n"
                    "print(len(names), fork_warning.program_threads(), [n for n in names if n.startswith('gilscope-')])\n")
        done = subprocess.run([sys.executable, "-m", "gilscope.run", "-o", os.path.join(folder, "rec.gilscope"), script],
                              env=environment(False), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        total, program, ours = done.stdout.decode().split(" ", 2)
        # the CPU sampler always; the long-hold splitter too where there is a GIL
        self.assertIn(ours.strip(), ("['gilscope-cpu', 'gilscope-split']", "['gilscope-cpu']"))
        self.assertEqual(int(program), 1)
        self.assertEqual(int(total), 1 + ours.count("gilscope-"))


if __name__ == "__main__":
    unittest.main()
