"""Threads that C code starts take threading's locks, Conditions, Semaphores
and queues; one takes the GIL and never runs Python. Each must behave
recorded exactly as bare (runtime/tests/test_c_threads.py).

Needs the `cthreads` test extension (test/workloads/cext/cthreads.c) on
sys.path: the directory is the first argument.

Prints one line per case, then the truth line with GILSCOPE_TRUTH=1."""
import _thread
import json
import os
import queue
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import cthreads  # noqa: E402


def case_thread_module_lock():
    # _thread starts the thread straight into C: no Python frame at all
    lock = threading.Lock()
    done = threading.Event()
    _thread.start_new_thread(lambda: (lock.acquire(), done.set()), ())
    _thread.start_new_thread(lock.acquire, ())
    done.wait(5)
    deadline = time.monotonic() + 5
    while not lock.locked() and time.monotonic() < deadline:
        time.sleep(0.001)
    return lock.locked()


def case_lock():
    lock = threading.Lock()
    h = cthreads.call_in_c_thread(lock.acquire)
    got = cthreads.join(h)
    h = cthreads.call_in_c_thread(lock.release)
    cthreads.join(h)
    return got, lock.locked()


def case_contended_lock():
    lock = threading.Lock()
    lock.acquire()
    h = cthreads.call_in_c_thread(lock.acquire, True, 5)
    time.sleep(0.05)
    lock.release()
    got = cthreads.join(h)
    lock.release()
    return got


def case_rlock():
    rlock = threading.RLock()
    h = cthreads.call_in_c_thread(rlock.acquire)
    got = cthreads.join(h)
    # the C thread has ended holding it: another thread waits, and times out
    return got, rlock.acquire(timeout=0.05)


def case_condition():
    cond = threading.Condition()
    box = []

    def waiter():
        with cond:
            return cond.wait_for(lambda: box, 5)

    h = cthreads.call_in_c_thread(waiter)
    time.sleep(0.05)
    with cond:
        box.append(1)
        cond.notify_all()
    return cthreads.join(h)


def case_condition_c_acquire():
    cond = threading.Condition(threading.Lock())
    h = cthreads.call_in_c_thread(cond.acquire)
    got = cthreads.join(h)
    cond.release() if got else None
    return got


def case_semaphore():
    sem = threading.Semaphore(0)
    h = cthreads.call_in_c_thread(sem.acquire, True, 5)
    time.sleep(0.05)
    sem.release()
    return cthreads.join(h)


def case_bounded_semaphore_no_frame():
    sem = threading.BoundedSemaphore(1)
    h = cthreads.call_in_c_thread(sem.acquire)
    return cthreads.join(h)


def case_queue():
    q = queue.Queue()
    h = cthreads.call_in_c_thread(q.get, True, 5)
    time.sleep(0.05)
    q.put("item")
    return cthreads.join(h)


def case_simple_queue():
    q = queue.SimpleQueue()
    h = cthreads.call_in_c_thread(q.get, True, 5)
    time.sleep(0.05)
    q.put("simple")
    return cthreads.join(h)


def case_event():
    ev = threading.Event()
    h = cthreads.call_in_c_thread(ev.wait, 5)
    time.sleep(0.05)
    ev.set()
    return cthreads.join(h)


def case_no_python():
    for _ in range(20):
        cthreads.touch_gil_in_c_thread()
    return True


def case_released_work():
    threads = [threading.Thread(target=cthreads.spin_released, args=(0.05,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return True


CASES = [
    case_thread_module_lock, case_lock, case_contended_lock, case_rlock, case_condition,
    case_condition_c_acquire, case_semaphore, case_bounded_semaphore_no_frame, case_queue,
    case_simple_queue, case_event, case_no_python, case_released_work,
]


def main():
    for case in CASES:
        print("%s: %r" % (case.__name__, case()), flush=True)
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"cases": len(CASES)}), flush=True)


if __name__ == "__main__":
    main()
