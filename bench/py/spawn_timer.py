"""Times commands from spawn to exit, with their CPU time, for bench/startup.mjs.

    python -I -S spawn_timer.py < SPEC.json

SPEC: {"repeats": N, "arms": [{"argv": [...], "env": {...}}, ...]}. Runs each arm
once untimed (page cache, .pyc files), then the arms in a rotating order N times (arm k first in round k), each with its stdout and
stderr on /dev/null, and prints one JSON line: {"wall_ms": [[per run] per arm],
"cpu_ms": [[per run] per arm]}. Wall time is time.perf_counter() around
posix_spawn .. wait4; CPU time is the child's user + system time from wait4's
rusage (the kernel's own count, which other jobs on the machine do not
inflate the way they inflate wall time). A run that fails ends the timer
with exit status 1 and the failing command on stderr."""
import json
import os
import sys
import time


def run(arm):
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(arm["argv"][0], arm["argv"], arm["env"], file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(null)
    if status != 0:
        sys.stderr.write("spawn_timer: %s ended with wait status %d\n" % (" ".join(arm["argv"]), status))
        sys.exit(1)
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3


def main():
    spec = json.load(sys.stdin)
    arms = spec["arms"]
    wall = [[] for _ in arms]
    cpu = [[] for _ in arms]
    for arm in arms:
        run(arm)
    for i in range(spec["repeats"]):
        for k in range(len(arms)):
            a = (i + k) % len(arms)
            w, c = run(arms[a])
            wall[a].append(w)
            cpu[a].append(c)
    print(json.dumps({"wall_ms": wall, "cpu_ms": cpu}))


if __name__ == "__main__":
    main()
