"""cpu_threads.py -- N CPU-bound pure-Python threads fighting over the GIL.

WHAT IT DOES
    Starts --threads N worker threads named "cpu-0" .. "cpu-<N-1>".  They meet
    at a threading.Barrier whose action sets one shared deadline
    (now + --seconds).  Each worker then runs a tight pure-Python arithmetic
    loop (acc += i * i) in blocks of --check-every iterations and, after each
    block, compares time.perf_counter() with the deadline.  The main thread
    only join()s (blocked, GIL released).  Nothing in the loop releases the
    GIL voluntarily: the only switches are the interpreter's forced switches
    every sys.getswitchinterval() (5 ms by default).

KNOWN ANSWER (what a correct GIL profiler must report)
    Over the window in which the workers run (truth: window_start ..
    window_end, about --seconds long):
      * the GIL is held (by some thread) >= 97% of the window;
      * it is held by the workers: the main thread holds < 1%;
      * each worker holds the GIL ~1/N of the window (25% for N=4).  Which
        waiter gets the GIL at each forced switch is decided by the OS, so in
        one 1.5 s run a thread's share is 25% +/- 3 points in about two runs
        of three and +/- 5 points almost always.  The exact share of each
        thread is in the truth line: thread_cpu_seconds / window_seconds (a
        pure-Python thread burns CPU only while it holds the GIL); a profiler
        must match THAT within +/- 3 points;
      * each worker waits for the GIL for the rest of the window: wait ~ 1 -
        hold, i.e. ~75% for N=4 (>= 70% typically, >= 65% always);
      * with --threads 1 the single worker holds >= 97% and waits ~0%.
    If other processes load the machine, thread_cpu_seconds drops below the
    GIL hold time (the holder is descheduled but still holds the GIL); the
    sum over threads of thread_cpu_seconds / window_seconds is >= 0.97 on
    an idle 2-core machine.

KNOBS
    --threads N        worker threads (default 4)
    --seconds S        length of the contended window (default 1.5)
    --check-every K    loop iterations between deadline checks (default 1000)
    --in-main          with --threads 1: run the one worker in the main thread
                       (named MainThread), not in a thread of its own

OUTPUT
    Nothing on stdout or stderr, except -- only when the environment
    variable GILSCOPE_TRUTH=1 is set -- one final stdout line:
      GILSCOPE-TRUTH {"workload": "cpu_threads", "window_start": ...,
        "window_end": ..., "window_seconds": ..., "threads": [{"name",
        "native_id", "start", "end", "iterations", "thread_cpu_seconds"}],
        ...}
    Times are time.perf_counter() values in seconds (CLOCK_MONOTONIC on
    Linux).  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
# Fractions are of the truth window.
KNOWN_ANSWER = {
    "gil_held_fraction_min": 0.97,
    "main_thread_hold_fraction_max": 0.01,
    "per_thread_hold_fraction_nominal": "1/N",
    "per_thread_hold_fraction_tolerance_vs_nominal": 0.05,
    "per_thread_hold_fraction_tolerance_vs_truth": 0.03,
    "per_thread_wait_fraction_min_n4": 0.65,
}


def emit_truth(truth):
    """Print the ground-truth line -- only when GILSCOPE_TRUTH=1."""
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        sys.stdout.write("GILSCOPE-TRUTH " + json.dumps(truth, sort_keys=True) + "\n")
        sys.stdout.flush()


def base_truth(name):
    return {
        "workload": name,
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "clock": "perf_counter",
        "switch_interval": sys.getswitchinterval(),
        "main_native_id": threading.get_native_id(),
    }


def parse_args(argv):
    p = argparse.ArgumentParser(description="N CPU-bound pure-Python threads.")
    p.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    p.add_argument("--seconds", type=float, default=1.5, help="run length (1.5)")
    p.add_argument("--in-main", action="store_true", help="with --threads 1: work in the main thread")
    p.add_argument("--check-every", type=int, default=1000,
                   help="iterations between deadline checks (1000)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    check_every = args.check_every
    shared = {}

    def set_deadline():
        # Barrier action: runs in exactly one thread before any is released.
        now = time.perf_counter()
        shared["start"] = now
        shared["deadline"] = now + args.seconds

    barrier = threading.Barrier(n, action=set_deadline)
    results = [None] * n

    def worker(idx):
        barrier.wait()
        perf_counter = time.perf_counter
        deadline = shared["deadline"]
        cpu0 = time.thread_time()
        start = perf_counter()
        acc = 0
        i = 0
        blocks = 0
        while True:
            for _ in range(check_every):  # CPU-LOOP
                acc += i * i  # CPU-LOOP
                i += 1  # CPU-LOOP
            blocks += 1
            if perf_counter() >= deadline:
                break
        end = perf_counter()
        cpu1 = time.thread_time()
        results[idx] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "start": round(start, 6),
            "end": round(end, 6),
            "iterations": blocks * check_every,
            "thread_cpu_seconds": round(cpu1 - cpu0, 6),
        }

    threads = [threading.Thread(target=worker, args=(k,), name="cpu-%d" % k)
               for k in range(n)]
    m0 = machine_sample()
    if args.in_main and n == 1:
        worker(0)
    else:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    machine = machine_load(m0)

    window_start = shared["start"]
    window_end = max(r["end"] for r in results)
    truth = base_truth("cpu_threads")
    truth.update({
        "machine": machine,
        "n_threads": n,
        "seconds": args.seconds,
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
        "threads": results,
        "total_iterations": sum(r["iterations"] for r in results),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
