"""lock_convoy.py -- N threads convoying on one module-level threading.Lock.

WHAT IT DOES
    One module-level lock, `shared_lock = threading.Lock()`, is created on
    the line marked LOCK-CREATE.  --threads N threads named "convoy-0" ..
    "convoy-<N-1>" are released together by a threading.Barrier; each does
    --iterations rounds of:
        t0 = perf_counter()
        shared_lock.acquire()              line marked LOCK-WAIT
        t1 = perf_counter()
        try:  pure-Python busy loop for --hold-ms ms    lines marked LOCK-HOLD
        finally: shared_lock.release()     line marked LOCK-RELEASE
        pure-Python busy loop for --outside-ms ms       lines marked UNLOCKED-WORK
    Only the acquire() call is timed (t1 - t0).  The critical section is
    long (1 ms) and the work outside it short (0.1 ms), so the lock is busy
    almost all the time and the other N-1 threads queue on it: a convoy.
    A thread blocked in acquire() has released the GIL.

KNOWN ANSWER (what a correct lock profiler must report)
    * The most contended lock is the one created at the LOCK-CREATE line
      (truth: markers["LOCK-CREATE"]); it is a _thread.lock.
    * Acquisitions of it: exactly truth "acquisitions" = N x iterations
      (1000 by default), all from the LOCK-WAIT line.
    * Total time waiting to acquire it, summed over threads: truth
      "lock_wait_seconds" (a profiler's figure must agree within 10% or
      20 ms, whichever is larger).  Nominally ~ (N-1) x window: each thread
      waits ~(N-1)/N of the time (>= 50% for N=4).
    * Total time holding it: truth "lock_hold_seconds" (~ N x iterations x
      hold-ms), attributed to the LOCK-HOLD lines; the lock is held >= 85%
      of the window.
    * GIL: the lock holder runs pure Python, so the GIL is held >= 85% of
      the window; the waiting threads wait for the LOCK, not the GIL: each
      thread's GIL wait is < 25% of its run, and its lock wait is larger
      than its GIL wait.

KNOBS
    --threads N        contending threads (default 4)
    --iterations K     critical sections per thread (default 250)
    --hold-ms H        busy time inside the lock, ms (default 1.0)
    --outside-ms O     busy time outside the lock, ms (default 0.1)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "lock_convoy", "acquisitions",
        "lock_wait_seconds", "lock_hold_seconds", "lock_id", "markers",
        "threads": [{"name", "native_id", "start", "end", "acquisitions",
        "lock_wait_seconds", "lock_hold_seconds", "max_wait_seconds",
        "waits_over_100us"}], "window_start", "window_end", ...}
    "markers" maps each marker to its line numbers in this file.  Times
    are time.perf_counter() seconds.  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import json
import os
import re
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "top_lock_created_at_marker": "LOCK-CREATE",
    "acquisitions": "threads * iterations",
    "lock_wait_seconds_tolerance": "max(10%, 0.020 s) of truth",
    "per_thread_lock_wait_fraction_min_n4": 0.50,
    "lock_held_fraction_min": 0.85,
    "gil_held_fraction_min": 0.85,
    "per_thread_gil_wait_fraction_max": 0.25,
}

shared_lock = threading.Lock()  # LOCK-CREATE


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


def marker_lines():
    """{marker: [line numbers]} for code lines ending in '# MARKER'."""
    found = {}
    pattern = re.compile(r"^\s*[^#\s].*#\s*([A-Z]+(?:-[A-Z]+)+)\s*$")
    with open(os.path.abspath(__file__), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = pattern.match(line)
            if m:
                found.setdefault(m.group(1), []).append(lineno)
    return found


def parse_args(argv):
    p = argparse.ArgumentParser(description="N threads convoying on one lock.")
    p.add_argument("--threads", type=int, default=4, help="threads (4)")
    p.add_argument("--iterations", type=int, default=250,
                   help="critical sections per thread (250)")
    p.add_argument("--hold-ms", type=float, default=1.0,
                   help="busy ms inside the lock (1.0)")
    p.add_argument("--outside-ms", type=float, default=0.1,
                   help="busy ms outside the lock (0.1)")
    return p.parse_args(argv)


def convoy_worker(iterations, hold, outside, barrier, out):
    perf_counter = time.perf_counter
    barrier.wait()
    start = perf_counter()
    wait_total = 0.0
    hold_total = 0.0
    max_wait = 0.0
    waits_over_100us = 0
    x = 0
    for _ in range(iterations):
        t0 = perf_counter()
        shared_lock.acquire()  # LOCK-WAIT
        t1 = perf_counter()  # LOCK-HOLD
        try:
            hold_end = t1 + hold  # LOCK-HOLD
            while perf_counter() < hold_end:  # LOCK-HOLD
                x += 1  # LOCK-HOLD
        finally:
            t2 = perf_counter()  # LOCK-HOLD
            shared_lock.release()  # LOCK-RELEASE
        waited = t1 - t0
        wait_total += waited
        hold_total += t2 - t1
        if waited > max_wait:
            max_wait = waited
        if waited > 0.0001:
            waits_over_100us += 1
        outside_end = t2 + outside
        while perf_counter() < outside_end:  # UNLOCKED-WORK
            x += 1  # UNLOCKED-WORK
    end = perf_counter()
    out.append({
        "name": threading.current_thread().name,
        "native_id": threading.get_native_id(),
        "start": round(start, 6),
        "end": round(end, 6),
        "acquisitions": iterations,
        "lock_wait_seconds": round(wait_total, 6),
        "lock_hold_seconds": round(hold_total, 6),
        "max_wait_seconds": round(max_wait, 6),
        "waits_over_100us": waits_over_100us,
    })


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    barrier = threading.Barrier(n)
    results = []
    threads = [
        threading.Thread(
            target=convoy_worker,
            args=(args.iterations, args.hold_ms / 1000.0,
                  args.outside_ms / 1000.0, barrier, results),
            name="convoy-%d" % k)
        for k in range(n)
    ]
    m0 = machine_sample()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    machine = machine_load(m0)
    results.sort(key=lambda r: r["name"])

    window_start = min(r["start"] for r in results)
    window_end = max(r["end"] for r in results)
    truth = base_truth("lock_convoy")
    truth.update({
        "machine": machine,
        "n_threads": n,
        "iterations": args.iterations,
        "hold_ms": args.hold_ms,
        "outside_ms": args.outside_ms,
        "lock_id": id(shared_lock),
        "lock_type": type(shared_lock).__module__ + "." + type(shared_lock).__name__,
        "markers": marker_lines(),
        "acquisitions": sum(r["acquisitions"] for r in results),
        "lock_wait_seconds": round(sum(r["lock_wait_seconds"] for r in results), 6),
        "lock_hold_seconds": round(sum(r["lock_hold_seconds"] for r in results), 6),
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
        "threads": results,
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
