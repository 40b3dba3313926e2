"""The parent's side of a task that ran in another process or interpreter:
its answer unpickled and timed, its span kept, a raised function reported.

Shared by the process modes (function_run.py) and the sub-interpreter modes
(subinterp.py); it lives apart from both so that neither imports the other."""
import pickle

from .measure import now_ns


class TaskFailed(Exception):
    """The function raised on one input: the run is reported with that error."""


def collect(future, done_at, spans, transfer):
    """Unpickles one task's result in the parent, adds its span and times.

    ``done_at`` maps ``id(future)`` to when the future was seen done, so
    that the time the answer spent on its way is counted as moving."""
    data, info = future.result()
    t0 = now_ns()
    value, error = pickle.loads(data)
    transfer.parent_seconds += (now_ns() - t0) / 1e9
    transfer.bytes += len(data)
    transfer.worker_seconds += info["workerPickleSeconds"]
    arrived = done_at.get(id(future))
    if arrived is not None:
        transfer.moving_seconds += max(0.0, (arrived - info["endNs"]) / 1e9 - info.get("dumpsSeconds", 0.0))
    spans.add(info["startNs"], info["endNs"], info["pid"], info["tid"], info.get("maxrss"))
    if error is not None:
        raise TaskFailed("the function raised %s: %s" % (type(error).__name__, error))
    return value
