"""shared_objects.py -- threads writing one dict, then appending to one list.

WHAT IT DOES
    Four threads each update one shared dict --writes times with 256 keys
    (the line marked DICT-WRITE), then four threads each extend one shared
    list --writes times by 256 items (LIST-APPEND), clearing it now and then
    (LIST-CLEAR):
    each write holds the object long enough that a thread finding it busy
    parks rather than only spinning. On a build with a
    GIL they take turns; on a free-threaded build each write takes the
    object's own lock (a critical section), and threads that find it busy
    wait for it.

KNOWN ANSWER
    On a free-threaded build without a GIL: the dict and the list are the
    objects waited for, the dict's waits at DICT-WRITE and the list's at
    LIST-APPEND (or, when few, LIST-CLEAR). On a GIL build: GIL waits at
    those lines.

OUTPUT
    "dict: N keys", "list: done", then with GILSCOPE_TRUTH=1 one line
      GILSCOPE-TRUTH {"workload": "shared_objects", "markers": {...},
        "gil_enabled": ...}
"""
import argparse
import json
import os
import sys
import threading


def marker_lines():
    """{marker: [line numbers]} for code lines ending in '# MARKER'."""
    found = {}
    with open(os.path.abspath(__file__), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            code, _, comment = line.partition("#")
            tag = comment.strip()
            if code.strip() and tag in ("DICT-WRITE", "LIST-APPEND", "LIST-CLEAR"):
                found.setdefault(tag, []).append(number)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=5_000)
    args = parser.parse_args()
    shared = {}
    items = []

    batch = {key: key for key in range(256)}
    extra = list(range(256))

    def write_dict(k):
        for i in range(args.writes):
            shared.update(batch)  # DICT-WRITE

    def append_list(k):
        for i in range(args.writes):
            items.extend(extra)  # LIST-APPEND
            if i % 20 == 0:
                items.clear()  # LIST-CLEAR

    for work in (write_dict, append_list):
        start = threading.Barrier(4)  # the four start together, to overlap

        def target(k, work=work, start=start):
            start.wait()
            work(k)

        threads = [threading.Thread(target=target, args=(k,), name="%s-%d" % (work.__name__, k)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print("dict: %d keys" % len(shared))
    print("list: done")
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({
            "workload": "shared_objects", "markers": marker_lines(),
            "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)()}, sort_keys=True))


if __name__ == "__main__":
    main()
