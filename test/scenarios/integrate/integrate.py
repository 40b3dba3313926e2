"""Numerical integration in pure Python: serially, in threads, in processes.

The midpoint rule for the integral of 4 / (1 + x^2) over [0, 1] (= pi),
split into --tasks equal slices; --mode says how the slices run:
  serial     one after the other in the main thread;
  threads    concurrent.futures.ThreadPoolExecutor(--workers);
  processes  concurrent.futures.ProcessPoolExecutor(--workers) (fork on Linux).
The same arithmetic in every mode, so the wall times compare directly.

Expected (test/scenarios/integrate/expected.json): threads fight for the
GIL (each worker waits for it about half of its life) and gain nothing over
serial; processes show --workers children, each holding its own GIL, and
run close to --workers times faster, less the pool's start-up.
"""
import argparse
import concurrent.futures
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def integrate(a, b, steps):
    h = (b - a) / steps
    total = 0.0
    for i in range(steps):
        x = a + (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)  # HOT-LINE
    return total * h


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("serial", "threads", "processes"), default="serial")
    parser.add_argument("--steps", type=int, default=4_000_000)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    per = args.steps // args.tasks
    slices = [(k / args.tasks, (k + 1) / args.tasks, per) for k in range(args.tasks)]
    m0 = _truth.machine_sample()
    t0 = time.perf_counter()
    if args.mode == "serial":
        parts = [integrate(*s) for s in slices]
    else:
        pool = (concurrent.futures.ThreadPoolExecutor if args.mode == "threads" else concurrent.futures.ProcessPoolExecutor)
        with pool(max_workers=args.workers) as ex:
            parts = list(ex.map(integrate, *zip(*slices)))  # POOL-MAP
    t1 = time.perf_counter()
    value = sum(parts)
    if abs(value - 3.141592653589793) > 1e-6:
        sys.stderr.write("integrate: wrong value %r\n" % value)
        return 1
    _truth.emit({"scenario": "integrate", "mode": args.mode, "start": t0, "end": t1, "seconds": t1 - t0,
                 "machine": _truth.machine_load(m0)}, __file__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
