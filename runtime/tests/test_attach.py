"""Recording a process that runs already (gilscope attach, CPython 3.14+):
exactly, for the part of its run the recording covers, then the process goes
on as before: the same output, nothing on stderr, no hook, no thread, no
watcher left (attached.py). Below 3.14 (no sys.remote_exec) it is skipped.

On a busy 2-core machine: every wait has a deadline, and shares are judged
against what the run itself measured (each worker's CPU time over the
recorded part, from its own samples; the time the OS kept it off a core)."""
import json
import os
import struct
import subprocess
import sys
import time
import unittest

from . import recording
from . import attaching
from .attaching import AttachFailed, Attachment, can_attach
from .builds import NO_GIL
from .workload import REPO, WORKLOADS, TRUTH_PREFIX, environment

NS = 1e9
CANNOT = can_attach()


def setUpModule():
    if not CANNOT:
        attaching.prepare()


def start_target(*args, truth=True, script=None):
    env = environment(truth=truth)
    env.pop("PYTHONPATH", None)  # the program is not ours: nothing of gilscope on its path
    command = [sys.executable] + (["-c", script] if script else [os.path.join(WORKLOADS, "attach_target.py")]) + list(args)
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(target, timeout=60):
    out, err = target.communicate(timeout=timeout)
    return target.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def truth_of(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith(TRUTH_PREFIX)]
    return json.loads(lines[-1][len(TRUTH_PREFIX):]) if lines else None


def cpu_seconds(samples, a, b):
    """A worker's CPU time over [a, b] (perf_counter seconds), from its (time, thread_time) samples."""
    def at(t):
        for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
            if t1 >= t:
                return c0 + (c1 - c0) * max(0.0, t - t0) / (t1 - t0) if t1 > t0 else c1
        return samples[-1][1]
    return at(b) - at(a)


def share(thread, state, a, b):
    total = sum(max(0, min(y, b) - max(x, a)) for s, x, y, _ in thread.intervals if s == state)
    if state in ("held", "released"):
        quiet = thread.quiet_released_in(a, b)
        total += quiet if state == "released" else -quiet
    return total / (b - a)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("%s within %d s" % (what, timeout))


@unittest.skipIf(CANNOT, CANNOT)
class FourCpuThreadsAttachedForTwoSeconds(unittest.TestCase):
    """8 s of four CPU threads; attached after 1.5 s for 2 s."""

    @classmethod
    def setUpClass(cls):
        cls._attach_once()
        if not NO_GIL and cls.p is not None and cls._waiting_at_attach() < 2:
            # on a loaded machine the workers woken by their GIL wait's 5 ms timeout may all be
            # runnable, not asleep, at the attach: their state is then unknown, truly; one more
            # attach to a new process, said, before judging
            sys.stderr.write("\n  attach: %d workers known waiting at the attach; attached once more\n" % cls._waiting_at_attach())
            cls._attach_once()

    @classmethod
    def _attach_once(cls):
        cls.target = start_target("--threads", "4", "--seconds", "8")
        try:
            time.sleep(1.5)
            cls.attachment = Attachment(cls.target.pid)
            cls.path = cls.attachment.start()
            time.sleep(2.0)
            cls.stopped = cls.attachment.stop()
        finally:
            cls.code, cls.out, cls.err = finish(cls.target)
        cls.truth = truth_of(cls.out)
        processes, _ = recording.load(cls.attachment.directory)
        cls.processes = processes
        cls.p = processes[0] if processes else None

    @classmethod
    def _waiting_at_attach(cls):
        return sum(1 for t in cls.p.threads.values() if not t.main and cls.p.at_attach.get(t.tid, (0, 0))[1] == 2)

    def test_the_program_runs_on_as_if_nothing_happened(self):
        self.assertEqual(self.code, 0, self.err)
        self.assertEqual(self.err, "")
        self.assertEqual(self.out.splitlines()[0], "attach_target: 4 threads ran")

    def test_one_recording_attached_and_stopped_while_the_process_went_on(self):
        self.assertEqual([p.path for p in self.processes], [self.path])
        self.assertEqual(self.stopped[:2], ["ok", self.path])
        self.assertEqual(self.stopped[2], "lost 0")
        p = self.p
        self.assertEqual(p.pid, self.target.pid)
        self.assertTrue(p.attached)
        self.assertEqual(p.attach_mono_ns, p.start_mono_ns)
        self.assertEqual(p.end_kind, recording.END_DETACHED)

    def test_the_recording_covers_about_two_seconds(self):
        p = self.p
        span = (p.end_mono_ns - p.start_mono_ns) / NS
        # from probe.start to probe.stop: the 2 s asked for, and what the process took to
        # run the start's last steps and the stop, which it says in its markers' times
        began = struct.unpack_from("<Q", p.data, 48)[0] / NS  # start_realtime_ns
        stopped = os.stat(os.path.join(self.attachment.control, "stopped")).st_mtime
        self.assertGreaterEqual(span, 1.95)
        self.assertLessEqual(span, stopped - began + 0.05, "recorded %.2f s" % span)
        self.assertLess(span, 2 + 1.0, "the stop took long")

    def workers(self):
        return sorted((t for t in self.p.threads.values() if not t.main), key=lambda t: t.name or "")

    @unittest.skipIf(NO_GIL, "a free-threaded build runs without a GIL")
    def test_each_worker_waited_for_the_gil_when_recording_began(self):
        # the start script ran holding the GIL: the four pure-Python workers were
        # asleep waiting for it (3.15 says so; on 3.14 the kernel does, blockedon.c),
        # or on a CPU about to ask for it (unknown): never running without it
        states = [self.p.at_attach.get(t.tid, (0, 0))[1] for t in self.workers()]
        self.assertNotIn(3, states, "a pure-Python worker ran without the GIL?")
        self.assertGreaterEqual(states.count(2), 2, states)

    def test_the_four_threads_that_ran_before_are_named(self):
        self.assertEqual([t.name for t in self.workers()], ["cpu-0", "cpu-1", "cpu-2", "cpu-3"])
        by_tid = {w["native_id"]: w["name"] for w in self.truth["threads"]}
        for t in self.workers():
            self.assertEqual(by_tid[t.tid], t.name)
        self.assertEqual([t.tid for t in self.p.threads.values() if t.main], [self.target.pid])

    @unittest.skipIf(NO_GIL, "a free-threaded build runs without a GIL")
    def test_each_holds_a_quarter_and_waits_most_of_the_rest(self):
        p = self.p
        a, b = p.start_mono_ns, p.end_mono_ns
        samples = {w["native_id"]: w["samples"] for w in self.truth["threads"]}
        for t in self.workers():
            held, waiting = share(t, "held", a, b), share(t, "waiting", a, b)
            cpu = cpu_seconds(samples[t.tid], a / NS, b / NS) / ((b - a) / NS)
            # a holder the OS took off its core holds on without running: held covers
            # its CPU time and at most the time it waited for a core (CPU_SAMPLE)
            off_core = p.cpu_wait(t, a, b) / (b - a)
            what = "%s held %.3f, ran %.3f, off a core %.3f" % (t.name, held, cpu, off_core)
            self.assertGreaterEqual(held, cpu - 0.03, what)
            self.assertLessEqual(held, cpu + off_core + 0.03, what)
            self.assertLess(abs(held - 0.25), 0.08, what)
            self.assertGreaterEqual(waiting, 0.85 * (1 - held), "%s waited %.3f" % (t.name, waiting))
        main = next(t for t in p.threads.values() if t.main)
        self.assertLess(share(main, "held", a, b), 0.05)


@unittest.skipIf(CANNOT, CANNOT)
class AttachAgainAndToAProcessThatEnds(unittest.TestCase):
    def setUp(self):
        import tempfile
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.done = os.path.join(folder.name, "done")  # the target runs until it appears

    def test_twice_in_a_row_to_the_same_process(self):
        target = start_target("--threads", "2", "--seconds", "120", "--until-file", self.done)
        try:
            time.sleep(0.5)
            recordings = []
            for _ in range(2):
                attachment = Attachment(target.pid)
                path = attachment.start()
                time.sleep(0.6)
                self.assertEqual(attachment.stop()[:2], ["ok", path])
                recordings.append(attachment.directory)
        finally:
            open(self.done, "w").close()
            code, out, err = finish(target)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(out.splitlines()[0], "attach_target: 2 threads ran")
        for directory in recordings:
            (p,), _ = recording.load(directory)
            self.assertEqual(p.end_kind, recording.END_DETACHED)
            names = sorted(t.name for t in p.threads.values() if not t.main)
            self.assertEqual(names, ["cpu-0", "cpu-1"], directory)
            for t in p.threads.values():
                if not t.main:
                    self.assertGreater(t.totals()["held"] / NS, 0.1, "%s in %s" % (t.name, directory))
                # each file defines what it uses: the second is no continuation of the first
                used = {site for _, _, _, site in t.intervals if site}
                self.assertTrue(used, "%s in %s names no line" % (t.name, directory))
                self.assertEqual([s for s in used if p.site(s) is None], [], "%s in %s" % (t.name, directory))
                if not t.main:
                    self.assertIn("attach_target.py", {p.site(s)[0].rsplit("/", 1)[-1] for s in used})

    def test_a_process_that_ends_while_recorded(self):
        target = start_target("--threads", "2", "--seconds", "120", "--until-file", self.done)
        try:
            time.sleep(0.5)
            attachment = Attachment(target.pid)
            attachment.start()
            time.sleep(0.3)
            open(self.done, "w").close()  # it ends while recorded
            wait_until(lambda: target.poll() is not None, 60, "the program ends")
            self.assertIsNone(attachment.stop(), "no stop in a process that ended")
        finally:
            open(self.done, "w").close()
            code, out, err = finish(target)
        self.assertEqual((code, err), (0, ""))
        (p,), _ = recording.load(attachment.directory)
        self.assertTrue(p.attached)
        self.assertEqual(p.end_kind, 1)  # it exited, while recorded
        self.assertEqual(sorted(t.name for t in p.threads.values() if not t.main), ["cpu-0", "cpu-1"])



# A program whose main thread runs Python (so that the start script runs), then,
# once told to (the file argv[1] appears), blocks in one long sleep: a stop
# script waits for it, while one CPU thread runs on.
BLOCKS = r'''
import os, sys, threading, time
go_block = sys.argv[1]
done = []
def spin():
    end = time.monotonic() + 6
    acc = 0
    while time.monotonic() < end:
        acc += 1
    done.append(acc > 0)
t = threading.Thread(target=spin, name="spinner")
t.start()
while not os.path.exists(go_block):
    time.sleep(0.02)
time.sleep(3)
t.join()
print("blocks: done", done)
'''


def end_of(directory, deadline_s):
    """(end_kind, end_code, seconds it took to appear) of the recording, polled from its header
    (0 for the kind when it has not ended within `deadline_s`)."""
    began = time.monotonic()
    while True:
        (p,), _ = recording.load(directory)
        if p.end_kind or time.monotonic() - began > deadline_s:
            return p.end_kind, p.end_code, time.monotonic() - began
        time.sleep(0.02)


@unittest.skipIf(CANNOT, CANNOT)
class StopsWithoutTheMainThread(unittest.TestCase):
    """The probe's watch (runtime/csrc/watch.c): a recording ends when the
    launcher asks, even while the main thread runs no Python, and never
    outlives its launcher."""

    def setUp(self):
        import tempfile
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.block = os.path.join(folder.name, "block")

    def assertEndedInTheSleep(self, directory, slept_at):
        """The file ended while the main thread slept (3 s from `slept_at`, time.monotonic())."""
        (p,), _ = recording.load(directory)
        self.assertLess(p.end_mono_ns / NS, slept_at + 3.0, "it ended only when the main thread woke")

    def test_stop_now_while_the_main_thread_sleeps(self):
        target = start_target(self.block, truth=False, script=BLOCKS)
        try:
            time.sleep(0.3)
            attachment = Attachment(target.pid)
            attachment.start()
            open(self.block, "w").close()
            slept_at = time.monotonic()
            time.sleep(0.5)  # in its sleep now: a stop script would wait 2.5 s more
            attachment.ask_stop_now()
            kind, code, _ = end_of(attachment.directory, 10)
            self.assertEqual((kind, code), (recording.END_DETACHED, 1))
            self.assertEndedInTheSleep(attachment.directory, slept_at)
            # the hooks go back when it runs Python again
            self.assertEqual(attachment.stop()[0], "ok")
        finally:
            code, out, err = finish(target)
        self.assertEqual((code, out, err), (0, "blocks: done [True]\n", ""))
        (p,), _ = recording.load(attachment.directory)
        spinner = [t for t in p.threads.values() if t.name == "spinner"]
        self.assertEqual(len(spinner), 1)
        self.assertGreater(spinner[0].totals()["held"] / NS, 0.2, "it ran while recorded")

    def test_a_launcher_killed_with_sigkill_ends_the_recording(self):
        launcher = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        target = start_target(self.block, truth=False, script=BLOCKS)
        try:
            time.sleep(0.3)
            attachment = Attachment(target.pid)
            attachment.start(launcher=launcher.pid)
            open(self.block, "w").close()
            slept_at = time.monotonic()
            time.sleep(0.3)
            launcher.kill()
            launcher.wait()
            kind, code, _ = end_of(attachment.directory, 10)
            self.assertEqual((kind, code), (recording.END_DETACHED, 2))
            self.assertEndedInTheSleep(attachment.directory, slept_at)
        finally:
            if launcher.poll() is None:
                launcher.kill()
                launcher.wait()
            code, out, err = finish(target)
        self.assertEqual((code, out, err), (0, "blocks: done [True]\n", ""))

# A program that notes what a recorder could leave behind, lets itself be
# attached to (it runs Python every 20 ms), then says what changed.
UNTOUCHED = r'''
import atexit, gc, os, sys, time
from importlib.machinery import ExtensionFileLoader

def state():
    return {
        "tasks": sorted(os.listdir("/proc/self/task")),
        "meta_path": [type(f).__name__ for f in sys.meta_path],
        "gc_callbacks": len(gc.callbacks),
        "atexit": atexit._ncallbacks(),
        "create_module": ExtensionFileLoader.__dict__["create_module"],
        "threading": "threading" in sys.modules,
        "sys_path": list(sys.path),
    }

before = state()
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    time.sleep(0.02)
after = state()
changed = sorted(k for k in before if before[k] != after[k])
print("changed: %s" % ", ".join("%s %r -> %r" % (k, before[k], after[k]) for k in changed) if changed else "unchanged")
'''


@unittest.skipIf(CANNOT, CANNOT)
class LeavesNothingBehind(unittest.TestCase):
    def test_hooks_watchers_and_threads_are_gone_after_the_stop(self):
        target = start_target("4", truth=False, script=UNTOUCHED)
        try:
            time.sleep(0.5)
            attachment = Attachment(target.pid)
            attachment.start()
            time.sleep(0.5)
            attachment.stop()
        finally:
            code, out, err = finish(target)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(out.strip(), "unchanged")

    def test_a_start_after_the_launcher_gave_up_does_nothing(self):
        target = start_target("2", truth=False, script=UNTOUCHED)
        try:
            attachment = Attachment(target.pid)
            with open(os.path.join(attachment.control, "cancelled"), "w"):
                pass
            time.sleep(0.3)
            with self.assertRaises(AttachFailed):
                attachment.start(timeout=1)
        finally:
            code, out, err = finish(target)
        self.assertEqual((code, err, out.strip()), (0, "", "unchanged"))
        self.assertEqual([n for n in os.listdir(attachment.directory) if n.endswith(".gsr")], [])


if __name__ == "__main__":
    unittest.main()
