"""interpreter_pool.py -- CPU work in concurrent.futures.InterpreterPoolExecutor (3.14+).

WHAT IT DOES
    Runs --tasks tasks (default 4) of a pure-Python loop of --n iterations in
    an InterpreterPoolExecutor(--workers) (default 2): each worker thread runs
    its tasks in a sub-interpreter of its own, with its own GIL (PEP 734).

KNOWN ANSWER
    --workers GILs besides the main one, one per worker, each held by its
    worker thread for most of that thread's life; the workers run side by
    side. Before 3.14 there is no InterpreterPoolExecutor: the workload says
    so and exits 0.

OUTPUT
    "interpreter_pool: N results", then with GILSCOPE_TRUTH=1 one line
      GILSCOPE-TRUTH {"workload": "interpreter_pool", "workers": W, "tasks": T}
"""
import argparse
import json
import os
import sys


def work(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--n", type=int, default=1_500_000)
    args = parser.parse_args()
    try:
        from concurrent.futures import InterpreterPoolExecutor
    except ImportError:
        print("interpreter_pool: skipped, no InterpreterPoolExecutor before 3.14")
        return
    with InterpreterPoolExecutor(args.workers) as pool:
        results = list(pool.map(work, [args.n] * args.tasks))
    print("interpreter_pool: %d results" % len(results))
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "interpreter_pool", "workers": args.workers,
                                             "tasks": args.tasks}, sort_keys=True))


if __name__ == "__main__":
    main()
