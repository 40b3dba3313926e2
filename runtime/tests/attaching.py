"""What `gilscope attach` does, in Python, for the runtime's tests: build the
probe for this interpreter, make the recording and its private control folder,
have the running process start recording (remote_request.py: a script run by
sys.remote_exec that calls attached.start), wait for its marker, and stop it
the same way. The product's launcher is src/core/attach/ (TypeScript); the
scripts and the in-process side are the same."""
import json
import os
import subprocess
import sys
import tempfile
import time

from .workload import RUNTIME

RUNNER = "import sys; sys.path.insert(0, sys.argv.pop(1)); from gilscope.remote_request import main; sys.exit(main())"


def can_attach():
    """None when this interpreter can attach (3.14+, remote debugging on), else why not."""
    if not hasattr(sys, "remote_exec"):
        return "attaching needs sys.remote_exec (CPython 3.14+)"
    if not sys.is_remote_debug_enabled():
        return "remote debugging is off in this interpreter"
    return None


def _start_time(pid):
    with open("/proc/%d/stat" % pid, "rb") as f:
        text = f.read()
    return int(text[text.rindex(b")") + 2:].split()[19])


def _build_module():
    sys.path.insert(0, RUNTIME)
    try:
        from gilscope import _build
    finally:
        sys.path.remove(RUNTIME)
    return _build


def prepare():
    """Builds the probe for this interpreter now (once), so that an attach
    made later while a short-lived target runs does not wait for a compiler."""
    _build_module().ensure_probe()


class AttachFailed(Exception):
    pass


class Attachment:
    """One attach to process `pid`: start(), then stop(); `directory` holds the recording."""

    def __init__(self, pid, hold_split_ms=10):
        _build = _build_module()
        self.pid = pid
        self.probe = _build.ensure_probe()
        self.build = _build.build_description()
        self.directory = os.path.join(tempfile.mkdtemp(prefix="gilscope-attach-test-"), "rec.gilscope")
        os.mkdir(self.directory, 0o700)
        self.control = os.path.join(self.directory, "attach")
        os.mkdir(self.control, 0o700)
        self.hold_split_ms = hold_split_ms
        self.started_at = self.stopped_at = None

    def _request(self, *args):
        done = subprocess.run([sys.executable, "-I", "-c", RUNNER, RUNTIME] + [str(a) for a in args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if not done.stdout.strip():
            raise AttachFailed("remote_request printed nothing: %s" % done.stderr.decode(errors="replace"))
        return json.loads(done.stdout)

    def _wait(self, names, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name in names:
                path = os.path.join(self.control, name)
                if os.path.exists(path):
                    with open(path) as f:
                        return name, f.read().splitlines()
            time.sleep(0.02)
        return None, None

    def start(self, timeout=30, launcher=None):
        """The recording's path; raises AttachFailed. `launcher`: the pid of the
        process that stands for the launcher (the probe's watch stops recording
        when it is gone); this one by default."""
        launcher = launcher or os.getpid()
        said = self._request("start", self.pid, self.control, self.directory, self.probe, self.build,
                             launcher, _start_time(launcher), self.hold_split_ms)
        if not said["ok"]:
            raise AttachFailed(said["why"])
        name, lines = self._wait(("started", "start-failed"), timeout)
        if name is None:
            raise AttachFailed("process %d did not run the start script in %d s" % (self.pid, timeout))
        if lines[0] != "ok":
            raise AttachFailed(" ".join(lines))
        self.started_at = time.monotonic()
        return lines[1]

    def ask_stop_now(self):
        """What the launcher does first when it stops: CONTROL/stop-now, for the probe's watch."""
        try:
            os.close(os.open(os.path.join(self.control, "stop-now"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # asked already

    def stop(self, timeout=30):
        """The `stopped` marker's lines, or None when the process ended first. As
        the launcher does: stop-now first (the recording ends at once), then the
        stop script (the hooks go back when the main thread runs it)."""
        if os.path.isdir(self.control):
            self.ask_stop_now()
        said = self._request("stop", self.pid, self.control)
        if not said["ok"]:
            if said["kind"] == "gone":
                return None
            raise AttachFailed(said["why"])
        name, lines = self._wait(("stopped", "stop-failed"), timeout)
        if name != "stopped":
            raise AttachFailed("no stop: %s" % (lines,))
        self.stopped_at = time.monotonic()
        return lines
