"""The pools a script gets instead of its own, without editing it.

``install(kind, workers, method, stats)`` replaces, before the script runs:

* ``concurrent.futures.ThreadPoolExecutor`` and ``ProcessPoolExecutor``
  (also as ``concurrent.futures.thread.`` / ``.process.``);
* ``multiprocessing.Pool`` (and every context's ``.Pool``),
  ``multiprocessing.pool.ThreadPool`` and ``multiprocessing.dummy.Pool``
  (not ``multiprocessing.pool.Pool`` itself, which ThreadPool is built on);

with pools of ``kind`` ("threads" or "processes") and ``workers`` workers,
whatever size the script asked for. Each task's span is recorded (the
start-up cost is the time from a pool's creation to its first task), and in
process pools the task is pickled here, so that a task that cannot be sent
to another process is named (picklecheck.py) and pickling is timed.
Arguments one kind of pool has and the other lacks (``thread_name_prefix``,
``mp_context``, ``maxtasksperchild``...) are dropped."""
import concurrent.futures
import concurrent.futures.process
import concurrent.futures.thread
import multiprocessing
import multiprocessing.dummy
import multiprocessing.context
import multiprocessing.pool
import multiprocessing.reduction
import os
import pickle
import sys
import threading
from concurrent.futures import Future

from . import tasks as task_module
from .measure import Tasks, Transfer, now_ns
from .picklecheck import CannotSend, culprit

PROTOCOL = pickle.HIGHEST_PROTOCOL
ENV_STATS = "GILSCOPE_WHATIF_STATS"

_OriginalThreadPool = concurrent.futures.ThreadPoolExecutor
_OriginalProcessPool = concurrent.futures.ProcessPoolExecutor
_OriginalMpPool = multiprocessing.pool.Pool
_OriginalMpThreadPool = multiprocessing.pool.ThreadPool


class Stats:
    """What the swapped pools saw: task spans, transfer, pools made, and the
    first task that could not be sent to another process."""

    def __init__(self, directory):
        self.tasks = Tasks()
        self.transfer = Transfer()
        self.pools = []
        self.cannot_send = None
        self.directory = directory
        self.lock = threading.Lock()

    def pool_made(self, what):
        self.pools.append({"kind": what, "createdNs": now_ns()})

    def first_pool_ns(self):
        return min((p["createdNs"] for p in self.pools), default=None)

    def read_worker_files(self):
        """Spans written by multiprocessing.Pool workers (tasks.PoolTimed)."""
        if not self.directory or not os.path.isdir(self.directory):
            return
        for name in os.listdir(self.directory):
            if not name.startswith("spans-"):
                continue
            with open(os.path.join(self.directory, name)) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 5:
                        s, e, pid, tid, rss = (int(x) for x in parts)
                        self.tasks.add(s, e, pid, tid, rss)


def _caller():
    """file:line of the script's call into the pool."""
    frame = sys._getframe(2)
    skip = (os.sep + "concurrent" + os.sep, os.sep + "multiprocessing" + os.sep, os.path.dirname(__file__))
    while frame is not None and any(s in frame.f_code.co_filename for s in skip):
        frame = frame.f_back
    return "%s:%d" % (frame.f_code.co_filename, frame.f_lineno) if frame else "?"


def _refuse(stats, why):
    message = "cannot run this in a process pool: at %s, %s" % (_caller(), why)
    if stats.cannot_send is None:
        stats.cannot_send = message
    raise CannotSend(message)


class _LinkedFuture(Future):
    """The future the script sees; cancelling it cancels the pool's own."""

    def __init__(self, inner):
        super().__init__()
        self._inner = inner

    def cancel(self):
        self._inner.cancel()
        return super().cancel()


def _thread_pool_class(stats, workers):
    class SwappedThreadPoolExecutor(_OriginalThreadPool):
        def __init__(self, max_workers=None, *args, **kwargs):
            stats.pool_made("ThreadPoolExecutor")
            keep = {k: v for k, v in kwargs.items() if k in ("thread_name_prefix", "initializer", "initargs")}
            super().__init__(max_workers=workers, **keep)

        def submit(self, fn, *args, **kwargs):
            def timed():
                start = now_ns()
                try:
                    return fn(*args, **kwargs)
                finally:
                    stats.tasks.add(start, now_ns(), os.getpid(), threading.get_native_id())
            return super().submit(timed)

    return SwappedThreadPoolExecutor


def _process_pool_class(stats, workers, context):
    class SwappedProcessPoolExecutor(_OriginalProcessPool):
        def __init__(self, max_workers=None, *args, **kwargs):
            stats.pool_made("ProcessPoolExecutor")
            keep = {k: v for k, v in kwargs.items() if k in ("initializer", "initargs")}
            super().__init__(max_workers=workers, mp_context=context, **keep)

        def submit(self, fn, *args, **kwargs):
            t0 = now_ns()
            try:
                payload = pickle.dumps((fn, args, kwargs), PROTOCOL)
            except Exception:  # noqa: BLE001  named below
                _refuse(stats, culprit(fn, args, kwargs) or "the task cannot be pickled")
            with stats.lock:
                stats.transfer.parent_seconds += (now_ns() - t0) / 1e9
                stats.transfer.bytes += len(payload)
            inner = super().submit(task_module.call_pickled, payload)
            outer = _LinkedFuture(inner)
            inner.add_done_callback(lambda f: _deliver(stats, f, outer))
            return outer

    return SwappedProcessPoolExecutor


def _deliver(stats, inner, outer):
    """Hands a process pool's result to the script's future, timing its unpickling."""
    arrived = now_ns()
    if inner.cancelled():
        return
    try:
        data, info = inner.result()
        t0 = now_ns()
        value, error = pickle.loads(data)
        with stats.lock:
            stats.transfer.parent_seconds += (now_ns() - t0) / 1e9
            stats.transfer.bytes += len(data)
            stats.transfer.worker_seconds += info["workerPickleSeconds"]
            stats.transfer.moving_seconds += max(0.0, (arrived - info["endNs"]) / 1e9 - info["dumpsSeconds"])
        stats.tasks.add(info["startNs"], info["endNs"], info["pid"], info["tid"], info.get("maxrss"))
    except BaseException as exc:  # noqa: BLE001  the pool broke: the script sees it
        value, error = None, exc
    try:
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(value)
    except concurrent.futures.InvalidStateError:
        pass  # cancelled by the script meanwhile


def _mp_process_pool_class(stats, workers, context):
    class SwappedPool(_OriginalMpPool):
        def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None, context=None):
            stats.pool_made("multiprocessing.Pool")
            super().__init__(workers, initializer, initargs, maxtasksperchild, pool_context)

        def _check(self, func, sample=()):
            try:
                pickle.dumps((func, sample), PROTOCOL)
            except Exception:  # noqa: BLE001
                _refuse(stats, culprit(func, sample) or "the task cannot be pickled")
            return task_module.PoolTimed(func, stats.directory)

        def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):  # noqa: B006  same signature
            return super().apply_async(self._check(func, tuple(args)), args, kwds, callback, error_callback)

        def _map_async(self, func, iterable, mapper, chunksize=None, callback=None, error_callback=None):
            return super()._map_async(self._check(func), iterable, mapper, chunksize, callback, error_callback)

        def imap(self, func, iterable, chunksize=1):
            return super().imap(self._check(func), iterable, chunksize)

        def imap_unordered(self, func, iterable, chunksize=1):
            return super().imap_unordered(self._check(func), iterable, chunksize)

    pool_context = context
    return SwappedPool


def _mp_thread_pool_class(stats, workers):
    class SwappedThreadPool(_OriginalMpThreadPool):
        def __init__(self, processes=None, initializer=None, initargs=(), *args, **kwargs):
            stats.pool_made("multiprocessing.pool.ThreadPool")
            super().__init__(workers, initializer, initargs)

        def _timed(self, func):
            def timed(*args, **kwargs):
                start = now_ns()
                try:
                    return func(*args, **kwargs)
                finally:
                    stats.tasks.add(start, now_ns(), os.getpid(), threading.get_native_id())
            return timed

        def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):  # noqa: B006
            return super().apply_async(self._timed(func), args, kwds, callback, error_callback)

        def _map_async(self, func, iterable, mapper, chunksize=None, callback=None, error_callback=None):
            return super()._map_async(self._timed(func), iterable, mapper, chunksize, callback, error_callback)

        def imap(self, func, iterable, chunksize=1):
            return super().imap(self._timed(func), iterable, chunksize)

        def imap_unordered(self, func, iterable, chunksize=1):
            return super().imap_unordered(self._timed(func), iterable, chunksize)

    return SwappedThreadPool


def _time_forking_pickler(stats):
    """Times the pickling multiprocessing does itself in this process
    (multiprocessing.Pool's tasks and results)."""
    pickler = multiprocessing.reduction.ForkingPickler
    dumps, loads = pickler.dumps.__func__, pickler.loads

    def timed_dumps(cls, obj, protocol=None):
        t0 = now_ns()
        try:
            return dumps(cls, obj, protocol)
        finally:
            with stats.lock:
                stats.transfer.parent_seconds += (now_ns() - t0) / 1e9

    def timed_loads(*args, **kwargs):
        t0 = now_ns()
        try:
            return loads(*args, **kwargs)
        finally:
            with stats.lock:
                stats.transfer.parent_seconds += (now_ns() - t0) / 1e9

    pickler.dumps = classmethod(timed_dumps)
    pickler.loads = staticmethod(timed_loads)


def install(kind, workers, method, stats):
    """Replaces the pools, for the rest of this process (the run's whole life)."""
    if kind == "processes":
        context = multiprocessing.get_context(method)
        executor = _process_pool_class(stats, workers, context)
        mp_pool = _mp_process_pool_class(stats, workers, context)
        os.environ[ENV_STATS] = stats.directory
        _time_forking_pickler(stats)
    else:
        executor = _thread_pool_class(stats, workers)
        mp_pool = _mp_thread_pool_class(stats, workers)
    for module in (concurrent.futures, concurrent.futures.thread, concurrent.futures.process):
        if hasattr(module, "ThreadPoolExecutor") or module is concurrent.futures:
            module.ThreadPoolExecutor = executor
        if hasattr(module, "ProcessPoolExecutor") or module is concurrent.futures:
            module.ProcessPoolExecutor = executor

    def make_pool(*args, **kwargs):
        return mp_pool(*args, **kwargs)

    # multiprocessing.pool.Pool stays: ThreadPool.__init__ calls it by that name.
    multiprocessing.pool.ThreadPool = mp_pool
    multiprocessing.Pool = make_pool
    multiprocessing.dummy.Pool = make_pool
    multiprocessing.context.BaseContext.Pool = lambda self, *args, **kwargs: mp_pool(*args, **kwargs)
