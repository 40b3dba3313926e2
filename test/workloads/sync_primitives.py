"""sync_primitives.py -- one wait of each kind the lock profiler knows.

WHAT IT DOES
    In turn, each phase making one thread wait about --wait-ms (default 80):
      semaphore  a worker blocks in Semaphore.acquire while main holds the only unit
      bounded    the same with a BoundedSemaphore
      event      a worker blocks in Event.wait until main sets it
      future     main blocks in Future.result() on a slow task of a ThreadPoolExecutor
      wait       main blocks in concurrent.futures.wait() on a slow task
      completed  main iterates as_completed() over a slow task
      join       main blocks in Thread.join() on a sleeping thread
      mplock     a child process blocks on a multiprocessing.Lock the parent holds

KNOWN ANSWER (what a correct lock profiler must report)
    * One wait per phase, at the line marked for it (truth "markers": the
      lines tagged WAIT-<PHASE>), lasting about --wait-ms (at least 70% of
      it), of the matching kind: semaphore and bounded -> an acquire of a
      Semaphore / BoundedSemaphore made at its CREATE-<PHASE> line; event ->
      an Event wait; future, wait, completed -> future waits; join -> a
      thread join; mplock -> an acquire of a multiprocessing lock, recorded
      in the child process that waited.
"""
import argparse
import concurrent.futures
import json
import multiprocessing
import os
import threading
import time

WAIT = 0.08
MEASURED = {}  # marker -> the seconds the waiting call took, measured around it here


def measured(marker, since):
    MEASURED[marker] = max(MEASURED.get(marker, 0.0), time.perf_counter() - since)


def hold_then_release(primitive, seconds):
    time.sleep(seconds)
    primitive.release()


def phase_semaphore():
    sem = threading.Semaphore(1)  # CREATE-SEMAPHORE
    sem.acquire()
    def take():
        t0 = time.perf_counter()
        sem.acquire()  # WAIT-SEMAPHORE
        measured("WAIT-SEMAPHORE", t0)
        sem.release()

    t = threading.Thread(target=take)
    t.start()
    time.sleep(WAIT)
    sem.release()
    t.join()


def phase_bounded():
    sem = threading.BoundedSemaphore(1)  # CREATE-BOUNDED
    sem.acquire()
    def take():
        t0 = time.perf_counter()
        sem.acquire()  # WAIT-BOUNDED
        measured("WAIT-BOUNDED", t0)
        sem.release()

    t = threading.Thread(target=take)
    t.start()
    time.sleep(WAIT)
    sem.release()
    t.join()


def phase_event():
    event = threading.Event()  # CREATE-EVENT
    def wait():
        t0 = time.perf_counter()
        event.wait()  # WAIT-EVENT
        measured("WAIT-EVENT", t0)

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(WAIT)
    event.set()
    t.join()


def phase_futures(pool):
    # The waiter calls after the sleeper has begun: on a loaded machine the call can come
    # when the sleep is nearly over, or over. Each wait is tried again (up to 3 times) until
    # it lasted half of WAIT; MEASURED keeps the longest.
    for _ in range(3):
        future = pool.submit(time.sleep, WAIT)
        t0 = time.perf_counter()
        future.result()  # WAIT-FUTURE
        measured("WAIT-FUTURE", t0)
        if MEASURED["WAIT-FUTURE"] >= WAIT / 2:
            break
    for _ in range(3):
        future = pool.submit(time.sleep, WAIT)
        t0 = time.perf_counter()
        concurrent.futures.wait([future])  # WAIT-WAIT
        measured("WAIT-WAIT", t0)
        if MEASURED["WAIT-WAIT"] >= WAIT / 2:
            break
    for _ in range(3):
        future = pool.submit(time.sleep, WAIT)
        t0 = time.perf_counter()
        for _ in concurrent.futures.as_completed([future]):  # WAIT-COMPLETED
            pass
        measured("WAIT-COMPLETED", t0)
        if MEASURED["WAIT-COMPLETED"] >= WAIT / 2:
            break


def phase_join():
    for _ in range(3):  # as phase_futures
        t = threading.Thread(target=time.sleep, args=(WAIT,))
        t.start()
        t0 = time.perf_counter()
        t.join()  # WAIT-JOIN
        measured("WAIT-JOIN", t0)
        if MEASURED["WAIT-JOIN"] >= WAIT / 2:
            break


def child_takes(lock):
    lock.acquire()  # WAIT-MPLOCK
    lock.release()


def phase_mplock():
    ctx = multiprocessing.get_context("fork")
    lock = ctx.Lock()  # CREATE-MPLOCK
    lock.acquire()
    child = ctx.Process(target=child_takes, args=(lock,))
    child.start()
    time.sleep(WAIT + 0.2)  # the child starts and blocks
    lock.release()
    child.join()
    return child.pid


def markers():
    found = {}
    with open(__file__) as f:
        for number, line in enumerate(f, 1):
            tag = line.rsplit("# ", 1)[-1].strip() if "# " in line else ""
            if tag.startswith(("WAIT-", "CREATE-")) and tag.replace("-", "").isalpha():
                found[tag] = number
    return found


def main():
    global WAIT
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait-ms", type=float, default=80)
    args = parser.parse_args()
    WAIT = args.wait_ms / 1000
    phase_semaphore()
    phase_bounded()
    phase_event()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        phase_futures(pool)
    phase_join()
    child = phase_mplock()
    print("sync_primitives: done")
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "sync_primitives", "wait_seconds": WAIT,
                                              "measured": {k: round(v, 6) for k, v in MEASURED.items()},
                                              "markers": markers(), "mplock_child": child}, sort_keys=True))


if __name__ == "__main__":
    main()
