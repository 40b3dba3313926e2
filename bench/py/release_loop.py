"""One thread releasing and re-taking the GIL N times, timed inside Python.

    python release_loop.py [--method read|sleep0] [--calls N] [--rounds R] [--idle-thread]

Each call -- os.read(fd, 1) on /dev/zero, or time.sleep(0) -- releases the
GIL once and takes it back at once (no other thread wants it). Each round
times N calls with time.perf_counter() around the loop, and with
time.thread_time() (this thread's CPU time, user + system) around the same
loop. Prints one JSON line: {"method", "calls", "ns_per_call": [wall, one per
round], "cpu_ns_per_call": [CPU, one per round], "python"}.
--idle-thread starts a second thread first, blocked for good: what a process
pays per system call for having one more thread (glibc makes each call a
cancellation point, and Linux counts references to an open file the threads
share), whatever that thread does.
Used by bench/gilCost.mjs, bare and under `python -m gilscope.run`."""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--method", choices=("read", "sleep0"), default="read")
    p.add_argument("--calls", type=int, default=50000)
    p.add_argument("--rounds", type=int, default=45)
    p.add_argument("--idle-thread", action="store_true")
    args = p.parse_args()
    if args.idle_thread:
        import threading
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    perf_counter = time.perf_counter
    thread_time = time.thread_time
    calls = range(args.calls)
    results = []
    cpu = []
    if args.method == "read":
        fd = os.open("/dev/zero", os.O_RDONLY)
        read = os.read
        for _ in range(args.rounds):
            c0 = thread_time()
            t0 = perf_counter()
            for _ in calls:
                read(fd, 1)
            t1 = perf_counter()
            cpu.append((thread_time() - c0) * 1e9 / args.calls)
            results.append((t1 - t0) * 1e9 / args.calls)
        os.close(fd)
    else:
        sleep = time.sleep
        for _ in range(args.rounds):
            c0 = thread_time()
            t0 = perf_counter()
            for _ in calls:
                sleep(0)
            t1 = perf_counter()
            cpu.append((thread_time() - c0) * 1e9 / args.calls)
            results.append((t1 - t0) * 1e9 / args.calls)
    print(json.dumps({"method": args.method, "calls": args.calls, "ns_per_call": results,
                      "cpu_ns_per_call": cpu,
                      "python": "%d.%d.%d" % sys.version_info[:3]}))


if __name__ == "__main__":
    main()
