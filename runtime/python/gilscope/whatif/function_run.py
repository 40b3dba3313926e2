"""The function form: one call per input, run one way, measured.

Modes: ``serial`` (a loop in the main thread), ``threads`` and
``free-threaded`` (a ThreadPoolExecutor of N; the second on a free-threaded
interpreter), ``processes-fork`` / ``processes-spawn`` /
``processes-forkserver`` (a ProcessPoolExecutor of N with that start method)
and ``subinterpreters`` (N sub-interpreters with their own GIL, subinterp.py).

The window runs from just before the pool is made to just after it is shut
down: what a program that used the pool would pay. In process and
sub-interpreter modes inputs and results cross as bytes pickled by the
harness, so pickling is timed where it happens (measure.Transfer). The
serial run also times pickling every input and result after its window, so
that the profile can predict the process modes before they run."""
import multiprocessing
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from . import subinterp, tasks as task_module
from .measure import Tasks, Transfer, Window, now_ns, usable_cores
from .pool_results import collect
from .target import BadInput, load_function, read_inputs

PROTOCOL = pickle.HIGHEST_PROTOCOL
PROCESS_MODES = {"processes-fork": "fork", "processes-spawn": "spawn", "processes-forkserver": "forkserver"}


def run(spec, result):
    path, name, module = spec["function"]["path"], spec["function"]["name"], spec["function"]["module"]
    inputs = read_inputs(spec["inputs"])
    mode, workers = spec["mode"], spec["workers"]
    fn = load_function(path, name, module)
    spans, transfer = Tasks(), Transfer()
    window = Window()
    if mode == "serial":
        estimate = _serial(fn, inputs, spans, window)
        result["transferEstimate"] = estimate.as_json()
    elif mode in ("threads", "free-threaded"):
        _threads(fn, inputs, workers, spans, window)
    elif mode in PROCESS_MODES:
        _processes(spec, inputs, workers, PROCESS_MODES[mode], spans, transfer, window)
    elif mode == "subinterpreters":
        why = subinterp.unavailable()
        if why:
            raise BadInput(why)
        subinterp.run_function(spec, inputs, workers, spans, transfer, window)
    else:
        raise ValueError("unknown mode %r" % mode)
    fill(result, window, spans, transfer, mode != "serial" and mode not in ("threads", "free-threaded"))
    result["calls"] = len(inputs)


def fill(result, window, spans, transfer, transfers):
    """The measurements every run reports (docs: compare JSON)."""
    cores = usable_cores()
    first = spans.first_start_ns()
    last_end = max((s[1] for s in spans.spans), default=None)
    result.update({
        "windowStartNs": window.start_ns,
        "windowEndNs": window.end_ns,
        "wallSeconds": window.wall_seconds,
        "cpuSeconds": window.cpu_seconds,
        "cores": cores,
        "cpuUtilisation": window.utilisation(cores),
        "foreignCpus": window.foreign_cpus,
        "startupSeconds": max(0.0, (first - window.start_ns) / 1e9) if first is not None else None,
        "shutdownSeconds": max(0.0, (window.end_ns - last_end) / 1e9) if last_end is not None else None,
        "taskSeconds": spans.seconds(),
        "tasks": spans.as_json(),
        "transfer": transfer.as_json() if transfers else None,
        "transferSeconds": transfer.total_seconds if transfers else 0.0,
        "peakMemoryBytes": spans.peak_memory_bytes(),
    })


def _serial(fn, inputs, spans, window):
    pid, tid = os.getpid(), threading.get_native_id()
    results = []
    with window:
        for x in inputs:
            t0 = now_ns()
            results.append(fn(x))
            spans.add(t0, now_ns(), pid, tid)
    return _pickling_estimate(inputs, results)


def _pickling_estimate(inputs, results):
    """What a process pool would spend pickling these inputs and results:
    dumps of the input and loads of the result in the parent, loads of the
    input and dumps of the result in a worker. Moving the bytes is not
    estimated."""
    estimate = Transfer()
    for x, r in zip(inputs, results):
        t0 = now_ns()
        dx = pickle.dumps(x, PROTOCOL)
        t1 = now_ns()
        pickle.loads(dx)
        t2 = now_ns()
        dr = pickle.dumps((r, None), PROTOCOL)
        t3 = now_ns()
        pickle.loads(dr)
        t4 = now_ns()
        estimate.parent_seconds += ((t1 - t0) + (t4 - t3)) / 1e9
        estimate.worker_seconds += ((t2 - t1) + (t3 - t2)) / 1e9
        estimate.bytes += len(dx) + len(dr)
    return estimate


def _threads(fn, inputs, workers, spans, window):
    pid = os.getpid()

    def one(x):
        t0 = now_ns()
        value = fn(x)
        spans.add(t0, now_ns(), pid, threading.get_native_id())
        return value

    with window:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, inputs))


def _processes(spec, inputs, workers, method, spans, transfer, window):
    fn = spec["function"]
    context = multiprocessing.get_context(method)
    done_at = {}

    def arrived(future):
        done_at[id(future)] = now_ns()

    with window:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=task_module.init_function,
                                 initargs=(fn["path"], fn["name"], fn["module"])) as pool:
            futures = []
            for x in inputs:
                t0 = now_ns()
                payload = pickle.dumps(x, PROTOCOL)
                transfer.parent_seconds += (now_ns() - t0) / 1e9
                transfer.bytes += len(payload)
                future = pool.submit(task_module.call_function_pickled, payload)
                future.add_done_callback(arrived)
                futures.append(future)
            for future in futures:
                collect(future, done_at, spans, transfer)
