"""pingpong.py -- K items bounced through two queues: 1 thread, 2 threads, 2 processes.

WHAT IT DOES
    A driver sends the integers 0 .. K-1 (--items) on a "ping" queue; an
    echoer takes each from "ping" and puts it on "pong"; the driver takes it
    back from "pong".  The driver keeps at most --window items in flight
    (default 64): when the window is full it takes one reply before sending
    the next item, then it drains.  (--window 1 is strict lock-step
    ping-pong, ~5-10x slower per item.)  Every item makes exactly 4 queue
    operations: ping.put, ping.get, pong.put, pong.get.  The sum of the
    returned items is checked (exit status 1 on a mismatch).
    --mode selects where the echoer runs:
      thread1     serial baseline: one thread echoes to itself
                  (queue.Queue x 2; per item ping.put, ping.get, pong.put,
                  pong.get -- no other thread, nothing ever blocks);
      threads2    driver in the main thread, echoer in thread "echoer"
                  (queue.Queue x 2).  A get() that finds its queue empty
                  blocks in Condition.wait (GIL released); the other thread
                  then runs until it blocks in turn.  With window W each
                  side blocks ~K/W times (3125 for the defaults), counted
                  exactly in the truth line (get_nowait() first, then a
                  blocking get() at the ...-BLOCKING lines);
      processes2  driver in the main process, echoer in a child process
                  (multiprocessing.Queue x 2, started with --start-method,
                  default spawn; after one warm-up round trip): one GIL per
                  process; pickling, pipes and each Queue's feeder thread.
                  Blocked gets are not counted here (null in the truth).
    Defaults: K = 200000 for thread1/threads2, 100000 for processes2 (the
    processes2 exchange costs ~6-12 us per item; 200000 would take 1.2-2.4 s).

KNOWN ANSWER (what a correct GIL/lock profiler must report)
    Over the exchange (truth exchange_start .. exchange_end):
    * thread1: one busy Python thread (MainThread) holding the GIL >= 95%
      of the exchange; no GIL waits, no lock waits (no get ever blocks).
      Fastest per item (truth seconds_per_item).
    * threads2: two busy threads, "MainThread" and "echoer"; together they
      hold the GIL >= 90% of the exchange, each holds 30-70%.  Each side
      blocks in queue.Queue.get (lock wait under the ...-BLOCKING lines)
      exactly truth driver_blocked_gets / echoer_blocked_gets times
      (~K/W each), so the GIL changes hands >= 2 x min(those) times.
      GIL waits are small (< 10% per thread): a thread blocks on the queue
      lock, not on the GIL.
    * processes2: two processes, each with its own GIL: the child (truth
      child_pid) runs the echoer in its MainThread plus a Queue feeder
      thread ("QueueFeederThread"); the parent likewise has a feeder thread.
      A profiler that follows children must record the child pid.  With
      spawn or forkserver, multiprocessing's resource tracker (and the fork
      server) are Python processes too, idle throughout.  GIL waits are
      < 20% of each thread's run.
    * all modes: exactly truth "items" items round-trip; truth
      "exchange_seconds" is the driver's wall time for the exchange.

KNOBS
    --mode thread1|threads2|processes2     (default threads2)
    --items K          items (default 200000; 100000 for processes2)
    --window W         max items in flight (default 64)
    --start-method fork|spawn|forkserver   processes2 only (default spawn)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "pingpong", "mode", "items", "window",
        "exchange_start", "exchange_end", "exchange_seconds",
        "seconds_per_item", "driver_blocked_gets", "echoer_blocked_gets",
        "start_method", "child_pid", "echoer_native_id", ...}
    Times are time.perf_counter() seconds.  Exit status 0 (1 if the items
    came back wrong).
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.
    (Helper processes still alive at the end -- multiprocessing's
    resource tracker, the fork server -- count as foreign.)

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import json
import os
import queue
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "thread1": {"busy_python_threads": 1, "gil_held_fraction_min": 0.95,
                "blocked_gets": 0},
    "threads2": {"busy_python_threads": 2, "gil_held_fraction_min": 0.90,
                 "per_thread_hold_fraction_range": [0.30, 0.70],
                 "per_thread_gil_wait_fraction_max": 0.10,
                 "blocked_gets": "truth driver/echoer_blocked_gets (~items/window)"},
    "processes2": {"processes": 2, "per_thread_gil_wait_fraction_max": 0.20},
}

STOP = -1  # sentinel: items are >= 0


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
    p = argparse.ArgumentParser(description="Queue ping-pong of K items.")
    p.add_argument("--mode", choices=("thread1", "threads2", "processes2"),
                   default="threads2")
    p.add_argument("--items", type=int, default=None,
                   help="items (200000; 100000 for processes2)")
    p.add_argument("--window", type=int, default=64,
                   help="max items in flight (64)")
    p.add_argument("--start-method", choices=("fork", "spawn", "forkserver"),
                   default="spawn", help="processes2 only (spawn)")
    return p.parse_args(argv)


def echo(ping, pong, count_blocked):
    """Echoer (a thread or a child process): ping -> pong until STOP.

    With count_blocked, a get() that finds the queue empty counts as
    "blocked" (queue.Queue only: for multiprocessing.Queue the extra poll
    would double the cost per item).  After echoing STOP it puts
    (blocked count or None, its thread CPU seconds) on pong.
    """
    blocked = 0
    cpu0 = time.thread_time()
    while True:
        if count_blocked:
            try:
                item = ping.get_nowait()  # ECHO-GET
            except queue.Empty:
                blocked += 1
                item = ping.get()  # ECHO-GET-BLOCKING
        else:
            item = ping.get()  # ECHO-GET-BLOCKING
        pong.put(item)  # ECHO-PUT
        if item == STOP:
            pong.put((blocked if count_blocked else None,
                      time.thread_time() - cpu0))
            return


def drive(ping, pong, items, window, count_blocked):
    """Send 0..items-1 with <= window in flight.

    Returns (sum of the items received, number of gets that blocked or
    None when not counted).
    """
    in_flight = 0
    total = 0
    blocked = 0
    i = 0
    while i < items or in_flight:
        if in_flight >= window or i >= items:
            if count_blocked:
                try:
                    total += pong.get_nowait()  # DRIVE-GET
                except queue.Empty:
                    blocked += 1
                    total += pong.get()  # DRIVE-GET-BLOCKING
            else:
                total += pong.get()  # DRIVE-GET-BLOCKING
            in_flight -= 1
        else:
            ping.put(i)  # DRIVE-PUT
            in_flight += 1
            i += 1
    return total, (blocked if count_blocked else None)


def drive_self(ping, pong, items):
    """thread1: the same four queue operations per item, in one thread."""
    total = 0
    for i in range(items):
        ping.put(i)  # DRIVE-PUT
        pong.put(ping.get())  # ECHO-GET
        total += pong.get()  # DRIVE-GET
    return total


def main(argv=None):
    args = parse_args(argv)
    truth = base_truth("pingpong")
    items = args.items
    if items is None:
        items = 100000 if args.mode == "processes2" else 200000
    truth.update({"mode": args.mode, "items": items, "window": args.window,
                  "start_method": None, "child_pid": None})

    m0 = machine_sample()
    echoer_blocked = 0
    echoer_cpu = None
    if args.mode == "thread1":
        ping, pong = queue.Queue(), queue.Queue()
        cpu0 = time.thread_time()
        t0 = time.perf_counter()
        total = drive_self(ping, pong, items)
        t1 = time.perf_counter()
        driver_cpu = time.thread_time() - cpu0
        driver_blocked = 0
    elif args.mode == "threads2":
        ping, pong = queue.Queue(), queue.Queue()
        echoer = threading.Thread(target=echo, args=(ping, pong, True),
                                  name="echoer")
        echoer.start()
        cpu0 = time.thread_time()
        t0 = time.perf_counter()
        total, driver_blocked = drive(ping, pong, items, args.window, True)
        t1 = time.perf_counter()
        driver_cpu = time.thread_time() - cpu0
        ping.put(STOP)
        pong.get()
        echoer_blocked, echoer_cpu = pong.get()
        echoer.join()
        truth["echoer_native_id"] = echoer.native_id
    else:
        import multiprocessing
        ctx = multiprocessing.get_context(args.start_method)
        ping, pong = ctx.Queue(), ctx.Queue()
        child = ctx.Process(target=echo, args=(ping, pong, False), name="echoer")
        child.start()
        # One warm-up round trip so child start-up is outside the window.
        ping.put(0)
        pong.get()
        cpu0 = time.thread_time()
        t0 = time.perf_counter()
        total, driver_blocked = drive(ping, pong, items, args.window, False)
        t1 = time.perf_counter()
        driver_cpu = time.thread_time() - cpu0
        ping.put(STOP)
        pong.get()
        echoer_blocked, echoer_cpu = pong.get()
        child.join()
        truth["start_method"] = args.start_method
        truth["child_pid"] = child.pid
        truth["child_exitcode"] = child.exitcode

    machine = machine_load(m0)
    expected = items * (items - 1) // 2
    truth.update({
        "machine": machine,
        "checksum_ok": total == expected,
        "exchange_start": round(t0, 6),
        "exchange_end": round(t1, 6),
        "exchange_seconds": round(t1 - t0, 6),
        "seconds_per_item": round((t1 - t0) / items, 9) if items else 0.0,
        "driver_blocked_gets": driver_blocked,
        "driver_thread_cpu_seconds": round(driver_cpu, 6),
        "echoer_thread_cpu_seconds": (None if echoer_cpu is None
                                      else round(echoer_cpu, 6)),
        "echoer_blocked_gets": echoer_blocked,
    })
    emit_truth(truth)
    if total != expected:
        sys.stderr.write("pingpong: checksum mismatch\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
