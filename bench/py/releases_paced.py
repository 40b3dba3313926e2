"""A fixed amount of work with a GIL release every few microseconds.

    python releases_paced.py [--iterations N] [--work K]

N iterations of: K units of pure-Python arithmetic, then os.read(fd, 1) on
/dev/zero (one GIL release + re-acquire). The work is fixed, so the run time
measured inside Python (perf_counter around the loop) compares directly between
a bare and a recorded run. With the defaults it makes ~250,000-400,000
releases a second on the idle 2-core dev VM (3.11), above the 100,000/s of
the overhead target; the benchmark reports the rate each run achieved.
Prints one JSON line: {"iterations", "work", "seconds", "thread_cpu_seconds"
(time.thread_time() around the same loop), "releases_per_second"}.
Used by bench/wallOverhead.mjs."""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iterations", type=int, default=200000)
    p.add_argument("--work", type=int, default=150)
    args = p.parse_args()
    fd = os.open("/dev/zero", os.O_RDONLY)
    read = os.read
    w = range(args.work)
    acc = 0
    c0 = time.thread_time()
    t0 = time.perf_counter()
    for _ in range(args.iterations):
        for j in w:
            acc += j
        read(fd, 1)
    seconds = time.perf_counter() - t0
    cpu = time.thread_time() - c0
    os.close(fd)
    print(json.dumps({"iterations": args.iterations, "work": args.work, "seconds": seconds, "thread_cpu_seconds": cpu,
                      "releases_per_second": args.iterations / seconds,
                      "python": "%d.%d.%d" % sys.version_info[:3]}))


if __name__ == "__main__":
    main()
