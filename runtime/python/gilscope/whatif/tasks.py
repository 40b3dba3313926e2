"""What runs in a worker: module-level, so a process pool can pickle it by
name, and a spawned worker (or a sub-interpreter) can import it.

A task travels as bytes pickled by the harness, so that the time pickling
takes is measured where it happens: ``call_pickled`` times pickle.loads of
the task and pickle.dumps of the result in the worker and hands both times
back with the result bytes."""
import os
import pickle
import threading

from .measure import maxrss_bytes, now_ns

PROTOCOL = pickle.HIGHEST_PROTOCOL

_function = None


def init_function(path, name, module):
    """Pool initializer of the function form: loads the function once per worker."""
    global _function
    from .target import load_function
    _function = load_function(path, name, module)


def call_function_pickled(payload):
    """One call of the function form in a worker process: ``payload`` is
    pickle.dumps(input); returns (pickled (result, error), timing)."""
    t0 = now_ns()
    argument = pickle.loads(payload)
    return _run(lambda: _function(argument), t0)


def call_pickled(payload):
    """One task of a swapped pool: ``payload`` is pickle.dumps((fn, args, kwargs))."""
    t0 = now_ns()
    fn, args, kwargs = pickle.loads(payload)
    return _run(lambda: fn(*args, **kwargs), t0)


def _run(work, t0):
    """Runs the work (the task was unpickled from ``t0`` to now), pickles what
    it gave, and returns the bytes with the task's span and the worker's
    pickling time."""
    start = now_ns()
    error = None
    try:
        result = work()
    except BaseException as exc:  # noqa: BLE001  sent back to the parent as the task's error
        result, error = None, exc
    end = now_ns()
    data = _pickled(result, error)
    t2 = now_ns()
    return data, {"startNs": start, "endNs": end, "pid": os.getpid(), "tid": threading.get_native_id(),
                  "loadsSeconds": (start - t0) / 1e9, "dumpsSeconds": (t2 - end) / 1e9,
                  "workerPickleSeconds": ((start - t0) + (t2 - end)) / 1e9, "maxrss": maxrss_bytes()}


def _pickled(result, error):
    try:
        return pickle.dumps((result, error), PROTOCOL)
    except Exception as exc:  # noqa: BLE001
        from .picklecheck import describe
        what = "the error %r" % (error,) if error is not None else "the result, %s," % describe(result)
        return pickle.dumps((None, RuntimeError("%s cannot be pickled to send it back (%s: %s)"
                                                % (what, type(exc).__name__, exc))), PROTOCOL)


class PoolTimed:
    """A multiprocessing.Pool task's function, wrapped to write each call's
    span to ``spans-<pid>`` in the run's folder, one line per call written at
    once (a pool may be terminated, not closed: nothing is left to write at
    exit). Picklable when the function is."""

    def __init__(self, func, directory):
        self.func = func
        self.directory = directory

    def __call__(self, *args, **kwargs):
        start = now_ns()
        try:
            return self.func(*args, **kwargs)
        finally:
            line = "%d %d %d %d %d\n" % (start, now_ns(), os.getpid(), threading.get_native_id(), maxrss_bytes())
            os.write(_span_fd(self.directory), line.encode())


_span_file = {}


def _span_fd(directory):
    pid = os.getpid()
    fd = _span_file.get((pid, directory))
    if fd is None:
        fd = os.open(os.path.join(directory, "spans-%d" % pid), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _span_file[(pid, directory)] = fd
    return fd
