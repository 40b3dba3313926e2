"""A three-stage pipeline on concurrent.futures threads, with one slow stage.

parse -> queue.Queue(maxsize=8) -> transform -> queue.Queue(maxsize=8) -> write
Each stage runs in a ThreadPoolExecutor(3) worker (named pipeline_0, _1, _2)
and handles --items items. parse and write are cheap; transform burns
--slow-ms of pure-Python work per item (SLOW-STAGE). The queue in front of
transform fills, so parse blocks in put() (PARSE-PUT); write starves in
get() (WRITE-GET). The main thread waits on the three futures.

Expected (expected.json): transform holds the GIL ~all of its life; parse
spends most of its life blocked in put() at PARSE-PUT and write most of its
life blocked in get() at WRITE-GET; the slow stage, transform at
SLOW-STAGE, is named as the place to act.
"""
import argparse
import concurrent.futures
import os
import queue
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _truth  # noqa: E402

DONE = object()


def parse(out, items):
    for i in range(items):
        record = {"id": i, "text": "item %d" % i}
        out.put(record)  # PARSE-PUT
    out.put(DONE)


def burn(ms):
    end = time.perf_counter() + ms / 1000.0
    x = 0
    while time.perf_counter() < end:
        for i in range(200):
            x += i * i  # SLOW-STAGE
    return x


def transform(inp, out, slow_ms):
    while True:
        record = inp.get()  # TRANSFORM-GET
        if record is DONE:
            out.put(DONE)
            return
        record["score"] = burn(slow_ms)
        out.put(record)  # TRANSFORM-PUT


def write(inp):
    written = 0
    while True:
        record = inp.get()  # WRITE-GET
        if record is DONE:
            return written
        written += len(record["text"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--slow-ms", type=float, default=8.0)
    args = parser.parse_args()
    parsed, transformed = queue.Queue(maxsize=8), queue.Queue(maxsize=8)
    m0 = _truth.machine_sample()
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(3, thread_name_prefix="pipeline") as ex:
        futures = [ex.submit(parse, parsed, args.items), ex.submit(transform, parsed, transformed, args.slow_ms),
                   ex.submit(write, transformed)]
        for f in futures:
            f.result()  # WAIT-STAGES
    t1 = time.perf_counter()
    _truth.emit({"scenario": "pipeline", "items": args.items, "slow_ms": args.slow_ms, "start": t0, "end": t1,
                 "seconds": t1 - t0, "machine": _truth.machine_load(m0)}, __file__)


if __name__ == "__main__":
    main()
