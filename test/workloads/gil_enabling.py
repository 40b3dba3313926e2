"""gil_enabling.py -- a free-threaded build's GIL turned on half-way.

WHAT IT DOES
    Three threads spin in pure Python; after 0.25 s the main thread imports
    `gil_needed` (test/workloads/cext/gil_needed.c, which does not declare
    Py_mod_gil), whose folder is the first argument: on a free-threaded build
    that turns the GIL on for good. The threads spin on for 0.3 s after the
    import, however long it took.

KNOWN ANSWER
    The GIL is off until the import (no GIL wait), on after it: the module is
    named, and from then on the threads hold and wait for the GIL as on a GIL
    build.

OUTPUT
    "before: GIL False", "after: GIL True" (on a free-threaded build), then
    with GILSCOPE_TRUTH=1 one line
      GILSCOPE-TRUTH {"workload": "gil_enabling", "import_at": [start, end]}
"""
import json
import os
import sys
import threading
import time

BEFORE, AFTER = 0.25, 0.3


def main():
    sys.path.insert(0, sys.argv[1])
    gil = getattr(sys, "_is_gil_enabled", lambda: True)

    stop = threading.Event()

    def spin():
        x = 0
        while not stop.is_set():
            for i in range(1000):
                x += i

    threads = [threading.Thread(target=spin, name="spin-%d" % i) for i in range(3)]
    for t in threads:
        t.start()
    time.sleep(BEFORE)
    print("before: GIL %s" % gil(), flush=True)
    start = time.perf_counter()
    import gil_needed  # noqa: F401  turns the GIL on
    end = time.perf_counter()
    print("after: GIL %s" % gil(), flush=True)
    time.sleep(AFTER)
    stop.set()
    for t in threads:
        t.join()
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "gil_enabling", "import_at": [start, end]}))


if __name__ == "__main__":
    main()
