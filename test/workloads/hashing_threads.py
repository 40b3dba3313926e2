"""hashing_threads.py -- N threads doing C work that runs without the GIL.

WHAT IT DOES
    Builds one --buffer-mib MiB bytes object (default 32 MiB; built before
    the measured window), then starts --threads N threads named "hash-0" ..
    "hash-<N-1>", released together by a threading.Barrier whose action
    sets a shared deadline (now + --seconds).  Each thread repeatedly calls
      hashlib.sha256(buf).digest()          (default), or
      zlib.compress(buf, 1)                 (with --zlib)
    and checks the deadline after each call (one call is ~20 ms for sha256
    over 32 MiB, ~40-80 ms for zlib, so a thread overshoots the deadline by
    at most one call).  hashlib releases the GIL while hashing inputs larger
    than 2047 bytes, and zlib.compress releases it around deflate(), so the
    threads spend almost all their time outside the GIL and run in parallel.

KNOWN ANSWER (what a correct GIL profiler must report)
    Over the window (truth: window_start .. window_end, ~--seconds):
      * each worker thread holds the GIL < 5% of its run and waits for it
        < 5% of its run; it is released (running C code) >= 90%;
      * the GIL is held (by anyone) < 10% of the window;
      * the process uses min(N, cores) CPUs: with the default N=2 on a
        2-core machine, truth process_cpu_seconds / window_seconds >= 1.7
        (compare cpu_threads.py, which can never exceed 1.0);
      * each thread makes one GIL release per call: truth "calls" per thread
        (plus a few from start-up and the barrier).

KNOBS
    --threads N        worker threads (default 2)
    --seconds S        run length (default 1.5)
    --buffer-mib M     buffer size in MiB (default 32)
    --zlib             use zlib.compress(buf, 1) instead of sha256
    --pool             run the N workers in a concurrent.futures.ThreadPoolExecutor
                       (threads "hash_0" .. "hash_<N-1>"; the main thread waits in
                       future.result()) instead of threading.Thread

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "hashing_threads", "mode": "sha256"|"zlib",
        "threads": [{"name", "native_id", "start", "end", "calls", "bytes",
        "thread_cpu_seconds"}], "process_cpu_seconds", "window_seconds", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import hashlib
import json
import os
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "per_thread_hold_fraction_max": 0.05,
    "per_thread_wait_fraction_max": 0.05,
    "per_thread_released_fraction_min": 0.90,
    "gil_held_fraction_max": 0.10,
    "cpu_cores_used_min_n2_on_2_cores": 1.7,
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
    p = argparse.ArgumentParser(description="N threads hashing/compressing big buffers.")
    p.add_argument("--threads", type=int, default=2, help="worker threads (2)")
    p.add_argument("--seconds", type=float, default=1.5, help="run length (1.5)")
    p.add_argument("--buffer-mib", type=int, default=32, help="buffer MiB (32)")
    p.add_argument("--zlib", action="store_true",
                   help="zlib.compress instead of hashlib.sha256")
    p.add_argument("--pool", action="store_true",
                   help="a ThreadPoolExecutor(N) instead of N threading.Threads")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    # Deterministic, mildly compressible content; built before the window.
    buf = bytes(range(256)) * (args.buffer_mib * 1024 * 1024 // 256)
    if args.zlib:
        def work(data):
            return zlib.compress(data, 1)  # NOGIL-CALL
    else:
        def work(data):
            return hashlib.sha256(data).digest()  # NOGIL-CALL

    shared = {}

    def set_deadline():
        now = time.perf_counter()
        shared["start"] = now
        shared["cpu0"] = time.process_time()
        shared["deadline"] = now + args.seconds

    barrier = threading.Barrier(n, action=set_deadline)
    results = [None] * n

    def worker(idx):
        barrier.wait()
        perf_counter = time.perf_counter
        deadline = shared["deadline"]
        cpu0 = time.thread_time()
        start = perf_counter()
        calls = 0
        while True:
            work(buf)
            calls += 1
            if perf_counter() >= deadline:
                break
        end = perf_counter()
        results[idx] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "start": round(start, 6),
            "end": round(end, 6),
            "calls": calls,
            "bytes": calls * len(buf),
            "thread_cpu_seconds": round(time.thread_time() - cpu0, 6),
        }

    m0 = machine_sample()
    if args.pool:
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="hash") as pool:
            futures = [pool.submit(worker, k) for k in range(n)]
            for f in futures:
                f.result()
    else:
        threads = [threading.Thread(target=worker, args=(k,), name="hash-%d" % k)
                   for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    machine = machine_load(m0)
    process_cpu = time.process_time() - shared["cpu0"]

    window_start = shared["start"]
    window_end = max(r["end"] for r in results)
    truth = base_truth("hashing_threads")
    truth.update({
        "machine": machine,
        "mode": "zlib" if args.zlib else "sha256",
        "pool": args.pool,
        "n_threads": n,
        "seconds": args.seconds,
        "buffer_bytes": len(buf),
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
        "process_cpu_seconds": round(process_cpu, 6),
        "cpu_cores_used": round(process_cpu / (window_end - window_start), 3),
        "threads": results,
        "total_calls": sum(r["calls"] for r in results),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
