"""attach_target.py -- a long run of N CPU threads to attach to (gilscope attach).

WHAT IT DOES
    Starts --threads N worker threads named "cpu-0" .. "cpu-<N-1>" that run a
    tight pure-Python loop (acc += i * i) until one shared deadline, --seconds
    after they start. Every --sample-ms each worker notes (perf_counter,
    thread_time), so that the CPU time of each thread over any part of the
    run (the part a recording covers) is known. The main thread waits for
    them with join(timeout) in a loop: it runs Python every --poll-ms, so a
    sys.remote_exec script (PEP 768) runs within that time. A main thread
    blocked in join() with no timeout would run it only at the end.

KNOWN ANSWER (what a recording attached for a part of the run must report)
    Over the recorded part (the workers all running):
      * the four workers are named cpu-0 .. cpu-3 (they started before the
        recording: named from threading.enumerate() at the attach);
      * each holds the GIL ~1/N of the part (25% for N=4): its CPU time over
        the part, from the samples (a pure-Python thread burns CPU only
        while it holds the GIL), within a few points;
      * each waits for the GIL most of the rest (~75% for N=4, >= 60%);
      * the main thread holds < 5%.
    The program's output is the same whether or not it was attached to: the
    line "attach_target: N threads ran" and nothing on stderr; exit status 0.

KNOBS
    --threads N      worker threads (default 4)
    --seconds S      how long they run (default 8)
    --sample-ms M    how often each worker notes its CPU time (default 20)
    --poll-ms M      the main thread's join timeout (default 50)
    --until-file F   the workers also stop once the file F exists (a test
                     ends the run when it has attached, however long that
                     took on a busy machine)

OUTPUT
    "attach_target: N threads ran" on stdout; only with GILSCOPE_TRUTH=1, a
    last line GILSCOPE-TRUTH {"workload": "attach_target", "window_start",
    "window_end", "threads": [{"name", "native_id", "samples": [[perf_counter,
    thread_time], ...]}], ...}. Times are time.perf_counter() seconds.

Runs on CPython 3.8+, standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

KNOWN_ANSWER = {
    "per_thread_hold_fraction_nominal": "1/N",
    "per_thread_hold_fraction_tolerance_vs_truth": 0.05,
    "per_thread_wait_fraction_min_n4": 0.6,
    "main_thread_hold_fraction_max": 0.05,
}


def parse_args(argv):
    p = argparse.ArgumentParser(description="N CPU threads for a long while, to attach to.")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--sample-ms", type=float, default=20.0)
    p.add_argument("--poll-ms", type=float, default=50.0)
    p.add_argument("--until-file", default=None,
                   help="also stop once this file exists (looked for at each CPU sample)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    shared = {}

    def set_deadline():
        now = time.perf_counter()
        shared["start"] = now
        shared["deadline"] = now + args.seconds

    barrier = threading.Barrier(n, action=set_deadline)
    results = [None] * n
    every = args.sample_ms / 1000.0

    def worker(idx):
        barrier.wait()
        perf_counter, thread_time = time.perf_counter, time.thread_time
        deadline = shared["deadline"]
        samples = [(perf_counter(), thread_time())]
        next_sample = samples[0][0] + every
        acc = i = 0
        while True:
            for _ in range(1000):  # CPU-LOOP
                acc += i * i  # CPU-LOOP
                i += 1  # CPU-LOOP
            now = perf_counter()
            if now >= next_sample:
                samples.append((now, thread_time()))
                next_sample = now + every
                if args.until_file and os.path.exists(args.until_file):
                    break
            if now >= deadline:
                break
        samples.append((perf_counter(), thread_time()))
        results[idx] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "samples": [[round(a, 6), round(b, 6)] for a, b in samples],
        }

    threads = [threading.Thread(target=worker, args=(k,), name="cpu-%d" % k) for k in range(n)]
    m0 = machine_sample()
    for t in threads:
        t.start()
    poll = args.poll_ms / 1000.0
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(poll)
    machine = machine_load(m0)
    sys.stdout.write("attach_target: %d threads ran\n" % n)
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        truth = {
            "workload": "attach_target",
            "pid": os.getpid(),
            "python": "%d.%d.%d" % sys.version_info[:3],
            "clock": "perf_counter",
            "switch_interval": sys.getswitchinterval(),
            "main_native_id": threading.get_native_id(),
            "machine": machine,
            "window_start": round(shared["start"], 6),
            "window_end": round(max(r["samples"][-1][0] for r in results), 6),
            "threads": results,
        }
        sys.stdout.write("GILSCOPE-TRUTH " + json.dumps(truth, sort_keys=True) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
