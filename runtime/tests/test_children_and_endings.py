"""Children are recorded to their own files, linked to their parent; a
process that crashes, leaves through os._exit or is killed leaves a readable
recording up to its last moments; and recording changes nothing the
workload prints or returns."""
import signal
import sys
import unittest

from .workload import record, run_plain, run_queue_share, union_share

NS = 1e9


# Eight tasks of 12-30 ms: both workers take some; a sixteenth of the workload's default work.
POOL_SIZE = ("--tasks", "8", "--loops", "500000")


class Children(unittest.TestCase):
    def check_pool(self, method):
        r = record("mp_pool.py", "--start-method", method, *POOL_SIZE)
        self.assertEqual(r.returncode, 0, r.stderr)
        parent = r.main
        by_pid = {p.pid: p for p in r.processes}
        workers = r.truth["worker_pids"]
        for pid in workers:
            self.assertIn(pid, by_pid, "worker %d of a %s pool was not recorded" % (pid, method))
            child = by_pid[pid]
            # fork children are the parent's; spawn and forkserver children descend from it
            ancestors, p = set(), child
            while p is not None and p.ppid not in ancestors:
                ancestors.add(p.ppid)
                p = by_pid.get(p.ppid)
            self.assertIn(parent.pid, ancestors)
            self.assertTrue(child.threads, "worker %d has no threads" % pid)
            busy = sum(t.totals()["held"] for t in child.threads.values())
            self.assertGreater(busy / NS, 0.5 * r.truth["per_worker_task_seconds"][str(pid)])
        return r

    def test_fork_pool(self):
        self.check_pool("fork")

    def test_spawn_pool(self):
        self.check_pool("spawn")

    def test_forkserver_pool(self):
        self.check_pool("forkserver")

    def test_pool_with_the_default_start_method(self):
        # forkserver from 3.14 on Linux, fork before
        r = self.check_pool("default")
        self.assertEqual(r.truth["start_method"], "forkserver" if sys.version_info >= (3, 14) else "fork")


class Endings(unittest.TestCase):
    def check_readable_until(self, r, end_at, thread_start):
        p = r.main
        workers = [t for t in p.threads.values() if not t.main]
        self.assertGreaterEqual(len(workers), 2)
        last = max(b for t in p.threads.values() for _, _, b, _ in t.intervals)
        self.assertGreater(last, end_at * NS - 0.05 * NS, "the last records are too long before the end")
        # Two CPU threads keep the GIL held to the end, but for its hand-overs: a thread given
        # the GIL that waits for a CPU leaves it held by nobody meanwhile, which the threads'
        # run-queue delay bounds (all of it on a loaded machine, none on a quiet one).
        start, end = thread_start * NS, end_at * NS
        held = union_share(workers, "held", start, end)
        off_cpu = run_queue_share(p, workers, start, end)
        self.assertGreaterEqual(held, 0.9 - off_cpu, "GIL held %.1f%%, the threads waited %.1f%% for a CPU"
                                % (100 * held, 100 * off_cpu))

    def test_segfault(self):
        r = record("crash_segv.py")
        self.assertEqual(r.returncode, -signal.SIGSEGV)
        self.assertEqual(r.session["signal"], signal.SIGSEGV)
        self.assertEqual(r.main.end_kind, 3)
        self.assertEqual(r.main.end_code, signal.SIGSEGV)
        self.check_readable_until(r, r.truth["crash_at"], r.truth["threads_start"])

    def test_a_segfault_sent_with_kill_kills_it_as_bare(self):
        # The probe's handler took every SIGSEGV for a fault that re-executes, and returned: a
        # SIGSEGV sent with os.kill() was lost and the program exited 0 recorded (found by the
        # stress harness). Only the kernel's faults (si_code > 0) re-execute.
        bare = run_plain("crash_segv.py", "--method", "kill")
        r = record("crash_segv.py", "--method", "kill")
        self.assertEqual(bare.returncode, -signal.SIGSEGV)
        self.assertEqual(r.returncode, -signal.SIGSEGV, r.stderr)
        self.assertEqual(r.session["signal"], signal.SIGSEGV)
        self.assertEqual((r.main.end_kind, r.main.end_code), (3, signal.SIGSEGV))
        self.check_readable_until(r, r.truth["crash_at"], r.truth["threads_start"])

    def test_os_exit(self):
        r = record("exit_os_exit.py")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.main.end_kind, 2)
        self.assertEqual(r.main.end_code, 3)
        self.check_readable_until(r, r.truth["exit_at"], r.truth["threads_start"])

    def test_sigkill(self):
        r = record("killed.py")
        self.assertEqual(r.returncode, -signal.SIGKILL)
        self.assertEqual(r.session["signal"], signal.SIGKILL)
        # it killed itself, through the interpreter's kill(): seen; from outside it would not be
        self.assertEqual((r.main.end_kind, r.main.end_code), (3, signal.SIGKILL))
        self.check_readable_until(r, r.truth["kill_at"], r.truth["threads_start"])


class KeyboardInterruptEnd(unittest.TestCase):
    def test_an_uncaught_keyboard_interrupt_is_a_death_by_sigint(self):
        import os
        import subprocess
        import sys
        import tempfile
        from .workload import RUNTIME, environment
        script = os.path.join(tempfile.mkdtemp(), "interrupted.py")
        with open(script, "w") as f:
            f.write("raise KeyboardInterrupt\n")
        directory = os.path.join(os.path.dirname(script), "rec.gilscope")
        done = subprocess.run([sys.executable, "-m", "gilscope.run", "-o", directory, script],
                              env=environment(truth=False), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(done.returncode, -signal.SIGINT)
        from . import recording
        processes, _ = recording.load(directory)
        self.assertEqual([(p.end_kind, p.end_code) for p in processes], [(3, signal.SIGINT)])


class Transparency(unittest.TestCase):
    """Same stdout, stderr and exit status with and without recording."""

    def check(self, name, *args):
        plain = run_plain(name, *args)
        recorded = record(name, *args, truth=False)
        self.assertEqual(recorded.returncode, plain.returncode, name)
        self.assertEqual(recorded.stdout, plain.stdout, name)
        self.assertEqual(recorded.stderr, plain.stderr, name)

    # What the workloads print and return, not how long they work: each as short as it goes.
    def test_threads(self):
        self.check("sleeping_threads.py", "--sleeps", "4")

    def test_pool(self):
        self.check("mp_pool.py", "--start-method", "spawn", "--tasks", "2", "--loops", "1000")

    def test_crash(self):
        self.check("crash_segv.py", "--after", "0.1")

    def test_os_exit(self):
        self.check("exit_os_exit.py", "--after", "0.1")

    def test_killed(self):
        self.check("killed.py", "--after", "0.1")


if __name__ == "__main__":
    unittest.main()
