"""A fixed amount of pure-Python work in one thread that never lets the GIL go.

    python one_thread_loop.py [--iterations N]

With nobody else asking for the GIL, the recorder splits this one long hold
every 10 ms to see its lines (runtime/csrc/holdsplit.c): this is the workload
that pays for that. The work is fixed, so the run time measured inside Python
(perf_counter around the loop) compares directly between a bare and a
recorded run. Prints one JSON line: {"iterations", "seconds",
"thread_cpu_seconds"}. Used by bench/wallOverhead.mjs."""
import argparse
import json
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iterations", type=int, default=8_000_000)
    args = p.parse_args()
    acc = 0
    c0 = time.thread_time()
    t0 = time.perf_counter()
    for i in range(args.iterations):
        acc += i * i % 7
    seconds = time.perf_counter() - t0
    cpu = time.thread_time() - c0
    print(json.dumps({"iterations": args.iterations, "seconds": seconds, "thread_cpu_seconds": cpu,
                      "python": "%d.%d.%d" % sys.version_info[:3]}))


if __name__ == "__main__":
    main()
