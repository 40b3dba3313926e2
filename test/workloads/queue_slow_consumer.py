"""queue_slow_consumer.py -- a fast producer blocked on a bounded queue.Queue.

WHAT IT DOES
    One producer thread ("producer") puts --items integers into a bounded
    queue.Queue(maxsize=--maxsize) (default 8), then one None sentinel per
    consumer, all on the line marked QUEUE-PUT.  --consumers C threads
    ("consumer-0" ..) take items on the line marked QUEUE-GET and "process"
    each one with time.sleep(--work-ms / 1000) (default 5 ms) on the line
    marked CONSUME, until they get the sentinel.  Production is instant and
    consumption is slow (C x 200 items/s by default), so the queue stays
    full and the producer spends its life blocked inside put() -- i.e. in
    the queue's not_full threading.Condition.wait(), which is a blocking
    acquire of a _thread.lock with the GIL released.
    Every put() and get() call is timed with time.perf_counter().

KNOWN ANSWER (what a correct lock/GIL profiler must report)
    * The producer is blocked in put() (lock wait under queue.Queue.put,
      attributed to the QUEUE-PUT line) for truth "producer_put_seconds";
      that is >= 80% of the producer's run.  A profiler's figure must agree
      within 10% or 20 ms, whichever is larger.
    * put() is called exactly truth "put_calls" = items + consumers times;
      get() exactly truth "get_calls" = the same number, in total.
    * Consumers spend little time in get() (the queue is full): truth
      "consumer_get_seconds" summed over consumers, < 20% of their runs;
      they spend most of their time in time.sleep at the CONSUME line
      (GIL released).
    * The GIL is held (by anyone) < 10% of the window; no thread waits for
      the GIL more than 5% of its run.

KNOBS
    --items N          items produced (default 500)
    --consumers C      consumer threads (default 2)
    --maxsize M        queue bound (default 8)
    --work-ms W        sleep per consumed item, ms (default 5)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "queue_slow_consumer", "items",
        "put_calls", "get_calls", "producer_put_seconds",
        "consumer_get_seconds", "producer": {...}, "consumers": [{...}],
        "markers", "window_start", "window_end", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13, standard library only.
"""

import argparse
import json
import os
import queue
import re
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "producer_put_blocked_fraction_min": 0.80,
    "put_seconds_tolerance": "max(10%, 0.020 s) of truth",
    "consumer_get_fraction_max": 0.20,
    "gil_held_fraction_max": 0.10,
    "per_thread_gil_wait_fraction_max": 0.05,
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
    p = argparse.ArgumentParser(description="Producer blocked on a bounded queue.")
    p.add_argument("--items", type=int, default=500, help="items (500)")
    p.add_argument("--consumers", type=int, default=2, help="consumers (2)")
    p.add_argument("--maxsize", type=int, default=8, help="queue bound (8)")
    p.add_argument("--work-ms", type=float, default=5.0,
                   help="sleep per consumed item, ms (5)")
    return p.parse_args(argv)


def producer(q, n_items, n_consumers, barrier, out):
    perf_counter = time.perf_counter
    barrier.wait()
    start = perf_counter()
    put_seconds = 0.0
    calls = 0
    payload = list(range(n_items)) + [None] * n_consumers
    for item in payload:
        t0 = perf_counter()
        q.put(item)  # QUEUE-PUT
        put_seconds += perf_counter() - t0
        calls += 1
    end = perf_counter()
    out["producer"] = {
        "name": threading.current_thread().name,
        "native_id": threading.get_native_id(),
        "start": round(start, 6),
        "end": round(end, 6),
        "put_calls": calls,
        "put_seconds": round(put_seconds, 6),
    }


def consumer(q, work, barrier, out):
    perf_counter = time.perf_counter
    barrier.wait()
    start = perf_counter()
    get_seconds = 0.0
    work_seconds = 0.0
    calls = 0
    items = 0
    while True:
        t0 = perf_counter()
        item = q.get()  # QUEUE-GET
        t1 = perf_counter()
        get_seconds += t1 - t0
        calls += 1
        if item is None:
            break
        time.sleep(work)  # CONSUME
        work_seconds += perf_counter() - t1
        items += 1
    end = perf_counter()
    out.append({
        "name": threading.current_thread().name,
        "native_id": threading.get_native_id(),
        "start": round(start, 6),
        "end": round(end, 6),
        "get_calls": calls,
        "items": items,
        "get_seconds": round(get_seconds, 6),
        "work_seconds": round(work_seconds, 6),
    })


def main(argv=None):
    args = parse_args(argv)
    q = queue.Queue(maxsize=args.maxsize)  # QUEUE-CREATE
    barrier = threading.Barrier(args.consumers + 1)
    prod_out = {}
    cons_out = []
    threads = [threading.Thread(target=producer, name="producer",
                                args=(q, args.items, args.consumers, barrier, prod_out))]
    threads += [threading.Thread(target=consumer, name="consumer-%d" % k,
                                 args=(q, args.work_ms / 1000.0, barrier, cons_out))
                for k in range(args.consumers)]
    m0 = machine_sample()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    machine = machine_load(m0)
    cons_out.sort(key=lambda r: r["name"])
    prod = prod_out["producer"]

    window_start = min([prod["start"]] + [c["start"] for c in cons_out])
    window_end = max([prod["end"]] + [c["end"] for c in cons_out])
    truth = base_truth("queue_slow_consumer")
    truth.update({
        "machine": machine,
        "items": args.items,
        "n_consumers": args.consumers,
        "maxsize": args.maxsize,
        "work_ms": args.work_ms,
        "markers": marker_lines(),
        "put_calls": prod["put_calls"],
        "get_calls": sum(c["get_calls"] for c in cons_out),
        "producer_put_seconds": prod["put_seconds"],
        "consumer_get_seconds": round(sum(c["get_seconds"] for c in cons_out), 6),
        "consumer_work_seconds": round(sum(c["work_seconds"] for c in cons_out), 6),
        "producer": prod,
        "consumers": cons_out,
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
