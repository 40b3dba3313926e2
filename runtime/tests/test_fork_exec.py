"""A child that subprocess forks to exec another program is not a recorded
Python process (probe.c, forked_to_exec): no file for it, whether its
preexec_fn runs Python or not, and one file for an exec'd Python."""
import glob
import os
import unittest

from .workload import record


class ForkThenExec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = record("fork_exec.py")
        assert cls.result.returncode == 0, cls.result.stderr.decode(errors="replace")
        cls.truth = cls.result.truth

    def files_of(self, pid):
        return glob.glob(os.path.join(self.result.directory, "p%d-*.gsr" % pid))

    def test_a_child_that_execs_a_program_that_is_not_python_leaves_no_file(self):
        for pid in self.truth["sleep_pids"]:
            self.assertEqual(self.files_of(pid), [], "the /bin/sleep child %d left a file" % pid)

    def test_an_execd_python_has_one_file_with_its_own_command_line(self):
        self.assertEqual(len(self.files_of(self.truth["python_pid"])), 1)
        p = next(p for p in self.result.processes if p.pid == self.truth["python_pid"])
        self.assertIn("-c", p.argv)

    def test_the_recorded_processes_are_the_main_one_the_execd_python_and_the_forked_child(self):
        pids = sorted(p.pid for p in self.result.processes)
        self.assertEqual(pids, sorted([self.result.session["pid"], self.truth["python_pid"], self.truth["fork_pid"]]))


if __name__ == "__main__":
    unittest.main()
