"""Starts the recorder in a Python process whose environment names a
recording directory. Called from the sitecustomize that `gilscope record`
puts on PYTHONPATH. It must never break or change the workload: a failure is
written into the recording directory for the launcher to report, not printed.
"""
import errno
import os
import sys

from . import DEFAULT_HOLD_SPLIT_MS, ENV_DIRECTORY, ENV_HOLD_SPLIT_MS, ENV_PER_HOST, _cluster, fork_warning, probe_handoff, safefiles
from .import_watch import when_imported as _when_imported
from .thread_naming import name_new_threads as _patch_threading

MODULE = probe_handoff.MODULE


def _in_subinterpreter():
    """Sub-interpreters run site too; their process is already recorded (and
    their own GILs are found by the probe), so they start nothing."""
    if sys.version_info < (3, 12):
        return False
    import _thread
    if hasattr(_thread, "_is_main_interpreter"):  # 3.12+: no module to load for it
        return not _thread._is_main_interpreter()
    try:
        import _interpreters as interpreters
    except ImportError:
        try:
            import _xxsubinterpreters as interpreters
        except ImportError:
            return False
    current, main = interpreters.get_current(), interpreters.get_main()
    return (current[0] if isinstance(current, tuple) else current) != (main[0] if isinstance(main, tuple) else main)


def start():
    directory = os.environ.get(ENV_DIRECTORY)
    if not directory or _in_subinterpreter():
        return None
    try:
        if os.environ.get(ENV_PER_HOST) == "1":  # a cluster's recording: this machine's own folder in it
            from .hostfolder import host_folder
            directory = host_folder(directory)
        probe, build = _load_probe()
        sys.modules[MODULE] = probe
        path = probe.start(directory, build, sys.executable or "")
    except OSError as error:
        if error.errno != errno.EFBIG:
            _note(directory, "not recorded: %s" % error)
        # EFBIG: the recording reached its size cap before this process began;
        # it runs unrecorded, and the launcher says where the cap stopped recording
        return None
    except Exception as error:  # the workload runs on, unrecorded, and the launcher says why
        _note(directory, "not recorded: %s" % error)
        return None
    probe.name_thread("MainThread")
    if probe.free_threaded_build():  # not imported otherwise: a bare GIL build has no gc loaded at start
        from . import _freethreaded
        _freethreaded.start(probe, True)
    _name_threads_when_threading_loads(probe)
    _split_long_holds(probe, directory)
    _cluster.watch(probe, directory)
    os.register_at_fork(after_in_child=lambda: _after_fork_in_child(probe, directory))
    fork_warning.install()
    return path


def _load_probe():
    """(probe, build description): the probe the launcher verified and handed
    over (probe_handoff.py), else after the full check, building it if needed."""
    handed = probe_handoff.load()
    if handed is not None:
        return handed
    from . import _build  # imports what the full check needs: hashlib, sysconfig, subprocess...
    return _build.load_probe(), _build.build_description()


def _split_long_holds(probe, directory):
    """Starts the probe's helper that splits long GIL holds (runtime/csrc/holdsplit.c),
    and stops it at exit, before the interpreter finalises."""
    try:
        period = int(os.environ.get(ENV_HOLD_SPLIT_MS, DEFAULT_HOLD_SPLIT_MS))
    except ValueError:
        period = DEFAULT_HOLD_SPLIT_MS
    if period <= 0:
        return
    try:
        probe.split_long_holds(period)
    except OSError as error:  # recorded all the same; only long holds' lines are coarser
        _note(directory, "recorded, but long GIL holds are not split (%s)" % error)
        return
    global _stop_registered
    if not _stop_registered:  # a forked child inherits the registration
        import atexit
        atexit.register(probe.stop_splitting)
        _stop_registered = True


_stop_registered = False


def _after_fork_in_child(probe, directory):
    """A forked child writes a new file in which its one thread needs its name
    again, and has no helper thread until it starts its own. A child that
    subprocess forks to exec another program records nothing (probe.c,
    forked_to_exec): it gets neither."""
    if not probe.recording():
        return
    threading = sys.modules.get("threading")
    try:
        probe.name_thread(threading.current_thread().name if threading else "MainThread")
    except Exception:
        pass
    _split_long_holds(probe, directory)


def _note(directory, what):
    """One line in errors-<pid>.txt (FORMAT.md): "EXECUTABLE: not recorded: WHY"
    or "EXECUTABLE: recorded, but WHAT". Never printed: the workload's
    stderr stays its own; the launchers and `gilscope report` say it."""
    from . import safefiles
    try:
        line = "%s: %s\n" % (sys.executable, " ".join(str(what).split()))
        safefiles.append_private(os.path.join(directory, "errors-%d.txt" % os.getpid()), line)
    except OSError:
        pass


def _name_threads_when_threading_loads(probe):
    _when_imported("threading", lambda module: _patch_threading(module, probe))
    _when_imported("_multiprocessing", probe.install_locks)
