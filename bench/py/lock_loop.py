"""Uncontended threading.Lock acquire + release, timed inside Python.

    python lock_loop.py tight [--calls N] [--rounds R]
        R rounds of N iterations of `with lock: pass`; prints
        {"mode": "tight", "ns_per_iteration": [one per round],
         "cpu_ns_per_iteration": [the same in thread CPU time]}.
    python lock_loop.py paced --work K [--calls N] [--rounds R]
        R rounds of N iterations of `with lock: x += 1` followed by K
        iterations of pure-Python arithmetic outside the lock, so that the
        process does about a million uncontended acquisitions a second
        (K is calibrated by bench/lockCost.mjs); prints
        {"mode": "paced", "seconds": [one per round], "cpu_seconds": [thread CPU]}.
    python lock_loop.py calibrate [--calls N]
        prints {"tight_ns": .., "per_work_ns": ..}: the cost of one iteration of
        the paced loop with K=0, and of one unit of work (thread CPU time of 20
        rounds of N each, the 25th percentile).

Each round is timed with time.perf_counter() around the loop and with
time.thread_time() (the thread's CPU time, user + system) around the same loop.

Only one thread: every acquire finds the lock free. Used by bench/lockCost.mjs,
bare and under `python -m gilscope.run`."""
import argparse
import json
import sys
import threading
import time


def tight(lock, n):
    """(wall seconds, thread CPU seconds) of n iterations."""
    r = range(n)
    c0 = time.thread_time()
    t0 = time.perf_counter()
    for _ in r:
        with lock:
            pass
    t1 = time.perf_counter()
    return t1 - t0, time.thread_time() - c0


def paced(lock, n, work):
    """(wall seconds, thread CPU seconds) of n iterations."""
    r = range(n)
    w = range(work)
    x = 0
    acc = 0
    c0 = time.thread_time()
    t0 = time.perf_counter()
    for _ in r:
        with lock:
            x += 1
        for j in w:
            acc += j
    t1 = time.perf_counter()
    return t1 - t0, time.thread_time() - c0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("tight", "paced", "calibrate"))
    p.add_argument("--calls", type=int, default=50000)
    p.add_argument("--rounds", type=int, default=45)
    p.add_argument("--work", type=int, default=0)
    args = p.parse_args()
    lock = threading.Lock()
    out = {"mode": args.mode, "calls": args.calls, "python": "%d.%d.%d" % sys.version_info[:3]}
    if args.mode == "tight":
        rounds = [tight(lock, args.calls) for _ in range(args.rounds)]
        out["ns_per_iteration"] = [w * 1e9 / args.calls for w, _ in rounds]
        out["cpu_ns_per_iteration"] = [c * 1e9 / args.calls for _, c in rounds]
    elif args.mode == "paced":
        rounds = [paced(lock, args.calls, args.work) for _ in range(args.rounds)]
        out["work"] = args.work
        out["seconds"] = [w for w, _ in rounds]
        out["cpu_seconds"] = [c for _, c in rounds]
    else:
        # short rounds, CPU time (not disturbed by other jobs' preemption), 25th percentile
        n = args.calls
        k = 40
        base = sorted(paced(lock, n, 0)[1] for _ in range(20))[5]
        loaded = sorted(paced(lock, n, k)[1] for _ in range(20))[5]
        out["tight_ns"] = base * 1e9 / n
        out["per_work_ns"] = (loaded - base) * 1e9 / n / k
    print(json.dumps(out))


if __name__ == "__main__":
    main()
