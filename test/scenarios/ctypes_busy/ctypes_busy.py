"""A C function called through ctypes that busy-waits, beside a pure-Python thread.

Thread "ctypes" calls busy_wait(--seconds) from libbusy.so (argv[1], built by
the test with gcc from busy.c): ctypes releases the GIL for the call, so the
thread runs without it. Thread "python" counts in a pure-Python loop for the
same time, holding the GIL. A Barrier starts both together.

Expected (expected.json): the ctypes thread is released ~all of its life, at
the BUSY-CALL line; the Python thread holds the GIL ~all of its life and
hardly waits; the process uses both cores (CPU time / wall close to 2).
"""
import ctypes
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def main():
    library, seconds = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    busy = ctypes.CDLL(library).busy_wait
    busy.argtypes, busy.restype = [ctypes.c_double], ctypes.c_longlong
    start = threading.Barrier(2)
    done = {}

    def in_c():
        start.wait()
        t0 = time.perf_counter()
        busy(seconds)  # BUSY-CALL
        done["ctypes"] = (t0, time.perf_counter())

    def in_python():
        start.wait()
        t0 = time.perf_counter()
        end = t0 + seconds
        n = 0
        while True:  # PY-LOOP
            n += 1
            if n % 1000 == 0 and time.perf_counter() >= end:
                break
        done["python"] = (t0, time.perf_counter())

    m0 = _truth.machine_sample()
    cpu0 = time.process_time()
    w0 = time.perf_counter()
    threads = [threading.Thread(target=in_c, name="ctypes"), threading.Thread(target=in_python, name="python")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - w0
    cpu = time.process_time() - cpu0
    _truth.emit({"scenario": "ctypes_busy", "seconds": seconds, "phases": done, "wall_seconds": wall,
                 "cpu_seconds": cpu, "cores_used": cpu / wall, "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
