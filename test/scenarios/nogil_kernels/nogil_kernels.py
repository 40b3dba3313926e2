"""The same kernel four ways, each run by two threads at once.

kernel(n) = sum over i < n of x*x / (1 + x), x = (i % 1000) / 1000:
  --impl python          pure Python, holding the GIL (the HOT-LINE);
  --impl cython          Cython with the loop under `with nogil:` (module kernel_cy,
                         built by the test into the folder --build);
  --impl numba           numba @njit(nogil=True);
  --impl numba-parallel  numba @njit(nogil=True, parallel=True) with prange, called
                         by one thread: numba's own worker threads do the loop.
Numba compiles on a small warm-up call first, outside the measured window.

Expected (expected.json): python: two threads taking turns on the GIL, and
"release the GIL" suggested at HOT-LINE; cython and numba: both threads
released ~all of the window, side by side; numba-parallel: the calling
thread released while the process uses ~2 cores.
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def kernel_python(n):
    total = 0.0
    for i in range(n):
        x = (i % 1000) * 0.001
        total += x * x / (1.0 + x)  # HOT-LINE
    return total


def load(impl, build):
    if impl == "python":
        return kernel_python, 1
    if impl == "cython":
        sys.path.insert(0, build)
        import kernel_cy
        return kernel_cy.kernel, 60
    import numba

    if impl == "numba":
        @numba.njit(nogil=True)
        def kernel_numba(n):
            total = 0.0
            for i in range(n):
                x = (i % 1000) * 0.001
                total += x * x / (1.0 + x)
            return total
        kernel_numba(10)
        return kernel_numba, 60

    @numba.njit(nogil=True, parallel=True)
    def kernel_parallel(n):
        total = 0.0
        for i in numba.prange(n):
            x = (i % 1000) * 0.001
            total += x * x / (1.0 + x)
        return total
    kernel_parallel(10)
    return kernel_parallel, 60


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=("python", "cython", "numba", "numba-parallel"), default="python")
    parser.add_argument("--n", type=int, default=3_000_000, help="iterations per thread for pure Python (native: x60)")
    parser.add_argument("--build", default="")
    args = parser.parse_args()
    fn, scale = load(args.impl, args.build)
    n = args.n * scale
    callers = 1 if args.impl == "numba-parallel" else 2
    if args.impl == "numba-parallel":
        n *= 2
    results = {}

    def run(name):
        t0 = time.perf_counter()
        results[name] = fn(n)  # KERNEL-CALL
        results[name + "-time"] = (t0, time.perf_counter())

    m0 = _truth.machine_sample()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=("caller-%d" % (i + 1),), name="caller-%d" % (i + 1)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t1 = time.perf_counter()
    cpu = time.process_time() - cpu0
    _truth.emit({"scenario": "nogil_kernels", "impl": args.impl, "n": n, "start": t0, "end": t1, "seconds": t1 - t0,
                 "cpu_seconds": cpu, "cores_used": cpu / (t1 - t0),
                 "threads": {t.name: t.native_id for t in threads}, "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
