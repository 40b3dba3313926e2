"""Asks a running Python process to start or stop recording (gilscope attach):
writes the small script that attached.py's start() or stop() runs from, into
the launcher's private control folder (0600, O_EXCL | O_NOFOLLOW:
safefiles), and hands it to the process with sys.remote_exec (PEP 768).

Run by the launcher with the target's own interpreter (remote_exec needs the
same minor version), isolated (-I), never inside the target:

    PYTHON -I -c "import sys; sys.path.insert(0, RUNTIME); from gilscope.remote_request import main; sys.exit(main())" \\
        start PID CONTROL RECORDING PROBE BUILD LAUNCHER_PID LAUNCHER_START HOLD_SPLIT_MS
    ... stop PID CONTROL

Prints one JSON object on stdout: {"ok": true, "script": PATH}, or
{"ok": false, "kind": KIND, "why": ONE_SENTENCE} with exit status 2; KIND is
"gone" (the process ended), "permission" (ptrace rights), "disabled" (remote
debugging is off in it or in this build), "version" or "failed".

sys.remote_exec only asks: the process runs the script at its main thread's
next eval-breaker check, and the launcher waits for attached.py's marker."""
import json
import os
import sys

from . import safefiles

RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def script_text(action, call, pid, control):
    """The script run in the target: puts the runtime on sys.path only for the
    import, then `call` (Python source calling gilscope.attached). A failure
    that attached.py could not say itself (its import) is written to
    CONTROL/ACTION-failed, never printed (stderr is the program's)."""
    return '''# Written by gilscope attach for process %(pid)d; run once in it by sys.remote_exec.
def _gilscope_attach():
    import sys
    runtime = %(runtime)r
    try:
        package = sys.modules.get("gilscope")
        if package is not None and list(getattr(package, "__path__", ())) != [runtime + "/gilscope"]:
            raise ImportError("the process has a module named gilscope of its own")
        attached = sys.modules.get("gilscope.attached")
        if attached is None:
            sys.path.insert(0, runtime)
            try:
                from gilscope import attached
            finally:
                if runtime in sys.path:
                    sys.path.remove(runtime)
        %(call)s
    except BaseException as error:
        import os
        try:
            fd = os.open(%(failed)r, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            os.write(fd, ("failed\\n%%s: %%s\\n" %% (type(error).__name__, error)).encode("utf-8", "replace"))
            os.close(fd)
        except BaseException:
            pass


_gilscope_attach()
''' % {"pid": pid, "runtime": RUNTIME, "call": call, "failed": os.path.join(control, "%s-failed" % action)}


def start_call(control, recording, probe, build, launcher_pid, launcher_start, hold_split_ms):
    return "attached.start(%r, %r, %r, %r, (%d, %d), %d)" % (
        control, recording, probe, build, launcher_pid, launcher_start, hold_split_ms)


def stop_call(control):
    return "attached.stop(%r)" % control


def write_script(control, name, text):
    """CONTROL/NAME, new, 0600, never through a link."""
    path = os.path.join(control, name)
    fd = safefiles.create_exclusive(path)
    try:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
    return path


def refusal(error, pid):
    """(kind, one sentence) for what sys.remote_exec raised."""
    text = " ".join(str(error).split())
    if isinstance(error, ProcessLookupError) or "No such process" in text or not _alive(pid):
        return "gone", "process %d has ended" % pid
    if isinstance(error, PermissionError) or "Operation not permitted" in text or "Permission denied" in text:
        return "permission", ("you may not attach to process %d (the kernel refused: %s); attach as its own user, "
                              "or as root" % (pid, text))
    if "not enabled" in text or "disabled" in text:
        return "disabled", ("remote debugging is turned off in process %d (PYTHON_DISABLE_REMOTE_DEBUG, "
                            "-X disable_remote_debug or its embedding application); restart it without that, or "
                            "launch it with gilscope record" % pid)
    if "version" in text.lower():
        return "version", "process %d runs another Python version than %s: %s" % (pid, sys.executable, text)
    return "failed", "sys.remote_exec could not reach process %d: %s" % (pid, text)


def _alive(pid):
    """Runs still: not gone, not a zombie (whose memory map is empty)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            text = f.read()
        return text[text.rindex(b")") + 2:][:1] not in (b"Z", b"X")
    except (OSError, ValueError):
        return False


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    action, pid, control = argv[0], int(argv[1]), argv[2]
    if action == "start":
        recording, probe, build, launcher_pid, launcher_start, hold = argv[3:9]
        call = start_call(control, recording, probe, build, int(launcher_pid), int(launcher_start), int(hold))
    elif action == "stop":
        call = stop_call(control)
    else:
        raise SystemExit("unknown action %s" % action)
    if not hasattr(sys, "remote_exec"):
        return _say({"ok": False, "kind": "version",
                     "why": "%s has no sys.remote_exec: attaching needs CPython 3.14 or newer" % sys.executable})
    if not sys.is_remote_debug_enabled():
        return _say({"ok": False, "kind": "disabled",
                     "why": "%s was built without remote debugging (--without-remote-debug): it cannot attach; "
                            "launch the program with gilscope record" % sys.executable})
    try:
        script = write_script(control, "%s.py" % action, script_text(action, call, pid, control))
    except OSError as error:
        return _say({"ok": False, "kind": "failed",
                     "why": "cannot write the %s script in %s: %s" % (action, control, safefiles.os_error_words(error))})
    try:
        sys.remote_exec(pid, script)
    except (OSError, RuntimeError, ValueError) as error:
        kind, why = refusal(error, pid)
        return _say({"ok": False, "kind": kind, "why": why})
    return _say({"ok": True, "script": script})


def _say(report):
    sys.stdout.write(json.dumps(report) + "\n")
    return 0 if report["ok"] else 2


if __name__ == "__main__":
    sys.exit(main())
