"""Runs a patch on a module once the program imports it: at once when it is
imported already, else right after its import (a finder first on
sys.meta_path that wraps the module's loader). Recording imports nothing
early: gevent and others care about what is imported before them.

when_imported returns undo(): the finder leaves sys.meta_path, and a patch
not yet applied (an import under way in another thread) is never applied.
Used by _boot and attached.py."""
import sys


def when_imported(name, patch):
    """patch(module) now, or right after `name` is imported. Returns undo()."""
    if name in sys.modules:
        patch(sys.modules[name])
        return lambda: None
    watcher = ImportWatcher(name, patch)
    sys.meta_path.insert(0, watcher)
    return watcher.cancel


class ImportWatcher:
    def __init__(self, name, patch):
        self.name, self.patch = name, patch

    def cancel(self):
        self.patch = None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass

    def find_spec(self, name, path=None, target=None):
        if name != self.name or self.patch is None:
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        spec = _find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader, watcher = spec.loader, self

        class _Loader:
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                patch = watcher.patch  # None once cancelled meanwhile
                if patch is not None:
                    patch(module)

        spec.loader = _Loader()
        return spec


def _find_spec(name, path, target):
    """The spec the rest of sys.meta_path gives, as the import system would find it.
    Not importlib.util.find_spec: importing importlib.util imports contextlib,
    functools and collections, milliseconds of start-up on 3.8 that a program
    importing threading would not otherwise spend."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:  # a legacy finder (find_module only, before 3.12): the import system's own lookup
            import importlib.util
            return importlib.util.find_spec(name)
        spec = find(name, path, target)
        if spec is not None:
            return spec
    return None
