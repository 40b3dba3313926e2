"""python -m gilscope.run [-o DIR] [--max-size SIZE] [--no-fallback] [--sample-hz N] [-m module | script.py] [args...]

Records a Python workload with this interpreter, without Node: every thread
of every Python process it starts, into DIR (a recording directory). Read it
with `gilscope report DIR`.

When the exact recorder cannot be built here (no C compiler, no internal
headers), the workload is sampled from outside instead (gilscope/sampler/),
after one line on stderr saying why and how to get exact recording;
--no-fallback refuses instead (exit status 2).

The recording stops at a size cap, 1 GiB unless --max-size says otherwise
(size_cap.py); the program runs on unrecorded, and one line says so."""
import argparse
import os
import sys
import time

from . import _build, recorder_notes, safefiles, sampler, session, size_cap


def _hz(text):
    try:
        return sampler.parse_hz(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error))


def _size(text):
    try:
        return size_cap.parse_size(text)
    except size_cap.SizeError as error:
        raise argparse.ArgumentTypeError(str(error))


_TAKES_A_VALUE = ("-o", "--output", "--max-size", "--sample-hz")


def _split_at_module(argv):
    """(our arguments, the module's) at `-m MODULE`: as with python -m, every
    word after the module's name is its own (`-m test -j1 test_thread`),
    which argparse would otherwise take for ours. (argv, None) without -m."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--" or not word.startswith("-"):
            return argv, None  # a script: argparse's REMAINDER keeps its arguments
        if word == "-m":
            return argv[:i + 2], argv[i + 2:]
        if word.startswith("-m") and not word.startswith("--"):
            return argv[:i + 1], argv[i + 1:]
        i += 2 if word in _TAKES_A_VALUE else 1
    return argv, None


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m gilscope.run",
        description="Record a Python workload's GIL and lock contention.")
    parser.add_argument("-o", "--output", help="recording directory (default: gilscope-<time>.gilscope)")
    parser.add_argument("--max-size", type=_size, default=size_cap.DEFAULT_CAP, metavar="SIZE", help=size_cap.HELP)
    parser.add_argument("--no-fallback", action="store_true",
                        help="fail (exit status 2) instead of sampling when exact recording is unavailable")
    parser.add_argument("--sample-hz", type=_hz, default=sampler.DEFAULT_HZ, metavar="N",
                        help="sampling rate when falling back to sampling (default %d)" % sampler.DEFAULT_HZ)
    parser.add_argument("-m", dest="module", help="run a library module as a script, like python -m; "
                        "what follows is the module's arguments")
    parser.add_argument("target", nargs=argparse.REMAINDER, help="script.py and its arguments")
    ours, module_args = _split_at_module(argv)
    options = parser.parse_args(ours)
    if module_args is not None:
        options.target = module_args
    if not options.module and not options.target:
        parser.error("name a script to record, e.g. python -m gilscope.run -o out.gilscope script.py")
    if options.target and options.target[0] == "--":
        options.target = options.target[1:]
    return options


def _say(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _script_problem(options):
    """Why the script cannot be run, before anything is made for it (None for -m: a module is found by Python)."""
    if options.module:
        return None
    script = options.target[0]
    if script == "-" or os.path.exists(script):
        return None
    return "cannot record %s: no such file; name the Python script to run" % script


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    output = options.output or time.strftime("gilscope-%Y%m%d-%H%M%S.gilscope")
    try:  # before anything is built or written, so that a bad -o costs nothing
        safefiles.check_output_folder(output)
    except safefiles.UnsafePath as error:
        _say("gilscope: %s" % error)
        return 2
    problem = _script_problem(options)
    if problem:
        _say("gilscope: %s" % problem)
        return 2
    sampling, handoff = None, None
    try:
        # Loaded here first, as each recorded process will load it: a probe
        # that cannot be loaded is said now, not found in errors-<pid>.txt later;
        # then handed to them checked (probe_handoff.py).
        _, handoff = _build.load_probe_for_handoff(_say)
    except _build.BuildError as error:
        unsupported = sampler.unsupported()
        if options.no_fallback or unsupported:
            _say("gilscope: cannot record exactly: %s%s; the workload was not started" % (
                error, "; and cannot sample: %s" % unsupported if unsupported and not options.no_fallback else ""))
            return 2
        sampling = {"hz": options.sample_hz, "reason": str(error)}
        _say(sampler.notice(error, options.sample_hz))
    try:
        directory = session.make_recording_dir(output)
    except safefiles.UnsafePath as error:
        _say("gilscope: %s" % error)
        return 2
    capped = sampling is None and options.max_size > 0  # the sampler writes kilobytes a second: no cap
    if capped:
        try:
            size_cap.create_budget(directory, options.max_size)
        except OSError as error:
            _say("gilscope: cannot create %s: %s; choose another -o"
                 % (os.path.join(directory, size_cap.BUDGET), safefiles.os_error_words(error)))
            return 2
    command = [sys.executable]
    if options.module:
        command += ["-m", options.module]
    command += options.target
    started = time.monotonic_ns()  # CLOCK_MONOTONIC, as the budget's moment
    code, signum = session.run(command, directory, sampling, handoff=handoff)
    reached = size_cap.reached_at(directory) if capped else None
    if reached is not None:
        _say(size_cap.capped_line(options.max_size, reached, started))
    unrecorded = recorder_notes.not_recorded_line(directory)
    if unrecorded:
        _say(unrecorded)
        if not recorder_notes.anything_recorded(directory):
            return 2
    session.exit_like(code, signum)


if __name__ == "__main__":
    sys.exit(main())
