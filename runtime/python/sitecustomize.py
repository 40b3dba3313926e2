"""gilscope: starts recording in every Python process launched by
`gilscope record` (the launcher puts this folder first on PYTHONPATH), then
hands over to the sitecustomize this one shadows, if any."""
import os
import sys


def _gilscope_start():
    here = os.path.dirname(os.path.abspath(__file__))
    if os.environ.get("GILSCOPE_DIR"):
        try:
            from gilscope import _boot
            _boot.start()
        except Exception:
            pass
        # Leave sys.path as the program would see it without us.
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    this = sys.modules.pop("sitecustomize", None)
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import sitecustomize  # noqa: F401  the one we shadow, if there is one
    except ImportError as error:
        if error.name != "sitecustomize":
            raise
    finally:
        if not os.environ.get("GILSCOPE_DIR"):
            sys.path[:] = saved
        # the import system expects the module it is importing to be there
        sys.modules.setdefault("sitecustomize", this)


_gilscope_start()
del _gilscope_start
