"""Launches a workload under the recorder and writes session.json beside the
per-process files (runtime/FORMAT.md). The workload's stdin, stdout and
stderr are inherited untouched; its exit status is returned, and a death by
signal is repeated on the launcher so that the caller sees the same status."""
import json
import os
import signal
import subprocess
import sys
import time

from . import ENV_DIRECTORY, ENV_RUNTIME

RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def make_recording_dir(path):
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return os.path.abspath(path)


def workload_environment(directory, base=None):
    env = dict(os.environ if base is None else base)
    env[ENV_DIRECTORY] = directory
    env[ENV_RUNTIME] = RUNTIME_DIR
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = RUNTIME_DIR + (os.pathsep + old if old else "")
    return env


def write_session(directory, info):
    path = os.path.join(directory, "session.json")
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(info, f, indent=2)
    os.replace(tmp, path)


def run(command, directory):
    """Runs `command` recorded into `directory`; returns its wait status as
    (exit_code or None, signal or None)."""
    env = workload_environment(directory)
    started = time.time()
    session = {"command": command, "cwd": os.getcwd(), "startedAt": started, "launcher": "python -m gilscope.run"}
    write_session(directory, session)
    child = subprocess.Popen(command, env=env)
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
        returncode = child.wait()
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    session.update({"pid": child.pid, "endedAt": time.time()})
    if returncode < 0:
        session.update({"exitCode": None, "signal": -returncode})
    else:
        session.update({"exitCode": returncode, "signal": None})
    write_session(directory, session)
    return session["exitCode"], session["signal"]


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
