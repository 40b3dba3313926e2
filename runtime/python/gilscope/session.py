"""Launches a workload under the recorder and writes session.json beside the
per-process files (runtime/FORMAT.md). The workload's stdin, stdout and
stderr are inherited untouched; its exit status is returned, and a death by
signal is repeated on the launcher so that the caller sees the same status.

With `sampling` (the fallback when the exact recorder is unavailable) the
workload starts with its environment as it is, and this process samples it
from outside until it ends (gilscope/sampler/)."""
import json
import os
import signal
import subprocess
import sys
import time

from . import ENV_DIRECTORY, ENV_RUNTIME, parent_death, probe_handoff, safefiles

RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def make_recording_dir(path):
    """Creates or accepts the recording folder (safefiles.py says how);
    raises safefiles.UnsafePath with one sentence for the user."""
    return safefiles.make_recording_folder(path)


def workload_environment(directory, base=None, handoff=None):
    """The caller's environment with the recording directory, the runtime
    first on PYTHONPATH and the probe handed over (probe_handoff.py; an
    outer launcher's hand-over is dropped when there is none)."""
    env = _without_handoff(dict(os.environ if base is None else base))
    env.update(handoff or {})
    env[ENV_DIRECTORY] = directory
    env[ENV_RUNTIME] = RUNTIME_DIR
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = RUNTIME_DIR + (os.pathsep + old if old else "")
    return env


def _without_handoff(env):
    for name in probe_handoff.ENV_NAMES:
        env.pop(name, None)
    return env


def sampled_environment(base=None):
    """A sampled workload's environment: the caller's, without what a launcher
    in between (`gilscope record` starting `python -m gilscope.sampler`) added
    for itself: the recording directory, and the runtime first on PYTHONPATH."""
    env = _without_handoff(dict(os.environ if base is None else base))
    env.pop(ENV_DIRECTORY, None)
    runtime = env.pop(ENV_RUNTIME, None)
    if runtime and "PYTHONPATH" in env:
        parts = env["PYTHONPATH"].split(os.pathsep)
        if parts and parts[0] == runtime:
            parts = parts[1:]
        if parts:
            env["PYTHONPATH"] = os.pathsep.join(parts)
        else:
            del env["PYTHONPATH"]
    return env


def write_session(directory, info, name="session.json"):
    """Writes session.json atomically, never through a planted link (safefiles.replace_file)."""
    safefiles.replace_file(directory, name, (json.dumps(info, indent=2) + "\n").encode())


def run(command, directory, sampling=None, launcher="python -m gilscope.run", session_file="session.json",
        handoff=None):
    """Runs `command` recorded into `directory`; returns its wait status as
    (exit_code or None, signal or None). `sampling`: None for the exact
    recorder, or {"hz": rate, "reason": why exact mode is unavailable};
    `handoff`: the probe checked by the launcher (probe_handoff.py)."""
    env = workload_environment(directory, handoff=handoff) if sampling is None else sampled_environment()
    started = time.time()
    session = {"command": command, "cwd": os.getcwd(), "startedAt": started, "launcher": launcher}
    if sampling is not None:
        session["sampled"] = dict(sampling)
    write_session(directory, session, session_file)
    # The workload dies with this launcher, even by SIGKILL (parent_death.py).
    child = subprocess.Popen(command, env=env, preexec_fn=parent_death.preexec(os.getpid()))
    if sampling is not None:
        session["pid"] = child.pid
        write_session(directory, session, session_file)
    previous = {}

    def forward(signum, frame):
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            pass

    for s in FORWARDED_SIGNALS:
        previous[s] = signal.signal(s, forward)
    # The terminal sends SIGINT to the whole process group: the child gets it itself.
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if sampling is not None:
            returncode = _sample_until_exit(child, directory, sampling["hz"], session)
        else:
            returncode = child.wait()
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    session.update({"pid": child.pid, "endedAt": time.time()})
    if returncode < 0:
        session.update({"exitCode": None, "signal": -returncode})
    else:
        session.update({"exitCode": returncode, "signal": None})
    write_session(directory, session, session_file)
    return session["exitCode"], session["signal"]


def _sample_until_exit(child, directory, hz, session):
    """Samples the workload until it ends; returns its returncode. A failure
    of the sampler ends the sampling, never the workload: it is noted in
    session.json and on stderr, and the launcher waits for the workload."""
    from .sampler.loop import Sampler
    sampler = None
    try:
        sampler = Sampler(directory, child.pid, hz, session["command"])
        returncode = sampler.run(child.poll)
        sampler.finish(returncode if returncode >= 0 else None, -returncode if returncode < 0 else None)
    except Exception as error:  # noqa: BLE001  the workload must not notice
        session["sampled"]["error"] = "%s: %s" % (type(error).__name__, error)
        sys.stderr.write("gilscope: sampling stopped early: %s\n" % session["sampled"]["error"])
        returncode = child.wait()
    if sampler is not None:
        session["sampled"].update(sampler.summary())
        for note in sampler.notes():
            sys.stderr.write("gilscope: %s\n" % note)
    return returncode


def exit_like(exit_code, signum):
    """Leaves this process the way the workload left."""
    sys.stdout.flush()
    sys.stderr.flush()
    if signum is not None:
        if signum not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        time.sleep(1)
        os._exit(128 + signum)
    os._exit(exit_code)
