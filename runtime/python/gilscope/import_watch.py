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
        import importlib.util
        spec = importlib.util.find_spec(name)
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
