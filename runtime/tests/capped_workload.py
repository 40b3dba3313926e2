"""The size cap's test workload (test_size_cap.py): four threads take one
lock in turn as fast as they can for --seconds, which records far more
than a small cap, then a child Python starts after the cap was reached
and writes its pid to --child-pid-file. Prints the same lines every run
and exits with status 3, so that a recorded run can be compared with a
bare one."""
import argparse
import subprocess
import sys
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0.6)
    parser.add_argument("--child-pid-file", required=True)
    options = parser.parse_args()
    lock = threading.Lock()
    taken = [0] * 4
    deadline = time.monotonic() + options.seconds

    def contend(index):
        # each takes the lock at least once, whenever a loaded machine first runs it, so that
        # the line printed is the same every run
        while True:
            with lock:
                taken[index] += 1
            if time.monotonic() >= deadline:
                break

    threads = [threading.Thread(target=contend, args=(i,), name="contender-%d" % i) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("%d threads took the lock" % sum(1 for n in taken if n))
    child = "import os, sys; open(sys.argv[1], 'w').write(str(os.getpid())); print('child ran')"
    sys.stdout.flush()
    subprocess.run([sys.executable, "-c", child, options.child_pid_file], check=True)
    sys.exit(3)


if __name__ == "__main__":
    main()
