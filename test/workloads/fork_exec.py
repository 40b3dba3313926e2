"""fork_exec.py -- children that subprocess forks to exec another program.

WHAT IT DOES
    1. subprocess.run(["/bin/sleep", "0.2"], preexec_fn=...): the child runs
       Python (the preexec_fn: some arithmetic and a 50 ms sleep) between
       the fork and the exec of a program that is not Python -- as cluster
       engines start their daemons (Ray's raylet, GCS server).
    2. The same without preexec_fn.
    3. subprocess.run([sys.executable, "-c", ...], preexec_fn=...): the exec'd
       program is a Python, which records itself from its start.
    4. os.fork() and a child that runs Python and leaves with os._exit(0).

KNOWN ANSWER (what a correct recorder must deliver)
    Three recorded processes, one file each: the main one, the exec'd Python
    (one file for its pid, its own command line, not this script's), the
    os.fork child. The /bin/sleep children leave no file.

OUTPUT
    With GILSCOPE_TRUTH=1 the last stdout line is
      GILSCOPE-TRUTH {"workload": "fork_exec", "sleep_pids": [...],
        "python_pid": N, "fork_pid": N}

Standard library only; CPython 3.8+.
"""
import json
import os
import subprocess
import sys
import time


def before_exec():
    sum(range(100_000))
    time.sleep(0.05)


def main():
    sleeps = [subprocess.Popen(["/bin/sleep", "0.2"], preexec_fn=before_exec), subprocess.Popen(["/bin/sleep", "0.2"])]
    for p in sleeps:
        p.wait()
    python = subprocess.Popen([sys.executable, "-c", "print(sum(range(10**6)))"], preexec_fn=before_exec, stdout=subprocess.DEVNULL)
    python.wait()
    pid = os.fork()
    if pid == 0:
        sum(range(10**6))
        os._exit(0)
    os.waitpid(pid, 0)
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        truth = {"workload": "fork_exec", "sleep_pids": [p.pid for p in sleeps], "python_pid": python.pid, "fork_pid": pid}
        print("GILSCOPE-TRUTH " + json.dumps(truth), flush=True)


if __name__ == "__main__":
    main()
