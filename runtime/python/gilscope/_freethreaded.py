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


def start(probe):
    # the probe knows how it was compiled: no sysconfig to import at every start
    if not probe.free_threaded_build() or not hasattr(sys, "_is_gil_enabled"):
        return
    if sys._is_gil_enabled():
        probe.gil_enabled(None)  # PYTHON_GIL=1 or -X gil=1: on from the start
    else:
        _watch_extension_imports(probe)
    gc.callbacks.append(lambda phase, info: probe.phase(PHASE_GC, phase == "stop"))
    os.register_at_fork(before=lambda: probe.phase(PHASE_FORK, False),
                        after_in_parent=lambda: probe.phase(PHASE_FORK, True))


def _extension_file_loader():
    """importlib.machinery.ExtensionFileLoader, without importing importlib:
    the import system's own class, which that module re-exports."""
    try:
        return sys.modules["_frozen_importlib_external"].ExtensionFileLoader
    except (KeyError, AttributeError):
        from importlib.machinery import ExtensionFileLoader
        return ExtensionFileLoader


def _watch_extension_imports(probe):
    ExtensionFileLoader = _extension_file_loader()
    original = ExtensionFileLoader.create_module

    def create_module(self, spec):
        probe.phase(PHASE_GIL_ENABLING, False)
        try:
            return original(self, spec)
        finally:
            probe.phase(PHASE_GIL_ENABLING, True)
            if sys._is_gil_enabled():
                # this module turned it on; it stays on: nothing more to watch
                ExtensionFileLoader.create_module = original
                probe.gil_enabled(spec.name)

    ExtensionFileLoader.create_module = create_module
