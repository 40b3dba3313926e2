"""exit_os_exit.py -- CPU threads running, then os._exit(3) from the main thread.

WHAT IT DOES
    Starts --threads N (default 2) CPU-bound pure-Python threads ("cpu-0",
    "cpu-1") that loop forever, contending for the GIL.  The main thread
    sleeps --after seconds (default 0.5), prints one fixed line to stdout
    with flush=True, prints the truth line if asked (flushed), then calls
    os._exit(--code) (default 3): the process ends at once -- no atexit
    handlers, no threading._shutdown, no interpreter finalisation, no
    flushing of Python-level buffers (which is why everything printed is
    flushed first).  The workers are still running when it happens.

KNOWN ANSWER (what a correct recorder must deliver)
    * Exit status 3 (subprocess returncode 3).  stdout holds exactly the
      fixed line (plus the truth line when GILSCOPE_TRUTH=1); stderr is
      empty.
    * The recording is readable: it contains the 2 workers contending for
      the GIL (each ~50% held) for ~--after seconds -- at least 90% of the
      time from the threads' start (truth threads_start) to the exit
      (truth exit_at) -- and the last events are at most ~50 ms before
      exit_at.  Python-level atexit hooks never ran, so a recorder must
      not depend on them.

KNOBS
    --threads N        CPU threads (default 2)
    --after S          seconds of work before the exit (default 0.5)
    --code C           exit status (default 3)

OUTPUT
    stdout: the fixed line "exit_os_exit: calling os._exit(<code>)", then,
    only with GILSCOPE_TRUTH=1, the final line
      GILSCOPE-TRUTH {"workload": "exit_os_exit", "threads_start",
        "exit_at", "expected_returncode": 3, "threads": [{"name",
        "native_id", "iterations_so_far"}], ...}
    Times are time.perf_counter() seconds.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import atexit
import json
import os
import sys
import threading
import time

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "returncode": 3,
    "recorded_fraction_of_run_min": 0.90,
    "last_event_before_exit_max_seconds": 0.05,
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
    p = argparse.ArgumentParser(description="CPU threads, then os._exit.")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (2)")
    p.add_argument("--after", type=float, default=0.5,
                   help="seconds before os._exit (0.5)")
    p.add_argument("--code", type=int, default=3, help="exit status (3)")
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


def never_runs():
    sys.stderr.write("exit_os_exit: atexit handler ran (it must not)\n")


def main(argv=None):
    args = parse_args(argv)
    atexit.register(never_runs)
    n = args.threads
    counts = [0] * n
    native_ids = [None] * n
    threads = [threading.Thread(target=spin, args=(k, counts, native_ids),
                                name="cpu-%d" % k, daemon=True) for k in range(n)]
    threads_start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(args.after)
    print("exit_os_exit: calling os._exit(%d)" % args.code, flush=True)
    truth = base_truth("exit_os_exit")
    exit_at = time.perf_counter()
    truth.update({
        "n_threads": n,
        "after": args.after,
        "threads_start": round(threads_start, 6),
        "exit_at": round(exit_at, 6),
        "expected_returncode": args.code,
        "threads": [{"name": t.name, "native_id": native_ids[k],
                     "iterations_so_far": counts[k]}
                    for k, t in enumerate(threads)],
    })
    emit_truth(truth)
    sys.stderr.flush()
    os._exit(args.code)  # EXIT-HERE


if __name__ == "__main__":
    main()
