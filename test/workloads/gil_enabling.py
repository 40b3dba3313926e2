"""gil_enabling.py -- a free-threaded build's GIL turned on half-way.

WHAT IT DOES
    Three threads spin in pure Python for --seconds (default 0.8); after a
    third of that the main thread imports `gil_needed` (test/workloads/cext/
    gil_needed.c, which does not declare Py_mod_gil), whose folder is the
    first argument: on a free-threaded build that turns the GIL on for good.

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

SECONDS = 0.8


def main():
    sys.path.insert(0, sys.argv[1])
    gil = getattr(sys, "_is_gil_enabled", lambda: True)

    def spin():
        end = time.perf_counter() + SECONDS
        x = 0
        while time.perf_counter() < end:
            x += 1

    threads = [threading.Thread(target=spin, name="spin-%d" % i) for i in range(3)]
    for t in threads:
        t.start()
    time.sleep(SECONDS / 3)
    print("before: GIL %s" % gil(), flush=True)
    start = time.perf_counter()
    import gil_needed  # noqa: F401  turns the GIL on
    end = time.perf_counter()
    print("after: GIL %s" % gil(), flush=True)
    for t in threads:
        t.join()
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "gil_enabling", "import_at": [start, end]}))


if __name__ == "__main__":
    main()
