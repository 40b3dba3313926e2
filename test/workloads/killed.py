"""killed.py -- CPU threads running, then the process SIGKILLs itself.

WHAT IT DOES
    Starts --threads N (default 2) CPU-bound pure-Python threads ("cpu-0",
    "cpu-1") that loop forever, contending for the GIL.  The main thread
    sleeps --after seconds (default 0.5), prints one fixed line to stdout
    (flushed), prints the truth line if asked (flushed), then calls
    os.kill(os.getpid(), signal.SIGKILL).  SIGKILL cannot be caught or
    handled: nothing in the process (no signal handler, atexit hook,
    destructor or library finaliser) runs after it.

KNOWN ANSWER (what a correct recorder must deliver)
    * Killed by signal 9: subprocess returncode -9; a shell reports 137.
      stdout holds exactly the fixed line (plus the truth line when
      GILSCOPE_TRUTH=1); stderr is empty.
    * The recording is readable: it contains the 2 workers contending for
      the GIL (each ~50% held) for ~--after seconds -- at least 90% of the
      time from the threads' start (truth threads_start) to the kill
      (truth kill_at) -- and the last events are at most ~50 ms before
      kill_at.

KNOBS
    --threads N        CPU threads (default 2)
    --after S          seconds of work before the kill (default 0.5)

OUTPUT
    stdout: the fixed line "killed: sending SIGKILL to self", then, only
    with GILSCOPE_TRUTH=1, the final line
      GILSCOPE-TRUTH {"workload": "killed", "threads_start", "kill_at",
        "expected_returncode": -9, "threads": [{"name", "native_id",
        "iterations_so_far"}], ...}
    Times are time.perf_counter() seconds.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "returncode": -9,
    "shell_exit_status": 137,
    "recorded_fraction_of_run_min": 0.90,
    "last_event_before_kill_max_seconds": 0.05,
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
    p = argparse.ArgumentParser(description="CPU threads, then SIGKILL to self.")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (2)")
    p.add_argument("--after", type=float, default=0.5,
                   help="seconds before the kill (0.5)")
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
    print("killed: sending SIGKILL to self", flush=True)
    truth = base_truth("killed")
    kill_at = time.perf_counter()
    truth.update({
        "n_threads": n,
        "after": args.after,
        "threads_start": round(threads_start, 6),
        "kill_at": round(kill_at, 6),
        "expected_returncode": -signal.SIGKILL,
        "threads": [{"name": t.name, "native_id": native_ids[k],
                     "iterations_so_far": counts[k]}
                    for k, t in enumerate(threads)],
    })
    emit_truth(truth)
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # KILL-HERE
    time.sleep(5)  # not reached: SIGKILL is delivered at once
    return 1


if __name__ == "__main__":
    sys.exit(main())
