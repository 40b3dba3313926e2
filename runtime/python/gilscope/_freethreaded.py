"""What only a free-threaded build needs, started by _boot in every recorded
process of one (runtime/README.md, "Free-threaded builds"):

- the moment its GIL is turned on, and by which module: an extension module
  without `Py_mod_gil` turns it on for good while it is created
  (`ExtensionFileLoader.create_module`); `PYTHON_GIL=1` has it on from the start;
- what may stop the world, bracketed as PHASE records so that the pauses the
  runtime sees can be given their cause: garbage collection (`gc.callbacks`),
  fork (`os.register_at_fork`), and enabling the GIL.

Nothing here changes what the program does; nothing is imported early."""
import gc
import os
import sys

# FORMAT.md PHASE kinds
PHASE_GC, PHASE_FORK, PHASE_TRACING, PHASE_GIL_ENABLING = 1, 2, 3, 4


def is_free_threaded_build():
    import sysconfig  # here, not at the top: it imports threading (attached.py must not)
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def start(probe, free_threaded=None):
    """Sets up the watchers (a free-threaded build only); returns undo(), which
    removes them: the gc callback, the extension loader's wrapper, and makes
    the fork hooks inert (os.register_at_fork has no undo). `free_threaded`:
    already known by the caller (attached.py), else read from sysconfig."""
    if free_threaded is None:  # the probe knows how it was compiled: no sysconfig to import at every start
        free_threaded = probe.free_threaded_build()
    if not free_threaded or not hasattr(sys, "_is_gil_enabled"):
        return lambda: None
    undos = []
    if sys._is_gil_enabled():
        probe.gil_enabled(None)  # PYTHON_GIL=1 or -X gil=1: on from the start
    else:
        undos.append(_watch_extension_imports(probe))

    def collecting(phase, info):
        probe.phase(PHASE_GC, phase == "stop")

    gc.callbacks.append(collecting)
    undos.append(lambda: collecting in gc.callbacks and gc.callbacks.remove(collecting))
    forking = [True]
    os.register_at_fork(before=lambda: forking[0] and probe.phase(PHASE_FORK, False),
                        after_in_parent=lambda: forking[0] and probe.phase(PHASE_FORK, True))
    undos.append(lambda: forking.__setitem__(0, False))

    def undo():
        for step in reversed(undos):
            step()

    return undo


def _extension_file_loader():
    """importlib.machinery.ExtensionFileLoader, without importing importlib:
    the import system's own class, which that module re-exports."""
    try:
        return sys.modules["_frozen_importlib_external"].ExtensionFileLoader
    except (KeyError, AttributeError):
        from importlib.machinery import ExtensionFileLoader
        return ExtensionFileLoader


def _watch_extension_imports(probe):
    """Wraps ExtensionFileLoader.create_module; returns undo()."""
    ExtensionFileLoader = _extension_file_loader()
    original = ExtensionFileLoader.create_module
    watching = [True]

    def create_module(self, spec):
        if not watching[0]:  # undone while someone else's wrapper sat on ours
            return original(self, spec)
        probe.phase(PHASE_GIL_ENABLING, False)
        try:
            return original(self, spec)
        finally:
            probe.phase(PHASE_GIL_ENABLING, True)
            if sys._is_gil_enabled():
                # this module turned it on; it stays on: nothing more to watch
                if ExtensionFileLoader.__dict__.get("create_module") is create_module:
                    ExtensionFileLoader.create_module = original
                probe.gil_enabled(spec.name)

    ExtensionFileLoader.create_module = create_module

    def undo():
        watching[0] = False
        if ExtensionFileLoader.__dict__.get("create_module") is create_module:
            ExtensionFileLoader.create_module = original

    return undo
