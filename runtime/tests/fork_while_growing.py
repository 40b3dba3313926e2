"""Run by test_fork_safety.py, recorded, with slow_fallocate.so preloaded and
CPU samples every millisecond: forks while the recorder's CPU sampling
thread is growing the recording (and so holds the recorder's segment lock),
and says whether the child exited.

32 threads asleep on an Event: each is sampled every millisecond, and those
samples, the sampling thread's records, are nearly all this process writes,
so it is that thread which grows the file. The fork is made by a thread
started just before, with the fork's path run once already (its names are
written): that thread has room in its chunk of the file, where a thread
needing a new chunk would wait for the same lock and fork only after it. Exit code 0 when the child exited within
20 s, 1 when it hung (it is then killed)."""
import json
import os
import sys
import threading
import time

announcements, announce = os.pipe()
done = threading.Event()
sleepers = [threading.Thread(target=done.wait) for _ in range(32)]
for s in sleepers:
    s.start()


children = []


def fork_and_wait():
    """True when the child exited within 20 s."""
    pid = os.fork()
    if pid == 0:
        threading.Event().wait(0.05)  # an exact record: the child's first, which makes its file
        os._exit(0)
    children.append(pid)
    deadline = time.monotonic() + 20
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return False
        time.sleep(0.01)
    return True


def fork_when_growing(result):
    os.read(announcements, 1)  # the sampling thread is growing the recording now
    result.append(fork_and_wait())


exited = fork_and_wait()  # the fork's path, its names written
os.environ["GILSCOPE_TEST_GROWING_FD"] = str(announce)
result = []
forker = threading.Thread(target=fork_when_growing, args=(result,))
forker.start()
forker.join()
exited = result[0] and exited
done.set()
for s in sleepers:
    s.join()
print("fork_while_growing: the child " + ("exited" if exited else "hung"))
print("GILSCOPE-TRUTH " + json.dumps({"children": children}))
sys.exit(0 if exited else 1)
