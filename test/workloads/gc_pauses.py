"""gc_pauses.py -- busy threads while the main thread collects garbage.

WHAT IT DOES
    Three threads spin in pure Python while the main thread calls
    gc.collect() --collections times (default 20), then stops them.

KNOWN ANSWER
    On a free-threaded build each collection stops the world (twice in
    3.13t): at least --collections stop-the-world pauses, caused by garbage
    collection, with the busy threads stopped in each. On a GIL build the
    collections only hold the GIL.

OUTPUT
    "collections: N", then with GILSCOPE_TRUTH=1 one line
      GILSCOPE-TRUTH {"workload": "gc_pauses", "collections": N,
        "collect_seconds": [[start, end], ...]}
"""
import argparse
import gc
import json
import os
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--collections", type=int, default=20)
    args = parser.parse_args()
    stop = threading.Event()

    def busy():
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i

    threads = [threading.Thread(target=busy, name="busy-%d" % i) for i in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    spans = []
    garbage = [[[] for _ in range(100)] for _ in range(100)]
    for _ in range(args.collections):
        garbage.append([garbage[-1]])
        start = time.perf_counter()
        gc.collect()
        spans.append([start, time.perf_counter()])
    stop.set()
    for t in threads:
        t.join()
    print("collections: %d" % len(spans))
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "gc_pauses", "collections": len(spans),
                                             "collect_seconds": spans}, sort_keys=True))


if __name__ == "__main__":
    main()
