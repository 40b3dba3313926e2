"""crash_segv.py -- CPU threads running, then the process dies of a real SIGSEGV.

WHAT IT DOES
    Starts --threads N (default 2) CPU-bound pure-Python threads ("cpu-0",
    "cpu-1") that loop forever, contending for the GIL.  The main thread
    sleeps --after seconds (default 0.5), prints one fixed line to stdout
    (flushed), prints the truth line if asked (flushed), then crashes:
      --method fault (default): ctypes.string_at(1) -- a genuine invalid
          read of address 0x1 inside strlen(), on the main thread, while it
          holds the GIL (ctypes.string_at is a PYFUNCTYPE call: it does not
          release the GIL).  The kernel delivers SIGSEGV (si_code
          SEGV_MAPERR, si_addr 0x1).
      --method kill: os.kill(os.getpid(), signal.SIGSEGV) -- a sent signal
          (si_code SI_USER), for comparison.
    Core dumps are disabled first (RLIMIT_CORE = 0), so no core file is
    left behind.  No Python-level handler runs (faulthandler is off unless the
    environment enables it, e.g. PYTHONFAULTHANDLER=1, in which case it
    dumps tracebacks to stderr and re-raises: the exit status is the same).

KNOWN ANSWER (what a correct recorder must deliver)
    * Exit status: killed by signal 11 -- subprocess returncode -11; a
      shell reports 139.  stdout holds exactly the fixed line (plus the
      truth line when GILSCOPE_TRUTH=1).
    * The recording is readable up to the last moments: it contains the
      2 workers contending for the GIL (each ~50% held) for ~--after
      seconds -- at least 90% of the time from the threads' start
      (truth threads_start) to the crash (truth crash_at).
    * The process ended abnormally (by SIGSEGV) and the last events are at
      most ~50 ms before truth crash_at.

KNOBS
    --threads N        CPU threads (default 2)
    --after S          seconds of work before the crash (default 0.5)
    --method fault|kill    (default fault)

OUTPUT
    stdout: the fixed line "crash_segv: crashing now (<method>)", then, only
    with GILSCOPE_TRUTH=1, the final line
      GILSCOPE-TRUTH {"workload": "crash_segv", "method", "threads_start",
        "crash_at", "expected_returncode": -11, "threads": [{"name",
        "native_id", "iterations_so_far"}], ...}
    (iterations_so_far is read without synchronisation just before the
    crash.)  Times are time.perf_counter() seconds.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import ctypes
import json
import os
import resource
import signal
import sys
import threading
import time

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "returncode": -11,
    "shell_exit_status": 139,
    "recorded_fraction_of_run_min": 0.90,
    "last_event_before_crash_max_seconds": 0.05,
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
    p = argparse.ArgumentParser(description="CPU threads, then a real SIGSEGV.")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (2)")
    p.add_argument("--after", type=float, default=0.5,
                   help="seconds before the crash (0.5)")
    p.add_argument("--method", choices=("fault", "kill"), default="fault",
                   help="fault: ctypes.string_at(1); kill: os.kill SIGSEGV")
    return p.parse_args(argv)


def spin(slot, counts, native_ids):
    native_ids[slot] = threading.get_native_id()
    i = 0
    acc = 0
    while True:
        for _ in range(1000):  # CPU-LOOP
            acc += i * i  # CPU-LOOP
            i += 1  # CPU-LOOP
        counts[slot] = i


def main(argv=None):
    args = parse_args(argv)
    n = args.threads
    counts = [0] * n
    native_ids = [None] * n
    threads = [threading.Thread(target=spin, args=(k, counts, native_ids),
                                name="cpu-%d" % k, daemon=True) for k in range(n)]
    threads_start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(args.after)
    sys.stdout.write("crash_segv: crashing now (%s)\n" % args.method)
    sys.stdout.flush()
    truth = base_truth("crash_segv")
    crash_at = time.perf_counter()
    truth.update({
        "method": args.method,
        "n_threads": n,
        "after": args.after,
        "threads_start": round(threads_start, 6),
        "crash_at": round(crash_at, 6),
        "expected_returncode": -signal.SIGSEGV,
        "threads": [{"name": t.name, "native_id": native_ids[k],
                     "iterations_so_far": counts[k]}
                    for k, t in enumerate(threads)],
    })
    emit_truth(truth)
    sys.stderr.flush()
    try:  # no core file: the crash is the point, a core dump is litter
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if args.method == "fault":
        ctypes.string_at(1)  # CRASH-HERE
    else:
        os.kill(os.getpid(), signal.SIGSEGV)  # CRASH-HERE
        time.sleep(5)  # not reached: the signal is delivered at once
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
