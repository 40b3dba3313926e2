"""whatif_kernel.py -- a pure-Python CPU kernel for what-if runs.

WHAT IT DOES
    `work(n)` sums i * i % 7 for i in range(n): pure Python, the GIL held
    throughout, no I/O, a small int in and a small int out (pickling costs
    microseconds).  `gilscope compare --function
    test/workloads/whatif_kernel.py:work --inputs whatif_kernel.json` runs it
    over a list of n.  Run as a script it calls `work` over --tasks inputs
    of --n, serially, or in a ThreadPoolExecutor of --workers with
    --threads, for the script form of the comparison.

KNOWN ANSWER (what a correct what-if comparison must show)
    * serial: the main thread holds the GIL >= 95% of the window;
    * threads (N workers): no speedup (0.9x to 1.1x): the GIL serialises
      the work; each worker waits for the GIL ~ (N-1)/N of the window;
    * processes (fork or spawn, N workers on C cores): speedup close to
      min(N, C) minus start-up (fork ~10 ms, spawn ~100 ms on a 2-core VM)
      and imbalance (ceil(tasks / N) rounds); 1.6x to 2.0x for N = 2 with
      16 inputs of ~25 ms (n = 400000) on 2 idle cores;
    * the profile's predicted process speedup within 25% of the measured.

KNOBS (script form)
    --tasks T     inputs (default 16)
    --n N         loop length of each call (default 400000, ~25 ms on an idle 2-core VM)
    --workers W   pool size with --threads (default 2)
    --threads     use a ThreadPoolExecutor (else a plain loop)
    --lambda      submit a lambda (cannot be pickled: the swap to processes
                  must say so and name it)

OUTPUT
    Nothing.  Exit status 0.

Runs on CPython 3.8 .. 3.14, standard library only.
"""

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor

KNOWN_ANSWER = {
    "serial_gil_held_fraction_min": 0.95,
    "threads_speedup_range": [0.9, 1.1],
    "processes_n2_speedup_range_on_2_cores": [1.6, 2.0],
    "predicted_vs_measured_process_speedup_tolerance": 0.25,
}


def work(n):
    acc = 0
    for i in range(n):  # KERNEL-LOOP
        acc += i * i % 7  # KERNEL-LOOP
    return acc


def parse_args(argv):
    p = argparse.ArgumentParser(description="A pure-Python kernel over a list of inputs.")
    p.add_argument("--tasks", type=int, default=16)
    p.add_argument("--n", type=int, default=400000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", action="store_true")
    p.add_argument("--lambda", dest="use_lambda", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    inputs = [args.n] * args.tasks
    if not args.threads:
        total = sum(work(n) for n in inputs)
    else:
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            fn = (lambda n: work(n)) if args.use_lambda else work
            total = sum(pool.map(fn, inputs))
    return 0 if total >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
