"""A parent that starts many short-lived Pythons: --children `subprocess`
Pythons that print a line and exit, all started at once, then a fork Pool of
--workers that does little (a map of abs over a hundred numbers). What their
recording takes on disk is what bench/manyChildren.mjs measures.

    python many_children.py [--children 40] [--workers 4]

Prints "N children ran" and "the pool mapped M numbers", the same every run."""
import argparse
import multiprocessing
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--children", type=int, default=40)
    p.add_argument("--workers", type=int, default=4)
    args = p.parse_args()
    children = [subprocess.Popen([sys.executable, "-c", "print('child')"], stdout=subprocess.PIPE)
                for _ in range(args.children)]
    said = sum(1 for c in children if c.communicate()[0].strip() == b"child" and c.returncode == 0)
    print("%d children ran" % said)
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        mapped = pool.map(abs, range(-50, 50))
    print("the pool mapped %d numbers" % len(mapped))


if __name__ == "__main__":
    main()
