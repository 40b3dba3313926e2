"""joblib's threading backend and its process-based backends (loky, multiprocessing) on one function.

Parallel(n_jobs=2, backend=--backend)(delayed(work)(n) for 4 tasks), where
work(n) is a pure-Python loop (the HOT-LINE). loky starts two worker
processes (python -m ... from joblib's vendored loky: recorded through
sitecustomize like any Python the workload starts) and reuses them, beside
two resource trackers (loky's and multiprocessing's); the multiprocessing
backend forks a multiprocessing.Pool of two, beside loky's resource tracker.

Expected (expected.json): threading: two worker threads taking turns on
the GIL, no gain over one thread, processes suggested at HOT-LINE; loky and
multiprocessing: two worker processes, each holding its own GIL for its
tasks, side by side, and the resource trackers named as helpers: every
worker count in the report says 2.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def work(n):
    total = 0
    for i in range(n):
        total += i * i % 7  # HOT-LINE
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("threading", "loky", "multiprocessing"), default="threading")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=4)
    args = parser.parse_args()
    from joblib import Parallel, delayed
    m0 = _truth.machine_sample()
    t0 = time.perf_counter()
    results = Parallel(n_jobs=2, backend=args.backend)(delayed(work)(args.n) for _ in range(args.tasks))  # PARALLEL
    t1 = time.perf_counter()
    assert results == [work(1000) * 0 + results[0]] * args.tasks
    import joblib
    _truth.emit({"scenario": "joblib_backends", "backend": args.backend, "joblib": joblib.__version__, "start": t0, "end": t1, "seconds": t1 - t0,
                 "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
