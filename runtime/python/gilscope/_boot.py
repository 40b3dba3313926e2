"""Starts the recorder in a Python process whose environment names a
recording directory. Called from the sitecustomize that `gilscope record`
puts on PYTHONPATH. It must never break or change the workload: a failure is
written into the recording directory for the launcher to report, not printed.
"""
import errno
import os
import sys

from . import DEFAULT_HOLD_SPLIT_MS, ENV_DIRECTORY, ENV_HOLD_SPLIT_MS, probe_handoff

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
    if probe.free_threaded_build():
        from . import _freethreaded
        _freethreaded.start(probe)
    _name_threads_when_threading_loads(probe)
    _split_long_holds(probe, directory)
    os.register_at_fork(after_in_child=lambda: _after_fork_in_child(probe, directory))
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
    again, and has no helper thread until it starts its own."""
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


def _patch_threading(threading, probe):
    original = threading.Thread._bootstrap_inner
    if getattr(original, "_gilscope", False):
        return

    def _bootstrap_inner(self):
        try:
            probe.name_thread(self.name)
        except Exception:
            pass
        return original(self)

    _bootstrap_inner._gilscope = True
    threading.Thread._bootstrap_inner = _bootstrap_inner


def _when_imported(name, patch):
    """Runs patch(module) once `name` is imported: now if it already is, else
    right after the program imports it (recording imports nothing early:
    gevent and others care about what is imported before them)."""
    if name in sys.modules:
        patch(sys.modules[name])
    else:
        sys.meta_path.insert(0, _ImportWatcher(name, patch))


def _name_threads_when_threading_loads(probe):
    _when_imported("threading", lambda module: _patch_threading(module, probe))
    _when_imported("_multiprocessing", probe.install_locks)


class _ImportWatcher:
    def __init__(self, name, patch):
        self.name, self.patch = name, patch

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = self._find_elsewhere(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader, patch = spec.loader, self.patch

        class _Loader:
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                patch(module)

        spec.loader = _Loader()
        return spec

    @staticmethod
    def _find_elsewhere(name, path, target):
        """What the import system would find without this watcher: the other
        finders' answer (importlib.util.find_spec would cost an import)."""
        for finder in list(sys.meta_path):
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec else None
            if spec is not None:
                return spec
        return None
