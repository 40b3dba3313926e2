"""python -m gilscope.prepare: builds (or finds) the probe for this
interpreter before a workload starts, so that the first recorded process
does not pay for the compile, and a missing compiler or headers is reported
before anything runs. Prints one JSON object on stdout; exit status 2 and a
one-line reason on stderr when exact recording is not possible here."""
import json
import sys

from . import _build


def main():
    try:
        probe = _build.ensure_probe()
    except _build.BuildError as error:
        sys.stderr.write("gilscope: cannot record %s exactly: %s\n" % (sys.executable, error))
        return 2
    json.dump({
        "probe": probe,
        "executable": sys.executable,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "build": _build.build_description(),
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
