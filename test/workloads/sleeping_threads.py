"""sleeping_threads.py -- N threads that only sleep (GIL released nearly always).

WHAT IT DOES
    Starts --threads N threads named "sleep-0" .. "sleep-<N-1>", released
    together by a threading.Barrier.  Each calls time.sleep(--interval)
    --sleeps times in a loop (default 20 x 50 ms = 1.0 s) and nothing else.
    time.sleep releases the GIL for the whole sleep.  The main thread only
    join()s.

KNOWN ANSWER (what a correct GIL profiler must report)
    Over the window (truth: window_start .. window_end, ~1.0 s):
      * the GIL is held (by anyone) < 5% of the window -- essentially idle;
      * each sleeping thread holds the GIL < 2% of its run and waits for it
        < 2% of its run (nothing competes: every wake-up finds it free);
      * each sleeping thread spends >= 95% of its run outside the GIL
        (released, in time.sleep);
      * each thread makes exactly --sleeps calls to time.sleep, i.e. that
        many GIL release/re-acquire pairs at the SLEEP-CALL line (plus a
        few from thread start-up and the barrier).
    Truth per thread: sleep_seconds (sum of measured time.sleep durations,
    >= sleeps x interval), thread_cpu_seconds (~0), run_delay_seconds (the
    time it was runnable but off a CPU, from /proc/thread-self/schedstat;
    None where the kernel does not say).

KNOBS
    --threads N      sleeping threads (default 4)
    --sleeps K       sleeps per thread (default 20)
    --interval S     seconds per sleep (default 0.05)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "sleeping_threads", "threads": [{"name",
        "native_id", "start", "end", "sleeps", "sleep_seconds",
        "thread_cpu_seconds", "run_delay_seconds"}], "window_start", "window_end", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
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

from _machine import machine_load, machine_sample, thread_run_delay  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "gil_held_fraction_max": 0.05,
    "per_thread_hold_fraction_max": 0.02,
    "per_thread_wait_fraction_max": 0.02,
    "per_thread_released_fraction_min": 0.95,
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
    p = argparse.ArgumentParser(description="N threads calling time.sleep.")
    p.add_argument("--threads", type=int, default=4, help="threads (4)")
    p.add_argument("--sleeps", type=int, default=20, help="sleeps per thread (20)")
    p.add_argument("--interval", type=float, default=0.05,
                   help="seconds per sleep (0.05)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(idx):
        barrier.wait()
        perf_counter = time.perf_counter
        cpu0 = time.thread_time()
        delay0 = thread_run_delay()
        start = perf_counter()
        slept = 0.0
        for _ in range(args.sleeps):
            t0 = perf_counter()
            time.sleep(args.interval)  # SLEEP-CALL
            slept += perf_counter() - t0
        end = perf_counter()
        results[idx] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "start": round(start, 6),
            "end": round(end, 6),
            "sleeps": args.sleeps,
            "sleep_seconds": round(slept, 6),
            "thread_cpu_seconds": round(time.thread_time() - cpu0, 6),
            "run_delay_seconds": None if delay0 is None else round(thread_run_delay() - delay0, 6),
        }

    threads = [threading.Thread(target=worker, args=(k,), name="sleep-%d" % k)
               for k in range(n)]
    m0 = machine_sample()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    machine = machine_load(m0)

    window_start = min(r["start"] for r in results)
    window_end = max(r["end"] for r in results)
    truth = base_truth("sleeping_threads")
    truth.update({
        "machine": machine,
        "n_threads": n,
        "sleeps_per_thread": args.sleeps,
        "interval": args.interval,
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
        "threads": results,
        "total_sleep_seconds": round(sum(r["sleep_seconds"] for r in results), 6),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
