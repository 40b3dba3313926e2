"""subinterpreters.py -- two sub-interpreters, each with its own GIL (3.12+).

WHAT IT DOES
    Starts --interpreters N (default 2) threads; each creates an isolated
    sub-interpreter (3.12: _xxsubinterpreters.create(isolated=True); 3.13:
    _interpreters.create(), isolated by default; 3.14+:
    concurrent.interpreters.create(), PEP 734), runs a pure-Python CPU loop in
    it for --seconds (default 1.0), and closes it.

KNOWN ANSWER (what a correct GIL profiler must report)
    * N GILs besides the main one, one per sub-interpreter.
    * Each worker thread holds its own sub-interpreter's GIL for about
      --seconds, at the same time as the others: the holds overlap, and the
      wall time stays near --seconds instead of N x --seconds.
    On 3.8 to 3.11 there are no per-interpreter GILs: the workload exits 0
    after printing that it was skipped.
"""
import argparse
import json
import os
import sys
import threading
import time

LOOP = (
    "import time\n"
    "x = 0\n"
    "end = time.perf_counter() + {seconds}\n"
    "while time.perf_counter() < end:\n"
    "    x += 1\n"
)


def run_isolated(code):
    """Runs code in a new isolated sub-interpreter, then closes it; returns the
    interpreter's id."""
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
        interp = interpreters.create()
        try:
            interp.exec(code)
        finally:
            interp.close()
        return interp.id
    if sys.version_info >= (3, 13):
        import _interpreters
        interp = _interpreters.create()
        try:
            _interpreters.exec(interp, code)
        finally:
            _interpreters.destroy(interp)
        return int(interp)
    import _xxsubinterpreters
    interp = _xxsubinterpreters.create(isolated=True)
    try:
        _xxsubinterpreters.run_string(interp, code)
    finally:
        _xxsubinterpreters.destroy(interp)
    return int(interp)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interpreters", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    if sys.version_info < (3, 12):
        print("subinterpreters: skipped, no per-interpreter GIL before 3.12")
        return
    spans = {}
    interpreter_ids = {}

    def worker(i):
        start = time.perf_counter()
        interpreter_ids[str(threading.get_native_id())] = run_isolated(LOOP.format(seconds=args.seconds))
        spans[threading.get_native_id()] = (start, time.perf_counter())

    threads = [threading.Thread(target=worker, args=(i,), name="sub-%d" % i) for i in range(args.interpreters)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("subinterpreters: done")
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({
            "workload": "subinterpreters", "interpreters": args.interpreters, "seconds": args.seconds,
            "wall_seconds": round(time.perf_counter() - start, 6),
            "workers": {str(k): v for k, v in spans.items()},
            "interpreter_ids": interpreter_ids}, sort_keys=True))


if __name__ == "__main__":
    main()
