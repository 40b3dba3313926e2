"""Four threads taking one lock around a GIL release, as fast as they can.

    python lock_release_heavy.py [--threads 4] [--seconds 4.0]

Each of --threads threads (named "heavy-0", ...) runs `with lock: os.read(fd, 1)`
on /dev/zero in a tight loop until one shared deadline: every iteration is a
lock acquire and release and a GIL release and re-take, millions a second in
all, most of them uncontended, some not (a thread may find the lock held by one
that let the GIL go inside it). What a recording of it costs in bytes a second
is what bench/diskRate.mjs measures. Prints one JSON line: {"window_start",
"window_end", "window_seconds", "iterations", "threads": [{"name", "iterations"}]}
with perf_counter (CLOCK_MONOTONIC) times."""
import argparse
import json
import os
import threading
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=4.0)
    args = p.parse_args()
    fd = os.open("/dev/zero", os.O_RDONLY)
    lock = threading.Lock()
    window = {}
    results = [None] * args.threads

    def start_window():
        window["start"] = time.perf_counter()
        window["deadline"] = window["start"] + args.seconds

    barrier = threading.Barrier(args.threads, action=start_window)

    def worker(k):
        perf_counter, read = time.perf_counter, os.read
        barrier.wait()
        end = window["deadline"]
        iterations = 0
        while True:
            for _ in range(1000):
                with lock:
                    read(fd, 1)
            iterations += 1000
            if perf_counter() >= end:
                break
        results[k] = {"name": threading.current_thread().name, "iterations": iterations}

    threads = [threading.Thread(target=worker, args=(k,), name="heavy-%d" % k) for k in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    window_end = time.perf_counter()
    os.close(fd)
    print(json.dumps({"window_start": window["start"], "window_end": window_end,
                      "window_seconds": window_end - window["start"],
                      "iterations": sum(r["iterations"] for r in results), "threads": results}))


if __name__ == "__main__":
    main()
