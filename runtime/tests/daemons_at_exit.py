"""Run by test_finalization.py, recorded: daemon threads contend for a Lock
(and so for the GIL) while the main thread returns. The runtime finalizes
with them waiting in take_gil; one that wakes then takes the GIL, sees it
must exit and lets the GIL go, and CPython's gil->last_holder names its
thread state, freed by the finalizer (3.12 shows it most)."""
import threading
import time

lock = threading.Lock()


def contend():
    while True:
        with lock:
            sum(range(50))


for _ in range(3):
    threading.Thread(target=contend, daemon=True).start()
time.sleep(0.05)
print("daemons_at_exit: main done", flush=True)
