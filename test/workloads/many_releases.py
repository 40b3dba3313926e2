"""many_releases.py -- one thread releasing and re-taking the GIL >= 100,000 times a second.

WHAT IT DOES
    The main thread (the only Python thread) calls a tiny GIL-releasing
    function in a tight loop for --seconds (default 1.0), checking the
    deadline every --check-every calls (default 1000):
      --method read (default)  os.read(fd, 1) on /dev/zero: one read(2)
                               system call, wrapped in Py_BEGIN/END_ALLOW_THREADS;
      --method sleep0          time.sleep(0), which also releases and
                               re-takes the GIL on every call.  On 3.8-3.10
                               it is a select() with a zero timeout (fast);
                               on 3.11+ it is clock_nanosleep(0), which
                               costs ~60 us (timer slack): only ~17,000
                               calls a second -- below the 100,000/s of
                               the answer.  Use it to vary the release
                               path, not for the rate.
    Nothing contends for the GIL, so every re-acquisition is immediate.
    This is the stress case for a recorder's per-event overhead: the
    overhead benchmark compares its run time (or truth calls_per_second)
    with and without profiling.

KNOWN ANSWER (what a correct GIL profiler must report)
    * One active Python thread (MainThread) that releases and re-acquires
      the GIL once per call: truth "calls" releases (plus a handful from
      start-up and shutdown) -- with --method read at least 100,000 per
      second of the run (truth calls_per_second; ~5-7 million on the
      2-core dev VM).  A profiler that counts releases must count within
      1% of truth calls (or say that it sampled or dropped events).
    * GIL wait ~0 (< 1% of the window: no other thread).  The GIL is held
      between calls and released during them; the split depends on the
      cost of the system call against the interpreter's and is not
      asserted.

KNOBS
    --seconds S        run length (default 1.0)
    --method read|sleep0   (default read)
    --check-every K    calls between deadline checks (default 1000)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "many_releases", "method", "calls",
        "window_start", "window_end", "window_seconds", "calls_per_second",
        "thread_cpu_seconds", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13 on Linux (--method read needs /dev/zero),
standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "calls_per_second_min_read": 100000,
    "release_count_tolerance": 0.01,
    "gil_wait_fraction_max": 0.01,
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
    p = argparse.ArgumentParser(description="One thread, many GIL releases.")
    p.add_argument("--seconds", type=float, default=1.0, help="run length (1.0)")
    p.add_argument("--method", choices=("read", "sleep0"), default="read",
                   help="os.read(/dev/zero, 1) or time.sleep(0) (read)")
    p.add_argument("--check-every", type=int, default=1000,
                   help="calls between deadline checks (1000)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    check_every = args.check_every
    perf_counter = time.perf_counter
    fd = os.open("/dev/zero", os.O_RDONLY) if args.method == "read" else -1
    read = os.read
    sleep = time.sleep
    calls = 0
    m0 = machine_sample()
    cpu0 = time.thread_time()
    start = perf_counter()
    deadline = start + args.seconds
    if args.method == "read":
        while True:
            for _ in range(check_every):
                read(fd, 1)  # RELEASE-CALL
            calls += check_every
            if perf_counter() >= deadline:
                break
    else:
        while True:
            for _ in range(check_every):
                sleep(0)  # RELEASE-CALL
            calls += check_every
            if perf_counter() >= deadline:
                break
    end = perf_counter()
    cpu = time.thread_time() - cpu0
    machine = machine_load(m0)
    if fd >= 0:
        os.close(fd)

    truth = base_truth("many_releases")
    truth.update({
        "machine": machine,
        "method": args.method,
        "seconds": args.seconds,
        "calls": calls,
        "window_start": round(start, 6),
        "window_end": round(end, 6),
        "window_seconds": round(end - start, 6),
        "calls_per_second": round(calls / (end - start)),
        "thread_cpu_seconds": round(cpu, 6),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
