"""Runs a test workload (test/workloads/) under the recorder with the
interpreter running the tests, and returns its recording and its truth line."""
import json
import os
import subprocess
import sys
import tempfile

from . import hang_report, recording

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNTIME = os.path.join(REPO, "runtime", "python")
WORKLOADS = os.path.join(REPO, "test", "workloads")
TRUTH_PREFIX = "GILSCOPE-TRUTH "


class Result:
    def __init__(self, directory, completed):
        self.directory = directory
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.processes, self.session = recording.load(directory)
        self.truth = None
        for line in completed.stdout.decode(errors="replace").splitlines():
            if line.startswith(TRUTH_PREFIX):
                self.truth = json.loads(line[len(TRUTH_PREFIX):])

    @property
    def main(self):
        """The process the launcher started."""
        pid = self.session["pid"]
        return next(p for p in self.processes if p.pid == pid)


def environment(truth=True, extra=None):
    env = dict(os.environ)
    env.pop("GILSCOPE_DIR", None)
    env["PYTHONPATH"] = RUNTIME
    if truth:
        env["GILSCOPE_TRUTH"] = "1"
    else:
        env.pop("GILSCOPE_TRUTH", None)
    env.update(extra or {})
    return env


_probe_built = False


def build_probe_once():
    """The probe for this interpreter, built before the first recorded run:
    a build inside a recorded run would count against its timeout (on a busy
    machine a compile takes minutes), and its notice would be on the run's
    stderr, which tests compare with a bare run's."""
    global _probe_built
    if _probe_built:
        return
    sys.path.insert(0, RUNTIME)
    try:
        from gilscope import _build
    finally:
        sys.path.remove(RUNTIME)
    _build.ensure_probe()
    _probe_built = True


def record(name, *args, truth=True, timeout=120, env=None):
    build_probe_once()
    directory = os.path.join(tempfile.mkdtemp(prefix="gilscope-test-"), "rec.gilscope")
    command = [sys.executable, "-m", "gilscope.run", "-o", directory, os.path.join(WORKLOADS, name)] + list(args)
    completed = hang_report.run(command, timeout, "the recorded run of %s (recording %s)" % (name, directory),
                                env=environment(truth, env), cwd=REPO)
    return Result(directory, completed)


def run_plain(name, *args, timeout=120):
    command = [sys.executable, os.path.join(WORKLOADS, name)] + list(args)
    env = environment(truth=False)
    env.pop("PYTHONPATH", None)
    return subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, cwd=REPO)


def share_in_window(thread, state, start_ns, end_ns):
    """Fraction of [start_ns, end_ns] that `thread` spent in `state`."""
    total = 0
    for s, a, b, _ in thread.intervals:
        if s == state:
            total += max(0, min(b, end_ns) - max(a, start_ns))
    # summarised release + re-take pairs (FORMAT.md GIL_QUIET) were inside held time
    if state in ("held", "released"):
        quiet = thread.quiet_released_in(start_ns, end_ns)
        total += quiet if state == "released" else -quiet
    return total / (end_ns - start_ns)


def union_share(threads, state, start_ns, end_ns):
    """Fraction of the window in which at least one of the threads was in `state`."""
    spans = sorted((max(a, start_ns), min(b, end_ns)) for t in threads for s, a, b, _ in t.intervals
                   if s == state and b > start_ns and a < end_ns)
    covered, cur_a, cur_b = 0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                covered += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        covered += cur_b - cur_a
    return covered / (end_ns - start_ns)


def run_queue_share(process, threads, start_ns, end_ns):
    """The time the threads spent runnable with no CPU to run on (CPU_SAMPLE's run-queue
    delay, FORMAT.md "Machine") over [start_ns, end_ns], summed, as a share of the window:
    what the machine's load can take from a share of time, as the recording measured it."""
    return sum(process.cpu_wait(t, start_ns, end_ns) for t in threads) / (end_ns - start_ns)


def thread_by_tid(process, tid):
    return next(t for t in process.threads.values() if t.tid == tid)
