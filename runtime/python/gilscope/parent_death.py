"""The workload dies with its launcher: a launcher killed by any signal,
SIGKILL included, must not leave the program it started running for the
rest of its life with nobody to wait for it.

Linux's parent-death signal does it: prctl(PR_SET_PDEATHSIG, SIGKILL) in
the child before exec, kept across exec (except into set-uid programs).
SIGKILL, not SIGTERM, because a workload may ignore or handle SIGTERM and
live on; the recording survives SIGKILL (it is a shared mapping, FORMAT.md).
A launcher that dies between the fork and the prctl is caught by comparing
getppid() with the launcher's pid right after.

Two uses:
- `python -m gilscope.run` (session.py) calls `preexec(launcher_pid)` as
  subprocess's preexec_fn: that launcher runs no threads of its own, so
  running Python code between fork and exec is safe there.
- `gilscope record` (Node, whose spawn has no such option) starts the
  workload through this file as a script, a trampoline:

      python -I -S parent_death.py LAUNCHER_PID PROGRAM [ARGS...]

  which sets the signal in itself and execs PROGRAM with ARGS, the
  environment the launcher gave it (read back from /proc/self/environ,
  because Python's start-up may add LC_CTYPE to its own), the same stdio
  and default signal handling; the pid stays the same, so the exit status
  is the workload's own.

As a script it imports nothing from gilscope, and -I -S keep the workload's
PYTHONPATH and site out of it. It uses the C modules _signal and _ctypes
rather than signal and ctypes, whose Python layers (enum, struct...) would
double its start-up time (bench/trampolineStart.mjs)."""
import _signal
import errno
import os
import sys

PR_SET_PDEATHSIG = 1


def _prctl():
    """A function calling libc's prctl with five ints, or None where it cannot be loaded."""
    try:
        import _ctypes
        address = _ctypes.dlsym(_ctypes.dlopen(None), "prctl")
        return lambda *args: _ctypes.call_function(address, args)
    except (ImportError, OSError, AttributeError):
        pass
    try:  # the public layer, should the private calls ever go
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None


def die_with(launcher_pid, prctl):
    """In the child, before exec: SIGKILL when the launcher goes; gone at
    once if it already has."""
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)
    if os.getppid() != launcher_pid:
        os.kill(os.getpid(), _signal.SIGKILL)


def preexec(launcher_pid):
    """A preexec_fn for subprocess.Popen. ctypes is loaded here, in the
    launcher, so that the child only makes the call."""
    prctl = _prctl()
    return lambda: die_with(launcher_pid, prctl)


def _original_environment():
    """The environment this process was started with: the kernel's copy,
    which Python's own start-up changes (C locale coercion sets LC_CTYPE)
    do not touch."""
    with open("/proc/self/environ", "rb") as f:
        block = f.read()
    env = {}
    for entry in block.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep and key:
            env[key] = value
    return env


def trampoline(argv):
    # First, so that a Ctrl-C in the few milliseconds before exec ends this
    # process as it would end the workload, without a Python traceback.
    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    launcher_pid, command = int(argv[0]), argv[1:]
    die_with(launcher_pid, _prctl())
    env = _original_environment()
    # Python ignores these two at start-up; an ignored signal stays ignored across exec.
    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(_signal, name):
            _signal.signal(getattr(_signal, name), _signal.SIG_DFL)
    try:
        os.execvpe(command[0], command, env)
    except OSError as error:
        reason = "no such program" if error.errno == errno.ENOENT else (error.strerror or str(error)).lower()
        sys.stderr.write("gilscope: cannot run '%s': %s\n" % (command[0], reason))
        sys.stderr.flush()
        os._exit(127)


if __name__ == "__main__":
    trampoline(sys.argv[1:])
