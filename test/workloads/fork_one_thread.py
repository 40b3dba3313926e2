"""fork_one_thread.py -- os.fork() from a program with one thread, then with two.

From 3.12, os.fork() warns (DeprecationWarning, on stderr) when the process
has more than one thread. This program has one thread at its first fork and
two at its second, so bare it warns once, at the second (3.8 - 3.11: never).
Recorded, it must warn exactly as bare: the recorder's own threads are not
the program's (found by the stress harness, test/stress/stress.test.ts;
runtime/tests/test_fork_warning.py).

Prints the children's exit statuses; stderr has the one warning (3.12+).
"""
import os
import threading


def fork_and_wait(code):
    pid = os.fork()
    if pid == 0:
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status)


def main():
    print("one thread:", fork_and_wait(3), flush=True)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        print("two threads:", fork_and_wait(4), flush=True)
    finally:
        release.set()
        other.join()


if __name__ == "__main__":
    main()
