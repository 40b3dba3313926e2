"""python -m gilscope.sampler --output DIR [--hz N] [--reason TEXT] [--session-file NAME] -- COMMAND...

Runs COMMAND (any program; its Python processes are recorded) and samples
it from outside into the recording directory DIR. This is how `gilscope
record` falls back when exact recording is unavailable; `python -m
gilscope.run` does the same in its own process. Prints one line on stderr
saying that it samples, at what rate and why; the workload's input, output
and exit status pass through unchanged.

When started by another launcher, that launcher writes session.json: pass
--session-file sampler.json so that this one's account (the workload's pid,
the rate, the sampler's own cost) goes beside it instead."""
import argparse
import sys

from .. import safefiles, session
from . import DEFAULT_HZ, notice, parse_hz, unsupported


def _hz(text):
    try:
        return parse_hz(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gilscope.sampler",
                                     description="Sample a workload's GIL states from outside.")
    parser.add_argument("-o", "--output", required=True, help="recording directory")
    parser.add_argument("--hz", type=_hz, default=DEFAULT_HZ, help="samples per second (default %d)" % DEFAULT_HZ)
    parser.add_argument("--reason", help="why exact recording is unavailable, for the one stderr line")
    parser.add_argument("--session-file", default="session.json", help="where to write the session (default session.json)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("name the command to sample after --")
    why_not = unsupported()
    if why_not:
        sys.stderr.write("gilscope: cannot sample here: %s\n" % why_not)
        return 2
    try:
        # Under another launcher (--session-file), the folder is that launcher's, made and checked already.
        directory = (safefiles.check_own_folder(options.output) if options.session_file != "session.json"
                     else session.make_recording_dir(options.output))
    except safefiles.UnsafePath as error:
        sys.stderr.write("gilscope: %s\n" % error)
        return 2
    sys.stderr.write(notice(options.reason, options.hz) + "\n")
    sys.stderr.flush()
    try:
        code, signum = session.run(command, directory, {"hz": options.hz, "reason": options.reason},
                                   launcher="python -m gilscope.sampler", session_file=options.session_file)
    except OSError as error:  # the command could not be started
        sys.stderr.write("gilscope: could not start '%s': %s\n" % (command[0], safefiles.os_error_words(error)))
        return 127
    session.exit_like(code, signum)


if __name__ == "__main__":
    sys.exit(main())
