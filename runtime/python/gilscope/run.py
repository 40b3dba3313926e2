"""python -m gilscope.run [-o DIR] [-m module | script.py] [args...]

Records a Python workload with this interpreter, without Node: every thread
of every Python process it starts, into DIR (a recording directory). Read it
with `gilscope report DIR`."""
import argparse
import os
import sys
import time

from . import _build, session


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m gilscope.run",
        description="Record a Python workload's GIL and lock contention.")
    parser.add_argument("-o", "--output", help="recording directory (default: gilscope-<time>.gilscope)")
    parser.add_argument("-m", dest="module", help="run a library module as a script, like python -m")
    parser.add_argument("target", nargs=argparse.REMAINDER, help="script.py and its arguments")
    options = parser.parse_args(argv)
    if not options.module and not options.target:
        parser.error("name a script to record, e.g. python -m gilscope.run -o out.gilscope script.py")
    if options.target and options.target[0] == "--":
        options.target = options.target[1:]
    return options


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    output = options.output or time.strftime("gilscope-%Y%m%d-%H%M%S.gilscope")
    try:
        _build.ensure_probe()
    except _build.BuildError as error:
        sys.stderr.write("gilscope: cannot record exactly: %s\n" % error)
        return 2
    directory = session.make_recording_dir(output)
    command = [sys.executable]
    if options.module:
        command += ["-m", options.module]
    command += options.target
    code, signum = session.run(command, directory)
    session.exit_like(code, signum)


if __name__ == "__main__":
    sys.exit(main())
