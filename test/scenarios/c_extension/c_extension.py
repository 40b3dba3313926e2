"""A C extension that holds the GIL and one that releases it, around the same loop.

argv[1] is the folder holding the `spin` module (built by the test from
spin.c). Two phases, each with two threads started together and each
thread spinning in C for --seconds in calls of --call seconds:
  phase "hold":     threads hold-1, hold-2 call spin.hold()    (GIL kept);
  phase "release":  threads release-1, release-2 call spin.release()  (GIL dropped).

Expected (expected.json): in the hold phase the two threads take turns (each
holds the GIL about half the phase and waits for it the other half) and
the GIL-held time is at the HOLD-CALL line; in the release phase both run
side by side without the GIL, the released time at the RELEASE-CALL line,
and the phase takes half as long.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def spin_holding(spin, seconds, call):
    for _ in range(round(seconds / call)):
        spin.hold(call)  # HOLD-CALL


def spin_releasing(spin, seconds, call):
    for _ in range(round(seconds / call)):
        spin.release(call)  # RELEASE-CALL


def phase(name, target, spin, seconds, call):
    threads = [threading.Thread(target=target, args=(spin, seconds, call), name="%s-%d" % (name, i + 1)) for i in range(2)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"start": t0, "end": time.perf_counter(), "seconds": time.perf_counter() - t0,
            "threads": {t.name: t.native_id for t in threads}}


def main():
    sys.path.insert(0, sys.argv[1])
    import spin
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.6
    call = 0.02
    m0 = _truth.machine_sample()
    phases = {"hold": phase("hold", spin_holding, spin, seconds, call),
              "release": phase("release", spin_releasing, spin, seconds, call)}
    _truth.emit({"scenario": "c_extension", "seconds": seconds, "call": call, "phases": phases,
                 "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
