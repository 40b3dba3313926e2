"""mp_pool.py -- multiprocessing.Pool(2) mapping a CPU-bound pure-Python function.

WHAT IT DOES
    Creates multiprocessing.get_context(--start-method).Pool(--workers)
    (default: fork, 2 workers) and runs pool.map(burn, range(--tasks),
    chunksize=1) (default 16 tasks).  burn(k) is a pure-Python arithmetic
    loop of --loops iterations (default 2_000_000: ~50-120 ms per task
    depending on the Python version) and returns (k, checksum, worker pid,
    perf_counter start, end, thread CPU seconds).  The parent checks every
    checksum (exit status 1 on a mismatch).  The parent's main thread is
    blocked in map() meanwhile; the Pool's helper threads (worker handler,
    task handler, result handler) live in the parent.

KNOWN ANSWER (what a correct GIL profiler following children must report)
    * 1 parent process + --workers worker processes (truth worker_pids: the
      distinct pids that ran tasks; normally all of them), plus, with spawn
      and forkserver, multiprocessing's resource tracker and (forkserver)
      the fork server: Python processes that run no task.
    * Each worker's MainThread holds its own GIL >= 90% of the time it
      spends running tasks (truth per task: start/end; sum over its tasks:
      truth per_worker_task_seconds), with ~0 GIL wait -- one busy thread
      per process, nothing to contend with.
    * Exactly truth "tasks" tasks ran, spread over the workers (truth
      tasks_per_pid).
    * The parent's threads hold the GIL < 10% of the map (truth map_start ..
      map_end) and its MainThread is blocked (lock wait / released) >= 90%.
    * Both cores are busy during the map: sum of task CPU seconds /
      map_seconds >= 1.5 on an idle 2-core machine (truth cpu_cores_used).

KNOBS
    --start-method fork|spawn|forkserver|default   (default fork; "default":
                   the interpreter's own default, forkserver from 3.14 on Linux)
    --workers W        pool processes (default 2)
    --tasks T          tasks mapped (default 16)
    --loops L          iterations per task (default 2000000)

OUTPUT
    Nothing, except with GILSCOPE_TRUTH=1 one final stdout line (parent only)
      GILSCOPE-TRUTH {"workload": "mp_pool", "start_method", "workers",
        "tasks", "worker_pids", "tasks_per_pid", "per_worker_task_seconds",
        "map_start", "map_end", "map_seconds", "cpu_cores_used", "pool_seconds",
        "task_records": [[k, pid, start, end, cpu_seconds], ...], ...}
    Times are time.perf_counter() seconds (CLOCK_MONOTONIC on Linux, so
    comparable across the processes).  Exit status 0.
    "machine" = {cpus, span_seconds, foreign_cpu_seconds, foreign_cpus}: CPU
    that other processes used during the run (from /proc/stat); when
    foreign_cpus is above ~0.1 the share answers cannot be trusted.
    (Helper processes still alive at the end -- multiprocessing's
    resource tracker, the fork server -- count as foreign.)

Runs on CPython 3.8 .. 3.13, standard library only.
Note: on 3.12+ os.fork() warns (DeprecationWarning, hidden by default) if
the parent has more than one OS thread when the Pool forks; without a
profiler the parent is single-threaded at that point.
"""

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time

from _machine import machine_load, machine_sample  # noqa: E402  beside this file

# Machine-readable summary of the known answer (ast.literal_eval-able).
KNOWN_ANSWER = {
    "worker_processes": "workers",
    "worker_gil_held_fraction_of_task_time_min": 0.90,
    "parent_gil_held_fraction_max": 0.10,
    "parent_main_blocked_fraction_min": 0.90,
    "cpu_cores_used_min_on_2_cores": 1.5,
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
    p = argparse.ArgumentParser(description="multiprocessing.Pool map of CPU work.")
    p.add_argument("--start-method", choices=("fork", "spawn", "forkserver", "default"),
                   default="fork", help="(fork)")
    p.add_argument("--workers", type=int, default=2, help="pool processes (2)")
    p.add_argument("--tasks", type=int, default=16, help="tasks (16)")
    p.add_argument("--loops", type=int, default=2000000,
                   help="iterations per task (2000000)")
    return p.parse_args(argv)


def checksum(k, loops):
    """What burn((k, loops)) must return as acc: sum(i % 7 + k for i < loops)."""
    full, rest = divmod(loops, 7)
    return full * 21 + rest * (rest - 1) // 2 + k * loops


def burn(job):
    k, loops = job
    cpu0 = time.thread_time()
    start = time.perf_counter()
    acc = 0
    for i in range(loops):  # TASK-LOOP
        acc += i % 7 + k  # TASK-LOOP
    end = time.perf_counter()
    return (k, acc, os.getpid(), start, end, time.thread_time() - cpu0)


def main(argv=None):
    args = parse_args(argv)
    ctx = multiprocessing.get_context(None if args.start_method == "default" else args.start_method)
    jobs = [(k, args.loops) for k in range(args.tasks)]
    m0 = machine_sample()
    pool_start = time.perf_counter()
    with ctx.Pool(args.workers) as pool:
        map_start = time.perf_counter()
        results = pool.map(burn, jobs, chunksize=1)  # POOL-MAP
        map_end = time.perf_counter()
        pool.close()
        pool.join()
    pool_end = time.perf_counter()
    machine = machine_load(m0)

    ok = all(acc == checksum(k, args.loops) for (k, acc, _, _, _, _) in results)
    pids = sorted({r[2] for r in results})
    tasks_per_pid = {str(pid): sum(1 for r in results if r[2] == pid) for pid in pids}
    per_worker = {str(pid): round(sum(r[4] - r[3] for r in results if r[2] == pid), 6)
                  for pid in pids}
    task_cpu = sum(r[5] for r in results)
    truth = base_truth("mp_pool")
    truth.update({
        "machine": machine,
        "start_method": ctx.get_start_method(),
        "workers": args.workers,
        "tasks": len(results),
        "loops": args.loops,
        "checksum_ok": ok,
        "worker_pids": pids,
        "tasks_per_pid": tasks_per_pid,
        "per_worker_task_seconds": per_worker,
        "task_cpu_seconds": round(task_cpu, 6),
        "map_start": round(map_start, 6),
        "map_end": round(map_end, 6),
        "map_seconds": round(map_end - map_start, 6),
        "cpu_cores_used": round(task_cpu / (map_end - map_start), 3),
        "pool_seconds": round(pool_end - pool_start, 6),
        "task_records": [[r[0], r[2], round(r[3], 6), round(r[4], 6), round(r[5], 6)]
                         for r in results],
    })
    emit_truth(truth)
    if not ok:
        sys.stderr.write("mp_pool: checksum mismatch\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
