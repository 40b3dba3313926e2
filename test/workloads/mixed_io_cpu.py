"""mixed_io_cpu.py -- the convoy effect: 1 CPU-bound thread starves 3 I/O threads.

WHAT IT DOES
    One pure-Python CPU-bound thread ("cpu") and --io-threads N (default 3)
    I/O threads ("io-0" ..) are released together by a threading.Barrier
    whose action sets a shared deadline (now + --seconds).  Until the
    deadline, each I/O thread repeats one tiny blocking I/O call (line
    marked IO-CALL), chosen by --io:
      sleep (default)  time.sleep(--latency-us / 1e6), 100 us: a blocking
                       call of fixed latency, like a fast disk or network
                       read.  The thread really blocks in the kernel, the
                       waiting CPU thread takes the GIL meanwhile, and when
                       the call returns the I/O thread must wait for a forced
                       switch -- one switch interval (sys.getswitchinterval(),
                       5 ms) -- to get the GIL back: the classic convoy
                       effect.  Each call takes ~5-6 ms instead of ~0.16 ms.
      devzero          os.read(fd, 1) on /dev/zero.  It releases the GIL too,
                       but read(2) returns in ~1 us, before a waiting thread
                       can wake up, so the reader usually takes the GIL straight
                       back: little convoy, and the split between the threads
                       depends on the Python version and the machine.  Use it
                       to count releases, not to check shares.
    With --no-cpu the CPU thread is not started: the baseline in which the
    I/O calls run at full speed.  Each I/O thread times its calls with
    time.perf_counter() (the span of the call includes re-taking the GIL).

KNOWN ANSWER (what a correct GIL profiler must report), --io sleep
    Over the window (truth window_start .. window_end, ~--seconds):
      * the "cpu" thread holds the GIL >= 85% of the window and waits for
        it < 15%;
      * each I/O thread waits for the GIL >= 80% of its run (it is released
        -- blocked in time.sleep -- only ~3%, and holds it < 5%): its GIL
        wait dominates;
      * each I/O thread acquires the GIL about truth "calls" times (one per
        call; ~250 for the defaults, vs ~9000 with --no-cpu), and most of
        those acquisitions had to wait for a forced switch;
      * truth io_seconds_per_call >= 2 ms (vs ~0.16 ms with --no-cpu).
    With --no-cpu: the GIL is held < 10% of the window; no thread waits for
    it more than 10%.
    With --io devzero: each I/O thread releases and re-acquires the GIL
    once per call (truth "calls"); no assertion on shares.
    The CPU thread's truth thread_cpu_seconds / window_seconds is an
    independent estimate of its GIL share.

KNOBS
    --io sleep|devzero  the I/O call (default sleep)
    --latency-us U     sleep length for --io sleep, microseconds (default 100)
    --io-threads N     I/O threads (default 3)
    --seconds S        run length (default 1.5)
    --no-cpu           do not start the CPU thread (baseline)
    --check-every K    CPU-loop iterations between deadline checks (1000)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line
      GILSCOPE-TRUTH {"workload": "mixed_io_cpu", "io_kind", "cpu": {"name",
        "native_id", "start", "end", "iterations", "thread_cpu_seconds"} or
        null, "io": [{"name", "native_id", "start", "end", "calls",
        "call_seconds", "thread_cpu_seconds"}], "io_calls",
        "io_seconds_per_call", "window_start", "window_end", ...}
    Times are time.perf_counter() seconds.  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.

Runs on CPython 3.8 .. 3.13 on Linux (--io devzero needs /dev/zero),
standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "sleep": {
        "cpu_thread_hold_fraction_min": 0.85,
        "cpu_thread_wait_fraction_max": 0.15,
        "io_thread_wait_fraction_min": 0.80,
        "io_thread_hold_fraction_max": 0.05,
        "io_seconds_per_call_min": 0.002,
    },
    "sleep_no_cpu": {"gil_held_fraction_max": 0.10,
                     "per_thread_gil_wait_fraction_max": 0.10},
    "devzero": {"gil_reacquisitions_per_io_thread": "truth calls"},
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
    p = argparse.ArgumentParser(description="1 CPU thread vs N tiny-I/O threads.")
    p.add_argument("--io", choices=("sleep", "devzero"), default="sleep",
                   help="the I/O call (sleep)")
    p.add_argument("--latency-us", type=float, default=100.0,
                   help="sleep length for --io sleep, us (100)")
    p.add_argument("--io-threads", type=int, default=3, help="I/O threads (3)")
    p.add_argument("--seconds", type=float, default=1.5, help="run length (1.5)")
    p.add_argument("--no-cpu", action="store_true", help="no CPU thread")
    p.add_argument("--check-every", type=int, default=1000,
                   help="CPU iterations between deadline checks (1000)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    n_io = args.io_threads
    with_cpu = not args.no_cpu
    shared = {}

    def set_deadline():
        now = time.perf_counter()
        shared["start"] = now
        shared["deadline"] = now + args.seconds

    barrier = threading.Barrier(n_io + (1 if with_cpu else 0), action=set_deadline)
    cpu_out = {}
    io_out = [None] * n_io
    devzero = args.io == "devzero"
    latency = args.latency_us / 1e6
    fds = [os.open("/dev/zero", os.O_RDONLY) if devzero else -1
           for _ in range(n_io)]

    def cpu_worker():
        barrier.wait()
        perf_counter = time.perf_counter
        deadline = shared["deadline"]
        check_every = args.check_every
        cpu0 = time.thread_time()
        start = perf_counter()
        acc = 0
        i = 0
        blocks = 0
        while True:
            for _ in range(check_every):  # CPU-LOOP
                acc += i * i  # CPU-LOOP
                i += 1  # CPU-LOOP
            blocks += 1
            if perf_counter() >= deadline:
                break
        end = perf_counter()
        cpu_out["cpu"] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "start": round(start, 6),
            "end": round(end, 6),
            "iterations": blocks * check_every,
            "thread_cpu_seconds": round(time.thread_time() - cpu0, 6),
        }

    def io_worker(idx):
        fd = fds[idx]
        read = os.read
        sleep = time.sleep
        barrier.wait()
        perf_counter = time.perf_counter
        deadline = shared["deadline"]
        cpu0 = time.thread_time()
        start = perf_counter()
        calls = 0
        call_seconds = 0.0
        now = start
        while now < deadline:
            if devzero:
                read(fd, 1)  # IO-CALL
            else:
                sleep(latency)  # IO-CALL
            t = perf_counter()
            call_seconds += t - now
            now = t
            calls += 1
        io_out[idx] = {
            "name": threading.current_thread().name,
            "native_id": threading.get_native_id(),
            "start": round(start, 6),
            "end": round(now, 6),
            "calls": calls,
            "call_seconds": round(call_seconds, 6),
            "thread_cpu_seconds": round(time.thread_time() - cpu0, 6),
        }

    threads = []
    if with_cpu:
        threads.append(threading.Thread(target=cpu_worker, name="cpu"))
    threads += [threading.Thread(target=io_worker, args=(k,), name="io-%d" % k)
                for k in range(n_io)]
    m0 = machine_sample()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    machine = machine_load(m0)
    for fd in fds:
        if fd >= 0:
            os.close(fd)

    ends = [r["end"] for r in io_out] + ([cpu_out["cpu"]["end"]] if with_cpu else [])
    window_start = shared["start"]
    window_end = max(ends)
    io_calls = sum(r["calls"] for r in io_out)
    io_call_seconds = sum(r["call_seconds"] for r in io_out)
    truth = base_truth("mixed_io_cpu")
    truth.update({
        "machine": machine,
        "n_io_threads": n_io,
        "with_cpu": with_cpu,
        "io_kind": args.io,
        "latency_us": args.latency_us if not devzero else None,
        "seconds": args.seconds,
        "window_start": round(window_start, 6),
        "window_end": round(window_end, 6),
        "window_seconds": round(window_end - window_start, 6),
        "cpu": cpu_out.get("cpu"),
        "io": io_out,
        "io_calls": io_calls,
        "io_call_seconds": round(io_call_seconds, 6),
        "io_seconds_per_call": (round(io_call_seconds / io_calls, 9)
                                if io_calls else None),
    })
    emit_truth(truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
