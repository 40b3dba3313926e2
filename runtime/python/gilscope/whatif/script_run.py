"""The script form: the whole script under runpy, its pools swapped (swap.py).

Modes: ``as-is`` (nothing swapped), ``serial`` (every pool one thread: the
baseline), ``threads`` (every pool N threads), ``processes-fork`` /
``processes-spawn`` / ``processes-forkserver`` (every pool N processes
started that way). The window is the script's whole run; the start-up cost
is the time from the first pool's creation to its first task."""
import os
import runpy
import sys
import tempfile

from . import swap
from .function_run import PROCESS_MODES, fill
from .measure import Window


def _kind(mode):
    if mode in PROCESS_MODES:
        return "processes", PROCESS_MODES[mode]
    if mode in ("serial", "threads", "free-threaded"):
        return "threads", None
    return None, None


def run(spec, result):
    script, args = spec["script"]["path"], list(spec["script"]["args"])
    mode = spec["mode"]
    workers = 1 if mode == "serial" else spec["workers"]
    kind, method = _kind(mode)
    stats = swap.Stats(tempfile.mkdtemp(prefix="gilscope-swap-"))
    if kind is not None:
        swap.install(kind, workers, method, stats)
    sys.argv = [script] + args
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    window = Window()
    exit_code = 0
    failure = None
    try:
        with window:
            try:
                runpy.run_path(script, run_name="__main__")
            except SystemExit as end:
                exit_code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    except Exception as error:  # noqa: BLE001  said below, the swap's own reason first
        failure = error
    stats.read_worker_files()
    fill(result, window, stats.tasks, stats.transfer, kind == "processes")
    first_pool, first_task = stats.first_pool_ns(), stats.tasks.first_start_ns()
    result["startupSeconds"] = (first_task - first_pool) / 1e9 if first_pool and first_task else None
    result["pools"] = [p["kind"] for p in stats.pools]
    _clean(stats.directory)
    if stats.cannot_send:
        result["error"] = stats.cannot_send
    elif failure is not None:
        result["error"] = "the script raised %s: %s" % (type(failure).__name__, failure)
    elif exit_code:
        result["error"] = "the script exited with status %s" % exit_code
    elif kind is not None and not stats.pools:
        result["note"] = "the script made no thread or process pool: nothing was swapped"


def _clean(directory):
    for name in os.listdir(directory):
        os.unlink(os.path.join(directory, name))
    os.rmdir(directory)
