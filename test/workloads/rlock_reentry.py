"""rlock_reentry.py -- one RLock taken recursively: re-entry is one hold.

WHAT IT DOES
    --threads N (default 2) threads each run --iterations K (default 200)
    times: take the module-level RLock (RLOCK-OUTER), re-enter it twice
    more (RLOCK-INNER, in nested calls), do ~0.2 ms of work, and unwind.

KNOWN ANSWER (what a correct lock profiler must report)
    * The RLock created at the RLOCK-CREATE line is acquired exactly
      N x K times (truth "acquisitions"): each outer acquire is one hold;
      the nested re-entries are not acquisitions of their own.
    * Every acquisition is named by the RLOCK-OUTER line.
    * Its holds add up to the time measured around each outer hold (truth
      "hold_seconds": the work plus the nested calls, so more than
      N x K x --hold-ms), within 10%.
"""
import argparse
import json
import os
import threading
import time

shared_rlock = threading.RLock()  # RLOCK-CREATE


def work(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def inner(depth, hold):
    with shared_rlock:  # RLOCK-INNER
        if depth > 1:
            inner(depth - 1, hold)
        else:
            work(hold)


def worker(iterations, hold, totals, index):
    held = 0.0
    for _ in range(iterations):
        with shared_rlock:  # RLOCK-OUTER
            start = time.perf_counter()
            inner(2, hold)
            held += time.perf_counter() - start
    totals[index] = held


def markers():
    found = {}
    with open(__file__) as f:
        for number, line in enumerate(f, 1):
            if "# RLOCK-" in line and "markers" not in line:
                found.setdefault(line.split("# ")[-1].strip(), []).append(number)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--hold-ms", type=float, default=0.2)
    args = parser.parse_args()
    totals = [0.0] * args.threads
    threads = [threading.Thread(target=worker, args=(args.iterations, args.hold_ms / 1000, totals, i))
               for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("rlock_reentry: done")
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({
            "workload": "rlock_reentry", "acquisitions": args.threads * args.iterations,
            "hold_seconds": round(sum(totals), 6), "markers": markers()}, sort_keys=True))


if __name__ == "__main__":
    main()
