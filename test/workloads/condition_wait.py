"""condition_wait.py -- consumers parked in threading.Condition.wait().

WHAT IT DOES
    A module-level `cond = threading.Condition()` (line marked COND-CREATE)
    guards a generation counter.  --consumers C threads ("waiter-0" ..) loop:
    under `with cond:` they call cond.wait() (no timeout; line marked
    COND-WAIT) until the generation changes, note it, and wait again.  One
    "notifier" thread, every --interval-ms ms (default 20 ms, time.sleep),
    takes the condition, bumps the generation and calls cond.notify_all()
    (line marked COND-NOTIFY), --notifications times (default 60); then it
    sets `done` and notifies once more (same line).  Each cond.wait() call
    is timed with time.perf_counter().  Waiting in Condition.wait() is a
    blocking acquire of a per-waiter _thread.lock with the GIL released.

KNOWN ANSWER (what a correct lock/GIL profiler must report)
    * The waiters spend truth "cond_wait_seconds" (summed over waiters) in
      cond.wait() at the COND-WAIT line -- >= 90% of each waiter's run
      (~ C x window).  A profiler's figure must agree within 10% or 20 ms,
      whichever is larger.
    * cond.wait() is called truth "wait_calls" times in total (nominally
      C x (notifications + 1)); notify_all() exactly notifications + 1
      times (truth "notify_calls").
    * The GIL is held (by anyone) < 5% of the window; no thread waits for
      the GIL more than 2% of its run; the notifier is mostly in time.sleep.

KNOBS
    --consumers C        waiting threads (default 3)
    --notifications K    notify_all rounds (default 60)
    --interval-ms I      ms between notifications (default 20)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "condition_wait", "cond_wait_seconds",
        "wait_calls", "notify_calls", "waiters": [{"name", "native_id",
        "start", "end", "wait_calls", "wakeups", "wait_seconds"}],
        "notifier": {...}, "markers", "window_start", "window_end", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
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
    "per_waiter_cond_wait_fraction_min": 0.90,
    "cond_wait_seconds_tolerance": "max(10%, 0.020 s) of truth",
    "notify_calls": "notifications + 1",
    "gil_held_fraction_max": 0.05,
    "per_thread_gil_wait_fraction_max": 0.02,
}

cond = threading.Condition()  # COND-CREATE
state = {"generation": 0, "done": False}


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
    p = argparse.ArgumentParser(description="Threads waiting on a Condition.")
    p.add_argument("--consumers", type=int, default=3, help="waiters (3)")
    p.add_argument("--notifications", type=int, default=60,
                   help="notify_all rounds (60)")
    p.add_argument("--interval-ms", type=float, default=20.0,
                   help="ms between notifications (20)")
    return p.parse_args(argv)


def waiter(ready, out):
    perf_counter = time.perf_counter
    start = perf_counter()
    wait_seconds = 0.0
    wait_calls = 0
    wakeups = 0
    seen = 0
    with cond:
        ready.release()
        while True:
            while state["generation"] == seen and not state["done"]:
                t0 = perf_counter()
                cond.wait()  # COND-WAIT
                wait_seconds += perf_counter() - t0
                wait_calls += 1
            if state["done"]:
                break
            seen = state["generation"]
            wakeups += 1
    end = perf_counter()
    out.append({
        "name": threading.current_thread().name,
        "native_id": threading.get_native_id(),
        "start": round(start, 6),
        "end": round(end, 6),
        "wait_calls": wait_calls,
        "wakeups": wakeups,
        "wait_seconds": round(wait_seconds, 6),
    })


def notifier(n_notifications, interval, out):
    perf_counter = time.perf_counter
    start = perf_counter()
    notify_calls = 0
    for _ in range(n_notifications):
        time.sleep(interval)  # NOTIFIER-SLEEP
        with cond:
            state["generation"] += 1
            cond.notify_all()  # COND-NOTIFY
            notify_calls += 1
    time.sleep(interval)  # NOTIFIER-SLEEP
    with cond:
        state["done"] = True
        cond.notify_all()  # COND-NOTIFY
        notify_calls += 1
    end = perf_counter()
    out["notifier"] = {
        "name": threading.current_thread().name,
        "native_id": threading.get_native_id(),
        "start": round(start, 6),
        "end": round(end, 6),
        "notify_calls": notify_calls,
    }


def main(argv=None):
    args = parse_args(argv)
    n = args.consumers
    ready = threading.Semaphore(0)
    waiters_out = []
    notifier_out = {}
    waiters = [threading.Thread(target=waiter, args=(ready, waiters_out),
                                name="waiter-%d" % k) for k in range(n)]
    m0 = machine_sample()
    for t in waiters:
        t.start()
    for _ in range(n):
        ready.acquire()  # every waiter is inside `with cond:` (about to wait)
    note = threading.Thread(target=notifier, name="notifier",
                            args=(args.notifications, args.interval_ms / 1000.0,
                                  notifier_out))
    note.start()
    note.join()
    for t in waiters:
        t.join()
    machine = machine_load(m0)
    waiters_out.sort(key=lambda r: r["name"])
    notes = notifier_out["notifier"]

    window_start = min([notes["start"]] + [w["start"] for w in waiters_out])
    window_end = max([notes["end"]] + [w["end"] for w in waiters_out])
    truth = base_truth("condition_wait")
    truth.update({
        "machine": machine,
        "n_consumers": n,
        "notifications": args.notifications,
        "interval_ms": args.interval_ms,
        "markers": marker_lines(),
        "cond_wait_seconds": round(sum(w["wait_seconds"] for w in waiters_out), 6),
        "wait_calls": sum(w["wait_calls"] for w in waiters_out),
        "notify_calls": notes["notify_calls"],
        "waiters": waiters_out,
        "notifier": notes,
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
