"""Cooperative multitasking in one thread: generators, or greenlets.

--tasks tasks each do --steps steps of pure-Python work (the STEP-WORK
line); after every step a task yields control:
  --style generators  a round-robin scheduler over generator functions (`yield`);
  --style greenlet    greenlets switching to the scheduler's hub (greenlet.switch()).
Everything runs in the main thread: no thread waits for the GIL.

Expected (expected.json): one thread, holding the GIL ~all the time, no GIL
waits and no lock waits; the advice is not "add threads" (threads would
only take turns on the same GIL).
"""
import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402


def step(state):
    for i in range(2000):
        state = (state * 31 + i) % 1000003  # STEP-WORK
    return state


def run_generators(tasks, steps):
    def task(seed):
        state = seed
        for _ in range(steps):
            state = step(state)
            yield  # YIELD
        return state

    ready = collections.deque(task(k) for k in range(tasks))
    switches = 0
    while ready:
        g = ready.popleft()
        try:
            next(g)
            switches += 1
            ready.append(g)
        except StopIteration:
            pass
    return switches


def run_greenlets(tasks, steps):
    import greenlet
    hub = greenlet.getcurrent()
    switches = [0]

    def task(seed):
        state = seed
        for _ in range(steps):
            state = step(state)
            hub.switch()  # SWITCH
        return state

    ready = collections.deque(greenlet.greenlet(task) for _ in range(tasks))
    seeds = {id(g): k for k, g in enumerate(ready)}
    while ready:
        g = ready.popleft()
        g.switch(seeds[id(g)]) if not g else g.switch()
        switches[0] += 1
        if not g.dead:
            ready.append(g)
    return switches[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", choices=("generators", "greenlet"), default="generators")
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    m0 = _truth.machine_sample()
    t0 = time.perf_counter()
    switches = (run_generators if args.style == "generators" else run_greenlets)(args.tasks, args.steps)
    t1 = time.perf_counter()
    _truth.emit({"scenario": "cooperative", "style": args.style, "switches": switches, "start": t0, "end": t1,
                 "seconds": t1 - t0, "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
