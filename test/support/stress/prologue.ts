/**
 * The helpers every stress program begins with (Python). The stages of features.ts call them:
 * `run_workers` starts the workers of a stage in one of four ways (threading.Thread, _thread,
 * a C pthread of the cthreads test extension, a ThreadPoolExecutor), `cext` imports that
 * extension, `in_subinterpreter` runs code in a new isolated sub-interpreter on each CPython
 * that has one. Every wait is bounded by WAIT, so what would hang becomes an exception, and an
 * exception a different stdout and exit status; SIGUSR2 makes a program that hangs anyway
 * print its threads' stacks (test/support/stress/runs.ts sends it before killing one).
 */
export const PROLOGUE = String.raw`import faulthandler
import os
import signal
import sys
import threading
import time

# SIGUSR2 prints every thread's Python stack: the harness sends it to a run that hangs
faulthandler.register(signal.SIGUSR2, all_threads=True)

CEXT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
WAIT = 20.0


def cext():
    if CEXT not in sys.path:
        sys.path.insert(0, CEXT)
    import cthreads
    return cthreads


def wait_for(predicate, what):
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for " + what)
        time.sleep(0.001)


def program_os_threads():
    """The OS threads of this process, less a profiler's own (gilscope names its threads)."""
    n = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/comm" % tid, "rb") as f:
                n += not f.read().startswith(b"gilscope-")
        except OSError:
            pass
    return n


def settle_threads():
    """A thread joined in Python lingers as an OS thread for a moment, and os.fork() (3.12+)
    warns by the OS count: waits until that count has not changed for 5 ms (200 ms at most),
    so that whether the fork warns does not depend on the moment."""
    last, since, deadline = program_os_threads(), time.monotonic(), time.monotonic() + 0.2
    while time.monotonic() - since < 0.005 and time.monotonic() < deadline:
        time.sleep(0.001)
        now = program_os_threads()
        if now != last:
            last, since = now, time.monotonic()


def run_workers(how, fns):
    """Runs each of fns in its own thread, started as 'how' says; returns their results in order."""
    if how == "cthread":
        ct = cext()
        handles = [ct.call_in_c_thread(fn) for fn in fns]
        return [ct.join(h) for h in handles]
    if how == "executor":
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=len(fns)) as pool:
            futures = [pool.submit(fn) for fn in fns]
            return [f.result(WAIT) for f in futures]
    results = [None] * len(fns)
    errors = []

    def body(i):
        try:
            results[i] = fns[i]()
        except BaseException as e:
            errors.append(e)
            raise

    if how == "raw":
        import _thread
        before = _thread._count()
        done = threading.Semaphore(0)

        def raw(i):
            try:
                body(i)
            finally:
                done.release()

        for i in range(len(fns)):
            _thread.start_new_thread(raw, (i,))
        for _ in fns:
            if not done.acquire(timeout=WAIT):
                raise RuntimeError("a _thread worker did not finish")
        wait_for(lambda: _thread._count() <= before, "the _thread workers to end")
    else:
        threads = [threading.Thread(target=body, args=(i,)) for i in range(len(fns))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT)
            if t.is_alive():
                raise RuntimeError("a worker thread did not finish")
    if errors:
        raise RuntimeError("a worker failed: %r" % (errors[0],))
    return results


# CPython 3.12 and 3.13 give the built-in types their version tags without a lock, and
# isolated sub-interpreters run side by side, each with its own GIL: two running at once may
# give two types one tag, and a method lookup then finds the other type's (gh-116909, fixed
# in 3.14 by gh-129824). Seen here as "descriptor 'close' for '_io.BufferedReader' objects
# doesn't apply to a '_io.BufferedWriter' object" in a new interpreter's stdio, once in
# hundreds of runs: CPython's race, not the recorder's, so they run one at a time there.
_ONE_SUBINTERPRETER_AT_A_TIME = threading.Lock()


def in_subinterpreter(code):
    """Runs code in a new isolated sub-interpreter and closes it (3.12+)."""
    if sys.version_info < (3, 14):
        with _ONE_SUBINTERPRETER_AT_A_TIME:
            return _in_subinterpreter(code)
    return _in_subinterpreter(code)


def _in_subinterpreter(code):
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
        interp = interpreters.create()
        try:
            interp.exec(code)
        finally:
            interp.close()
    elif sys.version_info >= (3, 13):
        import _interpreters
        interp = _interpreters.create()
        try:
            failed = _interpreters.exec(interp, code)
            if failed:
                raise RuntimeError("sub-interpreter failed: %r" % (failed,))
        finally:
            _interpreters.destroy(interp)
    else:
        import _xxsubinterpreters
        interp = _xxsubinterpreters.create(isolated=True)
        try:
            _xxsubinterpreters.run_string(interp, code)
        finally:
            _xxsubinterpreters.destroy(interp)


def exit_text(status):
    if os.WIFSIGNALED(status):
        return "signal %d" % os.WTERMSIG(status)
    return "exit %d" % os.WEXITSTATUS(status)


def task_cpu(x):
    acc = 0
    for j in range(x * 200):
        acc += j % 7
    return acc


def task_threads(x):
    lock = threading.Lock()
    box = [0]

    def work():
        for _ in range(x + 5):
            with lock:
                box[0] += 1

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return box[0]


def queue_task_cpu(q, x):
    q.put(task_cpu(x))


def queue_task_threads(q, x):
    q.put(task_threads(x))


def raiser(k):
    raise ValueError("stress exception %d" % k)
`;
