"""Sub-interpreters with their own GIL, one per worker thread.

3.12 has ``_xxsubinterpreters`` (``create(isolated=True)``, ``run_string``),
3.13 ``_interpreters`` (``create("isolated")``, ``exec``), 3.14
``concurrent.futures.InterpreterPoolExecutor``. 3.12 and 3.13 share nothing
but bytes, str and int between interpreters: each worker thread owns one
interpreter, feeds it the pickled input through ``shared`` and gets the
pickled result back through a file, so pickling and moving are timed as in
the process modes. The interpreters' creation and the import of the
function in each is the start-up cost."""
import os
import pickle
import queue
import sys
import tempfile
import threading

from .measure import now_ns
from .pool_results import TaskFailed, collect

PROTOCOL = pickle.HIGHEST_PROTOCOL
RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def unavailable():
    """None when this interpreter can run sub-interpreters with their own
    GIL, else why not, in one sentence."""
    if sys.version_info < (3, 12):
        return "Python %d.%d has no sub-interpreters with their own GIL (3.12 or newer has)" % sys.version_info[:2]
    if _api() is None:
        return "this Python %d.%d has no _xxsubinterpreters / _interpreters module" % sys.version_info[:2]
    return None


class _Api312:
    def __init__(self, module):
        self.m = module

    def create(self):
        return self.m.create(isolated=True)

    def run(self, interp, code, shared):
        self.m.run_string(interp, code, shared)

    def destroy(self, interp):
        self.m.destroy(interp)


class _Api313:
    def __init__(self, module):
        self.m = module

    def create(self):
        return self.m.create("isolated")

    def run(self, interp, code, shared):
        failure = self.m.exec(interp, code, shared)
        if failure is not None:
            raise RuntimeError(getattr(failure, "formatted", None) or str(failure))

    def destroy(self, interp):
        self.m.destroy(interp)


def _api():
    if sys.version_info >= (3, 13):
        try:
            import _interpreters
            return _Api313(_interpreters)
        except ImportError:
            return None
    try:
        import _xxsubinterpreters
        return _Api312(_xxsubinterpreters)
    except ImportError:
        return None


# Runs once in each sub-interpreter: loads the function.
_SETUP = """
import sys
if runtime not in sys.path:
    sys.path.append(runtime)
from gilscope.whatif import target as _gs_target
_gs_fn = _gs_target.load_function(path, name, module)
"""

# Runs once per call: the input comes as bytes in `payload`, the result
# leaves through the file `out` as pickle.dumps((result bytes, timing)).
_CALL = """
import os as _gs_os, pickle as _gs_pickle, threading as _gs_threading, time as _gs_time
_gs_t0 = _gs_time.perf_counter_ns()
_gs_x = _gs_pickle.loads(payload)
_gs_start = _gs_time.perf_counter_ns()
_gs_error = None
try:
    _gs_value = _gs_fn(_gs_x)
except BaseException as _gs_exc:
    _gs_value, _gs_error = None, RuntimeError("%s: %s" % (type(_gs_exc).__name__, _gs_exc))
_gs_end = _gs_time.perf_counter_ns()
_gs_data = _gs_pickle.dumps((_gs_value, _gs_error), 5)
_gs_t2 = _gs_time.perf_counter_ns()
with open(out, "wb") as _gs_f:
    _gs_f.write(_gs_pickle.dumps((_gs_data, {
        "startNs": _gs_start, "endNs": _gs_end, "pid": _gs_os.getpid(), "tid": _gs_threading.get_native_id(),
        "loadsSeconds": (_gs_start - _gs_t0) / 1e9, "dumpsSeconds": (_gs_t2 - _gs_end) / 1e9,
        "workerPickleSeconds": ((_gs_start - _gs_t0) + (_gs_t2 - _gs_end)) / 1e9}), 5))
del _gs_x, _gs_value, _gs_data
"""


def run_function(spec, inputs, workers, spans, transfer, window):
    """Runs every input in `workers` sub-interpreters; fills spans and transfer."""
    if sys.version_info >= (3, 14):
        return _run_pool_executor(spec, inputs, workers, spans, transfer, window)
    api = _api()
    fn = spec["function"]
    work = queue.SimpleQueue()
    failures = []
    scratch = tempfile.mkdtemp(prefix="gilscope-subinterp-")

    def worker(k):
        interp = api.create()
        out = os.path.join(scratch, "result-%d" % k)
        try:
            api.run(interp, _SETUP, {"runtime": RUNTIME_DIR, "path": fn["path"], "name": fn["name"], "module": fn["module"]})
            while not failures:
                try:
                    payload = work.get_nowait()
                except queue.Empty:
                    return
                api.run(interp, _CALL, {"payload": payload, "out": out})
                t_read = now_ns()
                with open(out, "rb") as f:
                    data, info = pickle.loads(f.read())
                arrived = now_ns()
                t0 = now_ns()
                value, error = pickle.loads(data)
                transfer.parent_seconds += (now_ns() - t0) / 1e9
                transfer.bytes += len(data)
                transfer.worker_seconds += info["workerPickleSeconds"]
                transfer.moving_seconds += (arrived - t_read) / 1e9
                spans.add(info["startNs"], info["endNs"], info["pid"], info["tid"])
                if error is not None:
                    failures.append(TaskFailed("the function raised %s" % error))
        except Exception as error:  # noqa: BLE001  said as the run's error
            failures.append(error)
        finally:
            api.destroy(interp)

    with window:
        for x in inputs:
            t0 = now_ns()
            payload = pickle.dumps(x, PROTOCOL)
            transfer.parent_seconds += (now_ns() - t0) / 1e9
            transfer.bytes += len(payload)
            work.put(payload)
        threads = [threading.Thread(target=worker, args=(k,), name="subinterp-%d" % k) for k in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for name in os.listdir(scratch):
        os.unlink(os.path.join(scratch, name))
    os.rmdir(scratch)
    if failures:
        raise failures[0]
    return None


# 3.14's InterpreterPoolExecutor runs a plain function's code in the worker
# interpreter's own __main__, not in its module: the two it is given name
# everything by absolute import, inside themselves.
def _pool_initializer(path, name, module):
    from gilscope.whatif import tasks
    tasks.init_function(path, name, module)


def _pool_call(payload):
    from gilscope.whatif import tasks
    return tasks.call_function_pickled(payload)


def _run_pool_executor(spec, inputs, workers, spans, transfer, window):
    """3.14+: concurrent.futures.InterpreterPoolExecutor, fed like a process pool."""
    from concurrent.futures import InterpreterPoolExecutor
    fn = spec["function"]
    done_at = {}

    def arrived(future):
        done_at[id(future)] = now_ns()

    with window:
        with InterpreterPoolExecutor(max_workers=workers, initializer=_pool_initializer,
                                     initargs=(fn["path"], fn["name"], fn["module"])) as pool:
            futures = []
            for x in inputs:
                t0 = now_ns()
                payload = pickle.dumps(x, PROTOCOL)
                transfer.parent_seconds += (now_ns() - t0) / 1e9
                transfer.bytes += len(payload)
                future = pool.submit(_pool_call, payload)
                future.add_done_callback(arrived)
                futures.append(future)
            for future in futures:
                collect(future, done_at, spans, transfer)
