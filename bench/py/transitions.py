"""Several threads releasing and re-taking the GIL as fast as they can.

    python transitions.py [--threads 4] [--seconds 2.0] [--method read|sleep0]

Each of --threads threads (named "rel-0", ...) calls os.read(fd, 1) on /dev/zero
(or time.sleep(0)) in a tight loop until one shared deadline, counting its calls.
Every call releases the GIL and takes it back (GIL_RELEASE, GIL_ACQUIRE and,
when another thread holds it, GIL_WAIT / GIL_HANDOFF records). Prints one JSON
line: {"window_start", "window_end", "threads": [{"name", "native_id", "calls"}],
"calls"} with perf_counter (CLOCK_MONOTONIC) times. Used by bench/loss.mjs."""
import argparse
import json
import os
import sys
import threading
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--method", choices=("read", "sleep0"), default="read")
    args = p.parse_args()
    fd = os.open("/dev/zero", os.O_RDONLY)
    deadline = [0.0]
    results = [None] * args.threads

    def start_window():
        deadline[0] = time.perf_counter() + args.seconds

    barrier = threading.Barrier(args.threads, action=start_window)

    def worker(k):
        perf_counter = time.perf_counter
        read = os.read
        sleep = time.sleep
        barrier.wait()
        end = deadline[0]
        calls = 0
        if args.method == "read":
            while True:
                for _ in range(1000):
                    read(fd, 1)
                calls += 1000
                if perf_counter() >= end:
                    break
        else:
            while True:
                for _ in range(1000):
                    sleep(0)
                calls += 1000
                if perf_counter() >= end:
                    break
        results[k] = {"name": threading.current_thread().name,
                      "native_id": threading.get_native_id(), "calls": calls,
                      "end": perf_counter()}

    threads = [threading.Thread(target=worker, args=(k,), name="rel-%d" % k) for k in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    os.close(fd)
    window_start = deadline[0] - args.seconds
    window_end = max(r["end"] for r in results)
    print(json.dumps({"method": args.method, "window_start": window_start, "window_end": window_end,
                      "window_seconds": window_end - window_start, "threads": results,
                      "calls": sum(r["calls"] for r in results),
                      "python": "%d.%d.%d" % sys.version_info[:3]}))


if __name__ == "__main__":
    main()
